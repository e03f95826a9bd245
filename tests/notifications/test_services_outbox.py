import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import DeliveryAttempt, Notification
from notifications.services import Attachment, Recipient, notify
from notifications.services.delivery import deliver, sweep
from notifications.services.outbox import notification_approve, notification_cancel, notification_resend
from notifications.services.rate_limit import rate_limit_take

pytestmark = pytest.mark.django_db

State = Notification.State


def announce(conference, addresses, key="announcement:1", **kwargs):
    recipients = [Recipient(address=a, name=f"Đại biểu {i}") for i, a in enumerate(addresses)]
    kwargs.setdefault("hold", False)
    return notify(
        recipients=recipients,
        kind="announcement",
        context={"conference": conference, "title": "Thay đổi phòng họp", "message": "Hội trường B."},
        idempotency_key=key,
        scope=f"conference:{conference.pk}",
        **kwargs,
    )


def test_rollback_leaves_no_row_and_no_task(conference, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        announce(conference, ["a@example.org"])
        raise RuntimeError("the change that caused the notice failed")
    assert Notification.objects.count() == 0
    assert callbacks == []


def test_commit_queues_one_delivery_task(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        rows = announce(conference, ["a@example.org", "b@example.org"])
    assert len(rows) == 2
    assert len(callbacks) == 1  # one batch task for both rows


def test_same_idempotency_key_twice_gives_one_row(conference):
    first = announce(conference, ["a@example.org"], key="invitation:42:sent:v1")
    second = announce(conference, ["a@example.org"], key="invitation:42:sent:v1")
    assert [r.id for r in first] == [r.id for r in second]
    assert Notification.objects.count() == 1


def test_rendered_in_recipients_language(conference):
    [vi_row] = notify(
        recipients=[Recipient(address="vi@example.org", name="Nguyễn Văn A", language="vi")],
        kind="announcement",
        context={"conference": conference, "title": "T", "message": "M"},
        idempotency_key="lang",
        hold=True,
    )
    assert "Nguyễn Văn A" in vi_row.body_text
    assert vi_row.subject == "[Hội nghị sơ kết Quyết định 19] T"
    assert vi_row.state == State.HELD


def test_recipient_without_address_is_refused_and_nothing_written(conference):
    from core.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        announce(conference, ["ok@example.org", ""])
    assert Notification.objects.count() == 0


def test_batch_opens_one_smtp_connection(conference, smtp_sink):
    rows = announce(conference, [f"d{i}@example.org" for i in range(30)])
    result = deliver(ids=[r.id for r in rows], worker="w1")
    assert result["sent"] == 30
    assert smtp_sink.handler.connections == 1
    assert sorted(smtp_sink.handler.message_ids) == sorted(r.message_id for r in rows)
    assert Notification.objects.filter(state=State.SENT).count() == 30
    sent = Notification.objects.get(pk=rows[0].pk)
    assert sent.smtp_response.startswith("250")
    assert sent.sent_at is not None and sent.attempts == 1


def test_delivering_the_same_ids_twice_sends_once(conference, smtp_sink):
    rows = announce(conference, ["a@example.org", "b@example.org"])
    ids = [r.id for r in rows]
    deliver(ids=ids, worker="w1")
    again = deliver(ids=ids, worker="w2")
    assert again["sent"] == 0
    assert len(smtp_sink.handler.message_ids) == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_never_share_a_row(conference, smtp_sink):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the claim race needs a server database")
    # Held, then released by hand: nothing is queued, the two threads are the only senders.
    rows = announce(conference, [f"c{i}@example.org" for i in range(60)], hold=True)
    ids = [r.id for r in rows]
    Notification.objects.filter(id__in=ids).update(state=State.PENDING)
    results = []

    def run(name):
        try:
            results.append(deliver(ids=ids, worker=name))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["sent"] for r in results) == 60
    assert len(smtp_sink.handler.message_ids) == 60
    assert len(set(smtp_sink.handler.message_ids)) == 60


def test_temporary_failure_is_retried_later_then_sent(conference, smtp_sink):
    [row] = announce(conference, ["busy+temp@example.org"])
    first = deliver(ids=[row.id], worker="w1")
    row.refresh_from_db()
    assert first["retry"] == 1
    assert row.state == State.PENDING
    assert row.attempts == 1
    assert row.next_attempt_at > timezone.now()
    assert "451" in row.smtp_response
    # Not due yet: a second delivery now does nothing.
    assert deliver(ids=[row.id], worker="w1")["sent"] == 0
    later = row.next_attempt_at + datetime.timedelta(seconds=1)
    Notification.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert later > timezone.now()
    assert deliver(ids=[row.id], worker="w1")["sent"] == 1
    row.refresh_from_db()
    assert row.state == State.SENT
    assert row.attempts == 2
    assert list(DeliveryAttempt.objects.filter(notification=row).values_list("outcome", flat=True)) == [
        "retry",
        "sent",
    ]


def test_permanent_failure_is_dead_after_one_attempt(conference, smtp_sink):
    [row] = announce(conference, ["nobody+perm@example.org"])
    result = deliver(ids=[row.id], worker="w1")
    row.refresh_from_db()
    assert result["dead"] == 1
    assert row.state == State.DEAD
    assert row.attempts == 1
    assert row.smtp_response.startswith("550")
    assert smtp_sink.handler.message_ids == []


def test_too_many_attempts_is_dead(conference, smtp_sink, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    [row] = announce(conference, ["busy+temp@example.org"])
    deliver(ids=[row.id], worker="w1")
    row.refresh_from_db()
    assert row.state == State.DEAD


def test_unreachable_server_keeps_rows_pending(conference, settings):
    from tests.smtp_sink import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    rows = announce(conference, ["a@example.org", "b@example.org"])
    result = deliver(ids=[r.id for r in rows], worker="w1")
    assert result["retry"] == 2
    assert set(Notification.objects.values_list("state", flat=True)) == {State.PENDING}


def test_expired_lease_is_sent_exactly_once(conference, smtp_sink, django_capture_on_commit_callbacks):
    [row] = announce(conference, ["a@example.org"])
    # A worker claimed it and died: the row is stuck in sending with a lease.
    Notification.objects.filter(pk=row.pk).update(
        state=State.SENDING,
        lease_owner="dead-worker:1",
        lease_expires_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    assert deliver(ids=[row.id], worker="w2")["sent"] == 0  # lease still valid
    # Five minutes later the lease has run out (it was queued before it was claimed).
    Notification.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=6),
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == 1
    row.refresh_from_db()
    assert row.state == State.SENT
    assert deliver(ids=[row.id], worker="w3")["sent"] == 0
    assert smtp_sink.handler.message_ids == [row.message_id]


def test_not_before_in_future_is_not_sent_yet(conference, smtp_sink, django_capture_on_commit_callbacks):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    [row] = announce(conference, ["a@example.org"], not_before=tomorrow)
    assert row.enqueued_at is None
    assert deliver(ids=[row.id], worker="w1")["sent"] == 0
    assert sweep() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(now=tomorrow + datetime.timedelta(seconds=1)) == 1
    # The sweep ran "tomorrow", but the delivery it queued checks the real clock: still not due.
    assert smtp_sink.handler.message_ids == []
    Notification.objects.filter(pk=row.pk).update(not_before=timezone.now())
    assert deliver(ids=[row.id], worker="w1")["sent"] == 1


def test_held_notices_wait_for_approval(conference, smtp_sink, django_capture_on_commit_callbacks):
    rows = announce(conference, ["a@example.org", "b@example.org"], hold=True)
    assert deliver(ids=[r.id for r in rows], worker="w1")["sent"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_approve(ids=[rows[0].id]) == 1
    assert smtp_sink.handler.message_ids == [rows[0].message_id]
    assert notification_cancel(ids=[rows[1].id]) == 1
    assert Notification.objects.get(pk=rows[1].pk).state == State.CANCELLED
    assert notification_approve(ids=[rows[1].id]) == 0


def test_resend_creates_new_row_and_message_id(conference, smtp_sink, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = announce(conference, ["a@example.org"])
    row.refresh_from_db()
    assert row.state == State.SENT
    with django_capture_on_commit_callbacks(execute=True):
        copy = notification_resend(notification=row)
    copy.refresh_from_db()
    assert copy.resent_from_id == row.id
    assert copy.state == State.SENT
    assert smtp_sink.handler.message_ids == [row.message_id, copy.message_id]


def test_attachments_are_sent_and_stored_once(conference, smtp_sink):
    pdf = Attachment(filename="chuong-trinh.pdf", content=b"%PDF-1.7 demo", content_type="application/pdf")
    rows = announce(conference, ["a@example.org", "b@example.org"], attachments=[pdf])
    deliver(ids=[r.id for r in rows], worker="w1")
    names = {a.file.name for r in rows for a in r.attachments.all()}
    assert len(names) == 1
    message = smtp_sink.handler.messages[0]
    parts = [p for p in message.walk() if p.get_filename() == "chuong-trinh.pdf"]
    assert parts and parts[0].get_payload(decode=True) == b"%PDF-1.7 demo"


def test_rate_limit_is_shared_and_never_exceeded(settings):
    assert rate_limit_take(key="smtp:x", limit=10, wanted=6) == 6
    assert rate_limit_take(key="smtp:x", limit=10, wanted=6) == 4
    assert rate_limit_take(key="smtp:x", limit=10, wanted=1) == 0
    assert rate_limit_take(key="smtp:y", limit=10, wanted=3) == 3
    assert rate_limit_take(key="smtp:x", limit=0, wanted=50) == 50


def test_rate_limited_rows_are_deferred_to_next_minute(conference, smtp_sink, settings):
    settings.NOTIFICATIONS_RATE_LIMIT_PER_MINUTE = 3
    rows = announce(conference, [f"r{i}@example.org" for i in range(5)])
    result = deliver(ids=[r.id for r in rows], worker="w1")
    assert result == {"sent": 3, "retry": 0, "dead": 0, "deferred": 2}
    deferred = Notification.objects.filter(state=State.PENDING)
    assert deferred.count() == 2
    assert all(r.attempts == 0 and r.next_attempt_at > timezone.now() for r in deferred)


def test_resend_while_a_copy_is_still_queued_is_refused(conference):
    from core.exceptions import ApplicationError

    [row] = announce(conference, ["a@example.org"])
    Notification.objects.filter(pk=row.pk).update(state=State.SENT)
    notification_resend(notification=row)
    with pytest.raises(ApplicationError):
        notification_resend(notification=row)
    assert Notification.objects.filter(resent_from=row).count() == 1


def test_approving_a_future_notice_leaves_it_to_the_sweeper(conference, django_capture_on_commit_callbacks):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    [row] = announce(conference, ["a@example.org"], hold=True, not_before=tomorrow)
    with django_capture_on_commit_callbacks() as callbacks:
        assert notification_approve(ids=[row.id]) == 1
    row.refresh_from_db()
    assert row.state == State.PENDING
    assert row.enqueued_at is None
    assert callbacks == []


def test_a_key_written_meanwhile_by_another_call_is_skipped_and_the_rest_written(conference):
    from notifications.services.outbox import _insert_rows

    [theirs] = announce(conference, ["a@example.org"], key="k")
    mine = [
        Notification(
            idempotency_key=theirs.idempotency_key, kind="announcement", recipient_address="a@example.org"
        ),
        Notification(
            idempotency_key="k|b@example.org", kind="announcement", recipient_address="b@example.org"
        ),
    ]

    _insert_rows(mine)

    assert Notification.objects.get(idempotency_key=theirs.idempotency_key).id == theirs.id
    assert Notification.objects.filter(idempotency_key="k|b@example.org", id=mine[1].id).exists()


def test_writing_a_batch_reads_a_fixed_number_of_times(conference):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rows = announce(conference, [f"q{i}@example.org" for i in range(300)], hold=True)

    assert len(rows) == 300
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    # The keys written before, the conference's host for the templates, the rows' ids after writing.
    assert len(reads) <= 3, reads
