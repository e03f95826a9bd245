"""Certificate benchmark: 1,000 attendance certificates rendered four ways, and the files checked.

    .venv/bin/python benchmarks/certificates.py [--count 1000] [--runs 3] [--workers 2] [--strict]

(1) the baseline: one WeasyPrint render call per certificate, in this process, of the whole face
    (`render_whole_faces` with one certificate: the same templates, stylesheet, shared fonts and
    pypdf split as before the layers);
(w) whole faces in chunks of 100 as one document, split with pypdf, in this process (the way before
    the layers, for reference);
(2) `render_certificate_pdfs`, what the Celery job runs: per chunk of 100, the static layer and atlas
    laid out once, each certificate's own lines and QR code printed over its page, in this process;
(3) `render_certificate_chunks_parallel`: the same over --workers processes, this one and the ones
    it spawns (their start-up, about a second, is inside the time).
Each way runs --runs times over all --count certificates (no extrapolation); the median wall time
and CPU time (this process and its children) are printed per certificate, with the ratio (3) vs (1)
(target >= 10x), peak memory of the whole job (max resident set of this process plus the largest of
its children, from getrusage; target < 1 GB), the size of one split file, and the checks over every
file of (3): a valid PDF of one page, its own holder's name and no other holder's (text and raw
bytes), and exactly one image resource (its QR code), different from every other file's.

SQLite in a temporary HOINGHI_VAR_DIR by default, or the PostgreSQL database named by DATABASE_URL.
"""

import argparse
import atexit
import io
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

