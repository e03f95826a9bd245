"""Documents benchmark: the large PDFs (agenda, invitation letter, award decision, running sheet) against 1 s.

    .venv/bin/python benchmarks/documents.py [--runs 5] [--only NAME] [--profile NAME] [--keep DIR]
                                             [--helpers 1] [--strict]

Builds, with the services and devtools.data, two published conferences and their documents at the
sizes a large review conference reaches:
- the Chương trình PDF of a published agenda of 200 items (8 rooms, 2 days) and of 1,000 items
  (8 rooms, 4 days), each item with two speakers, a chair and a room;
- an invitation letter (Giấy mời) of the 200-item conference, which carries its agenda as an annex;
- an award decision (Quyết định khen thưởng) whose annex lists 200 recipients (100 agencies, 100
  people), and the awards ceremony's running sheet calling the same 200 recipients in 20 batches;
- a one-page document, the agenda of 10 items, as the baseline of the same run.

Each document is rendered as the application renders it when nothing is cached: the agenda as the
publishing task does on a cache miss (the version read back, then render_agenda_pdf), the others with
their selectors and render functions. As in a Celery worker process, this process first starts the
--helpers processes it keeps (settings.DOCUMENT_RENDER_HELPERS, 1 by default) and waits until they are
warm: a long agenda's chunks go to them. The first render of each document is timed apart (the very
first one of the run also pays WeasyPrint's import and font set-up, as a worker's first PDF does);
then --runs renders, of which it prints the median wall and CPU time (this process's and its kept
helpers' together), the pages and bytes, the ratio to the baseline and PASS/FAIL against the target
(median wall time under 1 s). With --strict it exits 1 when a target is missed. --profile NAME
(a document's key, e.g. agenda-200) prints where one render's time goes (cProfile); --keep DIR writes
each document's PDF there, to look at.

The database is SQLite in a temporary HOINGHI_VAR_DIR by default, or the PostgreSQL database named by
DATABASE_URL (created if missing and migrated; the benchmark's conferences are replaced on each run).
The machine's other load shows in the wall times: compare runs made on the same quiet machine.
"""

import argparse
import atexit
import cProfile
import datetime
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

