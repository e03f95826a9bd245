"""Agenda benchmark: the published agenda's JSON, ICS and HTML page beside a trivial Django JSON view.

    .venv/bin/python benchmarks/agenda.py [--requests 50] [--items 300] [--papers 300]
                                          [--registrations 3000] [--profile] [--strict]

Builds one published conference with 300 agenda items (three rooms, three days), 300 accepted papers
and 3,000 registrations, and publishes its agenda once. The database is SQLite in a temporary
HOINGHI_VAR_DIR by default, or the PostgreSQL database named by DATABASE_URL (created if missing and
migrated; the benchmark's own conference is replaced on each run). Connections are kept between requests
(DATABASE_CONN_MAX_AGE=600 unless set), as a production server keeps them. The cache is the project's
default (files under HOINGHI_VAR_DIR), or Redis when CACHE_URL names it.

Every request goes through Django's test Client in this process: the whole middleware stack, no
network. A trivial view returning JsonResponse({"ok": True}) is added through a urlconf of this script
(not the app's) and measured in the same rounds, one request of each endpoint per round, so that every
endpoint sees the same machine state. The first request of each endpoint (which fills the caches) is
left out. DEBUG is off while timing, as in production, so queries are not logged.

It prints, for each endpoint, the median latency, the ratio to the trivial view, PASS/FAIL against the
target (within 3x) and the SQL queries of one request after the first. Two rows have no target and help to
read the others: a conditional request answered 304, and a page that renders nothing but
templates/base.html (the least any HTML page of the site costs). With --strict it exits 1 when a target
is missed. --profile prints where the time of each agenda endpoint goes (cProfile).
"""

import argparse
import atexit
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

TARGET_RATIO = 3.0
TRIVIAL = "trivial JSON view"
SLUG = "bench-agenda"
HOST_CODE = "BKHCN-BENCH"

urlpatterns: list = []  # Filled in by install_urlconf(): this module is the ROOT_URLCONF while timing.


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per endpoint (default 50)")
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument("--registrations", type=int, default=3000)
    parser.add_argument("--profile", action="store_true", help="profile each agenda endpoint afterwards")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args()


def setup_django() -> str:
    """Configure the database and settings; return a description of the database."""
    if not os.environ.get("DATABASE_URL"):
        var_dir = tempfile.mkdtemp(prefix="hoinghi-bench-agenda-")
        os.environ["HOINGHI_VAR_DIR"] = var_dir
        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    # Keep the connection between requests, as a production server does (Django's default closes it).
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if os.environ.get("DATABASE_URL"):
        from _common import ensure_postgres_database

        ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    if os.environ.get("DATABASE_URL"):  # A database kept from an earlier run may predate the models.
        from _common import stale_tables

        stale = stale_tables()
        if stale:
            sys.exit(f"Tables {', '.join(stale)} are out of date; recreate the database and run again.")
    return (
        f"{connection.vendor} ({connection.settings_dict['NAME']}),"
        f" connections kept {connection.settings_dict['CONN_MAX_AGE']} s"
    )


def build(args) -> tuple[object, str]:
    from django.db.models import Q

    from conferences.models import Conference, Organization, Person
    from devtools.data import agenda_at_scale

    # A PostgreSQL database keeps the previous run's conference: replace it (its host and people too).
    Conference.objects.filter(slug=SLUG).delete()
    Person.objects.filter(email__startswith=f"{SLUG}-").delete()
    Organization.objects.filter(Q(code=HOST_CODE) | Q(name__endswith=f"({SLUG})")).delete()
    return agenda_at_scale(
        slug=SLUG, host_code=HOST_CODE, items=args.items, registrations=args.registrations, papers=args.papers
    )


def install_urlconf() -> None:
    from django.conf import settings
    from django.http import HttpResponse, JsonResponse
    from django.template import engines
    from django.urls import clear_url_caches, include, path

    def trivial(request):
        return JsonResponse({"ok": True})

    empty_page = engines["django"].from_string('{% extends "base.html" %}')

    def empty(request):
        return HttpResponse(empty_page.render({}, request))

    urlpatterns[:] = [
        path("bench/trivial/", trivial),
        path("bench/empty-page/", empty),
        path("", include("config.urls")),
    ]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()


