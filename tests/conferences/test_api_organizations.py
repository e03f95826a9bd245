"""/api/v1/organizations/: list, read, create, change and import agencies."""

import csv
import io
import unicodedata

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from rest_framework.test import APIClient

from conferences.models import AuditEntry, Organization, Person
from conferences.services.organizations import organization_create, province_upsert
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/organizations/"
IMPORT_URL = "/api/v1/organizations/import/"
COMMITTEE = "Ủy ban nhân dân tỉnh Quảng Ninh"
DEPARTMENT = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"


def detail_url(organization) -> str:
    return f"/api/v1/organizations/{organization.pk}/"


def csv_file(rows: list[list], name: str = "co-quan.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), "text/csv")


def xlsx_file(rows: list[list], name: str = "co-quan.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/vnd.ms-excel")


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["results"]]


@pytest.fixture
def client():
    # Messages are asserted in English; DRF ships Vietnamese translations of its own.
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def quang_ninh(db):
    return province_upsert(code="22", name="Quảng Ninh", kind="province")


@pytest.fixture
def agencies(quang_ninh):
    ministry = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    committee = organization_create(name=COMMITTEE, kind="provincial_committee", province=quang_ninh)
    department = organization_create(
        name=DEPARTMENT,
        kind="department",
        province=quang_ninh,
        parent=committee,
        contact_emails=["sokhcn@quangninh.gov.vn"],
    )
    hanoi = province_upsert(code="01", name="Hà Nội", kind="city")
    other = organization_create(
        name="Sở Khoa học và Công nghệ thành phố Hà Nội", kind="department", province=hanoi
    )
    return {"ministry": ministry, "committee": committee, "department": department, "hanoi": other}


@pytest.fixture
def staff():
    return UserFactory(username="quan-tri", is_staff=True)


@pytest.fixture
def member():
    return UserFactory(username="chuyen-vien")


# Reading ----------------------------------------------------------------------------------------------------


def test_reading_needs_an_account(client, agencies):
    assert client.get(LIST_URL).status_code == 401
    assert client.get(detail_url(agencies["ministry"])).status_code == 401


def test_any_signed_in_user_reads_an_agency_with_its_parent_and_province(client, agencies, member):
    client.force_authenticate(member)
    department = agencies["department"]

    response = client.get(detail_url(department))

    assert response.status_code == 200
    body = response.json()
    assert body["url"] == f"http://testserver/api/v1/organizations/{department.pk}/"
    assert {key: body[key] for key in ("id", "name", "kind", "contact_emails", "province")} == {
        "id": department.pk,
        "name": DEPARTMENT,
        "kind": "department",
        "contact_emails": ["sokhcn@quangninh.gov.vn"],
        "province": {"code": "22", "name": "Quảng Ninh"},
    }
    assert body["parent"] == {
        "id": agencies["committee"].pk,
        "name": COMMITTEE,
        "short_name": "",
        "code": "",
        "kind": "provincial_committee",
    }


def test_list_filters_by_kind_province_and_accent_insensitive_words(client, agencies, member):
    client.force_authenticate(member)

    assert names(client.get(LIST_URL, {"kind": "department"})) == [
        "Sở Khoa học và Công nghệ thành phố Hà Nội",
        DEPARTMENT,
    ]
    assert names(client.get(LIST_URL, {"province": "22"})) == [DEPARTMENT, COMMITTEE]
    assert names(client.get(LIST_URL, {"q": "quang ninh"})) == [DEPARTMENT, COMMITTEE]
    assert names(client.get(LIST_URL, {"q": "KHOA HOC quảng"})) == [DEPARTMENT]
    assert names(client.get(LIST_URL, {"q": nfd("Sở Khoa học"), "province": "01"})) == [
        "Sở Khoa học và Công nghệ thành phố Hà Nội"
    ]


