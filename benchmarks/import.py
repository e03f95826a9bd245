"""Import benchmark: 10,000 agencies with contacts from XLSX and CSV, previewed and committed.

    .venv/bin/python benchmarks/import.py [--rows 10000] [--strict] [--refusals-only]

The files are generated in a temporary folder: the 2021 ministries, the 63 provincial People's
Committees, 20 departments per province and the units under them, with diacritics (every 7th
name in NFD), provinces written by name, without accents or by code, kinds as Vietnamese labels,
parents by name, one or two e-mails, and a contact person on 3 rows in 5.

Each database runs in a process of its own, on a throwaway database: SQLite always (HOINGHI_VAR_DIR
points at a temporary folder, migrated here) and PostgreSQL too when DATABASE_URL names one (a
database beside it, created and dropped here). It prints seconds and rows/s for each step, beside
baselines measured in the same run (a plain openpyxl read of the same XLSX, a plain csv read of the
same CSV, and a plain bulk_create of as many bare Organization rows), with ratios, and PASS/FAIL
against the target: each preview and commit of 10,000 rows in <= 10 s. With --strict it exits 1 when
a target is missed.

It also times how long hostile files take to be refused (wall and CPU time, the median of 5 runs,
target < 1 s each): a 4.8 KB workbook whose second row is numbered 4,000,000 or 16,000,000, with and
without a declared sheet size, a 19 MiB CSV of empty lines, and a workbook declaring XML entities.
--refusals-only prints just these, without a database.
"""

import argparse
import contextlib
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

