"""Importing agencies and contacts from CSV and XLSX: the service and the organizer pages."""

import csv
import io
import itertools
import unicodedata
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook
from rest_framework.test import APIClient

from conferences.models import AuditEntry, Job, Organization, Person
from conferences.selectors.organizations import organization_search
from conferences.services import imports
from conferences.services.imports import import_commit, import_preview
from conferences.services.organizations import organization_create, person_create, province_upsert
from core.exceptions import ApplicationError
from devtools.files import raw_xlsx
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADINGS = ["Tên cơ quan", "Loại", "Tỉnh", "Cơ quan cấp trên", "Email", "Điện thoại"]
MINISTRY = "Bộ Khoa học và Công nghệ"
COMMITTEE = "Ủy ban nhân dân tỉnh Quảng Ninh"
DEPARTMENT = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
IMPORT_URL = "/to-chuc/co-quan/nhap/"
PREVIEW_URL = "/to-chuc/co-quan/nhap/xem-truoc/"
COMMIT_URL = "/to-chuc/co-quan/nhap/xac-nhan/"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def csv_bytes(rows: list[list], *, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cp1258_bytes(text: str) -> bytes:
    """Encode as Windows-1258 does: letters like ơ and â precomposed, tone marks as combining characters."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", char)
        # "ệ" is e + dot below + circumflex: Windows-1258 has "ê" and a combining dot below.
        for size in range(len(marks), -1, -1):
            encoded = None
            for composed in itertools.combinations(marks, size):
                rest = [mark for mark in marks if mark not in composed]
                try:
                    head = unicodedata.normalize("NFC", base + "".join(composed))
                    encoded = (head + "".join(rest)).encode("cp1258")
                    break
                except UnicodeEncodeError:
                    continue
            if encoded is not None:
                out += encoded
                break
        else:
            raise AssertionError(f"{char!r} has no Windows-1258 form")
    return bytes(out)


def counts() -> tuple[int, int, int]:
    return Organization.objects.count(), Person.objects.count(), AuditEntry.objects.count()


def errors_of(preview) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.message) for error in preview.errors]


@pytest.fixture(autouse=True)
def english(settings):
    # Messages are asserted in English.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def provinces(db):
    return {
        "22": province_upsert(code="22", name="Quảng Ninh", kind="province"),
        "01": province_upsert(code="01", name="Hà Nội", kind="city"),
        "79": province_upsert(code="79", name="Hồ Chí Minh", kind="city"),
    }


@pytest.fixture
def staff():
    return UserFactory(username="quan-tri", is_staff=True)


# Reading files ---------------------------------------------------------------------------------------------


def test_csv_import_stores_nfd_input_in_nfc_with_parents_provinces_and_contacts(provinces, staff):
    rows = [
        [*HEADINGS, "Mã", "Người liên hệ", "Chức vụ", "Email người liên hệ"],
        [MINISTRY, "Bộ", "", "", "vp@most.gov.vn", "024 3943 9731", "bkhcn", "", "", ""],
        [nfd(COMMITTEE), "UBND tỉnh", "Quang Ninh", "", "", "", "", "", "", ""],
        [
            nfd(DEPARTMENT),
            "Sở",
            "22",
            COMMITTEE,
            "SoKHCN@QuangNinh.gov.vn; vanthu.skhcn@quangninh.gov.vn",
            "0203 3835 123",
            "",
            nfd("Nguyễn Thị Minh Khai"),
            nfd("Chánh Văn phòng"),
            "minhkhai@quangninh.gov.vn",
        ],
    ]

    result = import_commit(file=csv_bytes(rows), filename="co-quan.csv", actor=staff)

    assert result.counts == {
        "rows": 3,
        "create": 3,
        "update": 0,
        "unchanged": 0,
        "people_create": 1,
        "people_update": 0,
    }
    ministry = Organization.objects.get(code="BKHCN")
    assert (ministry.name, ministry.kind, ministry.parent, ministry.province) == (
        MINISTRY,
        Organization.Kind.MINISTRY,
        None,
        None,
    )
    assert ministry.contact_emails == ["vp@most.gov.vn"]
    assert ministry.phone == "024 3943 9731"
    committee = Organization.objects.get(search_name="uy ban nhan dan tinh quang ninh")
    assert committee.name == COMMITTEE
    assert committee.kind == Organization.Kind.PROVINCIAL_COMMITTEE
    assert committee.province == provinces["22"]
    department = Organization.objects.get(search_name="so khoa hoc va cong nghe tinh quang ninh")
    assert department.name == DEPARTMENT
    assert unicodedata.is_normalized("NFC", department.name)
    assert department.kind == Organization.Kind.DEPARTMENT
    assert department.parent == committee
    assert department.province == provinces["22"]
    assert department.contact_emails == ["sokhcn@quangninh.gov.vn", "vanthu.skhcn@quangninh.gov.vn"]
    person = Person.objects.get()
    assert (person.full_name, person.position, person.email, person.organization) == (
        "Nguyễn Thị Minh Khai",
        "Chánh Văn phòng",
        "minhkhai@quangninh.gov.vn",
        department,
    )
    assert (person.search_name, person.sort_key) == ("nguyen thi minh khai", "khai minh thi nguyen")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_type) == ("organizations.imported", staff, "organization")
    assert entry.data == {"file": "co-quan.csv", **result.counts}


def test_xlsx_import_reads_numbers_english_headings_and_enum_kinds(provinces):
    rows = [
        ["NAME", "Kind", "province", "Parent", "E-mail", "phone", "contact_name", "Contact_Phone"],
        [nfd(COMMITTEE), "provincial_committee", 22, None, None, 2033835123, None, None],
        [
            nfd(DEPARTMENT),
            "department",
            22.0,
            COMMITTEE,
            "skhcn@quangninh.gov.vn",
            None,
            "Trần Văn Hòa",
            912345678,
        ],
        ["Sở Y tế Thành phố Hồ Chí Minh", "Sở", "TP. Hồ Chí Minh", None, None, None, None, None],
    ]

    preview = import_preview(file=xlsx_bytes(rows), filename="co-quan.xlsx")
    assert preview.errors == []
    assert [(row.row, row.name, row.parent) for row in preview.to_create] == [
        (2, COMMITTEE, ""),
        (3, DEPARTMENT, COMMITTEE),
        (4, "Sở Y tế Thành phố Hồ Chí Minh", ""),
    ]
    import_commit(file=xlsx_bytes(rows), filename="co-quan.xlsx")

    committee = Organization.objects.get(name=COMMITTEE)
    assert committee.phone == "02033835123"  # The leading zero an Excel number cell drops.
    department = Organization.objects.get(name=DEPARTMENT)
    assert (department.parent, department.province.code) == (committee, "22")
    assert Organization.objects.get(name="Sở Y tế Thành phố Hồ Chí Minh").province == provinces["79"]
    person = Person.objects.get()
    assert (person.full_name, person.phone, person.email, person.organization) == (
        "Trần Văn Hòa",
        "0912345678",
        "",
        department,
    )


def test_xlsx_heading_may_sit_below_a_title_and_rows_keep_spreadsheet_numbers(provinces):
    rows = [
        ["DANH SÁCH CƠ QUAN ĐƯỢC MỜI"],
        [],
        ["Tên cơ quan", "Tỉnh"],
        [DEPARTMENT, "22"],
        [],
        ["Sở Y tế tỉnh Quảng Ninh", "Quảng Nam"],
    ]

    preview = import_preview(file=xlsx_bytes(rows), filename="danh-sach.xlsx")

    assert errors_of(preview) == [
        (6, "Tỉnh", "Unknown province “Quảng Nam”: give its name or code (e.g. Quảng Ninh or 22).")
    ]
    assert [row.row for row in preview.to_create] == [4]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1258", ",")],
    ids=["utf8-no-bom", "excel-semicolons", "utf16-tabs", "windows-1258"],
)
def test_csv_encodings_and_delimiters_are_read(provinces, encoding, delimiter):
    rows = [
        ["Tên cơ quan", "Tỉnh", "Địa chỉ"],
        [DEPARTMENT, "Quảng Ninh", "Phường Hồng Gai, thành phố Hạ Long"],
    ]
    if encoding == "cp1258":
        data = cp1258_bytes(csv_bytes(rows, encoding="utf-8").decode())
    else:
        data = csv_bytes(rows, encoding=encoding, delimiter=delimiter)

    import_commit(file=data, filename="co-quan.csv")

    department = Organization.objects.get()
    assert (department.name, department.province, department.address) == (
        DEPARTMENT,
        provinces["22"],
        "Phường Hồng Gai, thành phố Hạ Long",
    )


def test_unreadable_files_are_refused_with_a_message(provinces):
    cases = [
        (b"PK\x03\x04 not really a workbook", "co-quan.xlsx", "could not be read as an Excel workbook"),
        (b"\xd0\xcf\x11\xe0 old excel", "co-quan.xls", "Old Excel files (.xls) cannot be read"),
        (b"name\nX\n", "co-quan.pdf", "Unsupported file type “.pdf”"),
        (b"  \n", "co-quan.csv", "The file is empty."),
    ]
    for data, filename, message in cases:
        with pytest.raises(ApplicationError) as raised:
            import_preview(file=data, filename=filename)
        assert message in raised.value.message


def test_a_file_without_a_name_column_is_an_error_on_the_heading_row(provinces):
    preview = import_preview(file=csv_bytes([["Tỉnh", "Ghi chú"], ["22", "x"]]), filename="x.csv")

    assert errors_of(preview) == [
        (1, "", "No column holds the agencies' names: head one “Tên cơ quan” or “name”.")
    ]
    assert preview.ignored_columns == ["Ghi chú"]


# Hostile files: refused quickly with a message, nothing written -------------------------------------------


def rezipped(data: bytes, **replaced: bytes) -> bytes:
    """The workbook with some of its parts replaced (keys name parts, "/" written as "__")."""
    parts = {name.replace("/", "__"): body for name, body in replaced.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for member in source.infolist():
            body = source.read(member)
            target.writestr(member, parts.get(member.filename.replace("/", "__"), body))
    return buffer.getvalue()


def text_row(number: int, *texts: str) -> str:
    cells = "".join(
        f'<c r="{chr(65 + column)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for column, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'


def refused(data: bytes, filename: str) -> ApplicationError:
    """The ApplicationError that previewing and importing the file both raise; nothing is written."""
    with pytest.raises(ApplicationError) as raised:
        import_preview(file=data, filename=filename)
    with pytest.raises(ApplicationError) as again:
        import_commit(file=data, filename=filename)
    assert again.value.message == raised.value.message
    assert counts() == (0, 0, 0)
    return raised.value


DAMAGED = "The workbook is damaged (its XML cannot be read): open it in Excel and save it again."
ENTITIES = (
    "The workbook declares XML entities or a DTD, which are not accepted: open it in Excel and save it again."
)
TOO_MANY_ROWS = (
    "The sheet runs to more than 60000 rows, counting empty ones: delete the empty rows at its end "
    "or split it into smaller files."
)


def test_a_handmade_workbook_is_read(provinces):
    data = raw_xlsx(text_row(1, "Tên cơ quan", "Loại") + text_row(2, DEPARTMENT, "Sở"))

    import_commit(file=data, filename="co-quan.xlsx")

    assert Organization.objects.get().name == DEPARTMENT


@pytest.mark.parametrize(
    "part",
    ["[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"],
)
def test_a_workbook_with_broken_xml_is_refused(provinces, part):
    data = xlsx_bytes([HEADINGS, [DEPARTMENT, "Sở", "22", "", "", ""]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        truncated = archive.read(part)[: len(archive.read(part)) // 2]

    error = refused(rezipped(data, **{part.replace("/", "__"): truncated}), "co-quan.xlsx")

    assert (error.message, error.code) == (DAMAGED, "unreadable_file")


def test_a_workbook_whose_sheet_refers_to_missing_shared_strings_is_refused(provinces):
    data = raw_xlsx('<row r="1"><c r="A1" t="s"><v>99</v></c></row>')

    error = refused(data, "co-quan.xlsx")

    assert error.message == "The file could not be read as an Excel workbook (.xlsx)."


def test_xml_entities_in_a_workbook_are_refused_not_expanded(provinces):
    # About 500 bytes that expand to a 1 MB cell where entities are expanded.
    chain = "".join(f'<!ENTITY {name} "{f"&{inner};" * 16}">' for inner, name in ("ab", "bc", "cd"))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY a "{"A" * 256}">{chain}]>'
    data = raw_xlsx(text_row(1, "Tên cơ quan") + text_row(2, "&d;"), doctype=doctype)

    error = refused(data, "co-quan.xlsx")

    assert (error.message, error.code) == (ENTITIES, "unreadable_file")


def test_openpyxl_reads_workbooks_through_defusedxml():
    from openpyxl import DEFUSEDXML
    from openpyxl.xml.functions import iterparse

    assert DEFUSEDXML is True
    assert iterparse.__module__.startswith("defusedxml.")


@pytest.mark.parametrize("last_row", [4_000_000, 16_000_000])
@pytest.mark.parametrize("dimension", ["declared", "none", "too small"])
def test_a_sheet_numbering_a_row_in_the_millions_is_refused(provinces, last_row, dimension):
    rows = text_row(1, "Tên cơ quan") + text_row(last_row, DEPARTMENT)
    declared = {"declared": f"A1:A{last_row}", "none": "", "too small": "A1:A2"}[dimension]
    data = raw_xlsx(rows, dimension=declared)
    assert len(data) < 5_000

    error = refused(data, "co-quan.xlsx")

    assert (error.message, error.code) == (TOO_MANY_ROWS, "too_many_rows")


def test_a_sheet_within_the_row_limit_is_read_however_its_rows_are_numbered(provinces):
    data = raw_xlsx(text_row(1, "Tên cơ quan") + text_row(59_999, DEPARTMENT), dimension="A1:A2")

    preview = import_preview(file=data, filename="co-quan.xlsx")

    assert [row.name for row in preview.to_create] == [DEPARTMENT]
    assert preview.to_create[0].row == 59_999


@pytest.mark.parametrize("heading", [b"", "Tên cơ quan\n".encode()])
def test_a_csv_file_of_empty_lines_is_refused(provinces, heading):
    data = heading + b"\r\n" * (19 * 1024 * 1024 // 2) + f"{DEPARTMENT}\n".encode()

    error = refused(data, "co-quan.csv")

    assert (error.message, error.code) == (TOO_MANY_ROWS, "too_many_rows")


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused(provinces, monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_UNZIPPED_BYTES", 2 * 1024 * 1024)  # 256 MB in production.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (3 * 1024 * 1024))
    assert len(buffer.getvalue()) < 10_000

    error = refused(buffer.getvalue(), "co-quan.xlsx")

    assert (error.message, error.code) == (
        "The workbook unpacks to more than 2 MB: split it into smaller files.",
        "file_too_large",
    )


def test_api_refuses_a_damaged_workbook_with_a_400(provinces, staff):
    data = xlsx_bytes([HEADINGS, [DEPARTMENT, "Sở", "22", "", "", ""]])
    data = rezipped(data, **{"[Content_Types].xml": b"<Types"})
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(staff)

    response = client.post(
        "/api/v1/organizations/import/",
        {"file": SimpleUploadedFile("co-quan.xlsx", data)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"message": DAMAGED, "code": "unreadable_file", "errors": {}}
    assert counts() == (0, 0, 0)


def test_import_page_refuses_a_sheet_numbering_a_row_in_the_millions(provinces, staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    data = raw_xlsx(text_row(1, "Tên cơ quan") + text_row(16_000_000, DEPARTMENT))
    client.post(IMPORT_URL, {"file": SimpleUploadedFile("co-quan.xlsx", data)})

    response = client.get(PREVIEW_URL)

    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    assert [str(m) for m in get_messages(response.wsgi_request)] == [TOO_MANY_ROWS]
    assert "organization_import" not in client.session
    assert counts() == (0, 0, 0)


# Validation ------------------------------------------------------------------------------------------------


def test_bad_rows_write_nothing_and_each_is_named_by_row_and_column(provinces, staff):
    organization_create(name=MINISTRY, code="BKHCN", kind="ministry")
    rows = [
        HEADINGS,
        [DEPARTMENT, "Sở", "22", "", "", ""],  # Good.
        ["", "Sở", "22", "", "", ""],
        ["Sở Y tế tỉnh Quảng Ninh", "Phòng", "22", "", "", ""],
        ["Sở Nội vụ tỉnh Quảng Ninh", "Sở", "Quảng Nam", "", "", ""],
        ["Sở Tư pháp tỉnh Quảng Ninh", "Sở", "22", "", "stp@quangninh.gov.vn; khong-phai-email", ""],
        ["Sở Tài chính tỉnh Quảng Ninh", "Sở", "22", "Ủy ban nhân dân tỉnh Quảng Nam", "", ""],
        ["Văn phòng Bộ Khoa học và Công nghệ", "", "", MINISTRY, "", ""],  # Good: a stored parent.
    ]
    before = counts()

    preview = import_preview(file=csv_bytes(rows), filename="co-quan.csv")
    with pytest.raises(ApplicationError) as raised:
        import_commit(file=csv_bytes(rows), filename="co-quan.csv", actor=staff)

    expected = [
        (3, "Tên cơ quan", "Enter the agency's name."),
        (
            4,
            "Loại",
            "Unknown kind “Phòng”: use one of Bộ, Cơ quan ngang Bộ, UBND tỉnh, Sở, Khác "
            "(or ministry, ministerial_agency, provincial_committee, department, other).",
        ),
        (5, "Tỉnh", "Unknown province “Quảng Nam”: give its name or code (e.g. Quảng Ninh or 22)."),
        (6, "Email", "“khong-phai-email” is not a valid e-mail address."),
        (
            7,
            "Cơ quan cấp trên",
            "No agency is named “Ủy ban nhân dân tỉnh Quảng Nam”: "
            "add it on an earlier row or in the system first.",
        ),
    ]
    assert errors_of(preview) == expected
    assert preview.counts["create"] == 2
    assert raised.value.message == "The file has 5 errors; nothing was imported."
    assert raised.value.code == "invalid_rows"
    assert raised.value.extra["errors"] == [{"row": r, "column": c, "message": m} for r, c, m in expected]
    assert counts() == before


def test_a_row_repeating_an_earlier_one_is_an_error_naming_both(provinces):
    rows = [
        HEADINGS,
        [DEPARTMENT, "Sở", "22", "", "", ""],
        ["Ủy ban nhân dân tỉnh Quảng Ninh", "UBND tỉnh", "22", "", "", ""],
        ["SỞ KHOA HỌC VÀ CÔNG NGHỆ  TỈNH QUẢNG NINH", "Sở", "22", "", "", ""],
        ["So Khoa hoc va Cong nghe tinh Quang Ninh", "Sở", "22", "", "", ""],
    ]

    preview = import_preview(file=csv_bytes(rows), filename="co-quan.csv")

    message = "This row repeats row 2: the same agency (names compare without accents or case)."
    assert errors_of(preview) == [(4, "Tên cơ quan", message), (5, "Tên cơ quan", message)]
    with pytest.raises(ApplicationError):
        import_commit(file=csv_bytes(rows), filename="co-quan.csv")
    assert Organization.objects.count() == 0


def test_same_name_under_different_parents_is_two_agencies(provinces):
    rows = [
        ["Tên cơ quan", "Cơ quan cấp trên"],
        ["Bộ Tư pháp", ""],
        ["Bộ Y tế", ""],
        ["Văn phòng", "Bộ Tư pháp"],
        ["Văn phòng", "Bộ Y tế"],
        ["Thanh tra", "Văn phòng"],
    ]

    preview = import_preview(file=csv_bytes(rows), filename="co-quan.csv")

    assert errors_of(preview) == [
        (6, "Cơ quan cấp trên", "Several agencies are named “Văn phòng”, so it is not clear which is meant.")
    ]
    assert preview.counts["create"] == 4


def test_a_parent_listed_below_its_unit_is_an_error_with_a_hint(provinces):
    rows = [["Tên cơ quan", "Cơ quan cấp trên"], [DEPARTMENT, COMMITTEE], [COMMITTEE, ""]]

    preview = import_preview(file=csv_bytes(rows), filename="co-quan.csv")

    message = f"“{COMMITTEE}” is on row 3, below this row: list parents before their units."
    assert errors_of(preview) == [(2, "Cơ quan cấp trên", message)]


def test_codes_must_be_unique_in_the_file_and_against_stored_agencies(provinces):
    organization_create(name=MINISTRY, code="BKHCN", kind="ministry")
    rows = [
        ["Tên cơ quan", "Mã"],
        ["Bộ Tư pháp", "btp"],
        ["Bộ Y tế", "BTP"],
        ["Bộ Nội vụ", "BKHCN"],
        [MINISTRY, "BKHCN"],  # Its own code: fine.
    ]

    preview = import_preview(file=csv_bytes(rows), filename="co-quan.csv")

    assert errors_of(preview) == [
        (3, "Mã", "The code BTP is also given on row 2."),
        (4, "Mã", f"The code BKHCN already belongs to “{MINISTRY}”."),
    ]


def test_contact_checks_name_each_problem(provinces):
    person_create(full_name="Lê Văn Có", email="co@example.vn")
    rows = [
        ["Tên cơ quan", "Người liên hệ", "Email người liên hệ", "Chức vụ"],
        ["Bộ Tư pháp", "Nguyễn Văn A", "a@example.vn", ""],
        ["Bộ Y tế", "Nguyễn Văn B", "A@example.vn", ""],
        ["Bộ Nội vụ", "", "moi@example.vn", "Chuyên viên"],
        ["Bộ Xây dựng", "", "co@example.vn", "Chuyên viên"],  # A known person: the name may be left out.
        ["Bộ Công an", "", "", "Chuyên viên"],
    ]

    preview = import_preview(file=csv_bytes(rows), filename="co-quan.csv")

    assert errors_of(preview) == [
        (3, "Email người liên hệ", "This e-mail is also given for the contact on row 2."),
        (4, "Người liên hệ", "Enter the contact's name."),
        (6, "Người liên hệ", "Enter the contact's name."),
    ]


def test_too_long_values_are_errors(provinces):
    rows = [["Tên cơ quan", "Điện thoại"], ["Bộ Tư pháp", "0" * 33]]

    preview = import_preview(file=csv_bytes(rows), filename="co-quan.csv")

    assert errors_of(preview) == [(2, "Điện thoại", "This is longer than 32 characters.")]


# De-duplication against stored agencies ---------------------------------------------------------------------


def test_an_existing_agency_is_updated_not_duplicated(provinces, staff):
    committee = organization_create(name=COMMITTEE, kind="provincial_committee", province=provinces["22"])
    department = organization_create(
        name=DEPARTMENT,
        kind="department",
        province=provinces["22"],
        parent=committee,
        phone="0203 3835 000",
        address="Hạ Long",
        contact_emails=["cu@quangninh.gov.vn"],
    )
    rows = [
        ["Tên cơ quan", "Tên viết tắt", "Email", "Điện thoại", "Địa chỉ", "Tỉnh"],
        [
            "so khoa hoc va cong nghe tinh quang ninh",
            "Sở KH&CN Quảng Ninh",
            "moi@quangninh.gov.vn",
            "0203 3835 999",
            "",
            "",
        ],
    ]

    preview = import_preview(file=csv_bytes(rows), filename="cap-nhat.csv")
    assert (preview.counts["create"], preview.counts["update"]) == (0, 1)
    assert preview.to_update[0].changes == ["short name", "phone", "contact e-mails"]
    import_commit(file=csv_bytes(rows), filename="cap-nhat.csv", actor=staff)

    department.refresh_from_db()
    assert Organization.objects.count() == 2
    assert department.name == DEPARTMENT  # The spelling without accents does not replace it.
    assert department.short_name == "Sở KH&CN Quảng Ninh"
    assert department.contact_emails == ["moi@quangninh.gov.vn"]
    assert department.phone == "0203 3835 999"
    assert department.address == "Hạ Long"  # Empty in the file: left as it was.
    assert (department.parent, department.province) == (committee, provinces["22"])
    assert list(organization_search(query="quang ninh khoa hoc")) == [department]


def test_a_better_spelling_replaces_the_stored_name(provinces):
    organization = organization_create(name="Uy ban nhan dan tinh Quang Ninh")

    import_commit(file=csv_bytes([["Tên cơ quan"], [COMMITTEE]]), filename="x.csv")

    organization.refresh_from_db()
    assert organization.name == COMMITTEE
    assert organization.search_name == "uy ban nhan dan tinh quang ninh"
    assert Organization.objects.count() == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(provinces):
    rows = [HEADINGS, [COMMITTEE, "UBND tỉnh", "22", "", "", ""], [DEPARTMENT, "Sở", "22", COMMITTEE, "", ""]]
    import_commit(file=csv_bytes(rows), filename="x.csv")
    stored = {o.pk: o.updated_at for o in Organization.objects.all()}

    result = import_commit(file=csv_bytes(rows), filename="x.csv")

    assert (result.counts["create"], result.counts["update"], result.counts["unchanged"]) == (0, 0, 2)
    assert {o.pk: o.updated_at for o in Organization.objects.all()} == stored


def test_a_stored_top_level_agency_is_moved_under_the_parent_the_file_names(provinces):
    committee = organization_create(name=COMMITTEE, kind="provincial_committee")
    department = organization_create(name=DEPARTMENT, kind="department")

    import_commit(
        file=csv_bytes([["Tên cơ quan", "Cơ quan cấp trên"], [DEPARTMENT, COMMITTEE]]), filename="x.csv"
    )

    department.refresh_from_db()
    assert department.parent == committee
    assert Organization.objects.count() == 2


def test_a_stored_agency_is_moved_under_a_parent_created_by_the_same_file(provinces):
    department = organization_create(name=DEPARTMENT, kind="department")
    rows = [["Tên cơ quan", "Cơ quan cấp trên"], [COMMITTEE, ""], [DEPARTMENT, COMMITTEE]]

    import_commit(file=csv_bytes(rows), filename="x.csv")

    department.refresh_from_db()
    assert department.parent == Organization.objects.get(name=COMMITTEE)


def test_an_agency_cannot_become_its_own_ancestor(provinces):
    committee = organization_create(name=COMMITTEE)
    organization_create(name=DEPARTMENT, parent=committee)

    preview = import_preview(
        file=csv_bytes([["Tên cơ quan", "Cơ quan cấp trên"], [COMMITTEE, DEPARTMENT]]), filename="x.csv"
    )

    assert errors_of(preview) == [
        (2, "Cơ quan cấp trên", "An agency cannot be its own parent, directly or through others.")
    ]


def test_contacts_are_matched_by_email_and_updated_not_duplicated(provinces):
    old_home = organization_create(name="Bộ Tư pháp")
    person = person_create(full_name="Nguyen Van An", email="an@example.vn", organization=old_home)
    rows = [
        ["Tên cơ quan", "Người liên hệ", "Email người liên hệ", "Chức vụ", "Điện thoại người liên hệ"],
        [DEPARTMENT, "Nguyễn Văn An", "AN@example.vn", "Phó Giám đốc", "0912 000 111"],
    ]

    preview = import_preview(file=csv_bytes(rows), filename="x.csv")
    assert (preview.counts["people_create"], preview.counts["people_update"]) == (0, 1)
    import_commit(file=csv_bytes(rows), filename="x.csv")

    person.refresh_from_db()
    assert Person.objects.count() == 1
    assert (person.full_name, person.position, person.phone) == (
        "Nguyễn Văn An",
        "Phó Giám đốc",
        "0912 000 111",
    )
    assert person.organization == Organization.objects.get(name=DEPARTMENT)
    assert person.sort_key == "an van nguyen"


# Nothing written until commit, and all or nothing ----------------------------------------------------------


def test_preview_writes_nothing(provinces):
    organization_create(name=COMMITTEE)
    rows = [[*HEADINGS, "Người liên hệ"], [DEPARTMENT, "Sở", "22", COMMITTEE, "a@b.vn", "", "Nguyễn Văn A"]]
    before = counts()

    preview = import_preview(file=xlsx_bytes(rows), filename="x.xlsx")

    assert (preview.counts["create"], preview.counts["people_create"]) == (1, 1)
    assert counts() == before


def test_a_failure_while_writing_rolls_back_every_agency(provinces, monkeypatch):
    rows = [
        [*HEADINGS, "Người liên hệ"],
        [COMMITTEE, "", "", "", "", "", ""],
        [DEPARTMENT, "", "", COMMITTEE, "", "", "A"],
    ]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Person.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        import_commit(file=csv_bytes(rows), filename="x.csv")

    assert counts() == (0, 0, 0)


def test_rows_are_written_in_batches_not_one_query_each(provinces, django_assert_max_num_queries):
    committee = organization_create(name=COMMITTEE)
    rows = [["Tên cơ quan", "Tỉnh", "Cơ quan cấp trên", "Người liên hệ", "Email người liên hệ"]]
    rows += [[f"Phòng số {n}", "22", COMMITTEE, f"Người {n}", f"nguoi{n}@example.vn"] for n in range(300)]
    rows += [[COMMITTEE, "Quảng Ninh", "", "", ""]]

    # Savepoint and release, 4 reads (agencies, provinces, people by e-mail, the rows to update),
    # one UPDATE run per row with executemany, the audit entry, and INSERTs of at most 999
    # parameters each on SQLite (about 70 agencies or 90 people): 5 + 4 here.
    with django_assert_max_num_queries(16):
        result = import_commit(file=csv_bytes(rows), filename="x.csv")

    assert (result.counts["create"], result.counts["update"], result.counts["people_create"]) == (300, 1, 300)
    assert Organization.objects.filter(parent=committee, province__code="22").count() == 300
    assert Person.objects.filter(organization__parent=committee).count() == 300


# Organizer pages --------------------------------------------------------------------------------------------


def upload(client: Client, rows: list[list], name: str = "co-quan.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, csv_bytes(rows), "text/csv")})


def test_import_pages_need_staff_or_the_add_permission(provinces):
    client = Client()
    assert client.get(IMPORT_URL).status_code == 302  # To the login page.
    client.force_login(UserFactory(username="khach"))
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(COMMIT_URL).status_code == 403

    clerk = UserFactory(username="van-thu")
    clerk.user_permissions.add(Permission.objects.get(codename="add_organization"))
    client.force_login(clerk)
    assert client.get(IMPORT_URL).status_code == 200


def test_upload_preview_then_import_writes_the_file_and_deletes_it(
    provinces, staff, django_capture_on_commit_callbacks
):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    rows = [
        HEADINGS,
        [COMMITTEE, "UBND tỉnh", "22", "", "", ""],
        [nfd(DEPARTMENT), "Sở", "22", COMMITTEE, "", ""],
    ]

    response = upload(client, rows)
    assert response.status_code == 302 and response["Location"] == PREVIEW_URL
    stored = client.session["organization_import"]["path"]
    assert default_storage.exists(stored)
    assert Organization.objects.count() == 0

    page = client.get(PREVIEW_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<dd data-count="create">2</dd>' in html
    assert DEPARTMENT in html
    assert 'name="import"' in html

    # The import is a job: the worker runs it once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(COMMIT_URL, {"import": "1"})
    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Importing co-quan.csv: the progress is shown below; you may leave this page and come back."
    ]
    assert Organization.objects.get(name=DEPARTMENT).parent.name == COMMITTEE
    assert not default_storage.exists(stored)
    job = Job.objects.get()
    assert (job.kind, job.status, job.done, job.total, job.created_by) == (
        Job.Kind.ORGANIZATION_IMPORT,
        Job.Status.DONE,
        1,
        1,
        staff,
    )
    assert job.result["counts"]["create"] == 2
    assert AuditEntry.objects.get().actor == staff
    # Coming back to the import page: the finished job and what it did; the file is gone.
    page = client.get(IMPORT_URL).content.decode()
    assert f'data-job-url="/api/v1/jobs/{job.pk}/" data-job-status="done"' in page
    assert "co-quan.csv: 2 agencies created, 0 updated, 0 unchanged." in page
    assert "organization_import" not in client.session


def test_an_import_that_fails_ends_its_job_with_the_errors_and_keeps_the_file(
    provinces, staff, django_capture_on_commit_callbacks
):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    upload(client, [HEADINGS, [COMMITTEE, "UBND tỉnh", "22", "", "", ""]])
    stored = client.session["organization_import"]["path"]
    # The file turns wrong between the preview and the import (a parent nobody knows).
    with default_storage.open(stored, "wb") as file:
        file.write(csv_bytes([HEADINGS, [DEPARTMENT, "Sở", "22", "Cơ quan không có", "", ""]]))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(COMMIT_URL, {"import": "1"})
        client.post(COMMIT_URL, {"import": "1"})  # A double click: the same job, not a second.

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("The file has 1 error; nothing was imported. row 2: ")
    assert Organization.objects.count() == 0
    assert default_storage.exists(stored)
    page = client.get(IMPORT_URL).content.decode()
    assert 'data-job-status="failed"' in page
    assert "Back to its preview" in page


def test_another_user_cannot_read_an_import_job(provinces, staff, django_capture_on_commit_callbacks):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    upload(client, [HEADINGS, [COMMITTEE, "UBND tỉnh", "22", "", "", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(COMMIT_URL, {"import": "1"})
    job = Job.objects.get()
    assert client.get(f"/api/v1/jobs/{job.pk}/").json()["status"] == "done"

    client.force_login(UserFactory(username="nguoi-khac", is_staff=True))
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404


def test_preview_page_lists_errors_and_offers_no_import(provinces, staff, django_capture_on_commit_callbacks):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    upload(client, [HEADINGS, ["", "Sở", "22", "", "", ""], [DEPARTMENT, "Sở", "Quảng Nam", "", "", ""]])

    html = client.get(PREVIEW_URL).content.decode()

    assert "<tr><td>2</td><td>Tên cơ quan</td><td>Enter the agency&#x27;s name.</td></tr>" in html
    assert "<td>3</td><td>Tỉnh</td>" in html
    assert 'name="import"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(COMMIT_URL, {"import": "1"})  # Forced anyway: the job refuses, nothing written.
    assert Job.objects.get().status == Job.Status.FAILED
    assert Organization.objects.count() == 0


def test_cancel_drops_the_uploaded_file(provinces, staff):
    client = Client()
    client.force_login(staff)
    upload(client, [HEADINGS, [DEPARTMENT, "Sở", "22", "", "", ""]])
    stored = client.session["organization_import"]["path"]

    client.post(COMMIT_URL, {"cancel": "1"})

    assert not default_storage.exists(stored)
    assert Organization.objects.count() == 0
    assert client.get(PREVIEW_URL)["Location"] == IMPORT_URL


def test_upload_form_refuses_other_file_types(provinces, staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)

    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("co-quan.pdf", b"%PDF-1.4")})

    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert "organization_import" not in client.session


def test_template_download_has_the_headings(staff):
    from openpyxl import load_workbook

    client = Client()
    client.force_login(staff)

    response = client.get("/to-chuc/co-quan/nhap/mau.xlsx")

    workbook = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == [column.header for column in imports.COLUMNS]
    assert workbook.worksheets[0].max_row == 1


def test_template_download_serves_a_client_that_asks_for_xlsx(staff):
    client = Client()
    client.force_login(staff)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    response = client.get("/to-chuc/co-quan/nhap/mau.xlsx", HTTP_ACCEPT=xlsx)

    assert response.status_code == 200
    assert response["Content-Type"] == xlsx


def test_upload_page_lists_the_headings_accepted(staff):
    client = Client()
    client.force_login(staff)

    html = client.get(IMPORT_URL).content.decode()

    assert (
        "<tr><td><strong>Tên cơ quan</strong></td>"
        "<td>name, tên, tên đơn vị, cơ quan, đơn vị, agency</td></tr>" in html
    )


def test_admin_organization_list_links_to_the_import(staff):
    staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)

    html = client.get("/admin/conferences/organization/").content.decode()

    assert f'<a href="{IMPORT_URL}">' in html