SLUG = "bench-certificates"
TARGET_RATIO = 10.0
MEMORY_LIMIT_MB = 1024


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each way (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="processes for (3) (default 2)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args()


def setup_django() -> str:
    if not os.environ.get("DATABASE_URL"):
        var_dir = tempfile.mkdtemp(prefix="hoinghi-bench-certificates-")
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
    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def build(count: int) -> list[int]:
    """A conference of the model case with `count` checked-in delegates of 63 agencies, each certified."""
    import datetime

    from django.utils import timezone

    from conferences.models import Certificate, Conference, Organization, Person, Registration
    from conferences.services.conferences import conference_create
    from core.ticket_codes import ticket_codes_distinct

    old = Conference.objects.filter(slug=SLUG)
    Certificate.objects.filter(conference__in=old).delete()
    Registration.objects.filter(conference__in=old).delete()
    old.delete()
    Person.objects.filter(email__startswith=f"{SLUG}-").delete()
    Organization.objects.filter(code__startswith="bcert-").delete()
    host = Organization.objects.create(
        name="Bộ Khoa học và Công nghệ (thử)", code="bcert-host", kind="ministry"
    )
    start = datetime.datetime(2021, 4, 9, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    conference = conference_create(
        title_vi="Hội nghị sơ kết tình hình triển khai Quyết định số 19/2014/QĐ-TTg giai đoạn 2015 - 2020",
        slug=SLUG,
        host=host,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
        venue_name="Hội trường tầng 1",
    )
    agencies = Organization.objects.bulk_create(
        Organization(name=f"Sở Khoa học và Công nghệ số {n}", code=f"bcert-{n}", search_name=f"so {n}")
        for n in range(63)
    )
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Võ", "Bùi"]
    given = ["Ánh Tuyết", "Văn Hưởng", "Thị Minh Khai", "Quốc Khánh", "Thu Hằng", "Đức Thắng"]
    # Each name carries its number, so a split file naming another holder is found by the check.
    people = Person.objects.bulk_create(
        Person(
            full_name=f"{families[n % 8]} {given[n % 6]} {n:04d}",
            email=f"{SLUG}-{n}@example.vn",
            organization=agencies[n % 63],
            search_name=f"p {n}",
            sort_key=f"{n:05d}",
        )
        for n in range(count)
    )
    now = timezone.now()
    codes = ticket_codes_distinct(len(people))
    registrations = Registration.objects.bulk_create(
        Registration(
            conference=conference,
            person=p,
            organization=p.organization,
            checked_in_at=now,
            ticket_code=codes[n],
        )
        for n, p in enumerate(people)
    )
    certificates = Certificate.objects.bulk_create(
        Certificate(
            conference=conference,
            kind=Certificate.Kind.ATTENDANCE,
            recipient_person=r.person,
            recipient_name=r.person.full_name,
            registration=r,
            serial=f"2021-{conference.pk:03d}-{n + 1:05d}",
            verification_code=f"B{n:011d}".replace("0", "Z").replace("1", "Y"),
            issued_at=now,
        )
        for n, r in enumerate(registrations)
    )
    return [c.pk for c in certificates]


def peak_mb() -> float:
    """Max resident set of this process plus the largest of its waited-for children (kB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(runs: int, work) -> tuple[float, float, object]:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), cpu_seconds()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def check_files(files: dict[int, bytes], certificates, chunk: int = 100) -> dict:
    """Check every split file; another holder is looked for among the file's chunk (whose glyphs its
    font carries) by name in the text and in the raw bytes (UTF-8 and UTF-16)."""
    from pypdf import PdfReader

    bad_pdf = other_names = missing_name = images = 0
    qr_images = set()
    for position, certificate in enumerate(certificates):
        data = files.get(certificate.pk)
        try:
            reader = PdfReader(io.BytesIO(data), strict=True)
            pages = len(reader.pages)
            text = unicodedata.normalize("NFC", " ".join(reader.pages[0].extract_text().split()))
            resources = reader.pages[0]["/Resources"].get_object()
        except Exception:
            bad_pdf += 1
            continue
        bad_pdf += pages != 1
        missing_name += certificate.recipient_name not in text
        xobjects = resources.get("/XObject", {})
        images += len(xobjects) != 1 or data.count(b"/Subtype /Image") != 1
        qr_images.update(ref.get_object().get_data() for ref in xobjects.values())
        first = position - position % chunk
        for other in certificates[first : first + chunk]:
            if other.pk == certificate.pk:
                continue
            name = other.recipient_name
            other_names += name in text or name.encode("utf-8") in data or name.encode("utf-16-be") in data
    return {
        "files": len(files),
        "invalid_or_not_one_page": bad_pdf,
        "own_name_missing": missing_name,
        "other_names": other_names,
        "not_one_image": images,
        "shared_qr_images": len(files) - len(qr_images),
    }


def main() -> int:
    args = parse_args()
    print(f"Database: {setup_django()}")
    from conferences.documents.certificates import (
        render_certificate_chunks_parallel,
        render_certificate_pdfs,
        render_whole_faces,
    )
    from conferences.selectors.certificates import certificates_for_rendering

    started = time.perf_counter()
    ids = build(args.count)
    certificates = certificates_for_rendering(ids=ids)
    print(f"built {len(ids):,} attendance certificates in {time.perf_counter() - started:.1f} s")
    render_certificate_pdfs(certificates[:1])  # fonts and stylesheet set up before any clock runs
    render_whole_faces(certificates[:1])
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores, shared with other work)")

    results = {}
    ways = {
        "(1) one render call each": lambda: [render_whole_faces([c])[0] for c in certificates],
        "(w) whole faces, chunks of 100": lambda: [
            f for n in range(0, len(certificates), 100) for f in render_whole_faces(certificates[n : n + 100])
        ],
        "(2) layers, chunks of 100": lambda: render_certificate_pdfs(certificates),
        f"(3) chunks of 100, {args.workers} processes": lambda: render_certificate_chunks_parallel(
            ids, workers=args.workers
        ),
    }
    for name, work in ways.items():
        wall, cpu, output = timed(args.runs, work)
        results[name] = (wall, cpu, output)
        print(
            f"{name:32} {wall * 1000 / len(ids):7.1f} ms/certificate wall,"
            f" {cpu * 1000 / len(ids):6.1f} ms CPU"
            f"  ({wall:.1f} s for {len(ids):,}, median of {args.runs})"
        )
    names = list(results)
    ratio = results[names[0]][0] / results[names[3]][0]
    ratio_chunks = results[names[0]][0] / results[names[2]][0]
    ratio_cpu = results[names[0]][1] / results[names[3]][1]
    files = results[names[3]][2]
    sizes = sorted(len(data) for data in files.values())
    memory = peak_mb()
    checks = check_files(files, certificates)
    ok = (
        ratio >= TARGET_RATIO
        and memory < MEMORY_LIMIT_MB
        and checks["files"] == len(ids)
        and not any(
            checks[k]
            for k in (
                "invalid_or_not_one_page",
                "own_name_missing",
                "other_names",
                "not_one_image",
                "shared_qr_images",
            )
        )
    )
    print(
        f"ratio (3) vs (1): {ratio:.1f}x wall (target >= {TARGET_RATIO:.0f}x), {ratio_cpu:.1f}x CPU;"
        f" (2) vs (1): {ratio_chunks:.1f}x wall"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"peak memory: {memory:.0f} MB (this process + its largest child; target < {MEMORY_LIMIT_MB} MB)")
    print(
        f"split file: median {sizes[len(sizes) // 2] / 1024:.1f} KB (min {sizes[0] / 1024:.1f},"
        f" max {sizes[-1] / 1024:.1f}); most of it the chunk's subset fonts"
    )
    print("checks: " + ", ".join(f"{k} {v}" for k, v in checks.items()) + f" -> {'PASS' if ok else 'FAIL'}")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
