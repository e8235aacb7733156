"""A real SMTP server on loopback (aiosmtpd) for the email tests: it holds every message it
accepts, and can be told to answer DATA with an error, or be stopped to play a server that is down."""
from __future__ import annotations

import email
import socket
from dataclasses import dataclass
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: str
    message: Message

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        text = self.message.get_payload(decode=True).decode(self.message.get_content_charset() or "utf-8")
        return text.replace("\r\n", "\n")


class _Handler:
    def __init__(self):
        self.received: list[Received] = []
        self.answer: str | None = None  # e.g. "451 4.3.0 Try again later", instead of accepting

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.answer:
            return self.answer
        raw = envelope.original_content.decode("utf-8", "replace")
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw,
                                      email.message_from_bytes(envelope.original_content)))
        return "250 Message accepted for delivery"


class LoopbackSMTP:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = _Handler()
        self.controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> LoopbackSMTP:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def config(self) -> dict:
        return {"EMAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False,
                "MAIL_USE_SSL": False, "MAIL_USERNAME": "", "MAIL_PASSWORD": "", "MAIL_TIMEOUT": 5,
                "MAIL_DEFAULT_SENDER": "DVPO Desk <dvpo-desk@test.police.uk>"}
