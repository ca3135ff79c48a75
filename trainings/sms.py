"""Text messages behind one small interface, chosen by the setting ``SMS_BACKEND`` (a dotted class path).

Providers plug in by subclassing ``SmsBackend``. Without one (``DisabledSmsBackend``, the default) no text
message is sent and public registration confirms by e-mail only. ``ConsoleSmsBackend`` prints messages
for local development; production refuses it (cms.settings.production).
"""

import sys

from django.conf import settings
from django.utils.module_loading import import_string


class SmsBackend:
    available = True

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class DisabledSmsBackend(SmsBackend):
    available = False

    def send(self, phone: str, text: str) -> None:
        return None


class ConsoleSmsBackend(SmsBackend):
    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"SMS to {phone}:\n{text}\n")


class LocmemSmsBackend(SmsBackend):
    """Keeps messages in ``outbox`` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        type(self).outbox.append((phone, text))


def backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_available() -> bool:
    return backend().available


def send_sms(phone: str, text: str) -> bool:
    sender = backend()
    if not sender.available:
        return False
    sender.send(phone, text)
    return True
