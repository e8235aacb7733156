"""Sending one email: the outbox (the embedded default: records, sends nothing) or an SMTP
server through Flask-Mailman, chosen by EMAIL_BACKEND.

`send` never raises for anything the server or the network does: it answers ACCEPTED (the
server took it), RETRY (it did not, for now: a connection refused or dropped, a timeout, a
4xx answer) or REJECTED (a 5xx answer: sending again would be refused again). `error` is the
server's code and a short reason, never the message or an address.
"""
from __future__ import annotations

import enum
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass

from flask_mailman import EmailMessage, Mail

mail = Mail()  # bound in create_app; the SMTP settings are read again at each send


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"
    RETRY = "retry"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    error: str | None = None


class OutboxMailer:
    """Accepts every email without sending it: the queue's own row is the record, shown on
    the admin Emails page."""

    name = "outbox"

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> SendResult:  # noqa: ARG002
        return SendResult(Outcome.ACCEPTED)


class SmtpMailer:
    """One SMTP conversation per email (a few a minute: no connection to keep alive), with
    the Message-ID made from our row's UUID so a copy sent twice can be recognised."""

    name = "smtp"

    def __init__(self, config: Mapping):
        self.sender = config["MAIL_DEFAULT_SENDER"]
        self.options = {
            "host": config["MAIL_SERVER"], "port": int(config["MAIL_PORT"]),
            "username": config["MAIL_USERNAME"] or "", "password": config["MAIL_PASSWORD"] or "",
            "use_tls": bool(config["MAIL_USE_TLS"]), "use_ssl": bool(config["MAIL_USE_SSL"]),
            "timeout": int(config["MAIL_TIMEOUT"]),
        }
        domain = self.sender.rsplit("@", 1)[-1].strip(" >") or "dvpo-desk"
        self.domain = domain

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> SendResult:
        message = EmailMessage(subject, body, self.sender, [to],
                               headers={"Message-ID": f"<{message_id}@{self.domain}>"})
        try:
            with mail.get_connection(backend="smtp", **self.options) as connection:
                message.connection = connection
                sent = message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            code, _ = next(iter(exc.recipients.values()), (550, b""))
            return _answer(code, "recipient refused")
        except smtplib.SMTPResponseException as exc:
            return _answer(exc.smtp_code, type(exc).__name__)
        except (smtplib.SMTPException, OSError) as exc:  # refused, dropped, timed out, TLS failed
            return SendResult(Outcome.RETRY, f"could not reach the SMTP server ({type(exc).__name__})")
        return SendResult(Outcome.ACCEPTED) if sent else SendResult(Outcome.RETRY, "not sent")


def _answer(code: int, what: str) -> SendResult:
    """A 5xx answer is final; anything else (4xx: try again later) is retried."""
    outcome = Outcome.REJECTED if 500 <= code < 600 else Outcome.RETRY
    return SendResult(outcome, f"SMTP {code}: {what}")


def build_mailer(config: Mapping) -> OutboxMailer | SmtpMailer:
    return SmtpMailer(config) if config.get("EMAIL_BACKEND") == "smtp" else OutboxMailer()
