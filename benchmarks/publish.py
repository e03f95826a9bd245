"""Publish benchmark: publishing a changed agenda for a conference with 3,000 registrations.

    .venv/bin/python benchmarks/publish.py [--runs 5] [--items 300] [--changed 10]
                                           [--registrations 3000] [--strict]

Builds one published conference (benchmarks/agenda.py's data: 300 items in three rooms over three
days, each with two speakers and a chair, 3,000 registered delegates) and publishes version 1. Each
run then swaps the times of --changed / 2 pairs of neighbouring items in one room (so --changed items
are retimed and nothing conflicts) and publishes the next version as an organizer does: a POST to
the editor's publish page through Django's test Client (the whole middleware stack, no network).

It times:
- the request, from the POST until its response (target: under 300 ms);
- the worker's task that the request's commit sends (exports into the cache, change notices), run
  in this process right after the response as a worker would run it; "until every notice row
  exists" is the request plus the task;
- the CPU time of both (this process: request and task), and of the local PostgreSQL server
  meanwhile when it runs here (all of its work, other clients' included);
- the agenda PDF renders (one per version: the public download and the notices' attachment),
  counted until the first visitor has downloaded the PDF after the task (that request is timed too).

Delivery is not part of it: the delivery tasks the notices queue are counted, not sent (see
benchmarks/notices.py). On code where publishing sends no task (before the worker did this work),
the request does everything and the task column is empty.

The database is SQLite in a temporary HOINGHI_VAR_DIR by default, or the PostgreSQL database named
by DATABASE_URL (created if missing and migrated; the benchmark's conference is replaced on each
run). The cache is the project's default (files under HOINGHI_VAR_DIR), or Redis when CACHE_URL
names it. Each figure is the median of --runs runs, after --warmup versions published untimed.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

TARGET_REQUEST_MS = 300
SLUG = "bench-publish"
HOST_CODE = "BKHCN-PUB"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="versions published and timed (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="versions published first, untimed (default 1)")
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--changed", type=int, default=10, help="items retimed in each version (even)")
    parser.add_argument("--registrations", type=int, default=3000)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args()


def build(args):
    """The conference, its organizer and the pairs of items whose times each run swaps."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from conferences.models import AgendaItem, Conference, ConferenceRole, Organization, Person
    from devtools.data import agenda_at_scale

    Conference.objects.filter(slug=SLUG).delete()
    Person.objects.filter(email__startswith=f"{SLUG}-").delete()
    Organization.objects.filter(Q(code=HOST_CODE) | Q(name__endswith=f"({SLUG})")).delete()
    conference, _link = agenda_at_scale(
        slug=SLUG, host_code=HOST_CODE, items=args.items, registrations=args.registrations
    )
    user, _created = get_user_model().objects.get_or_create(username=f"{SLUG}-organizer")
    ConferenceRole.objects.get_or_create(conference=conference, user=user, role=ConferenceRole.Role.ORGANIZER)
    items = list(AgendaItem.objects.filter(conference=conference).order_by("position"))
    # Items n and n + 3 share a room in neighbouring slots: swapping their times clashes with nothing.
    step = max(len(items) // max(args.changed // 2, 1), 6)
    pairs = [(items[n], items[n + 3]) for n in range(0, len(items) - 3, step)][: args.changed // 2]
    return conference, user, pairs


def swap(pairs) -> None:
    for first, second in pairs:
        first.starts_at, second.starts_at = second.starts_at, first.starts_at
        first.ends_at, second.ends_at = second.ends_at, first.ends_at
        first.save(update_fields=["starts_at", "ends_at"])
        second.save(update_fields=["starts_at", "ends_at"])


class Counters:
    """Patches that count the PDF renders and hold back the tasks a commit sends."""

    def __init__(self):
        self.renders = 0
        self.render_seconds = 0.0
        self.tasks: list = []
        self.deliveries = 0

    def install(self) -> None:
        from conferences.documents import agenda as agenda_document
        from notifications import tasks as notification_tasks

        render = agenda_document.render_agenda_pdf

        def counting_render(version):
            self.renders += 1
            start = time.perf_counter()
            try:
                return render(version)
            finally:
                self.render_seconds += time.perf_counter() - start

        agenda_document.render_agenda_pdf = counting_render
        # Sending no message to a broker: delivery is benchmarks/notices.py's subject.
        notification_tasks.deliver_notifications.delay = self._count_delivery
        try:
            from conferences import tasks as conference_tasks
        except ImportError:
            return
        if hasattr(conference_tasks, "prepare_agenda_version"):
            conference_tasks.prepare_agenda_version.delay = self._hold_task

    def _count_delivery(self, ids):
        self.deliveries += 1

    def _hold_task(self, *args):
        self.tasks.append(args)


def server_cpu() -> float:
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    from _common import servers_cpu_seconds

    return servers_cpu_seconds("postgres")


def run_once(client, conference, pairs, counters: Counters) -> dict:
    from conferences.models import AgendaVersion
    from notifications.models import Notification

    Notification.objects.filter(scope=f"conference:{conference.pk}").delete()
    swap(pairs)
    counters.renders, counters.render_seconds, counters.tasks, counters.deliveries = 0, 0.0, [], 0
    url = f"/to-chuc/{conference.slug}/chuong-trinh/cong-bo/"
    server_before = server_cpu()
    cpu_start, start = time.process_time(), time.perf_counter()
    response = client.post(url)
    request_wall, request_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    if response.status_code != 302:
        raise RuntimeError(f"POST {url}: HTTP {response.status_code}")
    task_start, task_cpu_start = time.perf_counter(), time.process_time()
    from conferences import tasks as conference_tasks

    for args in counters.tasks:
        conference_tasks.prepare_agenda_version.run(*args)
    task_wall, task_cpu = time.perf_counter() - task_start, time.process_time() - task_cpu_start
    publish_render = counters.render_seconds
    # The first visitor after publishing: served from the cache, or rendering the PDF a second time.
    visitor_start = time.perf_counter()
    pdf = client.get(f"/hoi-nghi/{conference.slug}/chuong-trinh.pdf")
    first_pdf = time.perf_counter() - visitor_start
    if pdf.status_code != 200:
        raise RuntimeError(f"The public PDF: HTTP {pdf.status_code}")
    version = AgendaVersion.objects.filter(conference=conference).order_by("-number").first()
    prefix = f"agenda:{conference.pk}:v{version.number}:"
    notices = Notification.objects.filter(idempotency_key__startswith=prefix)
    return {
        "version": version.number,
        "changes": len(version.changelog),
        "request": request_wall,
        "request_cpu": request_cpu,
        "task": task_wall if counters.tasks else 0.0,
        "task_cpu": task_cpu if counters.tasks else 0.0,
        "all_written": request_wall + (task_wall if counters.tasks else 0.0),
        "cpu": request_cpu + (task_cpu if counters.tasks else 0.0),
        "server_cpu": server_cpu() - server_before,
        "renders": counters.renders,
        "publish_render": publish_render,
        "first_pdf": first_pdf,
        "notices": notices.count(),
        "attachments": notices.filter(attachments__isnull=False).count(),
        "deliveries": counters.deliveries,
        "tasks": len(counters.tasks),
    }


def main() -> int:
    args = parse_args()
    warnings.filterwarnings("ignore", message="No directory at")  # No collected static files here.
    from agenda import setup_django

    database = setup_django()
    from django.conf import settings
    from django.test import Client

    started = time.perf_counter()
    counters = Counters()
    counters.install()
    conference, organizer, pairs = build(args)
    client = Client(headers={"Accept-Language": "vi"})
    client.force_login(organizer)
    print(
        f"Database: {database}; cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; "
        f"{os.cpu_count()} CPUs\n"
        f"Built {args.items} items and {args.registrations} registrations, published version 1 "
        f"in {time.perf_counter() - started:.1f} s; each run retimes {2 * len(pairs)} items and publishes"
    )
    settings.DEBUG = False  # As in production: no query log.
    header = (
        f"{'version':>7} {'changes':>7} {'request':>9} {'req CPU':>9} {'task':>9} {'task CPU':>9} "
        f"{'all rows':>9} {'CPU':>9} {'pg CPU':>8} {'PDFs':>4} {'notices':>7} {'attached':>8} {'1st PDF':>9}"
    )
    print(f"\n{header}")
    for _run in range(
        args.warmup
    ):  # Templates compiled, fonts loaded, connections open: as in a running server.
        run_once(client, conference, pairs, counters)
    results = []
    for _run in range(args.runs):
        result = run_once(client, conference, pairs, counters)
        results.append(result)
        print(
            f"{result['version']:>7} {result['changes']:>7} {result['request'] * 1000:7.0f}ms "
            f"{result['request_cpu'] * 1000:7.0f}ms {result['task']:8.2f}s {result['task_cpu']:8.2f}s "
            f"{result['all_written']:8.2f}s {result['cpu']:8.2f}s {result['server_cpu']:7.2f}s "
            f"{result['renders']:>4} {result['notices']:>7} {result['attachments']:>8}"
            f" {result['first_pdf'] * 1000:7.0f}ms"
        )

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    request_ms = median("request") * 1000
    renders = {r["renders"] for r in results}
    request_ok = request_ms < TARGET_REQUEST_MS
    renders_ok = renders == {1}
    print(f"\nmedian of {args.runs} runs")
    print(
        f"request (POST publish)   {request_ms:.0f} ms wall, {median('request_cpu') * 1000:.0f} ms CPU   "
        f"target < {TARGET_REQUEST_MS} ms   {'PASS' if request_ok else 'FAIL'}"
    )
    print(
        f"worker task              {median('task'):.2f} s wall, {median('task_cpu'):.2f} s CPU "
        f"({results[0]['tasks']} task per publish); rendering the PDF {median('publish_render'):.2f} s of "
        "the publishing's time"
    )
    print(
        f"until every notice row   {median('all_written'):.2f} s wall ({median('notices'):.0f} notices, "
        f"{median('attachments'):.0f} with the PDF attached)"
    )
    print(
        f"CPU in all               {median('cpu'):.2f} s in this process (request + task); "
        f"local PostgreSQL {median('server_cpu'):.2f} s (all its clients)"
    )
    print(
        f"PDF renders per version  {sorted(renders)} (publishing and the first visitor's PDF, "
        f"{median('first_pdf') * 1000:.0f} ms)   target 1   {'PASS' if renders_ok else 'FAIL'}"
    )
    return 1 if args.strict and not (request_ok and renders_ok) else 0


if __name__ == "__main__":
    sys.exit(main())
