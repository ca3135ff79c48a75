"""Tracked links: the public short link (redirect, daily count, friendly pages, no cookies) and QR downloads."""

import datetime
import io
import logging
import re
import shutil
import subprocess
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from campaigns.access.roles import Role
from outreach_media.choices import MediaKind
from outreach_media.links import (
    find_link,
    is_usable_target,
    links_context,
    record_scan,
    scan_counts,
    scan_day,
    short_url,
    validate_target_url,
)
from outreach_media.models import LinkScan, MediaItem, TrackedLink

from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

TARGET = "/huong-dan/nop-ho-so-truc-tuyen/"
VN = datetime.timezone(datetime.timedelta(hours=7))


def media_item(title="Tờ rơi hướng dẫn nộp hồ sơ trực tuyến", unit_code="23149", **fields) -> MediaItem:
    return MediaItem.objects.create(kind=MediaKind.LEAFLET, title=title, unit=unit(unit_code), **fields)


@pytest.fixture
def item():
    return media_item()


@pytest.fixture
def link(item):
    return TrackedLink.objects.create(media_item=item, code="tolhs26", target_url=TARGET, label="Đợt in 03/2026")


def scan_url(code: str) -> str:
    return reverse("outreach_media:scan", args=[code])


def counts(link) -> dict:
    return dict(LinkScan.objects.filter(link=link).values_list("day", "count"))


