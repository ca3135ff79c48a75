"""Public side of a class: register, ticket and QR, cancel, consent record, feedback, limits and abuse.

Expected texts are looked up with gettext (the suite runs in Vietnamese), so the tests hold
before and after the Vietnamese catalogue gets the new strings.
"""

import datetime
import io
import logging

import pytest
import segno
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from trainings import services
from trainings.choices import ConsentPurpose, RegistrationSource, Status
from trainings.identity import clean_name, mask_name, normalise_phone, validate_citizen_id
from trainings.models import Attendee, Consent, Feedback, PendingRegistration, Registration

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

NAME = "Nguyễn Thị Lan"
PHONE = "0912345678"
E164 = "+84912345678"


def form(**overrides) -> dict:
    data = {
        "full_name": NAME,
        "phone": PHONE,
        "email": "",
        "organisation": "Hội Phụ nữ xã Tánh Linh",
        "position": "Hội viên",
        "citizen_id": "",
        "consent_training": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def register_url(session) -> str:
    return reverse("trainings:register", args=[session.public_token])


def register(client, session, data, **extra):
    """Post the form and, when it asks for the code, type the code that was sent."""
    response = client.post(register_url(session), data, **extra)
    if response.status_code == 302 and "/xac-nhan/" in response["Location"]:
        token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
        code = services.confirmation_code(PendingRegistration.objects.get(token=token))
        return client.post(response["Location"], {"code": code}, **extra)
    return response


def text(response) -> str:
    return response.content.decode()


def message_of(function, value) -> str:
    """The (escaped) message a validator gives for ``value``, as the page shows it."""
    with pytest.raises(ValidationError) as caught:
        function(value)
    return escape(caught.value.messages[0])


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


@pytest.fixture
def session():
    starts = (timezone.now() + datetime.timedelta(days=7)).replace(hour=8, minute=30, second=0, microsecond=0)
    return TrainingSessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), capacity=30)


# -- the form and a registration -------------------------------------------------------------------------
def test_the_form_shows_the_class_and_every_consent_sentence(client, session):
    response = client.get(register_url(session))
    assert response.status_code == 200
    page = text(response)
    assert escape(session.title) in page
    assert local(session.starts_at) in page
    assert escape(session.venue) in page
    for purpose in ConsentPurpose:
        assert escape(services.consent_text(purpose)) in page
        assert f'name="consent_{purpose.value}"' in page
    assert escape(gettext("This class is full: you will be put on the waiting list.")) not in page


