"""E-mail over SMTP, one connection per batch, keeping each message's server reply."""

import contextlib
import re
import smtplib
from email.utils import formatdate, parseaddr
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

from notifications.channels.base import Channel, ChannelSession, SendResult
from notifications.rendering import (
    ESCAPED_NAME_PLACEHOLDER,
    NAME_PLACEHOLDER,
    RenderedMessage,
    escape,
    put_name,
)


def build_message(notification, connection=None, attachments=None) -> EmailMultiAlternatives:
    """The Django message of a notice; `attachments` defaults to the row's stored ones."""
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient_address],
        headers={"Message-ID": notification.message_id},
        connection=connection,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments.all() if attachments is None else attachments:
        with attachment.file.open("rb") as handle:
            message.attach(attachment.filename, handle.read(), attachment.content_type)
    return message


def serialize_without_date(notification, attachments=None) -> bytes:
    """The message's bytes with CRLF line ends and no Date header (added when it is sent)."""
    message = build_message(notification, attachments=attachments).message()
    del message["Date"]
    return message.as_bytes(linesep="\r\n")


# An address Django writes into the To header exactly as given: a dot-atom at an ASCII domain.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]{{1,63}}(?:\.[A-Za-z0-9-]{{1,63}})*")
# Stand-ins of the same length as the values they stand for (a Message-ID holds a UUID).
_ADDRESS_MARK = "recipient-address@placeholder.invalid"
_ID_MARK = "message-id-placeholder-0123456789abc"
_MAX_HEADER_LINE = 78  # Beyond this a header may be folded, differently for each value.
_MAX_BODY_LINE = 998  # Django encodes a body with a longer line as quoted-printable, not 8bit.


def _has_long_lines(text: str) -> bool:
    # The test Django's SafeMIMEText makes to choose quoted-printable.
    return any(len(line.encode(errors="surrogateescape")) > _MAX_BODY_LINE for line in text.splitlines())


class MimeTemplate:
    """serialize_without_date for many notices that differ only in address, Message-ID and name.

    Django builds the message once, with stand-ins for the three; each notice's
    bytes are then the pieces between the stand-ins joined with its own values.
    `serialize` returns None when that would not give exactly what
    serialize_without_date gives (an address Django would rewrite or fold, a
    line long enough to change the body's encoding...): the caller builds that
    one in full.
    """

    def __init__(self, message: RenderedMessage):
        self.message = message
        self.pieces: list[bytes] = []
        self.slots: list[str] = []
        self.boundary = ""
        if (
            NAME_PLACEHOLDER in message.subject
            or _has_long_lines(message.text)
            or _has_long_lines(message.html)
        ):
            return  # A name in the subject is encoded with it; a long line changes the body's encoding.
        stand_in = SimpleNamespace(
            subject=message.subject,
            body_text=message.text,
            body_html=message.html,
            recipient_address=_ADDRESS_MARK,
            message_id=f"<{_ID_MARK}@hoinghi>",
        )
        built = serialize_without_date(stand_in, attachments=())
        slots = {
            _ADDRESS_MARK.encode(): "address",
            _ID_MARK.encode(): "id",
            ESCAPED_NAME_PLACEHOLDER.encode(): "escaped_name",
            NAME_PLACEHOLDER.encode(): "name",
        }
        pattern = re.compile(b"|".join(re.escape(mark) for mark in slots))
        start = 0
        for found in pattern.finditer(built):
            self.pieces.append(built[start : found.start()])
            self.slots.append(slots[found.group()])
            start = found.end()
        self.pieces.append(built[start:])
        if self.slots.count("address") != 1 or self.slots.count("id") != 1:
            self.pieces, self.slots = [], []  # A stand-in also turned up in the text: do not guess.
            return
        boundary = re.search(rb'boundary="([^"]+)"', self.pieces[0])
        self.boundary = boundary.group(1).decode() if boundary else ""

    def serialize(self, notification, name: str) -> bytes | None:
        """The notice's bytes as serialize_without_date gives them, or None if they must be built in full."""
        address = notification.recipient_address
        escaped = escape(name)
        if (
            not self.slots
            or not _PLAIN_ADDRESS.fullmatch(address)
            or len(address) + len("To: ") > _MAX_HEADER_LINE
            or (self.boundary and self.boundary in name)
            or notification.subject != self.message.subject
            or notification.body_text != put_name(self.message.text, name, escaped_name=escaped)
            or notification.body_html != put_name(self.message.html, name, escaped_name=escaped)
            or _has_long_lines(notification.body_text)
            or _has_long_lines(notification.body_html)
        ):
            return None
        values = {
            "address": address.encode(),
            "id": str(notification.id).encode(),
            "name": name.encode(),
            "escaped_name": escaped.encode(),
        }
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out.append(values[slot])
            out.append(piece)
        return b"".join(out)


