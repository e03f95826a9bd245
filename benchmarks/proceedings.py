"""Proceedings benchmark: the book of a large conference built as the worker builds it, and its rebuild.

    .venv/bin/python benchmarks/proceedings.py [--papers 100] [--uploaded 10] [--participants 2000]
                                               [--runs 3] [--strict]

The conference: --papers accepted papers of about 3 pages each with one figure (uploaded through
the figure checks), --uploaded of them only as uploaded PDFs (3 pages each, laid in with pypdf),
a published agenda presenting them, a foreword, an annex of awards and one of --participants
delegates of agencies of every kind: about 330 pages.

Each run builds the book from nothing (stored builds are deleted first) in a process started
fresh (spawn), as a Celery worker process does; a book this large is laid out in chunks over
that process and one it spawns. It prints wall seconds, CPU seconds of the whole process tree
(the build's process and the processes it started, getrusage), pages, pages per second, the
peak memory of the tree (the sum of the resident sets of its processes, sampled every 50 ms
from /proc) and the file size; the medians follow. The baseline, measured in the same run, is
WeasyPrint alone writing the same HTML in one process (no stored inputs, no uploaded pages laid
in): the ratio shows what the build gains. Then an unchanged rebuild, as the organizer's click
makes it (hash the inputs, find the stored book): target under 1 s.

Targets (2-core machine): a build under 30 s and 800 MB; the unchanged rebuild under 1 s.
SQLite in a temporary HOINGHI_VAR_DIR by default, or the PostgreSQL database named by DATABASE_URL.
"""

import argparse
import atexit
import io
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

SLUG = "bench-proceedings"
TARGET_SECONDS = 30.0
TARGET_MB = 800
TARGET_REBUILD_SECONDS = 1.0

WORDS = (
    "Việc áp dụng Hệ thống quản lý chất lượng theo tiêu chuẩn quốc gia TCVN ISO 9001 tại các cơ quan "
    "hành chính nhà nước đã góp phần cải cách thủ tục hành chính, nâng cao chất lượng phục vụ người dân "
    "và doanh nghiệp; tuy nhiên vẫn còn khó khăn về nguồn lực, kinh phí và nhận thức của cán bộ, công chức "
    "ở một số đơn vị cấp huyện, đặc biệt tại các tỉnh miền núi phía Bắc và Tây Nguyên. "
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100)
    parser.add_argument("--uploaded", type=int, default=10)
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args()