def test_registering_leads_to_the_ticket(client, session):
    response = register(
        client, session, form(consent_certificate="on", email="lan@example.invalid", citizen_id="079090012345")
    )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("trainings:ticket", args=[registration.token])
    assert (registration.status, registration.seat, registration.source) == (
        Status.REGISTERED,
        1,
        RegistrationSource.PUBLIC,
    )
    attendee = registration.attendee
    assert (attendee.full_name, attendee.phone, attendee.email, attendee.citizen_id, attendee.unit) == (
        NAME,
        E164,
        "lan@example.invalid",
        "079090012345",
        session.unit,
    )
    assert attendee.organisation == "Hội Phụ nữ xã Tánh Linh"
    assert sorted(attendee.consents.values_list("purpose", flat=True)) == ["certificate", "training"]

    ticket = client.get(response["Location"])
    assert ticket.status_code == 200
    assert ticket["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in ticket["Cache-Control"]
    page = text(ticket)
    assert escape(session.title) in page
    assert local(session.starts_at) in page
    assert escape(session.venue) in page
    assert escape(gettext("Registered – seat number %(seat)s") % {"seat": 1}) in page
    assert escape(mask_name(NAME)) in page and escape(NAME) not in page  # masked: a phone alone must not reveal a name
    assert E164 not in page and PHONE not in page  # the phone is masked
    assert reverse("trainings:ticket_qr", args=[registration.token]) in page
    check_in = "http://testserver" + reverse("trainings_check_in", args=[registration.token])
    assert f'data-check-in-url="{check_in}"' in page
    assert reverse("trainings:cancel", args=[registration.token]) in page
    assert reverse("trainings:consent_record", args=[registration.token]) in page
    assert reverse("trainings:feedback", args=[registration.token]) not in page


def test_the_qr_code_encodes_the_absolute_check_in_address(client, session, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://dichvucong.example.gov.vn/"
    registration = RegistrationFactory(session=session, seat=1)
    response = client.get(reverse("trainings:ticket_qr", args=[registration.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    path = reverse("trainings_check_in", args=[registration.token])
    assert path == f"/admin/trainings/check-in/{registration.token}/"
    url = "https://dichvucong.example.gov.vn" + path
    expected = io.BytesIO()
    segno.make(url, error="m").save(expected, kind="svg", scale=6, border=2)
    assert response.content == expected.getvalue()
    assert b"<svg" in response.content


def test_the_page_keeps_dates_as_dd_mm_yyyy_in_english(client, session):
    client.cookies["django_language"] = "en"
    page = text(client.get(register_url(session)))
    assert local(session.starts_at) in page
    assert '<html lang="en">' in page


@pytest.mark.parametrize("second", ["0912345678", "+84 912 345 678", "(+84) 912-345-678", "0912.345.678"])
def test_the_same_phone_twice_gives_one_registration_and_the_code_opens_the_ticket(client, session, second):
    first = register(client, session, form())
    assert first.status_code == 302
    response = register(client, session, form(phone=second, organisation="Khác"))
    registration = Registration.objects.get()
    assert response["Location"] == reverse("trainings:ticket", args=[registration.token])
    assert Attendee.objects.count() == 1
    # Nothing changed: the first organisation stays.
    assert registration.attendee.organisation == "Hội Phụ nữ xã Tánh Linh"


def test_a_known_phone_and_a_new_one_get_the_same_answer(client, session, django_capture_on_commit_callbacks):
    """No phone enumeration: the answer never says whether the number is known, and shows no ticket."""
    with django_capture_on_commit_callbacks(execute=True):
        register(client, session, form(email="lan@example.invalid"))
        registration = Registration.objects.get()
        # The same person (phone and name, accents aside) with another address typed.
        known = client.post(register_url(session), form(full_name="nguyen thi LAN", email="ke-gian@example.invalid"))
        new = client.post(register_url(session), form(full_name="Trần Văn Bình", phone="0987000111"))
    assert known.status_code == new.status_code == 302
    assert "/xac-nhan/" in known["Location"] and "/xac-nhan/" in new["Location"]
    for response in (known, new):
        page = text(client.get(response["Location"]))
        assert registration.token not in page and escape(NAME) not in page and "Bình" not in page
    # The code for the known phone went to the phone and the e-mail on record, never to the address typed.
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {"lan@example.invalid"}
    from trainings.sms import LocmemSmsBackend

    assert {phone for phone, _text in LocmemSmsBackend.outbox} >= {E164, "+84987000111"}


def test_the_ticket_is_reached_only_with_the_code(client, session):
    register(client, session, form())
    registration = Registration.objects.get()
    response = client.post(register_url(session), form())
    wrong = client.post(response["Location"], {"code": "000000" if _code(response) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert registration.token not in text(wrong)
    assert escape(gettext("The code is not right. Check the message and type the six digits again.")) in text(wrong)


def _code(response) -> str:
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return services.confirmation_code(PendingRegistration.objects.get(token=token))


def test_too_many_wrong_codes_end_the_request(client, session, settings):
    response = client.post(register_url(session), form())
    code = _code(response)
    wrong = "111111" if code != "111111" else "222222"
    for _attempt in range(settings.REGISTRATION_CODE_MAX_ATTEMPTS):
        client.post(response["Location"], {"code": wrong})
    final = client.post(response["Location"], {"code": code})
    assert not Registration.objects.exists()
    assert not PendingRegistration.objects.exists()
    assert escape(gettext("This confirmation has expired. Please fill in the form again.")) in text(final)


def test_no_seat_is_held_before_the_code_and_expired_requests_are_erased(client, session):
    from trainings.cleanup import pending_registration_purge_expired

    client.post(register_url(session), form())
    assert not Registration.objects.exists() and not Attendee.objects.exists()
    pending = PendingRegistration.objects.get()
    assert pending_registration_purge_expired(actor=None, now=pending.expires_at + datetime.timedelta(seconds=1)) == 1
    assert not PendingRegistration.objects.exists()


def test_a_cancelled_person_can_register_again(client, session):
    register(client, session, form())
    registration = Registration.objects.get()
    client.post(reverse("trainings:cancel", args=[registration.token]))
    response = register(client, session, form())
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.seat) == (Status.REGISTERED, 1)


# -- the registration window ----------------------------------------------------------------------------
def test_registration_before_the_window_opens_is_refused(client, session):
    session.registration_opens_at = timezone.now() + datetime.timedelta(days=2)
    session.save()
    page = text(client.get(register_url(session)))
    opens = escape(gettext("Registration opens on %(opens)s.") % {"opens": local(session.registration_opens_at)})
    assert opens in page
    assert 'name="full_name"' not in page
    response = register(client, session, form())
    assert response.status_code == 200
    assert opens in text(response)
    assert not Registration.objects.exists()
    assert not Attendee.objects.exists()


@pytest.mark.parametrize("case", ["closed", "started"])
def test_registration_after_the_window_closes_is_refused(client, session, case):
    if case == "closed":
        session.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    else:  # no closing time: registration ends when the class starts
        session.starts_at = timezone.now() - datetime.timedelta(hours=1)
    session.save()
    closed = escape(gettext("Registration for this class is closed."))
    assert closed in text(client.get(register_url(session)))
    response = register(client, session, form())
    assert response.status_code == 200
    assert closed in text(response)
    assert 'name="full_name"' not in text(response)
    assert not Registration.objects.exists()


# -- consent and validation ------------------------------------------------------------------------------
@pytest.mark.parametrize("others", [{}, {"consent_certificate": "on", "consent_notifications": "on"}])
def test_without_consent_for_the_class_nobody_is_registered(client, session, others):
    response = register(client, session, form(consent_training=None, **others))
    assert response.status_code == 200
    page = text(response)
    assert escape(gettext("Without consent to the use of your data for the class we cannot register you.")) in page
    assert not Registration.objects.exists()
    assert not Attendee.objects.exists()
    assert not Consent.objects.exists()


@pytest.mark.parametrize("phone", ["+84 12", "0912abc678", "không có", "09123456789012345678901"])
def test_an_invalid_phone_is_refused_with_its_message(client, session, phone):
    response = register(client, session, form(phone=phone))
    assert response.status_code == 200
    assert message_of(normalise_phone, phone) in text(response)
    assert not Registration.objects.exists()


def test_the_phone_messages_are_the_identity_ones():
    assert message_of(normalise_phone, "+84 12") == escape(
        gettext("This phone number is not valid (for example 0912 345 678 or +84 912 345 678).")
    )
    assert message_of(normalise_phone, "0912abc678") == escape(
        gettext("A phone number has only digits (and + at the start).")
    )


@pytest.mark.parametrize(
    "citizen_id",
    [
        "07909001234",  # 11 digits
        "0790900123456",  # 13 digits
        "07909001234A",  # a letter
        "003090012345",  # 003 is no province
        "079990012345",  # century digit 9
        "079299012345",  # born 2099
    ],
)
def test_an_invalid_citizen_id_is_refused(client, session, citizen_id):
    response = register(client, session, form(citizen_id=citizen_id))
    assert response.status_code == 200
    assert message_of(validate_citizen_id, citizen_id) in text(response)
    assert not Registration.objects.exists()


def test_a_citizen_id_with_spaces_is_accepted(client, session):
    assert register(client, session, form(citizen_id="079 090 012 345")).status_code == 302
    assert Attendee.objects.get().citizen_id == "079090012345"


def test_a_ten_thousand_character_name_gets_a_clear_error(client, session):
    name = "Nguyễn " * 1428 + "Lành"  # 10,000 characters
    assert len(name) == 10_000
    response = register(client, session, form(full_name=name))
    assert response.status_code == 200
    assert message_of(clean_name, name) in text(response)
    assert "10000" in message_of(clean_name, name)
    assert not Registration.objects.exists()


@pytest.mark.parametrize("field", ["email", "organisation", "position"])
def test_other_fields_are_checked(client, session, field):
    value = "not an address" if field == "email" else "x" * 201
    response = register(client, session, form(**{field: value}))
    assert response.status_code == 200
    assert "pub-field--error" in text(response)
    assert not Registration.objects.exists()


def test_typed_markup_is_stored_as_text_and_shown_escaped(client, session):
    """Markup in a name is refused (no name holds it); in an organisation it is kept as typed and shown as text."""
    script = "<script>alert(1)</script>"
    refused = client.post(register_url(session), form(full_name=script))
    assert refused.status_code == 200 and refused.context["form"].errors["full_name"]
    assert script not in text(refused) and not PendingRegistration.objects.exists()
    response = register(client, session, form(organisation=script, position=script))
    registration = Registration.objects.get()
    assert (registration.attendee.full_name, registration.attendee.organisation) == (NAME, script)
    for url in (
        response["Location"],
        reverse("trainings:consent_record", args=[registration.token]),
        reverse("trainings:cancel", args=[registration.token]),
    ):
        page = text(client.get(url))
        assert script not in page
    page = text(client.get(response["Location"]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # And again on the "already registered" page (nothing typed is echoed there).
    assert script not in text(register(client, session, form(organisation=script)))


# -- full classes, the waiting list and cancelling --------------------------------------------------------
def test_a_full_class_says_so_and_puts_people_on_the_waiting_list(client, session):
    session.capacity = 2
    session.save()
    RegistrationFactory(session=session, seat=1)
    RegistrationFactory(session=session, seat=2)
    page = text(client.get(register_url(session)))
    full = escape(
        gettext(
            "This class is full: you will be put on the waiting list. When a seat becomes free, it goes to the first person waiting."
        )
    )
    assert full in page
    assert page.index(full) < page.index('type="submit" class="pub-button"')
    response = register(client, session, form())
    registration = Registration.objects.get(attendee__phone=E164)
    assert (registration.status, registration.seat) == (Status.WAITLISTED, None)
    ticket = text(client.get(response["Location"]))
    assert escape(gettext("On the waiting list – number %(position)s") % {"position": 1}) in ticket
    assert "data-check-in-url" not in ticket  # no seat, no QR code yet
    assert reverse("trainings:cancel", args=[registration.token]) in ticket


@pytest.mark.parametrize("with_email", [True, False], ids=["e-mail", "no e-mail"])
def test_cancelling_gives_the_seat_to_the_first_person_waiting(
    client, session, with_email, django_capture_on_commit_callbacks
):
    session.capacity = 1
    session.save()
    register(client, session, form())
    holder = Registration.objects.get()
    email = "binh@example.invalid" if with_email else ""
    register(client, session, form(full_name="Trần Văn Bình", phone="0987654321", email=email))
    register(client, session, form(full_name="Lê Thị Cúc", phone="0977111222", email="cuc@example.invalid"))
    first, second = Registration.objects.filter(status=Status.WAITLISTED).order_by("registered_at", "pk")
    assert first.attendee.full_name == "Trần Văn Bình"

    cancel_url = reverse("trainings:cancel", args=[holder.token])
    confirmation = client.get(cancel_url)
    assert confirmation.status_code == 200
    assert escape(gettext("Yes, cancel my registration")) in text(confirmation)
    holder.refresh_from_db()
    assert holder.status == Status.REGISTERED  # a GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("trainings:ticket", args=[holder.token])
    for registration in (holder, first, second):
        registration.refresh_from_db()
    assert (holder.status, holder.seat) == (Status.CANCELLED, None)
    assert (first.status, first.seat) == (Status.REGISTERED, 1)
    assert (second.status, second.seat) == (Status.WAITLISTED, None)
    if with_email:
        assert [message.to for message in mail.outbox] == [["binh@example.invalid"]]
        assert session.title in mail.outbox[0].subject
        assert first.token in mail.outbox[0].body
    else:
        assert mail.outbox == []
    ticket = text(client.get(reverse("trainings:ticket", args=[holder.token])))
    assert escape(gettext("Registration cancelled")) in ticket
    assert cancel_url not in ticket

    # Cancelling again changes nothing and does not fail.
    assert client.post(cancel_url).status_code == 302
    page = text(client.get(cancel_url))
    assert escape(gettext("Yes, cancel my registration")) not in page


# -- consent record ----------------------------------------------------------------------------------------
def test_the_consent_record_lists_what_the_person_agreed_to(client, session):
    register(client, session, form(consent_notifications="on"))
    registration = Registration.objects.get()
    response = client.get(reverse("trainings:consent_record", args=[registration.token]))
    assert response.status_code == 200
    page = text(response)
    assert escape(mask_name(NAME)) in page and escape(NAME) not in page  # masked: a phone alone must not reveal a name
    for consent in registration.attendee.consents.all():
        assert escape(consent.get_purpose_display()) in page
        assert escape(consent.text) in page
        assert consent.text == services.consent_text(consent.purpose)
        assert local(consent.given_at) in page
    assert services.CONSENT_TEXT_VERSION in page
    assert escape(services.consent_text(ConsentPurpose.CERTIFICATE)) not in page
    assert "@media print" in open_static("trainings/public.css")


def open_static(name: str) -> str:
    from django.contrib.staticfiles import finders

    with open(finders.find(name), encoding="utf-8") as handle:
        return handle.read()


# -- feedback --------------------------------------------------------------------------------------------
@pytest.fixture
def attended(session):
    registration = RegistrationFactory(session=session, seat=1)
    registration, _first = services.registration_check_in(actor=None, registration=registration, now=session.starts_at)
    return registration


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.WAITLISTED, Status.CANCELLED, Status.NO_SHOW])
def test_feedback_is_only_for_people_who_attended(client, session, status):
    seat = 1 if status in (Status.REGISTERED, Status.NO_SHOW) else None
    registration = RegistrationFactory(session=session, status=status, seat=seat)
    url = reverse("trainings:feedback", args=[registration.token])
    for response in (client.get(url), client.post(url, {"rating": "5"})):
        assert response.status_code == 403
        assert escape(
            gettext(
                "Feedback is for people who attended the class. Once the trainer has recorded your attendance, you can give it here."
            )
        ) in text(response)
    assert not Feedback.objects.exists()


def test_feedback_after_attending_is_received_once(client, attended):
    ticket = text(client.get(reverse("trainings:ticket", args=[attended.token])))
    url = reverse("trainings:feedback", args=[attended.token])
    assert url in ticket
    assert escape(gettext("Attended")) in ticket
    assert "data-check-in-url" not in ticket  # checked in: the code has done its job
    assert client.get(url).status_code == 200
    response = client.post(url, {"rating": "4", "pre_score": "40", "post_score": "85", "comment": "Rất bổ ích"})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.registration, feedback.rating, feedback.pre_score, feedback.post_score, feedback.comment) == (
        attended,
        4,
        40,
        85,
        "Rất bổ ích",
    )
    received = escape(gettext("Thank you: we have received your feedback."))
    assert received in text(client.get(url))
    again = client.post(url, {"rating": "1", "comment": "Lần hai"})
    assert again.status_code == 200
    assert received in text(again)
    assert Feedback.objects.get().rating == 4


def test_feedback_with_only_a_rating_is_enough(client, attended):
    response = client.post(reverse("trainings:feedback", args=[attended.token]), {"rating": "5"})
    assert response.status_code == 302
    assert Feedback.objects.get().pre_score is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"rating": "0"},
        {"rating": "6"},
        {"rating": "năm"},
        {"rating": "3", "pre_score": "101"},
        {"rating": "3", "post_score": "-1"},
        {"rating": "3", "comment": "x" * 2001},
    ],
)
def test_invalid_feedback_is_refused(client, attended, data):
    response = client.post(reverse("trainings:feedback", args=[attended.token]), data)
    assert response.status_code == 200
    assert "pub-errors" in text(response)
    assert not Feedback.objects.exists()


# -- abuse: rate limit, CSRF, unknown tokens, logs ------------------------------------------------------------
def test_too_many_posts_from_one_address_get_a_friendly_429(client, session, settings):
    settings.REGISTRATION_RATE_LIMIT = 3
    for number in range(3):
        response = register(client, session, form(phone=f"091234500{number}"), REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 302
    response = register(client, session, form(phone="0912345009"), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert escape(gettext("Too many registrations")) in text(response)
    assert Registration.objects.count() == 3
    # Invalid posts count too; another address is not affected; reading the form is never limited.
    assert register(client, session, {}, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert client.get(register_url(session), REMOTE_ADDR="203.0.113.5").status_code == 200
    assert register(client, session, form(phone="0912345009"), REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_missing_cache_does_not_block_registration(client, session, monkeypatch):
    from trainings import public_views

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(public_views.cache, "add", broken)
    monkeypatch.setattr(public_views.cache, "incr", broken)
    assert register(client, session, form()).status_code == 302
    assert Registration.objects.count() == 1


def test_a_post_without_the_csrf_token_is_refused(session):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(register_url(session), form())
    assert response.status_code == 403
    assert not Registration.objects.exists()
    # With the token from the form, the same post goes through.
    browser.get(register_url(session))
    token = browser.cookies["csrftoken"].value
    response = browser.post(register_url(session), form(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert browser.post(response["Location"], {"code": _code(response)}).status_code == 403
    confirmed = browser.post(response["Location"], {"code": _code(response), "csrfmiddlewaretoken": token})
    assert confirmed.status_code == 302
    # Cancelling and feedback are protected too.
    registration = Registration.objects.get()
    assert (
        Client(enforce_csrf_checks=True).post(reverse("trainings:cancel", args=[registration.token])).status_code
        == 403
    )
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED


@pytest.mark.parametrize("name", ["register", "ticket", "ticket_qr", "cancel", "consent_record", "feedback"])
@pytest.mark.parametrize("token", ["unknown-token-abcdef", "x" * 5000, "a b", "%00", "'; DROP TABLE x;--"])
def test_unknown_tokens_give_404(client, session, name, token):
    RegistrationFactory(session=session, seat=1)
    url = reverse(f"trainings:{name}", args=["PLACEHOLDER"]).replace("PLACEHOLDER", token)
    assert client.get(url).status_code == 404
    if name in ("register", "cancel", "feedback"):
        assert client.post(url, form()).status_code == 404


def test_a_class_that_is_not_public_has_no_registration_page(client):
    session = TrainingSessionFactory(is_public=False)
    assert client.get(register_url(session)).status_code == 404
    assert register(client, session, form()).status_code == 404
    assert not Registration.objects.exists()


def test_a_session_token_is_not_a_ticket(client, session):
    assert client.get(reverse("trainings:ticket", args=[session.public_token])).status_code == 404
    registration = RegistrationFactory(session=session, seat=1)
    assert client.get(reverse("trainings:register", args=[registration.token])).status_code == 404


def test_nothing_personal_is_logged(client, session, caplog):
    caplog.set_level(logging.DEBUG)
    register(client, session, form(email="lan@example.invalid", citizen_id="079090012345"))
    register(client, session, form())
    client.post(reverse("trainings:cancel", args=[Registration.objects.get().token]))
    logged = caplog.text
    for secret in (NAME, "Nguyễn", PHONE, E164, "912345678", "lan@example.invalid", "079090012345"):
        assert secret not in logged


def test_a_known_phone_with_another_name_is_another_person_and_changes_nothing(client, session):
    """A family shares a phone: another name with the same phone is another person with their own ticket. Nobody
    takes over a person's record from the public form: the first person's record stays as it was."""
    first = AttendeeFactory(full_name=NAME, phone=E164, organisation="", email="")
    client.post(register_url(session), form(full_name="Tên khác", email="la@example.invalid"))
    assert not Registration.objects.exists()
    register(client, session, form(full_name="Tên khác", email="la@example.invalid"))
    first.refresh_from_db()
    assert (first.full_name, first.organisation, first.email) == (NAME, "", "")
    other = Registration.objects.get().attendee
    assert other != first and (other.full_name, other.phone, other.email) == ("Tên khác", E164, "la@example.invalid")


def test_a_known_person_registers_again_without_their_record_changing(client, session):
    AttendeeFactory(full_name=NAME, phone=E164, organisation="", email="")
    register(client, session, form(email="moi@example.invalid"))
    attendee = Attendee.objects.get()
    assert (attendee.organisation, attendee.email) == ("", "")
    assert Registration.objects.get().status == Status.REGISTERED
