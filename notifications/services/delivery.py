"""Delivering outbox rows: claim under a lease, send over one connection, record the reply.

A row is marked sent right after the server's 250 reply, under the lease that
claimed it, so a task delivered twice (or two workers given the same ids)
never sends a row twice. A worker that dies leaves its rows in `sending`; when
the lease expires the sweeper hands them out again.
"""

import contextlib
import datetime
import logging
import random
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, prefetch_related_objects
from django.utils import timezone

from notifications.channels import get_channel
from notifications.models import DeliveryAttempt, Notification
from notifications.services.outbox import enqueue_delivery
from notifications.services.rate_limit import rate_limit_prune, rate_limit_take, window_start

logger = logging.getLogger(__name__)
State = Notification.State


def _claimable(now: datetime.datetime) -> Q:
    due = (
        Q(state=State.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(not_before__isnull=True) | Q(not_before__lte=now))
    )
    return due | Q(state=State.SENDING, lease_expires_at__lt=now)


def backoff_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff with full jitter: about 1, 2, 4 ... minutes, capped at the setting."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    capped = min(base, settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    return datetime.timedelta(seconds=capped / 2 + random.uniform(0, capped / 2))


def deliver(*, ids: Sequence, worker: str = "") -> dict[str, int]:
    """Claim the given rows that are due and send them; return counts by outcome."""
    now = timezone.now()
    lease = f"{worker or 'worker'}:{uuid.uuid4().hex[:12]}"[:100]
    lease_until = now + datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    # The conditional update is the claim: of two workers given the same row, one updates it.
    Notification.objects.filter(id__in=list(ids)).filter(_claimable(now)).update(
        state=State.SENDING, lease_owner=lease, lease_expires_at=lease_until, attempts=F("attempts") + 1
    )
    rows = list(Notification.objects.filter(lease_owner=lease, state=State.SENDING).order_by("created_at"))
    # Only rows sent with attachments are built at send time; the rest carry their bytes.
    prefetch_related_objects([row for row in rows if row.mime is None], "attachments")
    outcome = {"sent": 0, "retry": 0, "dead": 0, "deferred": 0}
    if not rows:
        return outcome

    by_channel: dict[str, list[Notification]] = {}
    for row in rows:
        by_channel.setdefault(row.channel, []).append(row)
    attempts: list[DeliveryAttempt] = []
    with _relaxed_commits():
        for channel_name, channel_rows in by_channel.items():
            _deliver_channel(channel_name, channel_rows, lease, worker, outcome, attempts)
    DeliveryAttempt.objects.bulk_create(attempts)
    return outcome


@contextlib.contextmanager
def _relaxed_commits():
    """On PostgreSQL, let this batch's per-message commits return before the disk flush.

    Each sent message is committed on its own (that is what keeps a retried
    batch from sending it twice), and waiting for the flush every time was
    most of a message's time. What this risks: if the database server itself
    crashes, the last fraction of a second of "sent" marks may be lost and
    those messages sent once more, as after a worker crash. A crash of the
    worker loses nothing. NOTIFICATIONS_SYNCHRONOUS_COMMIT=true turns it off.
    """
    relax = connection.vendor == "postgresql" and not settings.NOTIFICATIONS_SYNCHRONOUS_COMMIT
    if relax:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        if relax and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO DEFAULT")


def _deliver_channel(channel_name, rows, lease, worker, outcome, attempts) -> None:
    channel = get_channel(channel_name)
    limit = settings.NOTIFICATIONS_RATE_LIMIT_PER_MINUTE
    granted = rate_limit_take(key=channel.rate_limit_key(), limit=limit, wanted=len(rows))
    if granted < len(rows):
        # Over this minute's budget: hand the rest back for the next minute, not counted as an attempt.
        next_window = window_start(timezone.now()) + datetime.timedelta(minutes=1)
        _release(rows[granted:], lease, next_attempt_at=next_window, undo_attempt=True)
        outcome["deferred"] += len(rows) - granted
        rows = rows[:granted]
    if not rows:
        return
    try:
        session = channel.open()
    except OSError as exc:
        logger.warning("Could not open %s channel: %s", channel_name, exc)
        for row in rows:
            _record_failure(
                row, lease, worker, f"{type(exc).__name__}: {exc}", None, False, outcome, attempts
            )
        return
    renew_at = timezone.now() + datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS / 2)
    with session:
        for index, row in enumerate(rows):
            if timezone.now() >= renew_at:
                # A slow server must not let the lease run out under a live worker (the sweeper
                # would hand the rest to another one): extend it, and drop rows no longer ours.
                renew_at, still_ours = _renew_lease(rows[index:], lease)
                if row.pk not in still_ours:
                    continue
            started = timezone.now()
            result = session.send(row)
            if result.ok:
                if not _mark_sent(row, lease, worker, started, result):
                    logger.warning("Notice %s was sent after its lease was taken over.", row.pk)
                outcome["sent"] += 1
                continue
            _record_failure(
                row, lease, worker, result.response, result.code, result.permanent, outcome, attempts, started
            )
            if result.connection_lost:
                # The rest of this batch never reached the server: back to pending, not counted.
                _release(rows[index + 1 :], lease, next_attempt_at=None, undo_attempt=True)
                outcome["deferred"] += len(rows) - index - 1
                enqueue_delivery([r.pk for r in rows[index + 1 :]])
                return