def test_list_refuses_an_unknown_kind(client, agencies, member):
    client.force_authenticate(member)

    response = client.get(LIST_URL, {"kind": "ministry-ish"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["kind"]


def test_list_is_paginated_with_a_fixed_number_of_queries(
    client, quang_ninh, member, django_assert_max_num_queries
):
    committee = organization_create(name=COMMITTEE, province=quang_ninh)
    Organization.objects.bulk_create(
        Organization(
            name=f"Phòng số {n:03d}", search_name=f"phong so {n:03d}", parent=committee, province=quang_ninh
        )
        for n in range(60)
    )
    client.force_authenticate(member)

    # The count and the page, with parents and provinces joined in.
    with django_assert_max_num_queries(2):
        response = client.get(LIST_URL)

    body = response.json()
    assert body["count"] == 61
    assert len(body["results"]) == 50
    assert body["results"][0]["parent"]["name"] == COMMITTEE
    assert body["results"][0]["province"] == {"code": "22", "name": "Quảng Ninh"}


# Writing ----------------------------------------------------------------------------------------------------


def test_staff_create_an_agency_through_the_service(client, agencies, staff):
    client.force_authenticate(staff)
    payload = {
        "name": nfd("Sở Y tế tỉnh Quảng Ninh"),
        "kind": "department",
        "code": " syt-qn ",
        "parent": agencies["committee"].pk,
        "province": "22",
        "contact_emails": ["SoYTe@QuangNinh.gov.vn"],
    }

    response = client.post(LIST_URL, payload, format="json")

    assert response.status_code == 201
    created = Organization.objects.get(pk=response.json()["id"])
    assert created.name == "Sở Y tế tỉnh Quảng Ninh"
    assert created.search_name == "so y te tinh quang ninh"
    assert (created.code, created.parent, created.province.code) == ("SYT-QN", agencies["committee"], "22")
    assert created.contact_emails == ["soyte@quangninh.gov.vn"]
    assert response.json()["name"] == "Sở Y tế tỉnh Quảng Ninh"


def test_creating_a_duplicate_name_is_refused(client, agencies, staff):
    client.force_authenticate(staff)

    response = client.post(LIST_URL, {"name": "BO KHOA HOC VA CONG NGHE"}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "Some fields are not valid."
    assert Organization.objects.count() == 4


def test_staff_change_an_agency(client, agencies, staff):
    client.force_authenticate(staff)
    department = agencies["department"]

    response = client.patch(
        detail_url(department), {"phone": "0203 3835 123", "code": "skhcn-qn"}, format="json"
    )

    assert response.status_code == 200
    department.refresh_from_db()
    assert (department.phone, department.code, department.name) == ("0203 3835 123", "SKHCN-QN", DEPARTMENT)


def test_an_agency_cannot_be_moved_under_its_own_unit(client, agencies, staff):
    client.force_authenticate(staff)

    response = client.patch(
        detail_url(agencies["committee"]), {"parent": agencies["department"].pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "parent": ["An agency cannot be its own parent, directly or through others."]
    }
    agencies["committee"].refresh_from_db()
    assert agencies["committee"].parent is None


def test_other_users_cannot_write(client, agencies, member):
    client.force_authenticate(member)

    assert client.post(LIST_URL, {"name": "Bộ Y tế"}, format="json").status_code == 403
    assert client.patch(detail_url(agencies["ministry"]), {"phone": "1"}, format="json").status_code == 403
    response = client.post(IMPORT_URL, {"file": csv_file([["Tên cơ quan"], ["Bộ Y tế"]])}, format="multipart")
    assert response.status_code == 403
    assert response.json() == {
        "message": "Only staff can change agencies.",
        "code": "permission_denied",
        "errors": {},
    }
    assert Organization.objects.count() == 4


def test_put_is_not_offered(client, agencies, staff):
    client.force_authenticate(staff)

    response = client.put(detail_url(agencies["ministry"]), {"name": "Bộ Y tế"}, format="json")

    assert response.status_code == 405


# Import -----------------------------------------------------------------------------------------------------


def test_import_dry_run_reports_and_writes_nothing(client, agencies, staff):
    client.force_authenticate(staff)
    rows = [
        ["Tên cơ quan", "Loại", "Tỉnh", "Cơ quan cấp trên", "Ghi chú"],
        ["Sở Y tế tỉnh Quảng Ninh", "Sở", "22", COMMITTEE, ""],
        ["so khoa hoc va cong nghe tinh quang ninh", "Sở", "22", COMMITTEE, "đã có"],
        ["Sở Nội vụ tỉnh Quảng Ninh", "Sở", "Quảng Nam", COMMITTEE, ""],
    ]
    before = Organization.objects.count()

    response = client.post(f"{IMPORT_URL}?dry_run=true", {"file": csv_file(rows)}, format="multipart")

    assert response.status_code == 200
    assert response.json() == {
        "dry_run": True,
        "rows": 3,
        "create": 1,
        "update": 0,
        "unchanged": 1,
        "people_create": 0,
        "people_update": 0,
        "ignored_columns": ["Ghi chú"],
        "errors": [
            {
                "row": 4,
                "column": "Tỉnh",
                "message": "Unknown province “Quảng Nam”: give its name or code (e.g. Quảng Ninh or 22).",
            }
        ],
    }
    assert Organization.objects.count() == before
    assert AuditEntry.objects.count() == 0


def test_import_commits_an_xlsx_file(client, agencies, staff):
    client.force_authenticate(staff)
    rows = [
        ["Tên cơ quan", "Loại", "Tỉnh", "Cơ quan cấp trên", "Người liên hệ", "Email người liên hệ"],
        [nfd("Sở Y tế tỉnh Quảng Ninh"), "Sở", 22, COMMITTEE, nfd("Phạm Thị Hòa"), "hoa@quangninh.gov.vn"],
        [DEPARTMENT, "", "", "", "", ""],
    ]

    response = client.post(IMPORT_URL, {"file": xlsx_file(rows)}, format="multipart")

    assert response.status_code == 200
    assert response.json() == {
        "dry_run": False,
        "rows": 2,
        "create": 1,
        "update": 0,
        "unchanged": 1,
        "people_create": 1,
        "people_update": 0,
        "ignored_columns": [],
        "errors": [],
    }
    created = Organization.objects.get(search_name="so y te tinh quang ninh")
    assert (created.name, created.parent, created.province.code) == (
        "Sở Y tế tỉnh Quảng Ninh",
        agencies["committee"],
        "22",
    )
    assert Person.objects.get().full_name == "Phạm Thị Hòa"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.data["file"]) == (
        "organizations.imported",
        staff,
        "co-quan.xlsx",
    )


def test_import_with_bad_rows_answers_400_and_writes_nothing(client, agencies, staff):
    client.force_authenticate(staff)
    rows = [
        ["Tên cơ quan", "Email"],
        ["Sở Y tế tỉnh Quảng Ninh", "soyte@quangninh.gov.vn"],
        ["", "x@quangninh.gov.vn"],
        ["Sở Nội vụ tỉnh Quảng Ninh", "khong-hop-le"],
    ]
    before = Organization.objects.count()

    response = client.post(IMPORT_URL, {"file": csv_file(rows)}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {
        "message": "The file has 2 errors; nothing was imported.",
        "code": "invalid_rows",
        "errors": {},
        "extra": {
            "errors": [
                {"row": 3, "column": "Tên cơ quan", "message": "Enter the agency's name."},
                {"row": 4, "column": "Email", "message": "“khong-hop-le” is not a valid e-mail address."},
            ],
        },
    }
    assert Organization.objects.count() == before
    assert AuditEntry.objects.count() == 0


def test_import_needs_a_readable_file(client, quang_ninh, staff):
    client.force_authenticate(staff)

    missing = client.post(IMPORT_URL, {}, format="multipart")
    unreadable = client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken")}, format="multipart"
    )

    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["file"]
    assert unreadable.status_code == 400
    assert unreadable.json() == {
        "message": "The file could not be read as an Excel workbook (.xlsx).",
        "code": "unreadable_file",
        "errors": {},
    }


def test_users_with_the_add_permission_may_import(client, quang_ninh):
    clerk = UserFactory(username="van-thu")
    clerk.user_permissions.add(Permission.objects.get(codename="add_organization"))
    client.force_authenticate(clerk)

    response = client.post(IMPORT_URL, {"file": csv_file([["name"], ["Bộ Y tế"]])}, format="multipart")

    assert response.status_code == 200
    assert Organization.objects.get().name == "Bộ Y tế"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_import_reads_an_upload_spooled_to_disk(client, quang_ninh, staff, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Every upload goes to a temporary file.
    client.force_authenticate(staff)
    rows = [["Tên cơ quan", "Tỉnh"], *([f"Phòng số {n}", "22"] for n in range(50))]

    preview = client.post(IMPORT_URL, {"file": csv_file(rows), "dry_run": "true"}, format="multipart")
    commit = client.post(IMPORT_URL, {"file": csv_file(rows)}, format="multipart")

    assert (preview.status_code, preview.json()["create"]) == (200, 50)
    assert (commit.status_code, commit.json()["create"]) == (200, 50)
    assert Organization.objects.filter(province=quang_ninh).count() == 50
