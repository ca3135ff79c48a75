"""English mode never declares Vietnamese text English (WCAG 3.1.1, 3.1.2).

Pages are written in Vietnamese only. In English mode the interface is English (``<html lang="en">``), every
element holding page text carries ``lang="vi"``, interface text inside it carries ``lang="en"``, and the visitor is
told in English that the page exists in Vietnamese only. Checked on every public page type, text node by text node:
Vietnamese letters only under an effective ``lang="vi"`` (unit names, proper names, aside), English words only under
an effective ``lang="en"``.
"""

import datetime
import re

import pytest
from bs4 import BeautifulSoup, NavigableString
from django.conf import settings
from django.urls import reverse

from cms.demo.content import demo_pages_load
from cms.models import (
    CampaignPage,
    DocumentLibraryPage,
    GuideIndexPage,
    GuidePage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    TrainingCalendarPage,
)
from tests.cms.test_site_pages import _close_rendition_buffers  # noqa: F401 (autouse fixture)
from tests.factories.campaigns import tanh_linh_2022
from tests.factories.trainings import TrainingSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

# Letters that occur in Vietnamese and never in English text.
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
# Words of the English interface that Vietnamese text never contains.
ENGLISH = re.compile(
    r"\b(the|of|and|this|for|Step|Register|Registration|Contents|Last updated|useful|Upcoming|classes|Documents|"
    r"Print|Search|Tip|Warning|Source|Tags|Campaign|Share|target|Progress)\b"
)
# Unit names are proper names (WCAG 3.1.2 exempts them): "Xã Tánh Linh", "Huyện Tánh Linh".
UNIT_NAME = re.compile(r"\b(?:Xã|Huyện|Phường|Tỉnh|Thành phố|Thị trấn|Thị xã|Quận)(?: [A-ZÀ-ỸĐ][\wÀ-ỹ]*)+")
SKIPPED = {"script", "style", "title", "option", "textarea"}


def _effective_lang(node) -> str:
    for parent in node.parents:
        if parent.name and parent.get("lang"):
            return parent["lang"]
    return ""


def mislabelled(html: str) -> list[tuple[str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for text in soup.body.find_all(string=True):
        if not isinstance(text, NavigableString) or text.parent.name in SKIPPED:
            continue
        value = " ".join(text.split())
        if not value:
            continue
        lang = _effective_lang(text)
        if lang != "vi" and VIETNAMESE.search(UNIT_NAME.sub("", value)):
            problems.append((lang, value))
        if lang == "vi" and ENGLISH.search(value):
            problems.append((lang, value))
    return problems


@pytest.fixture
def site():
    demo_pages_load()
    home = HomePage.objects.get()
    campaign = tanh_linh_2022("tanh-linh-thu-lang", datetime.date(2099, 12, 31), name="Tánh Linh thử")
    home.add_child(instance=CampaignPage(title="Chiến dịch thử ngôn ngữ", slug="chien-dich-thu", campaign=campaign))
    TrainingSessionFactory(title="Lớp học nộp hồ sơ", campaign=campaign)
    return home


PAGE_TYPES = [
    HomePage,
    GuideIndexPage,
    GuidePage,
    NewsIndexPage,
    NewsPage,
    CampaignPage,
    TrainingCalendarPage,
    DocumentLibraryPage,
]


def _urls(home):
    urls = []
    for model in PAGE_TYPES:
        page = model.objects.live().descendant_of(home, inclusive=True).first()
        assert page is not None, model
        urls.append(page.url)
    urls.append(reverse("search") + "?q=ho+so")
    return urls


def test_every_public_page_type_in_english_keeps_vietnamese_text_vietnamese(client, site):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in _urls(site):
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html, url
        assert mislabelled(html) == [], url
        if url.startswith("/tim-kiem/"):
            assert "found are written in Vietnamese only" in html
            continue
        assert "This page is written in Vietnamese only" in html, url


def test_in_vietnamese_everything_is_vietnamese_and_nothing_is_relabelled(client, site):
    for url in _urls(site):
        html = client.get(url).content.decode()
        assert '<html lang="vi">' in html, url
        body = html[html.index("<body") :]
        assert ' lang="' not in body, url  # one language: no element needs its own
        assert "This page is written in Vietnamese only" not in html and "Trang này chỉ có bản tiếng Việt" not in html


def test_the_check_itself_catches_mislabelled_text():
    assert mislabelled('<html lang="en"><body><p>Đăng ký</p></body></html>') == [("en", "Đăng ký")]
    assert mislabelled('<html lang="en"><body><p lang="vi">Step 1 of the guide</p></body></html>')
    assert mislabelled('<html lang="en"><body><p lang="vi">Đăng ký <b lang="en">Step 1</b></p></body></html>') == []
    assert mislabelled('<html lang="en"><body><p>Classes in Xã Tánh Linh</p></body></html>') == []
