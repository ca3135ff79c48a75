"""Background work of the trainings app (Django's Tasks API)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from campaigns.core.text import fold
from trainings.choices import Status
from trainings.models import Attendee, Feedback, PendingRegistration, Registration
from trainings.sms import send_sms


@task()
def deliver_notification(notification_id: int) -> str:
    """Send one recorded message to a registered person (see ``trainings.notifications``)."""
    # Imported when the task runs: trainings.notifications queues the tasks of this module (an import cycle).
    from trainings.notifications import notification_deliver

    return notification_deliver(actor=None, notification_id=notification_id)


@task()
def send_feedback_invitation(registration_id: int) -> bool:
    """Ask a person who attended for feedback (only attended registrations, only with an e-mail address)."""

    registration = Registration.objects.select_related("session", "attendee").filter(pk=registration_id).first()
    if registration is None or registration.status != Status.ATTENDED or not registration.attendee.email:
        return False
    if Feedback.objects.filter(registration=registration).exists():
        return False
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("trainings:feedback", args=[registration.token])
        send_mail(
            _("How was the class “%(title)s”?") % {"title": registration.session.title},
            _(
                "Thank you for attending “%(title)s”. Two minutes of your time help us improve the next classes: "
                "%(link)s"
            )
            % {"title": registration.session.title, "link": link},
            None,
            [registration.attendee.email],
        )
    return True


@task()
def send_registration_code(pending_id: int) -> bool:
    """Send a pending registration's code: by SMS to the phone, and by e-mail to the address on record for that
    phone and name (for a person never seen, the address typed in the form). Never to an address typed for a known
    phone: whoever types someone else's number learns nothing and gets nothing."""
    # Imported when the task runs: trainings.services queues the tasks of this module (an import cycle).
    from trainings.services import confirmation_code

    pending = PendingRegistration.objects.select_related("session").filter(pk=pending_id).first()
    if pending is None:
        return False
    known = Attendee.objects.filter(phone=pending.phone, name_key=fold(pending.details.get("full_name") or "")).first()
    email = known.email if known else pending.details.get("email", "")
    with translation.override(settings.LANGUAGE_CODE):
        code = confirmation_code(pending)
        # The link fills in the code: the e-mail is the channel the code is meant to travel by.
        confirm = reverse("trainings:confirm", args=[pending.token])
        link = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{confirm}?ma={code}"
        title = pending.session.title
        sent = send_sms(
            pending.phone,
            _("Code %(code)s to confirm your registration for “%(title)s”. Ignore this message if you did not ask.")
            % {"code": code, "title": title},
        )
        if email:
            send_mail(
                _("Your confirmation code: %(title)s") % {"title": title},
                _(
                    "Someone asked to register this phone number for the class “%(title)s”.\n\n"
                    "Confirmation code: %(code)s\nOr open: %(link)s\n\n"
                    "If it was not you, ignore this message: nothing is kept without the code. "
                    "If you already hold a seat, the confirmation opens your ticket."
                )
                % {"title": title, "code": code, "link": link},
                None,
                [email],
            )
            sent = True
    return sent


@task()
def find_tickets(registration_ids: list[int], by_phone: bool) -> int:
    """The "find my ticket" page's request: the links go to the phone or e-mail on record, never to the page."""
    # Imported when the task runs: trainings.notifications queues the tasks of this module (an import cycle).
    from trainings.notifications import ticket_links_send

    return ticket_links_send(actor=None, registration_ids=registration_ids, by_phone=by_phone)
