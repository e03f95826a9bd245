"""The outbox survives a worker killed in the middle of a batch: every notice arrives, almost none twice.

A real worker sends 1,000 notices to a real SMTP server (aiosmtpd, in this
process). Part-way, the worker and its pool are killed with SIGKILL, so rows
are left in `sending` and claimed tasks are lost with the process. A new
worker is started, and the sweeper, run here as beat would run it, hands the
rows out again once their lease has expired. The broker's own redelivery is
not relied on: with Redis it only happens after the visibility timeout.
"""

import datetime
import logging
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from conferences.services.conferences import conference_create
from conferences.services.organizations import organization_create
from config.celery import app as celery_app
from notifications.models import DeliveryAttempt, Notification
from notifications.services.delivery import sweep
from notifications.services.outbox import Recipient, notification_approve, notify
from tests.integration.conftest import wait_for, worker_log
from tests.smtp_sink import SMTPSink

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NOTICES = 1_000
KILL_AFTER = 250  # Not a multiple of the batch size of 100, so both pool processes are mid-batch.
LEASE_SECONDS = 5
CONCURRENCY = 2


@pytest.fixture
def deliveries_routed_to():
    """Send delivery tasks queued by the services (approve, sweep) to a worker's private queue."""
    previous = celery_app.conf.task_routes

    def route(queue: str) -> None:
        celery_app.conf.update(task_routes={"notifications.tasks.deliver_notifications": {"queue": queue}})

    yield route
    celery_app.conf.update(task_routes=previous)


def test_notices_survive_a_worker_killed_mid_batch(start_worker, deliveries_routed_to, settings, caplog):
    caplog.set_level(logging.WARNING, logger="mail.log")  # aiosmtpd logs every SMTP command at INFO.
    # The sweeper runs in this process: a row queued to the killed worker is queued again after 3 s.
    settings.NOTIFICATIONS_REQUEUE_SECONDS = 3
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    start = timezone.now() + datetime.timedelta(days=10)
    conference = conference_create(
        title_vi="Hội nghị sơ kết Quyết định 19",
        host=host,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
    )
    rows = notify(
        recipients=[
            Recipient(address=f"dai-bieu-{i:04d}@example.vn", name=f"Đại biểu {i}") for i in range(NOTICES)
        ],
        kind="announcement",
        context={"conference": conference, "title": "Thay đổi phòng họp", "message": "Phòng 301, tầng 3."},
        idempotency_key=f"announcement:{conference.pk}:room-change",
        scope=f"conference:{conference.pk}",
        hold=True,
    )
    expected = {row.message_id for row in rows}
    assert len(expected) == NOTICES

    with SMTPSink() as sink:
        smtp_env = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_USE_SSL": "false",
            "EMAIL_HOST_USER": "",
            "NOTIFICATIONS_LEASE_SECONDS": str(LEASE_SECONDS),
            "NOTIFICATIONS_RATE_LIMIT_PER_MINUTE": "0",
        }
        workers = [start_worker(concurrency=CONCURRENCY, extra_env=smtp_env, own_process_group=True)]
        deliveries_routed_to(workers[0].queue)
        # Approval queues 10 tasks of 100 ids when it commits.
        assert notification_approve(ids=[row.id for row in rows]) == NOTICES

        def mid_batch():
            return (
                len(sink.handler.message_ids) >= KILL_AFTER
                and Notification.objects.filter(state=Notification.State.SENDING).exists()
            )

        assert wait_for(mid_batch, timeout=30, interval=0.05), worker_log(workers)
        killed = workers[0].kill()
        pool_processes = len(killed) - 1
        received_at_kill = len(sink.handler.message_ids)
        # The dead processes can no longer write: these rows were claimed and never finished.
        interrupted = set(
            Notification.objects.filter(state=Notification.State.SENDING).values_list("id", flat=True)
        )
        assert interrupted, "the kill did not interrupt a batch"
        assert received_at_kill < NOTICES

        workers.append(start_worker(concurrency=CONCURRENCY, extra_env=smtp_env))

        def swept_and_all_sent():
            sweep()
            return not Notification.objects.exclude(state=Notification.State.SENT).exists()

        assert wait_for(swept_and_all_sent, timeout=40, interval=1.0), worker_log(workers)
        received = Counter(sink.handler.message_ids)

    states = Counter(Notification.objects.values_list("state", flat=True))
    assert states == {Notification.State.SENT: NOTICES}
    assert set(received) == expected
    # A killed sender loses at most the 250 reply to the one message it was sending.
    duplicates = sum(received.values()) - NOTICES
    assert duplicates <= pool_processes, received.most_common(5)
    duplicated_ids = {message_id for message_id, count in received.items() if count > 1}
    assert duplicated_ids <= {f"<{pk}@hoinghi>" for pk in interrupted}
    # Each interrupted row was claimed twice: by the killed worker, then by the new one after its lease.
    attempts = Counter(Notification.objects.filter(id__in=interrupted).values_list("attempts", flat=True))
    assert attempts == {2: len(interrupted)}
    logged = DeliveryAttempt.objects.filter(outcome="sent").count()
    print(
        f"\n{celery_app.conf.broker_url.split('://')[0]}:// + {connection.vendor}: "
        f"killed {len(killed)} processes after {received_at_kill} messages, {len(interrupted)} rows "
        f"in sending; {sum(received.values())} messages received, {duplicates} duplicate(s); "
        f"{logged} sends in the delivery log"
    )