TARGET_SECONDS = 10.0
TARGET_ROWS = 10_000
REFUSAL_TARGET_SECONDS = 1.0
REFUSAL_RUNS = 5
HEADINGS = [
    "Tên cơ quan",
    "Tên viết tắt",
    "Mã",
    "Loại",
    "Tỉnh",
    "Cơ quan cấp trên",
    "Email",
    "Điện thoại",
    "Địa chỉ",
    "Người liên hệ",
    "Chức vụ",
    "Email người liên hệ",
    "Điện thoại người liên hệ",
]
DEPARTMENTS = [
    ("Sở Nội vụ", "SNV"),
    ("Sở Tư pháp", "STP"),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ("Sở Tài chính", "STC"),
    ("Sở Công Thương", "SCT"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT"),
    ("Sở Giao thông vận tải", "SGTVT"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Tài nguyên và Môi trường", "STNMT"),
    ("Sở Thông tin và Truyền thông", "STTTT"),
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Y tế", "SYT"),
    ("Sở Ngoại vụ", "SNgV"),
    ("Thanh tra tỉnh", "TTr"),
    ("Văn phòng Ủy ban nhân dân tỉnh", "VP"),
    ("Ban Dân tộc", "BDT"),
    ("Ban Quản lý các khu công nghiệp", "BQLKCN"),
]
UNITS = [
    "Văn phòng",
    "Thanh tra",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Tổ chức cán bộ",
    "Phòng Quản lý chuyên ngành",
    "Trung tâm Công nghệ thông tin",
    "Chi cục Quản lý chất lượng",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hòa", "Khải", "Lan", "Linh", "Mai", "Nam"]
POSITIONS = ["Chánh Văn phòng", "Phó Chánh Văn phòng", "Phó Giám đốc", "Trưởng phòng", "Chuyên viên"]
STREETS = ["Lê Thánh Tông", "Trần Hưng Đạo", "Nguyễn Văn Cừ", "Hùng Vương", "Lý Thường Kiệt", "Quang Trung"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=TARGET_ROWS, help="rows in each file (default 10000)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--refusals-only", action="store_true", help="only time the refusal of hostile files (no database)"
    )
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


# Generating the files ------------------------------------------------------------------------------------


def slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return "".join(ch if ch.isalnum() else "-" for ch in ascii_text).strip("-").replace("--", "-")


def read_fixture(name: str) -> list[dict[str, str]]:
    with (ROOT / "conferences" / "fixtures" / name).open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def agency_rows(count: int, *, variant: int = 0) -> list[list[str]]:
    """Realistic rows, parents before their units; variant 1 changes every phone number and address."""
    rng = random.Random(2021)
    provinces = read_fixture("provinces_2021.csv")
    rows: list[list[str]] = []

    def add(name, short_name, code, kind, province, parent, domain):
        n = len(rows)
        mailbox = slug(short_name or name)[:40]
        emails = f"{mailbox}@{domain}"
        if n % 4 == 0:
            emails += f"; vanthu.{mailbox}@{domain}"
        phone = f"02{n % 90 + 10:02d} {3800 + variant * 100 + n % 100:04d} {n % 1000:03d}"
        address = f"Số {n % 300 + 1 + variant} đường {STREETS[n % len(STREETS)]}"
        person = ["", "", "", ""]
        if n % 5 < 3:
            full_name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            person = [full_name, rng.choice(POSITIONS), f"lienhe{n:05d}@{domain}", f"09{n:08d}"]
        if n % 7 == 3:  # Some systems send NFD: stored NFC all the same.
            name = unicodedata.normalize("NFD", name)
        rows.append([name, short_name, code, kind, province, parent, emails, phone, address, *person])

    for ministry in read_fixture("ministries.csv"):
        kind = "Bộ" if ministry["type"] == "bộ" else "Cơ quan ngang Bộ"
        add(ministry["name_vi"], "", ministry["abbreviation"], kind, "", "", "chinhphu.vn")
    for index, province in enumerate(provinces):
        written = [province["name_vi"], slug(province["name_vi"]).replace("-", " "), province["code"]][
            index % 3
        ]
        province["written"] = written
        province["domain"] = f"{slug(province['name_vi'])}.gov.vn"
        prefix = "thành phố" if province["type"] != "tỉnh" else "tỉnh"
        province["administrative"] = f"{prefix} {province['name_vi']}"
        committee = f"Ủy ban nhân dân {province['administrative']}"
        province["committee"] = committee
        add(committee, f"UBND {province['name_vi']}", "", "UBND tỉnh", written, "", province["domain"])
    departments = []
    for province in provinces:
        for department, short in DEPARTMENTS:
            name = f"{department} {province['administrative']}".replace(" tỉnh tỉnh", " tỉnh")
            kind = "Sở" if department.startswith("Sở") else "Khác"
            short_name = f"{short} {province['name_vi']}"
            add(name, short_name, "", kind, province["written"], province["committee"], province["domain"])
            departments.append((name, province))
    units = list(UNITS)
    while len(rows) < count:
        for name, province in departments:
            if len(rows) >= count:
                break
            for unit in units:
                if len(rows) >= count:
                    break
                unit_name = f"{unit} {name.replace('Sở ', 'sở ', 1)}"
                add(unit_name, "", "", "Khác", province["written"], name, province["domain"])
        units = [f"Tổ công tác số {len(units) + i + 1}" for i in range(len(UNITS))]
    return rows[:count]


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cơ quan")
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:  # Excel's "CSV UTF-8" has a BOM.
        writer = csv.writer(file)
        writer.writerow(HEADINGS)
        writer.writerows(rows)


def hostile_files() -> list[tuple[str, bytes, str]]:
    """(label, data, filename) of files that must be refused, each in well under a second."""
    from devtools.files import raw_xlsx

    def row(number: int, text: str) -> str:
        return f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{text}</t></is></c></row>'

    first, files = row(1, "Tên cơ quan"), []
    for last in (4_000_000, 16_000_000):
        for declared in ("", f"A1:A{last}"):
            data = raw_xlsx(first + row(last, "Sở Khoa học và Công nghệ"), dimension=declared)
            size = "declared" if declared else "no size"
            files.append((f"XLSX row {last:,}, {size} ({len(data) / 1000:.1f} KB)", data, "co-quan.xlsx"))
    chain = "".join(f'<!ENTITY {name} "{f"&{inner};" * 16}">' for inner, name in ("ab", "bc", "cd"))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY a "{"A" * 256}">{chain}]>'
    data = raw_xlsx(row(1, "Tên cơ quan") + row(2, "&d;"), doctype=doctype)
    files.append((f"XLSX with XML entities ({len(data) / 1000:.1f} KB)", data, "co-quan.xlsx"))
    empty_lines = "Tên cơ quan,Loại\r\n".encode() + b"\r\n" * (19 * 1024 * 1024 // 2)
    files.append(("CSV: a heading, then 19 MiB of empty lines", empty_lines, "co-quan.csv"))
    empty_cells = "Tên cơ quan,Loại\r\n".encode() + b",,\r\n" * (19 * 1024 * 1024 // 4)
    files.append(("CSV: a heading, then 19 MiB of empty cells", empty_cells, "co-quan.csv"))
    return files


def time_refusals() -> int:
    """Print the median wall and CPU time of refusing each hostile file; return 1 if one is too slow."""
    from conferences.services.imports import import_preview
    from core.exceptions import ApplicationError

    print(f"\n== refusing hostile files (median of {REFUSAL_RUNS} runs)")
    failed = 0
    for label, data, filename in hostile_files():
        walls, cpus, message = [], [], ""
        for _run in range(REFUSAL_RUNS):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                import_preview(file=data, filename=filename)
            except ApplicationError as exc:
                message = exc.extra.get("code", "")
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        wall, cpu = sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2]
        ok = bool(message) and wall < REFUSAL_TARGET_SECONDS
        failed |= not ok
        print(
            f"{label:<46} wall {wall * 1000:6.0f} ms  CPU {cpu * 1000:6.0f} ms  "
            f"{message or 'NOT REFUSED':<16} target < {REFUSAL_TARGET_SECONDS:.0f} s",
            "PASS" if ok else "FAIL",
            flush=True,
        )
    return 1 if failed else 0


# Measuring (in the child process, one database) ------------------------------------------------------------


def setup_django(backend: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def baseline_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for row in workbook.active.iter_rows(values_only=True))
    workbook.close()
    return cells


def baseline_csv(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return sum(len(row) for row in csv.reader(file))


def baseline_bulk_create(count: int) -> None:
    """Insert bare rows (name and folded name only) in one transaction, then roll them back."""
    from django.db import transaction

    from conferences.models import Organization

    with transaction.atomic():
        Organization.objects.bulk_create(
            (Organization(name=f"Cơ quan số {n}", search_name=f"co quan so {n}") for n in range(count)),
            batch_size=500,
        )
        transaction.set_rollback(True)


@contextlib.contextmanager
def rolled_back():
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def run_child(backend: str, folder: Path, count: int) -> int:
    setup_django(backend)
    from django.db import connection

    from conferences.demo import provinces_load
    from conferences.models import Organization, Person
    from conferences.services.imports import import_commit, import_preview

    provinces_load()
    xlsx, csv_path, changed = (
        folder / "agencies.xlsx",
        folder / "agencies.csv",
        folder / "agencies-changed.xlsx",
    )
    data = {path: path.read_bytes() for path in (xlsx, csv_path, changed)}
    pg = connection.pg_version if backend == "postgresql" else 0
    version = connection.Database.sqlite_version if backend == "sqlite" else f"{pg // 10000}.{pg % 100}"
    print(f"\n== {backend} {version} ({connection.settings_dict['NAME']})")

    results: list[tuple[str, float, bool]] = []

    def report(
        label: str, seconds: float, *, target: bool = False, baseline: tuple[str, float] | None = None
    ):
        line = f"{label:<40} {seconds:6.2f} s {count / seconds:8.0f} rows/s"
        if baseline:
            line += f"   {seconds / baseline[1]:5.1f}x {baseline[0]}"
        if target:
            ok = seconds <= TARGET_SECONDS * count / TARGET_ROWS
            line += f"   target <= {TARGET_SECONDS * count / TARGET_ROWS:.0f} s {'PASS' if ok else 'FAIL'}"
            results.append((label, seconds, ok))
        print(line, flush=True)

    read_xlsx, _cells = timed(lambda: baseline_openpyxl(xlsx))
    read_csv, _cells = timed(lambda: baseline_csv(csv_path))
    insert, _ = timed(lambda: baseline_bulk_create(count))
    report("baseline: openpyxl read of the XLSX", read_xlsx)
    report("baseline: csv read of the CSV", read_csv)
    report("baseline: bulk_create bare rows", insert)
    plain = ("openpyxl read + bulk_create", read_xlsx + insert)
    plain_csv = ("csv read + bulk_create", read_csv + insert)

    seconds, preview = timed(lambda: import_preview(file=data[xlsx], filename="agencies.xlsx"))
    assert not preview.errors, preview.errors[:5]
    assert preview.counts["create"] == count, preview.counts
    report("preview XLSX (all new)", seconds, target=True, baseline=("openpyxl read", read_xlsx))
    seconds, preview = timed(lambda: import_preview(file=data[csv_path], filename="agencies.csv"))
    assert preview.counts["create"] == count, preview.counts
    report("preview CSV (all new)", seconds, target=True, baseline=("csv read", read_csv))

    with rolled_back():
        seconds, result = timed(lambda: import_commit(file=data[csv_path], filename="agencies.csv"))
    report("commit CSV (all new, rolled back)", seconds, target=True, baseline=plain_csv)
    seconds, result = timed(lambda: import_commit(file=data[xlsx], filename="agencies.xlsx"))
    people = result.counts["people_create"]
    report("commit XLSX (all new)", seconds, target=True, baseline=plain)
    assert Organization.objects.count() == count and Person.objects.count() == people

    seconds, preview = timed(lambda: import_preview(file=data[xlsx], filename="agencies.xlsx"))
    assert preview.counts["unchanged"] == count, preview.counts
    report("preview XLSX again (all unchanged)", seconds, target=True, baseline=("openpyxl read", read_xlsx))
    seconds, result = timed(lambda: import_commit(file=data[changed], filename="agencies-changed.xlsx"))
    assert result.counts["update"] == count, result.counts
    report("commit XLSX (all updated)", seconds, target=True, baseline=plain)
    assert Organization.objects.count() == count, "an update created agencies"

    names = Organization.objects.values_list("name", flat=True)
    sample = Organization.objects.filter(
        search_name__contains="so khoa hoc va cong nghe tinh quang ninh"
    ).first()
    print(
        f"stored: {Organization.objects.count()} agencies, {Person.objects.count()} people; "
        f"e.g. {sample.name!r} under {sample.parent.name!r}, province {sample.province.name!r}; "
        f"all names NFC: {all(unicodedata.is_normalized('NFC', name) for name in names)}"
    )
    failed = [label for label, _seconds, ok in results if not ok]
    print(f"{backend}: {'all targets met' if not failed else 'FAILED: ' + ', '.join(failed)}")
    refusals = time_refusals() if backend == "sqlite" else 0  # No database is involved.
    return 1 if failed else refusals


# Orchestration ---------------------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    if args.child:
        return run_child(args.child, args.dir, args.rows)
    if args.refusals_only:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        status = time_refusals()
        return status if args.strict else 0

    from _common import drop_postgres_database, ensure_postgres_database

    database_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="hoinghi-import-bench-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        rows = agency_rows(args.rows)
        write_xlsx(folder / "agencies.xlsx", rows)
        write_csv(folder / "agencies.csv", rows)
        write_xlsx(folder / "agencies-changed.xlsx", agency_rows(args.rows, variant=1))
        sizes = {name: (folder / name).stat().st_size / 1e6 for name in ("agencies.xlsx", "agencies.csv")}
        print(
            f"hoinghi import benchmark: {args.rows} rows x {len(HEADINGS)} columns "
            f"(XLSX {sizes['agencies.xlsx']:.1f} MB, CSV {sizes['agencies.csv']:.1f} MB, "
            f"generated in {time.perf_counter() - start:.1f} s), {os.cpu_count()} CPUs"
        )
        runs = [("sqlite", {"HOINGHI_VAR_DIR": str(folder / "var-sqlite"), "DATABASE_URL": ""})]
        if database_url.startswith(("postgres://", "postgresql://")):
            base, _slash, _name = database_url.rpartition("/")
            throwaway = f"{base}/hoinghi_import_bench_{uuid.uuid4().hex[:8]}"
            runs.append(
                ("postgresql", {"HOINGHI_VAR_DIR": str(folder / "var-pg"), "DATABASE_URL": throwaway})
            )
        else:
            print("PostgreSQL: skipped (DATABASE_URL does not name a PostgreSQL database)")
        status = 0
        for backend, env in runs:
            url = env["DATABASE_URL"]
            if url:
                ensure_postgres_database(url)
            try:
                command = [
                    sys.executable,
                    __file__,
                    "--child",
                    backend,
                    "--dir",
                    str(folder),
                    "--rows",
                    str(args.rows),
                ]
                child_env = {**os.environ, **env}
                if not url:
                    child_env.pop("DATABASE_URL")
                status |= subprocess.run(command, env=child_env, check=False).returncode
            finally:
                if url:
                    drop_postgres_database(url)
    return status if args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
