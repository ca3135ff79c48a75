"""The language of the site's content, apart from the language of its interface.

Pages are written in Vietnamese only (the project has no translated page trees): in English mode the interface is
English but every page's own text stays Vietnamese. Templates mark the two apart so that ``lang`` always matches the
text (WCAG 3.1.1 and 3.1.2): ``<html lang>`` is the interface language, and elements holding page content carry
``{{ content_lang_attr }}`` (`` lang="vi"`` in English mode, nothing otherwise); English interface text inside such an
element carries ``{{ chrome_lang_attr }}``. An English visitor is told, in English, that the content is Vietnamese.
"""

from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe


def content_language() -> str:
    return getattr(settings, "CONTENT_LANGUAGE", settings.LANGUAGE_CODE)


def lang_attributes(language: str | None = None) -> dict:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    content = content_language()
    if language == content:
        return {"content_lang_attr": "", "chrome_lang_attr": "", "content_is_translated": True}
    return {
        "content_lang_attr": mark_safe(f' lang="{content}"'),  # noqa: S308 - a language code from settings
        "chrome_lang_attr": mark_safe(f' lang="{language}"'),  # noqa: S308 - an available language code
        "content_is_translated": False,
    }


def languages(request) -> dict:
    """Context processor: the ``lang`` attributes above, in every template."""
    return lang_attributes(getattr(request, "LANGUAGE_CODE", None))
