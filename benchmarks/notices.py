"""Notices benchmark: the outbox, delivered by Celery workers, against a plain smtplib loop.

    .venv/bin/python benchmarks/notices.py [--count 5000] [--workers 2] [--profile 1000] [--strict]

Needs PostgreSQL and Redis: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/hoinghi_bench,
created and migrated here) and CELERY_BROKER_URL (default redis://127.0.0.1:6379/12). The outbox
tables are emptied before each run. The SMTP sink (aiosmtpd) runs in a process of its own, so
receiving mail takes no CPU time from the sending process being measured.

1. Baseline: one process builds each message with the standard library's email.mime classes (what
   Django's EmailMessage uses underneath) and sends it with smtplib over one connection.
2. Outbox: the same number of notices are written with notify(hold=True) (timed apart), then
   released with notification_approve, which queues delivery tasks of 100 ids; the time runs from
   the release until every row is `sent`. Worker CPU time is read from /proc for each worker and its
   pool, before and after.

It prints the figures, the CPU time the local PostgreSQL and Redis servers spent meanwhile (they share
the machine's CPUs with the workers), and PASS/FAIL against the targets (outbox/baseline >= 0.5,
worker CPU <= 0.5 ms per message). With --strict it exits 1 when a target is missed, after printing
everything. --profile N then sends N rows again with deliver() in this process under cProfile and
prints where the time goes.
"""

import argparse
import cProfile
import io
import os
import pstats
import smtplib
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _common import (  # noqa: E402
    SinkProcess,
    drop_postgres_database,
    ensure_postgres_database,
    servers_cpu_seconds,
    stale_tables,
)