def wire_bytes(notification) -> bytes:
    body = bytes(notification.mime) if notification.mime else serialize_without_date(notification)
    return b"Date: " + formatdate(localtime=True).encode() + b"\r\n" + body


def _envelope_address(address: str) -> str:
    """The address for RCPT TO; the common plain ASCII address skips Django's costly parsing."""
    if address.isascii() and "@" in address and not any(c in address for c in ' <>"\r\n,;()'):
        return address
    return parseaddr(sanitize_address(address, settings.DEFAULT_CHARSET))[1]


def _text(response: bytes | str) -> str:
    return response.decode("utf-8", "replace") if isinstance(response, bytes) else str(response)


class SMTPSession(ChannelSession):
    """Talks SMTP directly so each message's final reply ("250 ... queued as ...") is kept."""

    def __init__(self, backend: SMTPBackend):
        self.backend = backend
        self.backend.open()
        # The envelope sender, worked out once per connection rather than per message.
        self.sender = parseaddr(sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET))[1]
        self.backend.connection.ehlo_or_helo_if_needed()

    def send(self, notification) -> SendResult:
        smtp = self.backend.connection
        sender = self.sender
        try:
            recipient = _envelope_address(notification.recipient_address)
        except ValueError as exc:
            return SendResult(ok=False, response=f"Invalid address: {exc}", permanent=True)
        try:
            # docmd rather than mail()/rcpt(): those parse each address again (a third of the CPU
            # a message costs); both addresses are already bare here.
            for step in (
                lambda: smtp.docmd("mail", f"FROM:<{sender}>"),
                lambda: smtp.docmd("rcpt", f"TO:<{recipient}>"),
            ):
                code, reply = step()
                if code not in (250, 251):
                    smtp.rset()
                    return SendResult(ok=False, code=code, response=_text(reply), permanent=code >= 500)
            code, reply = smtp.data(wire_bytes(notification))
        except smtplib.SMTPResponseException as exc:
            return SendResult(
                ok=False, code=exc.smtp_code, response=_text(exc.smtp_error), permanent=exc.smtp_code >= 500
            )
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            return SendResult(ok=False, response=f"{type(exc).__name__}: {exc}", connection_lost=True)
        if code != 250:
            return SendResult(ok=False, code=code, response=_text(reply), permanent=code >= 500)
        return SendResult(ok=True, code=code, response=f"{code} {_text(reply)}")

    def close(self) -> None:
        # The connection may already be gone; nothing is lost by not saying QUIT.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.backend.close()


class BackendSession(ChannelSession):
    """Any other Django e-mail backend (file, console, memory): the demo and local set-ups."""

    def __init__(self, backend):
        self.backend = backend
        self.backend.open()

    def send(self, notification) -> SendResult:
        sent = self.backend.send_messages([build_message(notification, connection=self.backend)])
        if not sent:
            return SendResult(ok=False, response="The e-mail backend did not accept the message.")
        return SendResult(ok=True, response=f"accepted by {type(self.backend).__module__}")

    def close(self) -> None:
        self.backend.close()


class EmailChannel(Channel):
    name = "email"

    def open(self) -> ChannelSession:
        backend = get_connection(fail_silently=False)
        if isinstance(backend, SMTPBackend):
            return SMTPSession(backend)
        return BackendSession(backend)

    def rate_limit_key(self) -> str:
        if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
            return f"smtp:{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        return f"backend:{settings.EMAIL_BACKEND}"
