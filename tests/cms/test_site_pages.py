import datetime
import io
import tempfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.blocks import StreamValue
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.test.utils import WagtailPageTestCase

from campaigns.models import Campaign, DossierStatistic
from cms.blocks import GuideStreamBlock, StepBlock, sanitise_html
from cms.demo.content import demo_pages_load
from cms.models import (
    CampaignPage,
    DocumentLibraryPage,
    GuideIndexPage,
    GuidePage,
    GuideRelatedLink,
    HomePage,
    NewsIndexPage,
    NewsPage,
    TrainingCalendarPage,
)
from outreach_media.models import MediaItem
from tests.factories.campaigns import hanoi_2022, tanh_linh_2022
from tests.factories.trainings import TrainingSessionFactory
from tests.factories.users import unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.fixture(autouse=True)
def _close_rendition_buffers(monkeypatch):
    """Wagtail never closes the temporary file a rendition is generated into (a ResourceWarning, an error
    here); keep them and close them after the test."""
    opened = []

    def spooled(*args, **kwargs):
        buffer = tempfile.SpooledTemporaryFile(*args, **kwargs)  # noqa: SIM115 (closed at teardown)
        opened.append(buffer)
        return buffer

    monkeypatch.setattr("wagtail.images.models.SpooledTemporaryFile", spooled)
    yield
    for buffer in opened:
        buffer.close()


EVIL = (
    '<p>Xin chào<script>alert(1)</script><img src="x" onerror="alert(2)">'
    '<a href="javascript:alert(3)" onclick="alert(4)">bấm</a>'
    '<a href=" JaVaScRiPt:alert(5)">nữa</a><a href="https://dichvucong.gov.vn">cổng</a></p>'
)


class TestCreationRules(WagtailPageTestCase):
    def test_home_takes_the_section_pages(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {GuideIndexPage, NewsIndexPage, CampaignPage, TrainingCalendarPage, DocumentLibraryPage},
        )

    def test_guides_live_under_the_guide_index_only(self):
        self.assertAllowedParentPageTypes(GuidePage, {GuideIndexPage})
        self.assertCanCreateAt(GuideIndexPage, GuidePage)
        self.assertCanNotCreateAt(HomePage, GuidePage)
        self.assertAllowedSubpageTypes(GuidePage, {})

    def test_news_live_under_the_news_index_only(self):
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertCanNotCreateAt(GuideIndexPage, NewsPage)

    def test_leaf_pages_have_no_children(self):
        for model in (CampaignPage, TrainingCalendarPage, DocumentLibraryPage):
            self.assertAllowedParentPageTypes(model, {HomePage})
            self.assertAllowedSubpageTypes(model, {})


def _image(title="Ảnh chụp màn hình"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 360), "#336699").save(buffer, format="PNG")
    return get_image_model().objects.create(title=title, file=ContentFile(buffer.getvalue(), name="shot.png"))


def _document(title="Sổ tay Hòa Thuận"):
    return get_document_model().objects.create(title=title, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="so-tay.pdf"))


@pytest.fixture
def home():
    return HomePage.objects.get()


@pytest.fixture
def guide_index(home):
    page = GuideIndexPage(title="Hướng dẫn", slug="huong-dan")
    home.add_child(instance=page)
    return page


@pytest.fixture
def guide(guide_index):
    image = _image()
    steps = [
        {
            "type": "step",
            "value": {"heading": "Mở cổng", "text": "<p>Vào trang.</p>", "image": image.pk, "alt": "Nút đăng nhập"},
        },
        {"type": "tip", "value": {"text": "<p>Mẹo hay nhất.</p>"}},
        {"type": "step", "value": {"heading": "Đăng nhập", "text": "<p>Chọn VNeID.</p>", "image": None, "alt": ""}},
        {"type": "warning", "value": {"text": "<p>Không lộ mã OTP.</p>"}},
        {
            "type": "faq",
            "value": {"heading": "", "questions": [{"question": "Quên mật khẩu?", "answer": "<p>Chọn quên.</p>"}]},
        },
    ]
    page = GuidePage(
        title="Dịch vụ công trực tuyến cho mọi nhà",
        slug="dvc",
        intro="Tóm tắt.",
        applies_to="Đăng ký khai sinh",
        audience="Cha mẹ",
        steps=steps,
        handbook=_document(),
        search_description="Mô tả ngắn",
    )
    guide_index.add_child(instance=page)
    other = GuidePage(title="Thanh toán phí", slug="phi")
    guide_index.add_child(instance=other)
    GuideRelatedLink.objects.create(page=page, guide=other, sort_order=0)
    return page


