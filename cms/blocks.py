"""StreamField blocks of the public site, and the sanitiser every rich text passes through before it is saved."""

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamValue
from wagtail.blocks.struct_block import StructBlockValidationError, StructValue
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

STEP_FEATURES = ["bold", "italic", "link", "ol", "ul"]
BODY_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]

# --- Sanitising rich text set from code or imports -------------------------------------------------------------
# The editor only produces clean HTML; text that arrives another way is reduced to the same small vocabulary.
ALLOWED_TAGS = {"p", "br", "h2", "h3", "h4", "b", "strong", "i", "em", "a", "ul", "ol", "li", "embed", "hr"}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "noscript", "template", "svg", "math", "form"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
}
SAFE_SCHEMES = {"", "http", "https", "mailto", "tel"}
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _safe_url(value: str) -> bool:
    scheme = urlsplit(_CONTROL.sub("", value)).scheme.lower()
    return scheme in SAFE_SCHEMES


def sanitise_html(html: str) -> str:
    """Keep the editor's tags and attributes only: no scripts, no event handlers, no ``javascript:`` links."""
    if not html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        name = tag.name.lower()
        if name in DROPPED_WITH_CONTENT:
            tag.decompose()
            continue
        if name not in ALLOWED_TAGS:
            tag.unwrap()
            continue
        allowed = ALLOWED_ATTRIBUTES.get(name, set())
        for attribute in list(tag.attrs):
            if attribute.lower() not in allowed:
                del tag.attrs[attribute]
        if name == "a" and "href" in tag.attrs and not _safe_url(tag["href"]):
            del tag.attrs["href"]
        if name == "embed" and "url" in tag.attrs and not _safe_url(tag["url"]):
            del tag.attrs["url"]
    return str(soup)


def sanitise_value(value) -> None:
    """Sanitise, in place, every rich text inside a StreamField value (blocks, lists and structs nested)."""
    if isinstance(value, RichText):
        value.source = sanitise_html(value.source)
    elif isinstance(value, StreamValue):
        for child in value:
            sanitise_value(child.value)
    elif isinstance(value, ListValue):
        for item in value:
            sanitise_value(item)
    elif isinstance(value, StructValue):
        for item in value.values():
            sanitise_value(item)


# --- Blocks ----------------------------------------------------------------------------------------------------
class StepBlock(blocks.StructBlock):
    """One numbered step: what to do, and optionally a screenshot that must carry alt text."""

    heading = blocks.CharBlock(label=_("heading"), max_length=200)
    text = blocks.RichTextBlock(label=_("text"), features=STEP_FEATURES)
    image = ImageChooserBlock(label=_("screenshot"), required=False)
    alt = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        max_length=300,
        help_text=_("What the screenshot shows, for people who cannot see it. Required with a screenshot."),
    )

    def clean(self, value):
        value = super().clean(value)
        if value.get("image") and not (value.get("alt") or "").strip():
            raise StructBlockValidationError(
                block_errors={"alt": ValidationError(_("Describe the screenshot: alternative text is required."))}
            )
        return value

    class Meta:
        icon = "list-ol"
        label = _("Step")
        template = "cms/blocks/step.html"


class CalloutBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(label=_("text"), features=STEP_FEATURES)

    class Meta:
        icon = "help"
        template = "cms/blocks/callout.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=300)
    answer = blocks.RichTextBlock(label=_("answer"), features=STEP_FEATURES)


class FaqBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    questions = blocks.ListBlock(FaqItemBlock(), label=_("questions"))

    class Meta:
        icon = "help"
        label = _("Frequently asked questions")
        template = "cms/blocks/faq.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("video URL"), max_width=800)
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(label=_("alternative text"), max_length=300)
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/figure.html"


class GuideStreamBlock(blocks.StreamBlock):
    step = StepBlock()
    tip = CalloutBlock(label=_("Tip"), group=_("Callouts"))
    warning = CalloutBlock(label=_("Warning"), group=_("Callouts"))
    video = VideoBlock()
    faq = FaqBlock()


class NewsStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=BODY_FEATURES)
    image = FigureBlock()
