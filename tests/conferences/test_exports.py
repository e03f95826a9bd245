"""The reception desk's delegate list as CSV and XLSX (conferences/exports.py and its two pages)."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from conferences.exports import delegates as exports
from conferences.models import Registration
from conferences.selectors.invitations import delegate_list
from conferences.services.invitations import invitation_create, registration_cancel, registration_create
from conferences.services.organizations import organization_create, person_create, province_upsert
from tests.factories import local

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Tỉnh/thành phố", "Email", "Điện thoại", "Điểm danh"]


@pytest.fixture
def conference_kwargs():
    return {"days_ahead": 30, "slug": "so-ket-qd19", "publish": True}


@pytest.fixture
def quang_ninh():
    province = province_upsert(code="22", name="Quảng Ninh", kind="province")
    return organization_create(
        name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", kind="department", province=province
    )


def register(conference, organization, full_name: str, email: str, **person_fields) -> Registration:
    invitation = conference.invitations.filter(organization=organization).first() or invitation_create(
        conference=conference, organization=organization, delegate_quota=50
    )
    person = person_create(full_name=full_name, email=email, organization=organization, **person_fields)
    return registration_create(conference=conference, person=person, invitation=invitation)


@pytest.fixture
def delegates(conference, quang_ninh):
    """Two delegates of Quảng Ninh (one checked in) and one of a ministry without a province."""
    ministry = organization_create(name="Bộ Nội vụ", code="BNV", kind="ministry")
    khai = register(
        conference,
        quang_ninh,
        "Nguyễn Thị Minh Khai",
        "khai@quangninh.gov.vn",
        position="Giám đốc Sở",
        phone="0912 345 678",
    )
    register(conference, quang_ninh, "Trần Văn An", "an@quangninh.gov.vn", position="Chuyên viên")
    register(conference, ministry, "Lê Hoàng", "hoang@moha.gov.vn", position="Vụ trưởng", phone="+84 24 3824")
    Registration.objects.filter(pk=khai.pk).update(checked_in_at=local(2021, 4, 9, 7, 45))
    return list(delegate_list(conference=conference))


# The files ------------------------------------------------------------------------------------------------


def test_delegate_rows_are_numbered_and_sorted_by_agency_then_given_name(delegates):
    rows = exports.delegate_rows(delegates)

    assert [(r.number, r.full_name, r.organization, r.province) for r in rows] == [
        (1, "Lê Hoàng", "Bộ Nội vụ", ""),
        (2, "Trần Văn An", "Sở Khoa học và Công nghệ tỉnh Quảng Ninh", "Quảng Ninh"),
        (3, "Nguyễn Thị Minh Khai", "Sở Khoa học và Công nghệ tỉnh Quảng Ninh", "Quảng Ninh"),
    ]
    assert rows[2].checked_in == "07:45 09/04/2021"
    assert rows[1].checked_in == ""


def test_delegate_rows_name_the_delegate_as_the_agency_did_for_this_conference(conference, quang_ninh):
    # A person shared with another agency's records: this conference lists what its agency typed.
    person = person_create(
        full_name="Nguyễn Thị Minh Khai", email="khai@quangninh.gov.vn", position="Giám đốc Sở", phone="0912"
    )
    invitation = invitation_create(conference=conference, organization=quang_ninh)
    registration_create(
        conference=conference,
        person=person,
        invitation=invitation,
        full_name="Nguyễn Minh Khai",
        position="Chuyên viên",
    )

    [row] = exports.delegate_rows(delegate_list(conference=conference))

    assert (row.full_name, row.position, row.email, row.phone) == (
        "Nguyễn Minh Khai",
        "Chuyên viên",
        "khai@quangninh.gov.vn",
        "",
    )


def test_csv_is_utf8_with_a_byte_order_mark_and_the_reception_columns(delegates):
    data = exports.delegates_csv(exports.delegate_rows(delegates))

    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table == [
        HEADER,
        ["1", "Lê Hoàng", "Vụ trưởng", "Bộ Nội vụ", "", "hoang@moha.gov.vn", "+84 24 3824", ""],
        [
            "2",
            "Trần Văn An",
            "Chuyên viên",
            "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
            "Quảng Ninh",
            "an@quangninh.gov.vn",
            "",
            "",
        ],
        [
            "3",
            "Nguyễn Thị Minh Khai",
            "Giám đốc Sở",
            "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
            "Quảng Ninh",
            "khai@quangninh.gov.vn",
            "0912 345 678",
            "07:45 09/04/2021",
        ],
    ]


def test_csv_keeps_a_spreadsheet_from_running_a_typed_formula():
    row = exports.DelegateRow(
        1, '=HYPERLINK("http://x","Bấm")', "@SUM(A1)", "-2+3", "", "a@b.vn", "+84 912", ""
    )

    [_header, values] = list(csv.reader(io.StringIO(exports.delegates_csv([row]).decode("utf-8-sig"))))

    assert values[1:4] == ['\'=HYPERLINK("http://x","Bấm")', "'@SUM(A1)", "'-2+3"]
    assert values[6] == "+84 912"  # A phone number stays as it was typed.


def test_xlsx_has_a_titled_sheet_a_bold_frozen_header_and_column_widths(delegates):
    data = exports.delegates_xlsx(exports.delegate_rows(delegates), title="Hội nghị sơ kết Quyết định 19")

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "Danh sách đại biểu"
    assert workbook.properties.title == "Hội nghị sơ kết Quyết định 19"
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert [sheet.column_dimensions[c].width for c in "ABCDEFGH"] == [6, 28, 30, 45, 18, 30, 16, 18]
    assert [cell.value for cell in sheet[4]] == [
        3,
        "Nguyễn Thị Minh Khai",
        "Giám đốc Sở",
        "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        "Quảng Ninh",
        "khai@quangninh.gov.vn",
        "0912 345 678",
        "07:45 09/04/2021",
    ]
    assert sheet.max_row == 4


def test_xlsx_writes_a_typed_formula_as_text():
    row = exports.DelegateRow(1, "=1+1", "", "", "", "a@b.vn", "0912", "")

    sheet = load_workbook(io.BytesIO(exports.delegates_xlsx([row]))).active

    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=1+1", "s")
    assert (sheet["G2"].value, sheet["G2"].data_type) == ("0912", "s")  # The leading zero stays.


def test_exports_leave_out_control_characters_stored_before_they_were_refused():
    row = exports.DelegateRow(
        1, "Nguyễn\x01 Văn\x1b Hùng\x00", "Giám\x0bđốc", "", "", "a@b.vn", "0912\x7f", ""
    )

    sheet = load_workbook(io.BytesIO(exports.delegates_xlsx([row]))).active
    [_header, values] = list(csv.reader(io.StringIO(exports.delegates_csv([row]).decode("utf-8-sig"))))

    expected = ["Nguyễn Văn Hùng", "Giám đốc", "", "", "a@b.vn", "0912", ""]
    assert [cell.value or "" for cell in sheet[2]][1:] == expected
    assert values[1:] == expected


def test_xlsx_page_downloads_delegates_stored_with_control_characters(organizer, conference, delegates):
    # Written past the cleaning of names, as rows stored before it were.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE conferences_person SET full_name = %s, phone = %s WHERE email = %s",
            ["Lê\x01 Hoàng\x1b", "0912\x1b345", "hoang@moha.gov.vn"],
        )

    response = organizer.get(f"/to-chuc/{conference.slug}/dai-bieu/danh-sach.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert (sheet["B2"].value, sheet["G2"].value) == ("Lê Hoàng", "0912345")


def test_export_filename_has_the_slug_and_the_date():
    assert exports.export_filename("so-ket-qd19", "csv", datetime.date(2021, 4, 8)) == (
        "danh-sach-dai-bieu-so-ket-qd19-2021-04-08.csv"
    )


# The pages ------------------------------------------------------------------------------------------------


@pytest.fixture
def organizer(organizer, client):
    """Here the organizer's browser, logged in: the page tests act only through it."""
    client.force_login(organizer)
    return client