def test_guide_renders_its_blocks_in_order_with_numbers(client, guide):
    response = client.get(guide.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    steps = html[html.index('<div class="steps">') :]  # after the contents list
    assert steps.index("Mở cổng") < steps.index("Mẹo hay nhất") < steps.index("Đăng nhập") < steps.index("Không lộ")
    assert "Step 1" in html or "Bước 1" in html
    assert "Step 2" in html or "Bước 2" in html
    assert 'alt="Nút đăng nhập"' in html
    assert ".webp" in html and 'width="' in html and 'height="' in html
    assert "Quên mật khẩu?" in html and "<details>" in html
    assert "callout-warning" in html and "callout-tip" in html
    assert "Đăng ký khai sinh" in html and "Cha mẹ" in html
    assert guide.handbook.url in html
    assert "Thanh toán phí" in html  # related guide
    assert '<meta name="description" content="Mô tả ngắn">' in html
    assert 'property="og:title"' in html and 'property="og:url"' in html


def test_guide_page_stays_within_fifteen_queries(client, guide, django_assert_max_num_queries):
    client.get(guide.url)  # warm the site root and rendition caches as a server would be
    with django_assert_max_num_queries(15):
        assert client.get(guide.url).status_code == 200


def test_a_screenshot_without_alt_text_is_invalid():
    image = _image()
    block = StepBlock()
    value = block.to_python({"heading": "Bước", "text": "<p>x</p>", "image": image.pk, "alt": "  "})
    with pytest.raises(ValidationError):
        block.clean(value)
    block.clean(block.to_python({"heading": "Bước", "text": "<p>x</p>", "image": None, "alt": ""}))
    stream = GuideStreamBlock()
    with pytest.raises(ValidationError):
        stream.clean(
            stream.to_python(
                [{"type": "step", "value": {"heading": "B", "text": "<p>x</p>", "image": image.pk, "alt": ""}}]
            )
        )


def test_news_needs_alt_text_with_its_image(home):
    index = NewsIndexPage(title="Tin", slug="tin")
    home.add_child(instance=index)
    with pytest.raises(ValidationError):
        index.add_child(instance=NewsPage(title="Ảnh", slug="anh", image=_image(), image_alt=""))


@pytest.mark.parametrize("needle", ["<script", "alert(1)", "onerror", "onclick", "javascript:", "JaVaScRiPt"])
def test_rich_text_set_in_code_is_sanitised(client, guide_index, needle):
    guide_index.intro = EVIL
    guide_index.save_revision().publish()
    guide = GuidePage(
        title="Bẩn",
        slug="ban",
        steps=[
            {"type": "step", "value": {"heading": "B", "text": EVIL, "image": None, "alt": ""}},
            {"type": "faq", "value": {"heading": "", "questions": [{"question": "Q", "answer": EVIL}]}},
        ],
    )
    guide_index.add_child(instance=guide)
    for url in (guide_index.url, guide.url):
        html = client.get(url).content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        assert needle not in main
        assert "Xin chào" in main and 'href="https://dichvucong.gov.vn"' in main
    assert needle not in GuidePage.objects.get(pk=guide.pk).steps.raw_data.__repr__()


def test_sanitiser_keeps_the_editor_vocabulary():
    html = (
        '<p><b>Đậm</b> <a linktype="page" id="3">trang</a> <embed embedtype="image" id="1" format="left" alt="x"/></p>'
    )
    clean = sanitise_html(html)
    for kept in ("<b>Đậm</b>", 'linktype="page"', 'id="3"', 'embedtype="image"', 'format="left"', 'alt="x"'):
        assert kept in clean
    assert sanitise_html('<p style="color:red" class="x">a</p>') == "<p>a</p>"
    assert sanitise_html("<div><span>chữ</span></div>") == "chữ"


def _campaign_with_figures():
    return tanh_linh_2022("tanh-linh-thu", datetime.date(2022, 12, 31), name="Tánh Linh thử")


def test_campaign_page_shows_progress_chart_and_classes(client, home):
    campaign = _campaign_with_figures()
    page = CampaignPage(title="Chiến dịch Tánh Linh", slug="tanh-linh", campaign=campaign)
    home.add_child(instance=page)
    TrainingSessionFactory(title="Lớp công khai sắp tới", campaign=campaign)
    TrainingSessionFactory(title="Lớp nội bộ", campaign=campaign, is_public=False)
    html = client.get(page.url).content.decode()
    # June's rate against the default target, due at the end of the campaign (12/2022): not yet due in June.
    assert "Tỷ lệ hồ sơ nộp trực tuyến tháng 06/2022: 60,0 %; mục tiêu 30 % vào 31/12/2022 — chưa đến hạn." in html
    assert "<svg" in html and '<title id="chart-title">' in html and '<desc id="chart-desc">' in html
    assert '<th scope="row">01/2022</th><td>10</td><td>100</td><td>10,0 %</td>' in html
    assert "Lớp công khai sắp tới" in html and "Lớp nội bộ" not in html
    assert ".png" not in html


def test_campaign_page_shows_the_stored_impact_summary_in_plain_words(client, home):
    from campaigns.models import ImpactResult

    campaign = _campaign_with_figures()
    page = CampaignPage(title="Chiến dịch Tánh Linh", slug="tanh-linh", campaign=campaign)
    home.add_child(instance=page)
    assert "Chiến dịch đã thay đổi điều gì" not in client.get(page.url).content.decode()
    ImpactResult.objects.create(
        campaign=campaign,
        fingerprint="x",
        computed_at=timezone.now(),
        payload={
            "scope": {"unit_name": "Huyện <b>Tánh Linh"},
            "observed": {
                "baseline_rate": 0.1,
                "baseline_period": ["2022-01"],
                "latest_rate": 0.6,
                "latest_period": ["2022-06"],
            },
            "effect": {"att": 0.04, "ci95": [0.015, 0.066], "pretrend": {"p_value": 0.4}},
            "channels": [{"channel": "training", "label": "Lớp", "effect": 0.01, "ci95": [0.001, 0.02], "p": 0.03}],
            "narrative": {"vi": "khoảng tin cậy 95 %, p = 0,03", "en": "…"},
            "targets": [
                {
                    "indicator": "online_rate",
                    "label": "tỷ lệ hồ sơ trực tuyến",
                    "target": 0.3,
                    "deadline": "2022-12-31",
                    "value": 0.258,
                    "ci95": [0.231, 0.285],
                    "verdict": "not_reached",
                }
            ],
        },
    )
    html = client.get(page.url + "?v=2").content.decode()
    assert "Chiến dịch đã thay đổi điều gì" in html
    assert "Huyện &lt;b&gt;Tánh Linh" in html and "tăng rõ" in html
    for jargon in ("p =", "khoảng tin cậy", "ý nghĩa thống kê", "CI", "95 %"):
        assert jargon not in html
    # The campaign's targets as the report judges them, next to the latest month's progress.
    assert "tỷ lệ hồ sơ trực tuyến: mục tiêu 30,0 % đến 31/12/2022: 25,8 % — <strong>Chưa đạt</strong>" in html


def test_calendar_lists_public_upcoming_classes_with_registration_links(client, home):
    page = TrainingCalendarPage(title="Lịch", slug="lich")
    home.add_child(instance=page)
    open_session = TrainingSessionFactory(title="Lớp mở đăng ký")
    closed = TrainingSessionFactory(
        title="Lớp đã khoá sổ", registration_closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    TrainingSessionFactory(title="Lớp riêng", is_public=False)
    TrainingSessionFactory(
        title="Lớp đã qua",
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3) + datetime.timedelta(hours=2),
    )
    html = client.get(page.url).content.decode()
    assert "Lớp mở đăng ký" in html and "Lớp đã khoá sổ" in html
    assert "Lớp riêng" not in html and "Lớp đã qua" not in html
    assert reverse("trainings:register", args=[open_session.public_token]) in html
    assert reverse("trainings:register", args=[closed.public_token]) not in html
    assert open_session.unit.name in html
    filtered = client.get(page.url, {"unit": "999999999"})  # an unknown unit shows everything
    assert filtered.status_code == 200


def test_document_library_filters_by_kind_and_campaign(client, home):
    page = DocumentLibraryPage(title="Tài liệu", slug="tai-lieu")
    home.add_child(instance=page)
    campaign = _campaign_with_figures()
    district = campaign.unit
    MediaItem.objects.create(
        kind="handbook", title="Sổ tay A", unit=district, campaign=campaign, document=_document("A"), live=True
    )
    MediaItem.objects.create(kind="leaflet", title="Tờ rơi B", unit=district, document=_document("B"), live=True)
    MediaItem.objects.create(kind="leaflet", title="Bản nháp C", unit=district, document=_document("C"), live=False)
    MediaItem.objects.create(kind="leaflet", title="Không tệp D", unit=district, live=True)
    html = client.get(page.url).content.decode()
    assert "Sổ tay A" in html and "Tờ rơi B" in html
    assert "Bản nháp C" not in html and "Không tệp D" not in html
    html = client.get(page.url, {"kind": "leaflet"}).content.decode()
    assert "Tờ rơi B" in html and "Sổ tay A" not in html
    html = client.get(page.url, {"campaign": campaign.slug}).content.decode()
    assert "Sổ tay A" in html and "Tờ rơi B" not in html
    assert client.get(page.url, {"kind": "<script>"}).status_code == 200


def test_news_page_renders_byline_tags_campaign_and_og_image(client, home):
    index = NewsIndexPage(title="Tin", slug="tin")
    home.add_child(instance=index)
    news = NewsPage(
        title="Hội nghị",
        slug="hoi-nghi",
        date=datetime.date(2022, 8, 25),
        author="Ban biên tập",
        source="Báo huyện",
        image=_image(),
        image_alt="Toàn cảnh hội nghị",
        body=[{"type": "paragraph", "value": "<p>120 đại biểu.</p>"}],
    )
    news.tags.add("hội nghị")
    index.add_child(instance=news)
    html = client.get(news.url).content.decode()
    assert "25/08/2022" in html and "Ban biên tập" in html and "Báo huyện" in html
    assert "120 đại biểu." in html and 'alt="Toàn cảnh hội nghị"' in html
    assert 'property="og:image"' in html and "hội nghị" in html
    listing = client.get(index.url, {"tag": news.tags.first().slug}).content.decode()
    assert "Hội nghị" in listing


def test_demo_pages_load_is_idempotent_and_every_page_renders(client):
    first = demo_pages_load()
    second = demo_pages_load()
    assert first == second
    assert first["guides"] >= 5 and first["news"] >= 5
    assert CampaignPage.objects.count() == Campaign.objects.count()
    home = HomePage.objects.get()
    for page in home.get_descendants(inclusive=True).live():
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert response.content.decode().count("<h1") == 1, page.url


def test_sitemap_robots_and_error_pages(client, guide):
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert guide.url.encode() in sitemap.content
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    text = robots.content.decode()
    assert "Disallow: /admin/" in text and "Sitemap: http://testserver/sitemap.xml" in text
    assert client.get("/khong-co-trang-nay/").status_code == 404


def test_stream_value_of_code_is_sanitised_in_place():
    stream = GuideStreamBlock()
    value = StreamValue(stream, [{"type": "tip", "value": {"text": EVIL}}], is_lazy=True)
    from cms.blocks import sanitise_value

    sanitise_value(value)
    assert "script" not in str(stream.get_prep_value(value))


def test_campaign_page_of_an_abolished_district_lists_classes_of_its_successor_communes(client, home):
    campaign = _campaign_with_figures()  # Huyện Tánh Linh (599), abolished on 01/07/2025
    page = CampaignPage(title="Chiến dịch Tánh Linh", slug="tanh-linh", campaign=campaign)
    home.add_child(instance=page)
    # Xã Tánh Linh (23149, in force) took over Thị trấn Lạc Tánh, a commune of the old district; no campaign link.
    TrainingSessionFactory(title="Lớp ở xã kế thừa", unit=unit("23149"), campaign=None)
    TrainingSessionFactory(title="Lớp ở tỉnh khác", unit=unit("00004"), campaign=None)  # Phường Ba Đình, Hà Nội
    html = client.get(page.url).content.decode()
    assert "Lớp ở xã kế thừa" in html
    assert "Lớp ở tỉnh khác" not in html


def test_campaign_page_without_monthly_statistics_agrees_with_the_campaign_report(client, home):
    """Hà Nội 2022: a quarterly report and 13 % reported against a target of 50 %; the public page, the admin page
    and the PDF show the same periodic report and the same verdict."""
    from pypdf import PdfReader

    from campaigns.models import Target
    from tests.factories.users import UserFactory

    campaign = hanoi_2022()
    Target.objects.create(campaign=campaign, indicator="bcci_rate", value=25, deadline=datetime.date(2022, 12, 31))
    DossierStatistic.objects.create(
        unit=unit("01", current=False),
        period_start=datetime.date(2022, 7, 1),
        period_end=datetime.date(2022, 9, 30),
        received_online=1300,
        received_direct=8700,
    )
    page = CampaignPage(title="Chiến dịch Hà Nội", slug="ha-noi", campaign=campaign)
    home.add_child(instance=page)
    public = " ".join(client.get(page.url).content.decode().split())
    assert "Quý 3/2022 (01/07/2022–30/09/2022)" in public and "13,0 %" in public
    assert "mục tiêu 50,0 % đến 31/12/2022: 13,0 % (Hội nghị, 25/08/2022) — <strong>Chưa đạt</strong>" in public
    assert "25,0 %" not in public  # no value reported for the BCCI target: not on the public page
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    admin = client.get(reverse("campaign_impact", args=[campaign.pk])).context
    assert admin["periodic"][0][1:5] == ["Quý 3/2022 (01/07/2022–30/09/2022)", "10.000", "1.300", "13,0 %"]
    assert admin["targets"][0][3:] == ["13,0 % (Hội nghị, 25/08/2022)", "Chưa đạt"]
    pdf = client.get(reverse("campaign_impact_download", args=[campaign.pk, "pdf"]))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Quý 3/2022 (01/07/2022–30/09/2022) 10.000 1.300 13,0 %" in text
    assert "13,0 % (Hội nghị, 25/08/2022) Chưa đạt" in text
