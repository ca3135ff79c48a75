"""Text messages behind one small interface, chosen by the setting ``SMS_BACKEND`` (a dotted class path).

Providers plug in by subclassing ``SmsBackend`` and implementing ``send(phone, text)``: ``phone`` is in E.164 form
(``+84912345678``), ``text`` plain Vietnamese; raise an exception when the provider refuses or cannot be reached (the
caller records the failure and tries again later). See docs/trainings.md for a gateway example. Without one (``DisabledSmsBackend``, the default) no text
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


class FileSmsBackend(SmsBackend):
    """Appends every message to the file ``SMS_FILE_PATH`` (development: read the messages a person would get)."""

    def send(self, phone: str, text: str) -> None:
        from pathlib import Path

        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write(f"SMS to {phone}:\n{text}\n\n")


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
