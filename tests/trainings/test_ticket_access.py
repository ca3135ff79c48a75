"""What a citizen sees of a class and of their ticket: availability on the calendar, the waiting-list position, the
calendar file and map link, search, "Tìm vé của tôi", and names refused rather than cut."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from cms.models import HomePage, TrainingCalendarPage
from trainings import ics, selectors
from trainings.choices import Status
from trainings.identity import clean_name
from trainings.sms import LocmemSmsBackend

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
LOCAL = timezone.get_default_timezone()


@pytest.fixture
def calendar():
    page = TrainingCalendarPage(title="Lịch tập huấn", slug="lich-tap-huan")
    HomePage.objects.get().add_child(instance=page)
    return page


def at(hour, minute=0, day=datetime.date(2030, 3, 5)):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), LOCAL)


# -- availability -----------------------------------------------------------------------------------------------
def test_a_window_opening_at_eight_today_is_not_yet_open_before_and_open_after(settings):
    session = TrainingSessionFactory(
        registration_opens_at=at(8), starts_at=at(8, day=datetime.date(2030, 3, 9)), capacity=2
    )
    session.ends_at = session.starts_at + datetime.timedelta(hours=2)
    before = selectors.availability(session, seated=0, now=at(7, 59))
    assert (before.state, before.opens_at, before.can_register) == ("not_yet_open", at(8), False)
    # The same instant seen from a server clock in UTC: still compared as aware datetimes.
    assert selectors.availability(session, seated=0, now=at(8).astimezone(datetime.UTC)).state == "open"
    assert selectors.availability(session, seated=1, now=at(9)).seats_left == 1
    assert selectors.availability(session, seated=2, now=at(9)).state == "full"
    assert selectors.availability(session, seated=2, now=at(9)).can_register
    session.registration_closes_at = at(10)
    assert selectors.availability(session, seated=0, now=at(10, 1)).state == "closed"
    session.is_cancelled = True
    assert selectors.availability(session, seated=0, now=at(9)).state == "cancelled"


def test_the_calendar_shows_seats_left_full_not_yet_open_and_closed(client, calendar):
    now = timezone.now()
    TrainingSessionFactory(title="Lớp còn chỗ", capacity=30)
    full = TrainingSessionFactory(title="Lớp đã đủ", capacity=1)
    RegistrationFactory(session=full, seat=1)
    later = TrainingSessionFactory(title="Lớp sắp mở", registration_opens_at=now + datetime.timedelta(hours=2))
    TrainingSessionFactory(title="Lớp đã khoá", registration_closes_at=now - datetime.timedelta(hours=1))
    TrainingSessionFactory(title="Lớp bị huỷ", is_cancelled=True)
    html = client.get(calendar.url).content.decode()
    assert ngettext("%(left)s seat left", "%(left)s seats left", 30) % {"left": 30} in html
    assert gettext("Full — waiting list open") in html
    assert gettext("Join the waiting list") in html
    opens = timezone.localtime(later.registration_opens_at).strftime("%H:%M %d/%m/%Y")
    assert opens in html
    assert gettext("Registration closed") in html
    assert gettext("Class cancelled") in html
    assert gettext("Registration is closed.") not in html
    assert reverse("trainings:register", args=[later.public_token]) not in html
    assert reverse("trainings:find_ticket") in html


def test_the_calendar_counts_seats_in_one_query(client, calendar, django_assert_max_num_queries):
    for _ in range(5):
        session = TrainingSessionFactory(capacity=3)
        RegistrationFactory(session=session, seat=1)
    selectors.public_calendar()
    with django_assert_max_num_queries(1):
        rows = selectors.public_calendar()
    assert [availability.seats_left for _session, availability in rows] == [2] * 5


# -- the ticket ---------------------------------------------------------------------------------------------
def test_a_waiting_ticket_shows_its_position_and_the_ticket_offers_calendar_and_map(client):
    session = TrainingSessionFactory(capacity=1, venue="Hội trường thôn 3")
    RegistrationFactory(session=session, seat=1)
    first = RegistrationFactory(session=session, status=Status.WAITLISTED, seat=None)
    second = RegistrationFactory(session=session, status=Status.WAITLISTED, seat=None)
    html = client.get(reverse("trainings:ticket", args=[second.token])).content.decode()
    assert gettext("On the waiting list – number %(position)s") % {"position": 2} in html
    assert reverse("trainings:ticket_ics", args=[second.token]) in html
    map_link = re.search(r'href="(https://www\.openstreetmap\.org/search\?[^"]+)"', html).group(1)
    query = parse_qs(urlsplit(map_link.replace("&amp;", "&")).query)["query"][0]
    assert query == "Hội trường thôn 3, Xã Tánh Linh, Tỉnh Lâm Đồng"
    html = client.get(reverse("trainings:ticket", args=[first.token])).content.decode()
    assert gettext("On the waiting list – number %(position)s") % {"position": 1} in html


def test_the_calendar_file_is_valid_icalendar_with_escaped_text(client):
    session = TrainingSessionFactory(
        title="Lớp A; B, C \\ D\nE " + "dài " * 30,
        venue="Hội trường, thôn 3; xã",
        starts_at=at(8),
        ends_at=at(11),
    )
    registration = RegistrationFactory(session=session, seat=1)
    response = client.get(reverse("trainings:ticket_ics", args=[registration.token]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    raw = response.content
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode().replace("\r\n ", "")  # unfold
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines and "END:VCALENDAR" in lines
    assert "DTSTART:20300305T010000Z" in lines and "DTEND:20300305T040000Z" in lines  # 08:00 in Hà Nội = 01:00 UTC
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert summary.startswith("SUMMARY:Lớp A\\; B\\, C \\\\ D\\nE dài")
    assert "LOCATION:Hội trường\\, thôn 3\\; xã\\, Xã Tánh Linh\\, Tỉnh Lâm Đồng" in lines


def test_ics_escaping_and_folding_never_split_a_character():
    assert ics.escape("a;b,c\\d\r\ne\x07") == "a\\;b\\,c\\\\d\\ne"
    folded = ics.fold("SUMMARY:" + "ệ" * 60)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "ệ" * 60


def test_an_unknown_or_malformed_ticket_token_gives_no_calendar_file(client):
    for token in ["x" * 20, "../../etc", "a" * 100]:
        assert client.get(f"/lop-tap-huan/ve/{token}/lop-tap-huan.ics").status_code == 404


# -- search ----------------------------------------------------------------------------------------------------
def test_search_without_accents_finds_the_calendar_and_the_classes(client, calendar):
    TrainingSessionFactory(title="Hướng dẫn dùng VNeID", venue="Nhà văn hoá thôn Đồng")
    TrainingSessionFactory(title="Lớp riêng của xã", is_public=False)
    html = client.get(reverse("search"), {"q": "tap huan"}).content.decode()
    assert "Lịch tập huấn" in html and "Hướng dẫn dùng VNeID" in html
    assert "Lớp riêng của xã" not in html
    html = client.get(reverse("search"), {"q": "vneid dong"}).content.decode()
    assert "Hướng dẫn dùng VNeID" in html and "Lịch tập huấn" not in html


# -- "Tìm vé của tôi" ------------------------------------------------------------------------------------------
def article(response) -> str:
    """The page's own content, without the per-request CSRF token."""
    html = re.search(r"<article.*</article>", response.content.decode(), re.S).group()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def find(client, contact, address="203.0.113.7"):
    return client.post(reverse("trainings:find_ticket"), {"contact": contact}, REMOTE_ADDR=address)