def setup_django(var_dir: str | None = None) -> str:
    if var_dir:
        os.environ["HOINGHI_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if os.environ.get("DATABASE_URL"):
        from _common import ensure_postgres_database

        ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.db import connection

    from config.local_dirs import ensure_local_dirs

    ensure_local_dirs()  # The broker's folder: publishing the agenda queues its exports (not run here).

    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def _body(n: int) -> str:
    paragraph = WORDS * 2
    sections = []
    for part in range(1, 4):
        sections.append(f"## {part}. Phần {part} của tham luận số {n}\n")
        sections += [paragraph] * 3
    sections.append(
        "| Năm | Số cơ quan | Tỷ lệ |\n| --- | --- | --- |\n| 2019 | 120 | 85% |\n| 2020 | 131 | 92% |\n"
    )
    return "\n\n".join(sections)


def _figure_png(n: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 500), "white")
    draw = ImageDraw.Draw(image)
    for bar in range(8):
        height = 60 + (n * 37 + bar * 53) % 380
        draw.rectangle([60 + bar * 100, 480 - height, 130 + bar * 100, 480], fill=(20, 60 + bar * 20, 140))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def build_data(args) -> int:
    """The conference, its papers, agenda, awards and participants; return its id."""
    import datetime

    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from conferences.documents.paper_text import render_paper_text_pdf
    from conferences.models import (
        AgendaItem,
        FileKind,
        Organization,
        Paper,
        PaperRevision,
        Person,
        Registration,
    )
    from conferences.services.agenda_publishing import agenda_publish
    from conferences.services.conferences import conference_create
    from conferences.services.proceedings import conference_foreword_update, paper_figure_add
    from core.ticket_codes import ticket_codes_distinct
    from tests.factories import AwardFactory

    host = Organization.objects.create(
        name="Bộ Khoa học và Công nghệ (thử)", code="bproc-host", kind="ministry"
    )
    start = datetime.datetime(2021, 4, 9, 7, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    conference = conference_create(
        title_vi="Hội nghị sơ kết tình hình triển khai Quyết định số 19/2014/QĐ-TTg giai đoạn 2015 - 2020",
        slug=SLUG,
        host=host,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=12),
        venue_name="Hội trường tầng 1",
    )
    conference_foreword_update(conference=conference, foreword=WORDS * 6)
    kinds = [k.value for k in Organization.Kind]
    agencies = [
        Organization.objects.create(name=f"Cơ quan thử số {n}", code=f"bproc-{n}", kind=kinds[n % len(kinds)])
        for n in range(63)
    ]
    uploaded_pdf = render_paper_text_pdf(
        organization=host,
        title="Tham luận gửi dưới dạng tệp PDF",
        authors=["Đỗ Văn Ước"],
        abstract="Tóm tắt.",
        body=_body(0),
        conference_title=conference.title_vi,
    )
    slot = datetime.timedelta(minutes=7)
    every = args.papers // args.uploaded if args.uploaded else 0
    for n in range(args.papers):
        title = f"Tham luận số {n + 1}: kết quả áp dụng ISO 9001 tại {agencies[n % 63].name}"
        paper = Paper.objects.create(conference=conference, title=title, status=Paper.Status.ACCEPTED)
        uploaded = every > 0 and n % every == 0 and n // every < args.uploaded
        revision = PaperRevision(
            paper=paper,
            number=1,
            title=title,
            abstract=WORDS,
            body="" if uploaded else _body(n),
            authors=[{"full_name": "Nguyễn Thị Hương", "organization_name": agencies[n % 63].name}],
        )
        if uploaded:
            revision.file.save("p.pdf", ContentFile(uploaded_pdf), save=False)
            revision.file_kind = FileKind.PDF
            revision.file_sha256 = f"{n:064d}"
        revision.save()
        Paper.objects.filter(pk=paper.pk).update(final_revision=revision, locked_at=timezone.now())
        if not uploaded:
            paper_figure_add(
                paper=paper,
                upload=SimpleUploadedFile("h.png", _figure_png(n)),
                caption=f"Số liệu của tham luận {n + 1}",
            )
        AgendaItem.objects.create(
            conference=conference,
            starts_at=start + n * slot,
            ends_at=start + (n + 1) * slot,
            title=title,
            kind=AgendaItem.Kind.PAPER,
            paper=paper,
        )
    agenda_publish(conference=conference)
    for n in range(12):
        AwardFactory(decision__conference=conference, recipient_organization=agencies[n])
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Võ", "Bùi", "Đỗ", "Ưng"]
    given = ["Ánh Tuyết", "Văn Hưởng", "Thị Minh Khai", "Quốc Khánh", "Thu Hằng", "Đức Thắng", "Văn Ước"]
    people = Person.objects.bulk_create(
        Person(
            full_name=f"{families[n % 10]} {given[n % 7]}",
            position="Chuyên viên chính",
            organization=agencies[n % 63],
            search_name=f"p {n}",
            sort_key=f"{n:05d}",
        )
        for n in range(args.participants)
    )
    codes = ticket_codes_distinct(len(people))
    Registration.objects.bulk_create(
        Registration(conference=conference, person=p, organization=p.organization, ticket_code=codes[n])
        for n, p in enumerate(people)
    )
    return conference.pk


def _child_build(var_dir: str, conference_id: int, baseline: bool, queue) -> None:
    """In a fresh process: one build (or the bare WeasyPrint baseline), timed without start-up."""
    setup_django(var_dir)
    import django.db

    from conferences.models import Conference, Job, Proceedings
    from conferences.services.jobs import job_create
    from conferences.services.proceedings import proceedings_build_run

    conference = Conference.objects.get(pk=conference_id)

    def tree_cpu() -> float:  # this process and the ones it started and waited for
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    cpu0, wall0 = tree_cpu(), time.perf_counter()
    if baseline:
        from django.template.loader import render_to_string
        from django.utils import translation
        from weasyprint import HTML

        from conferences.documents.proceedings import book_context
        from conferences.selectors.proceedings import proceedings_inputs

        inputs = proceedings_inputs(conference=conference, kind="book")
        with translation.override("vi"):
            html = render_to_string(
                "documents/proceedings.html", book_context(inputs, variant="standard", version=1, readers={})
            )
        css = str(ROOT / "static" / "css" / "proceedings.css")
        pdf = HTML(string=html).write_pdf(stylesheets=[css])
        pages, size = None, len(pdf)
    else:
        job = job_create(
            conference=conference,
            kind=Job.Kind.PROCEEDINGS,
            total=1,
            params={"kind": "book", "variant": "standard"},
        )
        build = proceedings_build_run(job_id=job.pk)
        job.refresh_from_db()
        assert build is not None, job.error
        pages, size = build.pages, build.size
        Proceedings.objects.filter(pk=build.pk).delete()
    wall, cpu = time.perf_counter() - wall0, tree_cpu() - cpu0
    django.db.connections.close_all()
    queue.put({"wall": wall, "cpu": cpu, "pages": pages, "size": size})