def _renew_lease(rows, lease) -> tuple[datetime.datetime, set]:
    now = timezone.now()
    span = datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    ids = [r.pk for r in rows]
    Notification.objects.filter(pk__in=ids, lease_owner=lease, state=State.SENDING).update(
        lease_expires_at=now + span
    )
    still_ours = set(
        Notification.objects.filter(pk__in=ids, lease_owner=lease, state=State.SENDING).values_list(
            "pk", flat=True
        )
    )
    return now + span / 2, still_ours


def _mark_sent(row, lease, worker, started, result) -> bool:
    """Mark the row sent and log the attempt in one commit, right after the server's 250.

    Plain SQL: this runs once per message and the ORM's update costs several
    times more CPU than the statement itself.
    """
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    pk = Notification._meta.pk.get_db_prep_value(row.pk, connection)
    mark = [State.SENT, now, result.response[:500], now, pk, lease]
    log = [
        ops.adapt_datetimefield_value(started),
        worker[:100],
        DeliveryAttempt.Outcome.SENT.value,
        result.code,
        result.response,
    ]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # One statement, so one round trip and its own commit: the mark and the log entry stand or
        # fall together without a BEGIN/COMMIT pair around them.
        with connection.cursor() as cursor:
            cursor.execute(_MARK_AND_LOG_SQL, [*mark, *log])
            return cursor.fetchone() is not None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_MARK_SENT_SQL, mark)
        marked = cursor.rowcount == 1
        cursor.execute(_LOG_ATTEMPT_SQL, [pk, *log])
    return marked


_MARK_SENT_SQL = (
    f"UPDATE {Notification._meta.db_table} SET state = %s, sent_at = %s, smtp_response = %s, "
    "last_error = '', lease_owner = '', lease_expires_at = NULL, next_attempt_at = NULL, updated_at = %s "
    "WHERE id = %s AND lease_owner = %s"
)
_MARK_AND_LOG_SQL = (
    f"WITH sent AS ({_MARK_SENT_SQL} RETURNING id) "
    f"INSERT INTO {DeliveryAttempt._meta.db_table} "
    "(notification_id, started_at, worker, outcome, smtp_code, response) "
    "SELECT id, %s, %s, %s, %s, %s FROM sent RETURNING notification_id"
)
_LOG_ATTEMPT_SQL = (
    f"INSERT INTO {DeliveryAttempt._meta.db_table} "
    "(notification_id, started_at, worker, outcome, smtp_code, response) VALUES (%s, %s, %s, %s, %s, %s)"
)


def _record_failure(row, lease, worker, response, code, permanent, outcome, attempts, started=None) -> None:
    now = timezone.now()
    attempts_made = row.attempts + 1  # The claim's increment is not reflected on the loaded row.
    give_up = permanent or attempts_made >= settings.NOTIFICATIONS_MAX_ATTEMPTS
    fields = {
        "last_error": (response or "")[:2000],
        "smtp_response": (f"{code} {response}" if code else response or "")[:500],
        "lease_owner": "",
        "lease_expires_at": None,
        "updated_at": now,
    }
    if give_up:
        fields |= {"state": State.DEAD, "next_attempt_at": None}
        outcome["dead"] += 1
    else:
        fields |= {"state": State.PENDING, "next_attempt_at": now + backoff_delay(attempts_made)}
        outcome["retry"] += 1
    Notification.objects.filter(pk=row.pk, lease_owner=lease).update(**fields)
    attempts.append(
        DeliveryAttempt(
            notification=row,
            started_at=started or now,
            worker=worker[:100],
            outcome=DeliveryAttempt.Outcome.DEAD if give_up else DeliveryAttempt.Outcome.RETRY,
            smtp_code=code,
            response=response or "",
        )
    )


def _release(rows, lease, *, next_attempt_at, undo_attempt: bool) -> None:
    update = {
        "state": State.PENDING,
        "lease_owner": "",
        "lease_expires_at": None,
        "next_attempt_at": next_attempt_at,
        "enqueued_at": None if next_attempt_at else timezone.now(),
    }
    if undo_attempt:
        update["attempts"] = F("attempts") - 1
    Notification.objects.filter(pk__in=[r.pk for r in rows], lease_owner=lease).update(**update)


def sweep(*, now: datetime.datetime | None = None, limit: int = 10_000) -> int:
    """Queue rows that are due but not waiting in the broker: retries, reminders, expired leases.

    A row queued within NOTIFICATIONS_REQUEUE_SECONDS is assumed to be waiting
    in the broker and is left alone; if it was lost, the next sweep after that
    queues it again. Claims make a row queued twice harmless.
    """
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_SECONDS)
    due = (
        Notification.objects.filter(_claimable(now))
        .filter(
            Q(enqueued_at__isnull=True)
            | Q(enqueued_at__lt=stale)
            # Not queued since it fell due again (a retry, or a lease that ran out):
            | Q(next_attempt_at__isnull=False, enqueued_at__lt=F("next_attempt_at"))
            | Q(state=State.SENDING, enqueued_at__lt=F("lease_expires_at"))
        )
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )
    ids = list(due)
    if ids:
        Notification.objects.filter(id__in=ids).update(enqueued_at=now)
        enqueue_delivery(ids)
    rate_limit_prune(before=now - datetime.timedelta(hours=1))
    return len(ids)