def at(monkeypatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


# -- the short link -------------------------------------------------------------------------------------------------
def test_the_short_link_address():
    assert scan_url("tolhs26") == "/q/tolhs26/"


def test_a_scan_redirects_at_once_and_counts_one_visit(client, link):
    response = client.get(scan_url(link.code))
    assert response.status_code == 302
    assert response["Location"] == TARGET
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert counts(link) == {scan_day(): 1}


def test_a_full_https_target_is_followed(client, item):
    link = TrackedLink.objects.create(
        media_item=item, target_url="https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"
    )
    response = client.get(scan_url(link.code))
    assert response.status_code == 302
    assert response["Location"] == "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"


def test_a_vietnamese_target_path_is_sent_as_a_valid_address(client, item):
    link = TrackedLink.objects.create(media_item=item, target_url="/hướng-dẫn/")
    response = client.get(scan_url(link.code))
    assert response["Location"] == "/h%C6%B0%E1%BB%9Bng-d%E1%BA%ABn/"


def test_two_scans_on_a_day_count_two_and_the_next_day_starts_a_new_row(client, link, monkeypatch):
    # 23:59 and 00:00 in Việt Nam are still 16:59 and 17:00 of the same UTC day.
    at(monkeypatch, datetime.datetime(2026, 3, 14, 16, 59, tzinfo=datetime.UTC))
    client.get(scan_url(link.code))
    client.get(scan_url(link.code))
    at(monkeypatch, datetime.datetime(2026, 3, 14, 17, 0, tzinfo=datetime.UTC))
    client.get(scan_url(link.code))
    assert counts(link) == {datetime.date(2026, 3, 14): 2, datetime.date(2026, 3, 15): 1}


def test_the_day_is_the_day_in_viet_nam_whatever_time_zone_is_active():
    late_evening_utc = datetime.datetime(2026, 3, 14, 20, 0, tzinfo=datetime.UTC)  # 03:00 on the 15th in Việt Nam
    with timezone.override("UTC"):
        assert scan_day(late_evening_utc) == datetime.date(2026, 3, 15)
    with timezone.override("America/New_York"):
        assert scan_day(late_evening_utc) == datetime.date(2026, 3, 15)


def test_record_scan_creates_then_increments_the_day_row(link):
    day = datetime.date(2026, 4, 2)
    record_scan(link, day)
    record_scan(link, day)
    record_scan(link, day)
    assert counts(link) == {day: 3}
    assert LinkScan.objects.count() == 1


def test_a_head_request_is_answered_but_not_counted(client, link):
    response = client.head(scan_url(link.code))
    assert response.status_code == 302
    assert response["Location"] == TARGET
    assert not LinkScan.objects.exists()


def test_other_methods_are_refused_and_not_counted(client, link):
    assert client.post(scan_url(link.code)).status_code == 405
    assert not LinkScan.objects.exists()


def test_a_code_typed_in_capitals_is_found(client, link):
    response = client.get(scan_url("TOLHS26"))
    assert response.status_code == 302
    assert counts(link) == {scan_day(): 1}


def test_scans_of_other_links_are_counted_apart(client, link, item):
    other = TrackedLink.objects.create(media_item=item, code="tolhs26b", target_url=TARGET)
    client.get(scan_url(link.code))
    client.get(scan_url(other.code))
    client.get(scan_url(other.code))
    assert counts(link) == {scan_day(): 1}
    assert counts(other) == {scan_day(): 2}


# -- friendly pages -------------------------------------------------------------------------------------------------
def test_an_unknown_code_gives_a_friendly_404_page(client, link):
    response = client.get(scan_url("khongco"))
    assert response.status_code == 404
    text = response.content.decode()
    assert gettext("QR code not found") in text
    assert gettext("Back to the home page") in text
    assert 'lang="vi"' in text and 'class="site-header"' in text  # the site's own page (base.html)
    assert "no-store" in response["Cache-Control"]
    assert not LinkScan.objects.exists()


def test_a_switched_off_link_gives_a_friendly_410_page_and_is_not_counted(client, link):
    link.active = False
    link.save()
    response = client.get(scan_url(link.code))
    assert response.status_code == 410
    text = response.content.decode()
    assert gettext("This QR code is no longer in use") in text
    assert TARGET not in text
    assert "Location" not in response
    assert "no-store" in response["Cache-Control"]
    assert not LinkScan.objects.exists()
    assert client.head(scan_url(link.code)).status_code == 410


def test_the_friendly_pages_are_in_english_for_visitors_who_chose_english(client, link):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        response = client.get(scan_url("khongco"))
    assert "QR code not found" in response.content.decode()


@pytest.mark.parametrize(
    "code",
    [
        "x" * 5000,
        "tolhs26" * 3,  # 21 characters: longer than any code
        "%00",
        "tolhs26%00",
        "t%00olhs26",
        "m%C3%A3-qr",  # non-ASCII
        "%ff%fe",  # not even UTF-8
        "a%20b",
        "'%3B%20DROP%20TABLE%20x%3B--",
        "tolhs26%2F..",
        "..",
        "%E2%80%AE%E2%80%8B",
    ],
)
def test_malformed_codes_give_the_not_found_page_never_an_error(client, link, code):
    response = client.get(f"/q/{code}/")
    assert response.status_code == 404
    assert not LinkScan.objects.exists()


def test_a_link_with_an_unusable_target_is_not_followed(client, item):
    # The database only checks that the target starts with "/" or "https://": "//host" passes that.
    link = TrackedLink.objects.create(media_item=item, target_url="//evil.example/")
    response = client.get(scan_url(link.code))
    assert response.status_code == 404
    assert "Location" not in response
    assert not LinkScan.objects.exists()


@pytest.mark.parametrize(
    ("url", "usable"),
    [
        ("/huong-dan/", True),
        ("/", True),
        ("/hướng-dẫn/?nguon=qr#buoc-2", True),
        ("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html", True),
        ("https://dichvucong.gov.vn:443/", True),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("http://dichvucong.gov.vn/", False),
        ("https://", False),
        ("https:///path", False),
        ("https://user@evil.example/", False),
        ("https://host:abc/", False),
        ("/a b", False),
        ("/a\nLocation: x", False),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_usable_targets(url, usable):
    assert is_usable_target(url) is usable
    if usable:
        validate_target_url(url)
    else:
        with pytest.raises(ValidationError):
            validate_target_url(url)


def test_find_link_does_not_ask_the_database_about_malformed_codes(link, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert find_link("\x00") is None
        assert find_link("x" * 21) is None
        assert find_link("mã") is None
        assert find_link("") is None
    with django_assert_num_queries(1):
        assert find_link("tolhs26") == link


# -- no personal data -----------------------------------------------------------------------------------------------
def test_a_scan_sets_no_cookie_and_stores_nothing_about_the_visitor(client, link, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client.get(
            scan_url(link.code), REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Zalo/23.1 (iPhone; Nguyen Van A)"
        )
    assert response.status_code == 302
    assert not response.cookies
    assert not response.has_header("Set-Cookie")
    assert "Vary" not in response or "Cookie" not in response["Vary"]
    assert not client.cookies
    assert not Session.objects.exists()
    assert "203.0.113.7" not in caplog.text and "Zalo" not in caplog.text
    # The only record of the scan: link, day, count.
    assert list(LinkScan.objects.values()) == [
        {"id": LinkScan.objects.get().pk, "link_id": link.pk, "day": scan_day(), "count": 1}
    ]


def test_a_signed_in_editor_scanning_gets_no_cookie_either(client, link):
    """The session is saved on every request (idle timeout): not on a scan, whose answer carries no cookie."""
    client.force_login(UserFactory(role=Role.COMMUNICATIONS))
    session = Session.objects.get()
    response = client.get(scan_url(link.code))
    assert response.status_code == 302
    assert not response.cookies
    assert Session.objects.get().expire_date == session.expire_date


def test_the_not_found_page_stores_no_session(client, settings):
    response = client.get(scan_url("khongco"))
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


# -- QR downloads ---------------------------------------------------------------------------------------------------
ZBARIMG = shutil.which("zbarimg")
needs_zbar = pytest.mark.skipif(ZBARIMG is None, reason="zbarimg (zbar-tools) is not installed")


def decode(png: bytes, tmp_path) -> str:
    image = tmp_path / "qr.png"
    image.write_bytes(png)
    result = subprocess.run([ZBARIMG, "--quiet", "--raw", str(image)], capture_output=True, check=True, timeout=30)
    return result.stdout.decode().strip()


def rasterise_svg(svg: bytes) -> tuple[bytes, int, int]:
    """Draw segno's SVG (one path of horizontal runs: M, m and h) as a PNG; returns (png, width, scale)."""
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output, in a test
    width = int(root.get("width"))
    path = root.find("{http://www.w3.org/2000/svg}path")
    scale = int(re.fullmatch(r"scale\((\d+)\)", path.get("transform")).group(1))
    modules = width // scale
    image = Image.new("1", (modules, modules), 1)
    x = y = 0.0
    for command, first, second in re.findall(r"([Mmh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?", path.get("d")):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:  # h: a run of dark modules on the current row
            for column in range(int(x), int(x + float(first))):
                image.putpixel((column, int(y)), 0)
            x += float(first)
    buffer = io.BytesIO()
    image.resize((modules * 10, modules * 10), Image.NEAREST).convert("L").save(buffer, format="PNG")
    return buffer.getvalue(), width, scale


@pytest.fixture
def editor(client):
    user = UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("23149")])
    client.force_login(user)
    return user


def qr_url(link, kind: str) -> str:
    return reverse(f"outreach_media_link_qr_{kind}", args=[link.pk])


def test_the_short_url_is_absolute(link, settings):
    assert short_url(link) == "http://testserver/q/tolhs26/"
    settings.WAGTAILADMIN_BASE_URL = "https://dichvucong.lamdong.gov.vn/"
    assert short_url(link) == "https://dichvucong.lamdong.gov.vn/q/tolhs26/"


def test_the_qr_download_addresses():
    assert reverse("outreach_media_link_qr_svg", args=[7]) == "/admin/outreach-media/links/7/qr.svg"
    assert reverse("outreach_media_link_qr_png", args=[7]) == "/admin/outreach-media/links/7/qr.png"


def qr_download(client, link, kind: str, content_type: str):
    """The QR code of ``link`` downloaded from the admin as a ``kind`` file named after the short code."""
    response = client.get(qr_url(link, kind))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="qr-tolhs26.{kind}"'
    return response


@needs_zbar
def test_the_png_qr_code_opens_the_short_link(client, editor, link, tmp_path):
    response = qr_download(client, link, "png", "image/png")
    assert decode(response.content, tmp_path) == "http://testserver/q/tolhs26/"
    image = Image.open(io.BytesIO(response.content))
    width, height = image.size
    assert width == height and width % 20 == 0
    # Print-ready: 20 pixels per module and a quiet zone of 4 modules (80 pixels) all round.
    border = image.convert("L").crop((0, 0, width, 80))
    assert border.getextrema() == (255, 255)
    assert image.convert("L").getpixel((80, 80)) == 0  # the finder pattern starts right after the quiet zone


@needs_zbar
def test_the_svg_qr_code_opens_the_short_link(client, editor, link, tmp_path):
    response = qr_download(client, link, "svg", "image/svg+xml")
    assert response.content.startswith(b"<?xml")
    png, width, scale = rasterise_svg(response.content)
    assert scale == 10
    assert decode(png, tmp_path) == "http://testserver/q/tolhs26/"


@needs_zbar
def test_the_qr_code_carries_the_public_site_address(client, editor, link, tmp_path, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://dichvucong.lamdong.gov.vn/"
    response = client.get(qr_url(link, "png"))
    assert decode(response.content, tmp_path) == "https://dichvucong.lamdong.gov.vn/q/tolhs26/"


def test_staff_who_can_view_the_media_item_may_download(client, link):
    client.force_login(UserFactory(role=Role.TRAINER, scopes=[unit("23149")]))
    assert client.get(qr_url(link, "svg")).status_code == 200
    assert client.get(qr_url(link, "png")).status_code == 200


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_staff_who_cannot_view_the_item_get_a_403_page(client, link, kind):
    client.force_login(UserFactory(role=Role.TRAINER, scopes=[unit("01")]))
    response = client.get(qr_url(link, kind))
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert gettext("You are not allowed to download the QR codes of this media item.") in response.content.decode()


def test_staff_without_any_media_permission_get_a_403_page_even_for_missing_links(client, link):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(qr_url(link, "svg")).status_code == 403
    assert client.get(reverse("outreach_media_link_qr_svg", args=[link.pk + 1000])).status_code == 403


def test_visitors_who_are_not_signed_in_are_sent_to_the_login_page(client, link):
    response = client.get(qr_url(link, "png"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_missing_link_is_404_for_staff(client, editor):
    assert client.get(reverse("outreach_media_link_qr_png", args=[999999])).status_code == 404


def test_the_view_functions_refuse_anonymous_visitors_without_wagtail_around_them(rf, link):
    from outreach_media.link_views import qr_svg

    request = rf.get("/admin/outreach-media/links/1/qr.svg")
    request.user = AnonymousUser()
    response = qr_svg(request, pk=link.pk)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


# -- counts for the item page and the analysis ------------------------------------------------------------------------
def test_scan_counts_groups_by_item_and_month_in_one_query(django_assert_num_queries):
    leaflet, poster = media_item(), media_item("Áp phích dịch vụ công", unit_code="23152")
    first = TrackedLink.objects.create(media_item=leaflet, target_url=TARGET)
    second = TrackedLink.objects.create(media_item=leaflet, target_url=TARGET, label="Đợt in 2")
    third = TrackedLink.objects.create(media_item=poster, target_url=TARGET)
    for link, day, count in [
        (first, datetime.date(2026, 3, 1), 4),
        (first, datetime.date(2026, 3, 31), 6),
        (second, datetime.date(2026, 3, 15), 5),
        (first, datetime.date(2026, 4, 1), 2),
        (third, datetime.date(2026, 4, 30), 7),
        (third, datetime.date(2026, 5, 1), 1),
    ]:
        LinkScan.objects.create(link=link, day=day, count=count)

    with django_assert_num_queries(1):
        rows = scan_counts()
    assert [(row["media_item_id"], row["month"], row["scans"]) for row in rows] == [
        (leaflet.pk, datetime.date(2026, 3, 1), 15),
        (leaflet.pk, datetime.date(2026, 4, 1), 2),
        (poster.pk, datetime.date(2026, 4, 1), 7),
        (poster.pk, datetime.date(2026, 5, 1), 1),
    ]
    assert {row["unit_id"] for row in rows if row["media_item_id"] == poster.pk} == {unit("23152").pk}
    assert all(row["campaign_id"] is None for row in rows)

    with django_assert_num_queries(1):
        only_poster = scan_counts([poster.pk], start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 30))
    assert [(row["month"], row["scans"]) for row in only_poster] == [(datetime.date(2026, 4, 1), 7)]
    with django_assert_num_queries(1):
        march_to_first_of_april = scan_counts(end=datetime.date(2026, 4, 1), start=datetime.date(2026, 3, 31))
    assert [(row["month"], row["scans"]) for row in march_to_first_of_april] == [
        (datetime.date(2026, 3, 1), 6),
        (datetime.date(2026, 4, 1), 2),
    ]
    with django_assert_num_queries(0):
        assert scan_counts([]) == []


# -- the item page's table ---------------------------------------------------------------------------------------------
def test_links_context_in_one_query_with_this_month_and_total(item, django_assert_num_queries, monkeypatch):
    at(monkeypatch, datetime.datetime(2026, 4, 10, 3, 0, tzinfo=datetime.UTC))
    first = TrackedLink.objects.create(media_item=item, code="tolhs1", target_url=TARGET, label="Đợt 1")
    second = TrackedLink.objects.create(media_item=item, code="tolhs2", target_url=TARGET, active=False)
    TrackedLink.objects.create(media_item=media_item("Khác"), code="khac1", target_url=TARGET)
    LinkScan.objects.create(link=first, day=datetime.date(2026, 3, 31), count=1200)
    LinkScan.objects.create(link=first, day=datetime.date(2026, 4, 1), count=30)
    LinkScan.objects.create(link=first, day=datetime.date(2026, 4, 10), count=4)

    with django_assert_num_queries(1):
        context = links_context(item)
    by_code = {link.code: link for link in context["links"]}
    assert set(by_code) == {"tolhs1", "tolhs2"}
    assert (by_code["tolhs1"].scans_this_month, by_code["tolhs1"].scans_total) == (34, 1234)
    assert (by_code["tolhs2"].scans_this_month, by_code["tolhs2"].scans_total) == (0, 0)
    assert by_code["tolhs1"].short_url == "http://testserver/q/tolhs1/"
    assert by_code["tolhs1"].qr_svg_url == f"/admin/outreach-media/links/{first.pk}/qr.svg"
    assert by_code["tolhs2"].qr_png_url == f"/admin/outreach-media/links/{second.pk}/qr.png"
    assert context["month"] == datetime.date(2026, 4, 1)
    assert (context["scans_this_month"], context["scans_total"]) == (34, 1234)

    with django_assert_num_queries(0):
        html = render_to_string("outreach_media/links/item_links.html", {"tracked_links": context})
    for expected in (
        "tolhs1",
        "http://testserver/q/tolhs1/",
        TARGET,
        "Đợt 1",
        "1.234",  # Vietnamese thousands separator
        f"/admin/outreach-media/links/{first.pk}/qr.svg",
        f"/admin/outreach-media/links/{first.pk}/qr.png",
        "04/2026",
    ):
        assert expected in html, expected


def test_the_item_table_says_when_there_are_no_links(item):
    html = render_to_string("outreach_media/links/item_links.html", {"tracked_links": links_context(item)})
    assert gettext("This item has no tracked links yet.") in html


def test_the_media_item_edit_page_renders_with_tracked_links(client, editor, link):
    # The edit view puts links_context(item) in its context as "tracked_links".
    response = client.get(reverse("wagtailsnippets_outreach_media_mediaitem:edit", args=[link.media_item.pk]))
    assert response.status_code == 200
    context = response.context["tracked_links"]
    assert [item.code for item in context["links"]] == ["tolhs26"]