TARGET_SECONDS = 1.0
KEYS = ("agenda-200", "invitation", "decision", "running-sheet", "agenda-1000")
SLUG = "bench-docs"
HOST_CODE = "BKHCN-DOCS"
CITATION = (
    "Đã có thành tích xuất sắc trong việc xây dựng, áp dụng Hệ thống quản lý chất lượng theo "
    "Tiêu chuẩn quốc gia TCVN ISO 9001 giai đoạn 2015 - 2020"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed renders per document (default 5)")
    parser.add_argument(
        "--only", action="append", choices=KEYS, help="measure only this document (repeatable)"
    )
    parser.add_argument("--profile", choices=KEYS, help="profile one render of this document afterwards")
    parser.add_argument("--keep", type=Path, help="write each document's PDF into this folder")
    parser.add_argument(
        "--helpers", type=int, default=None, help="kept helper processes (default: DOCUMENT_RENDER_HELPERS)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args()


def setup_django() -> str:
    """Configure the database and settings; return a description of the database."""
    if not os.environ.get("DATABASE_URL"):
        var_dir = tempfile.mkdtemp(prefix="hoinghi-bench-documents-")
        os.environ["HOINGHI_VAR_DIR"] = var_dir
        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
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
    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


# Data -------------------------------------------------------------------------------------------------


def published_agenda(slug: str, *, items: int, rooms: int, days: int):
    """A published conference with `items` agenda items; its version 1 is published, not rendered."""
    from django.db.models import Q

    from conferences import tasks
    from conferences.models import Conference, Organization, Person
    from devtools.data import agenda_at_scale

    Conference.objects.filter(slug=slug).delete()
    Person.objects.filter(email__startswith=f"{slug}-").delete()
    Organization.objects.filter(Q(code=f"{HOST_CODE}-{items}") | Q(name__endswith=f"({slug})")).delete()
    # The publishing task would render the PDF into the cache: what is measured is that render.
    held, tasks.prepare_agenda_version.delay = tasks.prepare_agenda_version.delay, lambda *args: None
    try:
        conference, _link = agenda_at_scale(
            slug=slug, host_code=f"{HOST_CODE}-{items}", items=items, registrations=0, rooms=rooms, days=days
        )
    finally:
        tasks.prepare_agenda_version.delay = held
    return conference


def awards(conference, *, recipients: int, batches: int):
    """A decision of the conference granting `recipients` awards, and a running order calling them."""
    from conferences.models import AgendaItem, AwardCategory, Organization
    from conferences.services.awards import award_create, award_decision_create
    from conferences.services.ceremony import ceremony_batches_set
    from conferences.services.organizations import organization_create, person_create

    category = AwardCategory.objects.filter(code="bench-bang-khen").first() or AwardCategory.objects.create(
        code="bench-bang-khen",
        name_vi="Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ",
        name_en="Certificate of Merit of the Minister of Science and Technology",
        issuer_title="BỘ TRƯỞNG BỘ KHOA HỌC VÀ CÔNG NGHỆ",
    )
    decision = award_decision_create(
        issuer=conference.host,
        conference=conference,
        signed_on=datetime.date(2021, 4, 5),
        subject="Về việc tặng Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ",
        signing_authority="KT. BỘ TRƯỞNG",
        signer_title="THỨ TRƯỞNG",
        signer_name="Trần Văn Bình",
    )
    ids = []
    for n in range(recipients):
        if n % 2:
            recipient = {
                "recipient_person": person_create(
                    full_name=f"Nguyễn Thị Minh Khai {n}", position="Phó Giám đốc Sở Khoa học và Công nghệ"
                )
            }
        else:
            name = f"Sở Khoa học và Công nghệ tỉnh thử nghiệm {n} ({conference.slug})"
            organization = Organization.objects.filter(name=name).first()
            recipient = {"recipient_organization": organization or organization_create(name=name)}
        award = award_create(decision=decision, category=category, citation=f"{CITATION} ({n})", **recipient)
        ids.append(award.pk)
    starts_at = conference.starts_at + datetime.timedelta(hours=9)
    item = AgendaItem.objects.create(
        conference=conference,
        kind=AgendaItem.Kind.AWARDS,
        title="Trao Bằng khen của Bộ trưởng",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=45),
        position=100_000,
    )
    size = -(-recipients // batches)
    ceremony_batches_set(
        conference=conference,
        agenda_item=item,
        batches=[
            {
                "title": f"Đợt {b + 1}",
                "presenter": "Thứ trưởng Trần Văn Bình",
                "award_ids": ids[b * size : (b + 1) * size],
            }
            for b in range(batches)
        ],
    )
    return decision


def invitation(conference):
    from conferences.models import Organization
    from conferences.services.invitations import invitation_create
    from conferences.services.organizations import organization_create

    name = f"Sở Khoa học và Công nghệ tỉnh Quảng Ninh ({conference.slug})"
    agency = Organization.objects.filter(name=name).first() or organization_create(
        name=name, kind="department", contact_emails=["vanthu@quangninh.example.gov.vn"]
    )
    return invitation_create(conference=conference, organization=agency)


# Renders, as the application makes them -----------------------------------------------------------------


def agenda_render(conference) -> Callable[[], bytes]:
    from conferences.documents.agenda import render_agenda_pdf
    from conferences.models import AgendaVersion

    def render() -> bytes:
        # As exports.agenda._agenda_pdf builds it on a cache miss.
        version = AgendaVersion.objects.select_related("conference__host__parent").get(
            conference=conference, number=1
        )
        return render_agenda_pdf(version)

    return render


def invitation_render(invitation_id: int) -> Callable[[], bytes]:
    from conferences.documents.invitation_letter import render_invitation_letter
    from conferences.models import Invitation

    def render() -> bytes:
        # As invitation_sending.invitation_letter_send reads it.
        letter = Invitation.objects.select_related(
            "conference__host__parent", "organization", "person", "document"
        ).get(pk=invitation_id)
        return render_invitation_letter(letter)

    return render


def decision_render(conference, decision_id: int) -> Callable[[], bytes]:
    from conferences.documents.award_decision import render_award_decision
    from conferences.selectors.ceremony import award_decision_get

    return lambda: render_award_decision(award_decision_get(conference=conference, pk=decision_id))


def running_sheet_render(conference) -> Callable[[], bytes]:
    from conferences.documents.ceremony_running_sheet import render_ceremony_running_sheet
    from conferences.selectors.ceremony import ceremony_running_order

    return lambda: render_ceremony_running_sheet(
        conference=conference, batches=ceremony_running_order(conference=conference)
    )


# Serving, as a user gets a document already rendered --------------------------------------------------


def _body(response) -> bytes:
    assert response.status_code == 200, (response.status_code, response.get("Content-Type"))
    return b"".join(response.streaming_content) if response.streaming else response.content


def agenda_served(conference) -> Callable[[], Callable[[], bytes]]:
    """The public Chương trình PDF after the publishing task put it into the cache."""

    def prepare() -> Callable[[], bytes]:
        from django.test import Client

        from conferences.exports.agenda import agenda_exports_build
        from conferences.models import AgendaVersion

        version = AgendaVersion.objects.select_related("conference").get(conference=conference, number=1)
        agenda_exports_build(version=version)  # What prepare_agenda_version does in the worker.
        client = Client(headers={"Accept-Language": "vi"})
        return lambda: _body(client.get(f"/hoi-nghi/{conference.slug}/chuong-trinh.pdf"))

    return prepare


def stored_served(conference, kind: str, url: str, subject_id: int = 0) -> Callable[[], Callable[[], bytes]]:
    """An organizer's page for a document the render_document task stored (the page's first request asked)."""

    def prepare() -> Callable[[], bytes]:
        from django.contrib.auth import get_user_model
        from django.test import Client

        from conferences.models import ConferenceRole
        from conferences.services import rendered_documents
        from conferences.services.rendered_documents import document_render_run, document_request

        user, _created = get_user_model().objects.get_or_create(username=f"{SLUG}-organizer")
        ConferenceRole.objects.get_or_create(
            conference=conference, user=user, role=ConferenceRole.Role.ORGANIZER
        )
        # No broker here: the task the request sends is run below, in this process, as a worker would.
        held, rendered_documents._dispatch = rendered_documents._dispatch, lambda job_id: None
        try:
            ready = document_request(conference=conference, kind=kind, subject_id=subject_id, user=user)
        finally:
            rendered_documents._dispatch = held
        if ready.job is not None:
            document_render_run(job_id=ready.job.pk)  # What the documents queue's worker does.
        client = Client(headers={"Accept-Language": "vi"})
        client.force_login(user)
        return lambda: _body(client.get(url))

    return prepare


Document = tuple[str, Callable[[], bytes], Callable[[], Callable[[], bytes]]]


def build(only: list[str] | None) -> dict[str, Document]:
    """key: (what is rendered, render function, serving set-up), the baseline first."""
    from conferences.models import RenderedDocument

    kinds = RenderedDocument.Kind
    documents: dict[str, Document] = {}
    small = published_agenda(f"{SLUG}-10", items=10, rooms=1, days=1)
    documents["baseline"] = ("agenda PDF, 10 items (baseline)", agenda_render(small), agenda_served(small))
    wanted = set(only or KEYS)
    if wanted & {"agenda-200", "invitation", "decision", "running-sheet"}:
        conference = published_agenda(f"{SLUG}-200", items=200, rooms=8, days=2)
        documents["agenda-200"] = (
            "agenda PDF, 200 items (8 rooms, 2 days)",
            agenda_render(conference),
            agenda_served(conference),
        )
        letter = invitation(conference)
        documents["invitation"] = (
            "invitation letter + 200-item agenda",
            invitation_render(letter.pk),
            stored_served(
                conference,
                kinds.INVITATION_LETTER,
                f"/to-chuc/{conference.slug}/giay-moi/{letter.pk}/giay-moi.pdf",
                letter.pk,
            ),
        )
        decision = awards(conference, recipients=200, batches=20)
        documents["decision"] = (
            "award decision, 200 in the annex",
            decision_render(conference, decision.pk),
            stored_served(
                conference,
                kinds.AWARD_DECISION,
                f"/to-chuc/{conference.slug}/khen-thuong/{decision.pk}/quyet-dinh.pdf",
                decision.pk,
            ),
        )
        documents["running-sheet"] = (
            "running sheet, 200 in 20 batches",
            running_sheet_render(conference),
            stored_served(
                conference, kinds.RUNNING_SHEET, f"/to-chuc/{conference.slug}/le-trao-thuong/kich-ban.pdf"
            ),
        )
    if "agenda-1000" in wanted:
        conference = published_agenda(f"{SLUG}-1000", items=1000, rooms=8, days=4)
        documents["agenda-1000"] = (
            "agenda PDF, 1,000 items (8 rooms, 4 days)",
            agenda_render(conference),
            agenda_served(conference),
        )
    return {key: value for key, value in documents.items() if key == "baseline" or key in wanted}


# Measuring -----------------------------------------------------------------------------------------


def helpers_cpu() -> float:
    """User + system CPU seconds of the helpers this process keeps, from /proc."""
    from conferences.documents import workers

    kept = workers._kept
    total = 0.0
    for process in kept.processes if kept is not None else []:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def timed(render: Callable[[], bytes]) -> tuple[float, float, bytes]:
    wall, cpu = time.perf_counter(), time.process_time() + helpers_cpu()
    pdf = render()
    return time.perf_counter() - wall, time.process_time() + helpers_cpu() - cpu, pdf


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def profile(render: Callable[[], bytes]) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    render()
    profiler.disable()
    out = io.StringIO()
    sort = os.environ.get("BENCH_SORT", "cumulative")
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(int(os.environ.get("BENCH_LINES", "40")))
    return out.getvalue()


def main() -> int:
    args = parse_args()
    database = setup_django()
    started = time.perf_counter()
    documents = build(args.only)
    print(f"Database: {database}; built the documents' data in {time.perf_counter() - started:.1f} s")
    from django.conf import settings

    from conferences.documents.workers import keep_helpers, kept_helpers

    keep_helpers(settings.DOCUMENT_RENDER_HELPERS if args.helpers is None else args.helpers, wait=120)
    print(
        f"{os.cpu_count()} CPUs, {kept_helpers()} kept helper process(es); median of {args.runs} runs"
        f" after the first; wall time, and CPU time of this process and its helpers.\n"
        f"render: what the worker spends (documents queue), no target; served: a request (Django's test"
        f" Client) for the document already rendered, what a user waits for; target: median served wall"
        f" under {TARGET_SECONDS:.0f} s\n"
    )
    header = (
        f"{'document':<42} {'render 1st':>10} {'render':>8} {'CPU':>8} {'ratio':>6}"
        f" {'served':>8} {'CPU':>8} {'pages':>5} {'bytes':>9}"
    )
    print(f"{header}  target")
    failed, baseline = [], None
    for key, (name, render, serving) in documents.items():
        first, _cpu, pdf = timed(render)
        runs = [timed(render) for _run in range(args.runs)]
        wall = statistics.median(run[0] for run in runs)
        cpu = statistics.median(run[1] for run in runs)
        baseline = baseline or wall
        serve = serving()
        served = [timed(serve) for _run in range(args.runs + 1)][1:]  # The first warms the session.
        served_wall = statistics.median(run[0] for run in served)
        served_cpu = statistics.median(run[1] for run in served)
        assert served[-1][2] == pdf or pages(served[-1][2]) == pages(pdf), f"{key}: served another document"
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"{key}.pdf").write_bytes(pdf)
        verdict = "-" if key == "baseline" else ("PASS" if served_wall < TARGET_SECONDS else "FAIL")
        if verdict == "FAIL":
            failed.append(key)
        print(
            f"{name:<42} {first:9.3f}s {wall:7.3f}s {cpu:7.3f}s {wall / baseline:5.1f}x"
            f" {served_wall * 1000:6.1f}ms {served_cpu * 1000:6.1f}ms"
            f" {pages(pdf):>5} {len(pdf):>9}  {verdict}"
        )
    print(f"\nTargets missed: {', '.join(failed) or 'none'}.")
    if args.profile:
        print(f"\n--- {args.profile} ---\n{profile(documents[args.profile][1])}")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