def test_csv_page_downloads_the_confirmed_delegates(organizer, conference, delegates):
    registration_cancel(registration=delegates[0])

    response = organizer.get(f"/to-chuc/{conference.slug}/dai-bieu/danh-sach.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="danh-sach-dai-bieu-so-ket-qd19-{today}.csv"'
    )
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[:2] for row in table] == [HEADER[:2], ["1", "Trần Văn An"], ["2", "Nguyễn Thị Minh Khai"]]


def test_xlsx_page_downloads_a_workbook(organizer, conference, delegates):
    response = organizer.get(f"/to-chuc/{conference.slug}/dai-bieu/danh-sach.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="danh-sach-dai-bieu-so-ket-qd19-{today}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet.cell(row=r, column=2).value for r in range(2, 5)] == [
        "Lê Hoàng",
        "Trần Văn An",
        "Nguyễn Thị Minh Khai",
    ]


@pytest.mark.parametrize(
    ("extension", "media_type"), [("csv", "text/csv"), ("xlsx", exports.XLSX_CONTENT_TYPE)]
)
def test_export_pages_serve_a_client_that_asks_for_exactly_their_type(
    organizer, conference, delegates, extension, media_type
):
    response = organizer.get(
        f"/to-chuc/{conference.slug}/dai-bieu/danh-sach.{extension}", HTTP_ACCEPT=media_type
    )

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == media_type


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_pages_make_a_fixed_number_of_queries(
    organizer, conference, quang_ninh, extension, django_assert_num_queries
):
    url = f"/to-chuc/{conference.slug}/dai-bieu/danh-sach.{extension}"
    register(conference, quang_ninh, "Phạm Văn Một", "mot@qn.gov.vn")
    # Session, user, conference, organizer role, the provinces of the filter, the delegate list.
    with django_assert_num_queries(6):
        organizer.get(url)
    for n in range(30):
        register(conference, quang_ninh, f"Phạm Văn Số {n}", f"so{n}@qn.gov.vn")
    with django_assert_num_queries(6):
        response = organizer.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_pages_are_for_organizers_only(conference, extension):
    url = f"/to-chuc/{conference.slug}/dai-bieu/danh-sach.{extension}"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/dang-nhap/?next=")

    outsider = Client()
    outsider.force_login(get_user_model().objects.create_user(username="khach", password=None))
    assert outsider.get(url).status_code == 403
