"""Sending a letter by email through Django's email framework, keeping what the mail server
answered: the message id, and its acceptance (with the server's reply, which usually names its
queue id) or its refusal, with the time.

With the SMTP backend (the default; `EMAIL_*` settings, docs/settings.md) the message goes
through the backend's own connection, so its TLS and sign-in settings apply, but rollcall sends
the envelope itself to read the server's reply to the message, which `send_messages` drops.
Any other backend (the console backend in development) is used as it is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import make_msgid

from rollcall.core import clock


@dataclass(frozen=True)
class ServerAnswer:
    accepted: bool
    message_id: str
    reply: str
    at: dt.datetime


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def email_send(message: EmailMessage, *, domain: str | None = None) -> ServerAnswer:
    """Send one message to its recipients and say what the server answered."""
    message_id = make_msgid(domain=domain)
    message.extra_headers["Message-ID"] = message_id
    backend = get_connection(fail_silently=False)
    if not isinstance(backend, SmtpBackend):
        sent = backend.send_messages([message])
        return ServerAnswer(bool(sent), message_id, "", clock.now())
    try:
        backend.open()
        server = backend.connection
        assert server is not None
        recipients = message.recipients()
        server.ehlo_or_helo_if_needed()
        code, reply = server.mail(message.from_email)
        if code != 250:
            server.rset()
            return ServerAnswer(False, message_id, f"{code} {_text(reply)}", clock.now())
        for recipient in recipients:
            code, reply = server.rcpt(recipient)
            if code not in (250, 251):
                server.rset()
                return ServerAnswer(False, message_id, f"{code} {_text(reply)}", clock.now())
        code, reply = server.data(message.message().as_bytes(linesep="\r\n"))
        return ServerAnswer(code == 250, message_id, f"{code} {_text(reply)}", clock.now())
    except (smtplib.SMTPException, OSError) as problem:
        return ServerAnswer(False, message_id, f"Not sent: {problem}", clock.now())
    finally:
        # Closing after a failure must not hide the server's answer.
        with contextlib.suppress(Exception):
            backend.close()