from devtools.celery_worker import WorkerProcess, delete_queue  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hoinghi_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/12"
SMTP_POLICY = compat32.clone(linesep="\r\n")
TARGET_RATIO = 0.5
SERVERS = ("postgres", "redis-server")  # Local servers whose CPU time is shown, when they run here.
TARGET_CPU_MS = 0.5
TARGET_WRITE_SPEEDUP = 5.0
CONTEXT = {
    "conference": {
        "title_vi": "Hội nghị sơ kết 5 năm thực hiện Quyết định số 19/2014/QĐ-TTg",
        "host": {"name": "Bộ Khoa học và Công nghệ"},
    },
    "title": "Thay đổi phòng họp",
    "message": (
        "Kính gửi quý đại biểu,\n"
        "Phiên toàn thể sẽ diễn ra tại Phòng 301, tầng 3, số 113 Trần Duy Hưng, Hà Nội, lúc 8 giờ 30.\n"
        "Đề nghị quý đại biểu có mặt trước 15 phút để làm thủ tục.\n"
    )
    * 3,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="messages in each run (default 5000)")
    parser.add_argument(
        "--workers", type=int, default=2, help="worker processes, concurrency 1 each (default 2)"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="afterwards, send N rows again with deliver() in this process under cProfile",
    )
    parser.add_argument(
        "--log-dir", type=Path, help="keep the workers' logs here (default: a temporary folder)"
    )
    parser.add_argument(
        "--write-rounds",
        type=int,
        default=3,
        metavar="N",
        help="times to write --count notices before and now, for the write rate (default 3, 0 skips)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args()


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    stale = stale_tables()
    if stale:
        name = connection.settings_dict["NAME"]
        if not name.endswith("_bench"):
            sys.exit(
                f"{name}: tables {', '.join(stale)} are out of date; recreate the database and run again."
            )
        print(f"{name}: tables {', '.join(stale)} are out of date (migrations regenerated); recreating it")
        connection.close()
        drop_postgres_database(os.environ["DATABASE_URL"])
        ensure_postgres_database(os.environ["DATABASE_URL"])
        call_command("migrate", verbosity=0, interactive=False)


def clear_outbox() -> None:
    from django.db import connection

    from notifications.models import DeliveryAttempt, Notification, NotificationAttachment, RateLimitWindow

    tables = [
        m._meta.db_table for m in (DeliveryAttempt, NotificationAttachment, Notification, RateLimitWindow)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def bench_recipients(count: int) -> list:
    from notifications.services.outbox import Recipient

    return [Recipient(address=f"dai-bieu-{i:06d}@example.vn", name=f"Đại biểu {i}") for i in range(count)]


def create_notices(count: int, write=None) -> list:
    from notifications.services.outbox import notify

    rows = (write or notify)(
        recipients=bench_recipients(count),
        kind="announcement",
        context=CONTEXT,
        idempotency_key=f"bench:{uuid.uuid4().hex}",
        hold=True,
    )
    return [row.id for row in rows]


def notify_one_by_one(*, recipients, kind: str, context: dict, idempotency_key: str, hold: bool) -> list:
    """notify() as it was before it wrote in batches (main at a31aeee), for the "before" figure.

    Each recipient's notice is rendered from the templates and its message built by
    Django on its own; the rows then go in with one bulk_create and are read back.
    """
    from django.db import transaction

    from notifications.channels.email import serialize_without_date
    from notifications.models import Notification, search_text
    from notifications.rendering import render_notice

    with transaction.atomic():
        keys = {f"{idempotency_key}|{r.address.lower()}"[:200]: r for r in recipients}
        existing = set(
            Notification.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True)
        )
        new_rows = []
        for key, recipient in keys.items():
            if key in existing:
                continue
            message = render_notice(
                kind=kind, context={**context, "recipient_name": recipient.name}, language=recipient.language
            )
            new_rows.append(
                Notification(
                    idempotency_key=key,
                    kind=kind,
                    recipient_name=recipient.name,
                    recipient_address=recipient.address,
                    recipient_search=search_text(recipient.name, recipient.address),
                    language=recipient.language,
                    subject=message.subject,
                    body_text=message.text,
                    body_html=message.html,
                    state=Notification.State.HELD if hold else Notification.State.PENDING,
                )
            )
        for row in new_rows:
            row.mime = serialize_without_date(row, attachments=())
        Notification.objects.bulk_create(new_rows, ignore_conflicts=True)
        return list(Notification.objects.filter(idempotency_key__in=keys))


def measure_writing(count: int, rounds: int) -> dict[str, list[float]]:
    """Seconds to write `count` notices before (one by one) and now (notify), alternating, from empty."""
    from notifications.services.outbox import notify

    times: dict[str, list[float]] = {"before": [], "now": []}
    for _round in range(rounds):
        for name, write in (("before", notify_one_by_one), ("now", notify)):
            clear_outbox()
            start = time.perf_counter()
            create_notices(count, write)
            times[name].append(time.perf_counter() - start)
    clear_outbox()
    return times


def build_plain_message(sample, index: int) -> tuple[str, str, bytes]:
    """The message a hand-written script would send: text and HTML alternatives, UTF-8."""
    sender, recipient = "no-reply@hoinghi.local", f"dai-bieu-{index:06d}@example.vn"
    message = MIMEMultipart("alternative")
    message["Subject"] = sample.subject
    message["From"] = f"hoinghi <{sender}>"
    message["To"] = recipient
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = f"<baseline-{index}@hoinghi>"
    message.attach(MIMEText(sample.body_text, "plain", "utf-8"))
    message.attach(MIMEText(sample.body_html, "html", "utf-8"))
    return sender, recipient, message.as_bytes(policy=SMTP_POLICY)


def run_baseline(port: int, sample, count: int) -> dict:
    smtp = smtplib.SMTP("127.0.0.1", port)
    smtp.ehlo()
    size = len(build_plain_message(sample, 0)[2])
    cpu_start, start = time.process_time(), time.perf_counter()
    for index in range(count):
        sender, recipient, data = build_plain_message(sample, index)
        smtp.sendmail(sender, [recipient], data)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    smtp.quit()
    return {"seconds": elapsed, "cpu": cpu, "size": size}


def run_outbox(ids: list, workers: list[WorkerProcess], timeout: float) -> dict:
    from celery import current_app

    from notifications.models import Notification
    from notifications.services.outbox import notification_approve

    # notification_approve queues on the default queue; these workers listen on a private one.
    current_app.conf.update(
        task_routes={"notifications.tasks.deliver_notifications": {"queue": workers[0].queue}}
    )
    time.sleep(1)  # Let the workers settle after start-up, so their CPU figures are delivery only.
    cpu_before = sum(w.cpu_seconds() for w in workers)
    servers_before = {name: servers_cpu_seconds(name) for name in SERVERS}
    start = time.perf_counter()
    notification_approve(ids=ids)
    enqueued = time.perf_counter() - start
    # The table holds only this run's rows: no list of 5,000 ids in a query run 20 times a second.
    unfinished = Notification.objects.filter(
        state__in=[Notification.State.PENDING, Notification.State.SENDING]
    )
    deadline = start + timeout
    while unfinished.exists() and time.perf_counter() < deadline:
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    cpu = sum(w.cpu_seconds() for w in workers) - cpu_before
    servers = {name: servers_cpu_seconds(name) - before for name, before in servers_before.items()}
    states = Counter(Notification.objects.filter(id__in=ids).values_list("state", flat=True))
    return {"seconds": elapsed, "enqueue": enqueued, "cpu": cpu, "servers": servers, "states": dict(states)}


def profile_deliver(ids: list, port: int) -> str:
    """Send rows again with deliver() in this process, 100 at a time like the task, under cProfile."""
    from django.conf import settings
    from django.utils import timezone

    from notifications.models import Notification
    from notifications.services.delivery import deliver

    def reset():
        Notification.objects.filter(id__in=ids).update(
            state=Notification.State.PENDING, sent_at=None, attempts=0, updated_at=timezone.now()
        )

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.NOTIFICATIONS_RATE_LIMIT_PER_MINUTE = 0
    # First without the profiler: the CPU deliver() itself costs per message, without Celery around it.
    reset()
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    for offset in range(0, len(ids), 100):
        deliver(ids=[str(i) for i in ids[offset : offset + 100]], worker="profile")
    plain_cpu, plain_wall = time.process_time() - cpu_start, time.perf_counter() - wall_start
    reset()
    profiler = cProfile.Profile(time.process_time)  # CPU time: waiting on the database is not the cost
    start = time.perf_counter()
    profiler.enable()
    for offset in range(0, len(ids), 100):
        deliver(ids=[str(i) for i in ids[offset : offset + 100]], worker="profile")
    profiler.disable()
    elapsed = time.perf_counter() - start
    out = io.StringIO()
    out.write(
        f"deliver() in-process, no profiler: {len(ids)} rows, CPU {plain_cpu * 1000 / len(ids):.3f} ms/msg, "
        f"wall {plain_wall * 1000 / len(ids):.3f} ms/msg\n"
    )
    out.write(f"deliver() in-process under cProfile: {len(ids)} rows in {elapsed:.2f} s\n")
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    args = parse_args()
    setup_django()
    from celery import current_app
    from django.db import connection

    from notifications.channels.email import build_message
    from notifications.models import Notification

    clear_outbox()
    db = connection.settings_dict
    broker = current_app.conf.broker_url
    print(f"hoinghi notices benchmark: {args.count} messages, {args.workers} worker(s) x concurrency 1")
    print(
        f"database {connection.vendor} {db['HOST']}:{db['PORT']}/{db['NAME']} "
        f"(CONN_MAX_AGE {db['CONN_MAX_AGE']}), broker {broker}, {os.cpu_count()} CPUs"
    )
    print("SMTP sink: aiosmtpd in a process of its own")
    writing = measure_writing(args.count, args.write_rounds) if args.write_rounds else None

    with SinkProcess() as sink, tempfile.TemporaryDirectory(prefix="hoinghi-bench-") as tmp:
        log_dir = args.log_dir or Path(tmp)
        log_dir.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        ids = create_notices(args.count)
        created = time.perf_counter() - start
        sample = Notification.objects.get(id=ids[0])
        outbox_size = len(build_message(sample).message().as_bytes(linesep="\r\n"))

        sink_before = sink.cpu_seconds()
        baseline = run_baseline(sink.port, sample, args.count)
        baseline_sink_cpu = sink.cpu_seconds() - sink_before

        queue = f"bench-{uuid.uuid4().hex[:12]}"
        env = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_USE_SSL": "false",
            "NOTIFICATIONS_RATE_LIMIT_PER_MINUTE": "0",
        }
        workers = [
            WorkerProcess(name=f"bench{n}-{queue}", queue=queue, log_path=log_dir / f"worker{n}.log", env=env)
            for n in range(1, args.workers + 1)
        ]
        try:
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.wait_ready()
            sink_before = sink.cpu_seconds()
            outbox = run_outbox(ids, workers, timeout=max(120.0, args.count / 20))
            outbox_sink_cpu = sink.cpu_seconds() - sink_before
        finally:
            for worker in workers:
                worker.stop()
            delete_queue(current_app, queue)
        profile = profile_deliver(ids[: args.profile], sink.port) if args.profile else ""
    received = sink.stats

    n = args.count
    baseline_rate = n / baseline["seconds"]
    outbox_rate = n / outbox["seconds"]
    ratio = outbox_rate / baseline_rate
    cpu_ms = outbox["cpu"] * 1000 / n
    sent = outbox["states"].get(Notification.State.SENT, 0)
    print(
        f"message size           baseline {baseline['size']} bytes, outbox {outbox_size} bytes "
        "(text + HTML alternatives)"
    )
    print(f"create notices         {n} in {created:.2f} s ({n / created:.0f}/s) with notify(hold=True)")
    write_ok = True
    if writing:
        before, now = statistics.median(writing["before"]), statistics.median(writing["now"])
        write_ok = before / now >= TARGET_WRITE_SPEEDUP
        print(
            f"write notices          before {n / before:.0f}/s ({before * 1000 / n:.2f} ms each), "
            f"now {n / now:.0f}/s ({now * 1000 / n:.2f} ms each); median of {args.write_rounds} rounds "
            f"of {n}, alternating"
        )
    print(
        f"baseline (smtplib)     {n} in {baseline['seconds']:.2f} s = {baseline_rate:.0f} msg/s; "
        f"client CPU {baseline['cpu'] * 1000 / n:.3f} ms/msg, "
        f"sink CPU {baseline_sink_cpu * 1000 / n:.3f} ms/msg"
    )
    print(
        f"outbox ({args.workers} workers)     {sent} sent in {outbox['seconds']:.2f} s = "
        f"{outbox_rate:.0f} msg/s "
        f"(release + enqueue {outbox['enqueue']:.2f} s); sink CPU {outbox_sink_cpu * 1000 / n:.3f} ms/msg"
    )
    print(f"row states             {outbox['states']}")
    print(
        f"sink received          {received.get('messages')} messages, "
        f"{received.get('distinct_message_ids')} distinct Message-IDs, "
        f"{received.get('connections')} connections "
        f"(expected {2 * n + args.profile} messages, {2 * n} distinct)"
    )
    print(f"worker CPU             {outbox['cpu']:.2f} s in all worker processes = {cpu_ms:.3f} ms/msg")
    servers = ", ".join(f"{name} {cpu * 1000 / n:.3f} ms/msg" for name, cpu in outbox["servers"].items())
    print(f"server CPU (outbox)    {servers} (all of each local server's work, 0 if not local)")
    ratio_ok, cpu_ok = ratio >= TARGET_RATIO, cpu_ms <= TARGET_CPU_MS
    print(f"ratio outbox/baseline  {ratio:.2f}   target >= {TARGET_RATIO}   {verdict(ratio_ok)}")
    print(f"worker CPU per message {cpu_ms:.3f} ms   target <= {TARGET_CPU_MS} ms   {verdict(cpu_ok)}")
    if writing:
        print(
            f"write speed-up         {before / now:.1f}x   target >= {TARGET_WRITE_SPEEDUP:.0f}x   "
            f"{verdict(write_ok)}"
        )
    if profile:
        print()
        print(profile)
    complete = sent == n
    if not complete:
        print(f"INCOMPLETE: only {sent} of {n} rows were sent before the timeout")
    return 1 if args.strict and not (ratio_ok and cpu_ok and write_ok and complete) else 0


if __name__ == "__main__":
    sys.exit(main())