def test_find_my_ticket_sends_the_links_to_the_phone_and_answers_the_same_for_an_unknown_one(client, mailoutbox):
    attendee = AttendeeFactory(phone="+84912345678", email="lan@example.vn")
    registration = RegistrationFactory(attendee=attendee, seat=1)
    known = find(client, "0912 345 678")
    unknown = find(client, "0987 654 321")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert article(client.get(known["Location"])) == article(client.get(unknown["Location"]))
    ticket = reverse("trainings:ticket", args=[registration.token])
    assert [phone for phone, _text in LocmemSmsBackend.outbox] == ["+84912345678"]
    assert ticket in LocmemSmsBackend.outbox[0][1]
    assert [message.to for message in mailoutbox] == [["lan@example.vn"]]  # the address on record for the phone
    assert ticket in mailoutbox[0].body
    assert registration.token not in client.get(known["Location"]).content.decode()


def test_find_my_ticket_by_e_mail_sends_only_that_persons_tickets(client, mailoutbox):
    lan = AttendeeFactory(phone="+84912345678", email="lan@example.vn")
    other = AttendeeFactory(phone="+84912000000", email="")
    mine = RegistrationFactory(attendee=lan, seat=1)
    theirs = RegistrationFactory(attendee=other, seat=2, session=mine.session)
    find(client, "LAN@example.vn")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["lan@example.vn"]
    assert mine.token in mailoutbox[0].body and theirs.token not in mailoutbox[0].body
    assert LocmemSmsBackend.outbox == []


@pytest.mark.parametrize("contact", ["", "abc", "lan@", "<script>@x", "0912\x00345678", "9" * 300, "@@@"])
def test_find_my_ticket_refuses_malformed_input_with_a_message(client, contact, mailoutbox):
    response = find(client, contact)
    assert response.status_code == 200
    assert response.context["form"].errors["contact"]
    assert mailoutbox == [] and LocmemSmsBackend.outbox == []


def test_find_my_ticket_is_rate_limited_per_address_and_per_contact(client, settings, mailoutbox):
    settings.FIND_TICKET_RATE_LIMIT = 5
    settings.FIND_TICKET_SENDS_PER_CONTACT = 2
    RegistrationFactory(attendee=AttendeeFactory(phone="+84912345678", email=""), seat=1)
    for _ in range(5):
        assert find(client, "0912345678").status_code == 302
    assert len(LocmemSmsBackend.outbox) == 2  # nobody floods a person's phone
    refused = find(client, "0912345678")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert find(client, "0912345678", address="198.51.100.1").status_code == 302  # another address: allowed
    assert len(LocmemSmsBackend.outbox) == 2


# -- names ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("<b>Lan</b>", "markup"),
        ("Nguyễn <script>alert(1)</script>", "markup"),
        ("{{ request.user }}", "markup"),
        ("Lan\x1b[31m", "control_characters"),
        ("Lan\x00", "control_characters"),
        ("Nguyễn " + "a" * 200, "max_length"),
    ],
)
def test_names_with_markup_control_characters_or_too_long_are_refused_never_cut(name, code):
    with pytest.raises(ValidationError) as refused:
        clean_name(name)
    assert refused.value.code == code


def test_an_ordinary_vietnamese_name_passes_untouched():
    assert clean_name("  Nguyễn Thị  Ánh-Dương O'Neil ") == "Nguyễn Thị Ánh-Dương O'Neil"


def test_the_public_form_refuses_a_name_with_markup_in_vietnamese(client):
    session = TrainingSessionFactory()
    response = client.post(
        reverse("trainings:register", args=[session.public_token]),
        {"full_name": "<img src=x onerror=alert(1)>", "phone": "0912345678", "consent_training": "on"},
    )
    assert response.status_code == 200
    error = response.context["form"].errors["full_name"][0]
    assert error == gettext(
        "A name cannot contain the character “%(character)s” (no markup or code). Type the name only."
    ) % {"character": "<"}
