"""Writing notices: rows in the outbox, in the same transaction as the change that causes them."""

import contextlib
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from notifications.kinds import is_held_by_default
from notifications.models import Notification, NotificationAttachment, search_text
from notifications.rendering import NoticeTemplate, can_put_name, notice_template, render_notice

BATCH_SIZE = 100
# Rows per INSERT where COPY is not used: each carries its bodies and message.
INSERT_BATCH_SIZE = 500


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str = ""
    language: str = "vi"
    # Who this is in the caller's records ("person:12"); the outbox only stores it.
    ref: str = ""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str


def _recipient_key(idempotency_key: str, recipient: Recipient) -> str:
    return f"{idempotency_key}|{recipient.address.lower()}"[:200]


def _store_attachment(attachment: Attachment) -> str:
    """Store the bytes once, by content, however many notices carry them."""
    digest = hashlib.sha256(attachment.content).hexdigest()
    name = f"notifications/attachments/{digest[:32]}/{attachment.filename}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(attachment.content))
    return name


def notify(
    *,
    recipients: Sequence[Recipient],
    kind: str,
    context: dict,
    idempotency_key: str,
    scope: str = "",
    attachments: Iterable[Attachment] = (),
    hold: bool | None = None,
    not_before=None,
) -> list[Notification]:
    """Write one outbox row per recipient and queue the due ones for delivery on commit.

    `scope` groups the rows for the caller's reads (conferences gives "conference:<id>").
    Each row's key is the idempotency key plus the recipient's address: calling
    again with the same key returns the rows written the first time and writes
    nothing. Rendering happens now, in each recipient's language, so what is
    sent is what was decided, even if the data changes later.
    """
    if not idempotency_key:
        raise ApplicationError(_("A notice needs an idempotency key."))
    missing = [r for r in recipients if not r.address]
    if missing:
        raise ApplicationError(
            _("%(name)s has no e-mail address.") % {"name": missing[0].name or "?"},
            fields={"recipients": [r.name for r in missing]},
        )
    held = is_held_by_default(kind) if hold is None else hold
    now = timezone.now()
    due = not held and (not_before is None or not_before <= now)
    attachments = list(attachments)

    with transaction.atomic():
        keys = {_recipient_key(idempotency_key, r): r for r in recipients}
        existing = set(
            Notification.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True)
        )
        new_rows = _build_rows(
            [(key, r) for key, r in keys.items() if key not in existing],
            kind=kind,
            context=context,
            scope=scope,
            state=Notification.State.HELD if held else Notification.State.PENDING,
            not_before=not_before,
            enqueued_at=now if due else None,
            with_mime=not attachments,
        )
        _insert_rows(new_rows)
        rows, created = _rows_for_keys(keys, new_rows)
        if attachments and created:
            stored = [(a, _store_attachment(a)) for a in attachments]
            NotificationAttachment.objects.bulk_create(
                (
                    NotificationAttachment(
                        notification=row, filename=a.filename, content_type=a.content_type, file=name
                    )
                    for row in created
                    for a, name in stored
                ),
                batch_size=INSERT_BATCH_SIZE,
            )
        if due and created:
            enqueue_delivery([row.id for row in created])
    return rows


def _build_rows(
    todo: list[tuple[str, Recipient]], *, kind: str, context: dict, with_mime: bool, **fields
) -> list[Notification]:
    """The unsaved rows of these recipients, rendered (and, without attachments, serialized) in bulk.

    The templates are rendered once per language and each recipient's name put
    in (notifications.rendering), and the message is built once per language
    with each row's address, Message-ID and name put in (MimeTemplate); a
    recipient whose name or address does not allow that is rendered or built
    on its own, with the same result.
    """
    from notifications.channels.email import MimeTemplate, serialize_without_date

    templates: dict[str, tuple[NoticeTemplate, MimeTemplate | None] | None] = {}
    # Rendering once with a placeholder costs two renders: worth it from two recipients of a language.
    alone = {language for language, count in Counter(r.language for _key, r in todo).items() if count < 2}
    templates |= dict.fromkeys(alone)
    rows = []
    for key, recipient in todo:
        language = recipient.language
        if language not in templates:
            template = notice_template(kind=kind, context=context, language=language)
            mime = MimeTemplate(template.message) if template is not None and with_mime else None
            templates[language] = (template, mime) if template is not None else None
        shared = templates[language] if can_put_name(recipient.name) else None
        if shared is not None:
            message = shared[0].fill(recipient.name)
        else:
            message = render_notice(
                kind=kind, context={**context, "recipient_name": recipient.name}, language=language
            )
        row = Notification(
            idempotency_key=key,
            kind=kind,
            recipient_ref=recipient.ref,
            recipient_name=recipient.name,
            recipient_address=recipient.address,
            recipient_search=search_text(recipient.name, recipient.address),
            language=language,
            subject=message.subject,
            body_text=message.text,
            body_html=message.html,
            **fields,
        )
        if with_mime:
            mime = shared[1].serialize(row, recipient.name) if shared is not None and shared[1] else None
            row.mime = mime if mime is not None else serialize_without_date(row, attachments=())
        rows.append(row)
    return rows


