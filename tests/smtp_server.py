"""A real SMTP server on 127.0.0.1 (aiosmtpd in a thread) that keeps what it receives: e-mail is tested end to end,
through Django's SMTP backend, not through the in-memory outbox."""

import email
import email.policy
import socket
import threading

import pytest


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.received = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's handler API
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.received:
            self.messages.append(parsed)
            self.received.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list:
        with self.received:
            self.received.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return list(self.messages)

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Django sends through SMTP to a local server; yields its ``Inbox``."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()