def _tree_rss_kb(pid: int) -> int:
    """The resident memory of a process and all its descendants (KB), from /proc."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _spawned(var_dir, conference_id, baseline) -> dict:
    import queue as queues

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child_build, args=(var_dir, conference_id, baseline, queue))
    process.start()
    peak = 0
    while True:  # the tree's peak: processes rendering at once add up (getrusage gives only the largest)
        peak = max(peak, _tree_rss_kb(process.pid))
        try:
            result = queue.get(timeout=0.05)
            break
        except queues.Empty:
            continue
    process.join()
    result["peak_mb"] = peak / 1024
    return result


def main() -> int:
    args = parse_args()
    var_dir = os.environ.get("HOINGHI_VAR_DIR")
    if not os.environ.get("DATABASE_URL") and not var_dir:
        var_dir = tempfile.mkdtemp(prefix="hoinghi-bench-proceedings-")
        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    database = setup_django(var_dir)
    from django.core.management import call_command

    from conferences.models import Conference

    call_command("migrate", verbosity=0, interactive=False)

    Conference.objects.filter(slug=SLUG).exists() and sys.exit(
        f"{SLUG} exists in {database}: use an empty database"
    )
    t0 = time.perf_counter()
    conference_id = build_data(args)
    print(f"database: {database}; data made in {time.perf_counter() - t0:.1f} s")
    print(
        f"machine: 2 cores, shared with other work while this ran (load {os.getloadavg()[0]:.1f}): "
        "figures vary between runs\n"
    )

    builds, baselines = [], []
    for run in range(1, args.runs + 1):
        base = _spawned(var_dir, conference_id, True)
        built = _spawned(var_dir, conference_id, False)
        baselines.append(base)
        builds.append(built)
        print(
            f"run {run}: build {built['wall']:.1f} s wall, {built['cpu']:.1f} s CPU, {built['pages']} pages, "
            f"{built['pages'] / built['wall']:.1f} pages/s, peak {built['peak_mb']:.0f} MB, "
            f"{built['size'] / 1e6:.1f} MB file | "
            f"WeasyPrint alone (one process) {base['wall']:.1f} s wall, {base['cpu']:.1f} s CPU, "
            f"peak {base['peak_mb']:.0f} MB"
        )
    wall = statistics.median(b["wall"] for b in builds)
    cpu = statistics.median(b["cpu"] for b in builds)
    base_wall = statistics.median(b["wall"] for b in baselines)
    peak = max(b["peak_mb"] for b in builds)
    pages = builds[0]["pages"]

    # The unchanged rebuild, as the organizer's click makes it: a stored book exists for these inputs.
    from conferences.models import Job, Proceedings
    from conferences.services.jobs import job_create
    from conferences.services.proceedings import proceedings_build, proceedings_build_run

    conference = Conference.objects.get(pk=conference_id)
    job = job_create(
        conference=conference,
        kind=Job.Kind.PROCEEDINGS,
        total=1,
        params={"kind": "book", "variant": "standard"},
    )
    stored = proceedings_build_run(job_id=job.pk)
    rebuilds = []
    for _ in range(5):
        t0 = time.perf_counter()
        again = proceedings_build(conference=conference, kind="book", variant="standard", user=None)
        rebuilds.append(time.perf_counter() - t0)
        assert again.job is None and again.proceedings == stored
    rebuild = statistics.median(rebuilds)
    assert Proceedings.objects.filter(conference=conference).count() == 1

    print(
        f"\nmedian of {args.runs}: {wall:.1f} s wall, {cpu:.1f} s CPU (process tree) for {pages} pages "
        f"({pages / wall:.1f} pages/s), peak {peak:.0f} MB, file {builds[0]['size'] / 1e6:.1f} MB "
        f"(target < {TARGET_SECONDS:.0f} s and < {TARGET_MB} MB)"
    )
    print(f"ratio build / WeasyPrint alone: {wall / base_wall:.2f} ({base_wall:.1f} s)")
    print(f"unchanged rebuild: {rebuild * 1000:.0f} ms median of 5 (target < {TARGET_REBUILD_SECONDS:.0f} s)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    missed = wall >= TARGET_SECONDS or peak >= TARGET_MB or rebuild >= TARGET_REBUILD_SECONDS
    if missed:
        print("TARGET MISSED")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