def query_count(client, url: str, headers: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url, headers=headers)
    return len(queries.captured_queries)


def measure(client, endpoints: dict[str, tuple], rounds: int) -> dict[str, list[float]]:
    """Time `rounds` requests of each endpoint, one of each per round."""
    times: dict[str, list[float]] = {name: [] for name in endpoints}
    for _round in range(rounds):
        for name, (url, headers, status, _targeted) in endpoints.items():
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            times[name].append(time.perf_counter() - start)
            if response.status_code != status:
                raise RuntimeError(f"{url}: HTTP {response.status_code}, expected {status}")
    return times


def profile(client, url: str, rounds: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _round in range(rounds):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    sort = os.environ.get("BENCH_SORT", "cumulative")
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(int(os.environ.get("BENCH_LINES", "25")))
    return out.getvalue()


def main() -> int:
    args = parse_args()
    database = setup_django()
    from django.conf import settings
    from django.test import Client

    started = time.perf_counter()
    conference, personal_url = build(args)
    print(
        f"Database: {database}; cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}\n"
        f"Built {args.items} items, {args.papers} papers, {args.registrations} registrations "
        f"and published version 1 in {time.perf_counter() - started:.1f} s"
    )
    install_urlconf()
    client = Client(headers={"Accept-Language": "vi"})
    slug = conference.slug
    api, page = f"/api/v1/conferences/{slug}/agenda", f"/hoi-nghi/{slug}/chuong-trinh"
    etag = client.get(f"{api}/")["ETag"]
    # name: (url, headers, expected status, measured against the target)
    endpoints = {
        TRIVIAL: ("/bench/trivial/", {}, 200, False),
        "agenda JSON (API)": (f"{api}/", {}, 200, True),
        "agenda JSON (page)": (f"{page}.json", {}, 200, True),
        "agenda ICS (API)": (f"{api}.ics", {}, 200, True),
        "agenda ICS (page)": (f"{page}.ics", {}, 200, True),
        "agenda HTML page": (f"{page}/", {}, 200, True),
        "JSON 304 (API)": (f"{api}/", {"If-None-Match": etag}, 304, False),
        "empty base.html page": ("/bench/empty-page/", {}, 200, False),
    }
    first = {}
    for name, (url, headers, _status, _targeted) in endpoints.items():
        start = time.perf_counter()  # The first request of each fills the caches: timed apart.
        client.get(url, headers=headers)
        first[name] = time.perf_counter() - start
    queries = {name: query_count(client, url, headers) for name, (url, headers, *_) in endpoints.items()}
    sizes = {
        name: len(client.get(url, headers=headers).content) for name, (url, headers, *_) in endpoints.items()
    }

    settings.DEBUG = False  # As in production: no query log.
    measure(client, endpoints, 5)  # Warm-up.
    times = measure(client, endpoints, args.requests)
    settings.DEBUG = True

    baseline = statistics.median(times[TRIVIAL])
    print(
        f"\n{args.requests} requests per endpoint, Django test Client in this process, median latency;"
        f" the first request (which builds what is kept) apart\n"
    )
    header = f"{'endpoint':<22} {'median':>9} {'ratio':>6}  {'target 3x':<9} {'queries':>7} {'bytes':>8}"
    print(f"{header} {'first':>9}")
    failed = []
    for name, (_url, _headers, _status, targeted) in endpoints.items():
        median = statistics.median(times[name])
        ratio = median / baseline
        verdict = ("PASS" if ratio <= TARGET_RATIO else "FAIL") if targeted else "-"
        if verdict == "FAIL":
            failed.append(name)
        print(
            f"{name:<22} {median * 1000:7.3f}ms {ratio:5.2f}x  {verdict:<9} {queries[name]:>7}"
            f" {sizes[name]:>8} {first[name] * 1000:7.1f}ms"
        )
    print(
        f"\nPersonal ICS: {query_count(client, personal_url, {})} queries (not timed)."
        f" Targets missed: {', '.join(failed) or 'none'}."
    )

    if args.profile:
        settings.DEBUG = False
        for name, (url, _headers, _status, targeted) in endpoints.items():
            if targeted or name == os.environ.get("BENCH_PROFILE_ALSO"):
                print(f"\n--- {name} ---\n{profile(client, url, args.requests)}")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