def _insert_rows(rows: list[Notification]) -> None:
    """Insert new rows; one whose key a concurrent call wrote meanwhile is left out (that call's row wins).

    On PostgreSQL (psycopg 3) the rows go in with COPY: each carries a few
    kilobytes of text, and the server takes them several times faster than as a
    multi-row INSERT of thousands of parameters (benchmarks/notices.py, "write
    notices"). COPY cannot skip a conflicting row, so a conflict rolls it back
    to its savepoint and the rows go in with INSERT ... ON CONFLICT DO NOTHING.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(Notification)]
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(using=connection.alias):
                if _copy_rows(connection, rows):
                    return
        except IntegrityError:
            pass
    Notification.objects.bulk_create(rows, batch_size=INSERT_BATCH_SIZE, ignore_conflicts=True)


def _copy_rows(connection, rows: list[Notification]) -> bool:
    """COPY the rows into the table as bulk_create would insert them; False if the driver cannot COPY."""
    fields = Notification._meta.concrete_fields
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(Notification._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    )
    with connection.cursor() as cursor:
        copy = getattr(cursor.cursor, "copy", None)
        if copy is None:
            return False
        # Logged like any query where queries are logged (DEBUG, tests counting queries).
        logged = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else contextlib.nullcontext()
        with connection.wrap_database_errors, logged, copy(sql) as stream:
            for row in rows:
                stream.write_row([f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields])
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias
    return True


def _rows_for_keys(keys: dict, new_rows: list[Notification]) -> tuple[list[Notification], list[Notification]]:
    """Every row under these keys, newest first, and those of them this call wrote.

    The rows just written are returned as built rather than read back with their
    bodies; only rows written earlier (or by a concurrent call) are read.
    """
    built = {row.id: row for row in new_rows}
    found = list(Notification.objects.filter(idempotency_key__in=keys).values_list("id", flat=True))
    others = Notification.objects.in_bulk([pk for pk in found if pk not in built])
    rows = [built.get(pk) or others[pk] for pk in found]
    return rows, [row for row in rows if row.id in built]


def enqueue_delivery(ids: Sequence) -> None:
    """Send delivery tasks for these rows once the surrounding transaction commits."""
    from notifications.tasks import deliver_notifications

    id_strings = [str(i) for i in ids]
    for start in range(0, len(id_strings), BATCH_SIZE):
        chunk = id_strings[start : start + BATCH_SIZE]
        transaction.on_commit(partial(deliver_notifications.delay, chunk))


@transaction.atomic
def notification_approve(*, ids: Sequence) -> int:
    """Release held notices for delivery; return how many were released."""
    now = timezone.now()
    approved = list(
        Notification.objects.select_for_update()
        .filter(id__in=ids, state=Notification.State.HELD)
        .values_list("id", flat=True)
    )
    Notification.objects.filter(id__in=approved).update(state=Notification.State.PENDING, updated_at=now)
    # Only rows due now are queued; one with not_before ahead is left to the sweeper.
    due_ids = list(
        Notification.objects.filter(id__in=approved)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .values_list("id", flat=True)
    )
    Notification.objects.filter(id__in=due_ids).update(enqueued_at=now)
    enqueue_delivery(due_ids)
    return len(approved)


def _cancel_waiting(queryset) -> int:
    # One already sending or sent is left alone: the conditional update decides, not a read before it.
    return queryset.filter(state__in=Notification.WAITING_STATES).update(
        state=Notification.State.CANCELLED, updated_at=timezone.now()
    )


def notification_cancel(*, ids: Sequence) -> int:
    """Cancel these notices where they are not yet handed to a worker."""
    return _cancel_waiting(Notification.objects.filter(id__in=ids))


def notification_cancel_waiting(*, key_prefix: str) -> int:
    """Cancel every notice under a key prefix that is not yet handed to a worker (reminders, say)."""
    return _cancel_waiting(Notification.objects.filter(idempotency_key__startswith=key_prefix))


@transaction.atomic
def notification_resend(*, notification: Notification) -> Notification:
    """Send a sent (or failed) notice again, as a new row with its own Message-ID."""
    # The lock makes two clicks on "Resend" run one after the other: the second sees the first's copy.
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.state not in {Notification.State.SENT, Notification.State.DEAD}:
        raise ApplicationError(_("Only a sent or failed notice can be sent again."), code="not_resendable")
    unsent = [Notification.State.HELD, Notification.State.PENDING, Notification.State.SENDING]
    if Notification.objects.filter(resent_from=notification, state__in=unsent).exists():
        raise ApplicationError(_("This notice is already queued to be sent again."))
    count = Notification.objects.filter(resent_from=notification).count()
    now = timezone.now()
    copy = Notification.objects.create(
        idempotency_key=f"{notification.idempotency_key}|resend-{count + 1}"[-200:],
        kind=notification.kind,
        scope=notification.scope,
        recipient_ref=notification.recipient_ref,
        recipient_name=notification.recipient_name,
        recipient_address=notification.recipient_address,
        language=notification.language,
        subject=notification.subject,
        body_text=notification.body_text,
        body_html=notification.body_html,
        state=Notification.State.PENDING,
        resent_from=notification,
        enqueued_at=now,
    )
    NotificationAttachment.objects.bulk_create(
        NotificationAttachment(
            notification=copy, filename=a.filename, content_type=a.content_type, file=a.file.name
        )
        for a in notification.attachments.all()
    )
    enqueue_delivery([copy.id])
    return copy
