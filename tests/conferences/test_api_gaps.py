"""The organizer pages' last capabilities over the API: bulk certificate revoke/reissue, bulk check-in,
the delegate, paper and review exports, a paper's review summary and the ceremony's running sheet.

Each goes through the page's own selector, service or exporter; here they are read back as a client
would (csv, openpyxl, pypdf) and refused to whoever the page refuses."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from openpyxl import load_workbook
from pypdf import PdfReader
from rest_framework.test import APIClient

from conferences.models import AuditEntry, Certificate, Job, Paper, PaperAuthor, Registration, Review
from conferences.services.api_tokens import api_token_create
from conferences.services.certificate_generation import certificates_generate
from conferences.services.invitations import invitation_create, registration_cancel, registration_create
from conferences.services.organizations import organization_create, person_create, province_upsert
from tests.conferences.ceremony_helpers import model_decision, two_batches
from tests.conferences.certificate_helpers import checked_in
from tests.conferences.stored_document_helpers import rendered_get, served
from tests.conferences.test_api_tokens import bearer
from tests.factories import (
    ConferenceRoleFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    ReviewCriterionFactory,
    conference_build,
)

pytestmark = pytest.mark.django_db

SLUG = "so-ket-19"
BASE = f"/api/v1/conferences/{SLUG}"


@pytest.fixture
def conference_kwargs():
    return {"publish": True, "slug": SLUG}


@pytest.fixture(autouse=True)
def _local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(organizer) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(organizer)
    return client


@pytest.fixture
def outsider(host) -> APIClient:
    """An organizer of another published conference: sees this one, organizes none of it."""
    other = conference_build(host, publish=True, slug="tong-ket-30")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(ConferenceRoleFactory(conference=other, user__password=None).user)
    return client


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


# Certificates: revoke or reissue many --------------------------------------------------------------------


@pytest.fixture
def issued(conference, organizer, run_commit_tasks, fake_renderer):
    """Three rendered attendance certificates, in the order Khai, Bình, Châu."""
    for name in ("Nguyễn Thị Minh Khai", "Trần Văn Bình", "Lê Thị Châu"):
        [registration] = checked_in(conference, 1)
        registration.person.full_name = name
        registration.person.save()
    with run_commit_tasks():
        certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    holders = {
        c.registration.person.full_name: c for c in Certificate.objects.select_related("registration__person")
    }
    return [holders["Nguyễn Thị Minh Khai"], holders["Trần Văn Bình"], holders["Lê Thị Châu"]]


def test_revoking_chosen_certificates_answers_the_count_and_a_second_call_revokes_none(api, issued):
    khai, binh, _chau = issued
    body = {"action": "revoke", "reason": "Cấp nhầm", "ids": [khai.pk, binh.pk]}

    first = api.post(f"{BASE}/certificates/bulk/", body, format="json")
    again = api.post(f"{BASE}/certificates/bulk/", body, format="json")

    assert first.status_code == 200, first.content
    assert first.json() == {"action": "revoke", "count": 2, "job": None}
    assert again.json()["count"] == 0
    assert set(Certificate.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True)) == {
        khai.pk,
        binh.pk,
    }
    assert Certificate.objects.get(pk=khai.pk).revocation_reason == "Cấp nhầm"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CERTIFICATE_REVOKED).count() == 2


def test_reissuing_all_that_match_the_filter_replaces_them_in_one_job(
    api, issued, run_commit_tasks, fake_renderer
):
    khai, binh, chau = issued

    with run_commit_tasks():
        response = api.post(
            f"{BASE}/certificates/bulk/",
            {"action": "reissue", "reason": "Sai chính tả", "all_matching": True, "q": "nguyen thi"},
            format="json",
        )

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["action"], data["count"], data["job"]["kind"]) == ("reissue", 1, "certificates")
    job = Job.objects.get(pk=data["job"]["id"])
    assert job.params["reissue_of"] == [khai.pk]
    [replacement] = Certificate.objects.filter(pk__in=job.params["ids"])
    assert replacement.registration_id == khai.registration_id and replacement.is_valid
    assert not Certificate.objects.get(pk=khai.pk).is_valid
    assert Certificate.objects.get(pk=binh.pk).is_valid and Certificate.objects.get(pk=chau.pk).is_valid


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "revoke", "reason": "Cấp nhầm"}, "ids"),
        ({"action": "burn", "reason": "Cấp nhầm", "ids": [1]}, "action"),
        ({"action": "revoke", "ids": [1]}, "reason"),
        ({"action": "revoke", "reason": "x", "all_matching": True, "state": "lost"}, "state"),
        ({"action": "revoke", "reason": "x", "ids": [0]}, "ids"),
    ],
)
def test_a_bad_bulk_certificate_body_is_a_400_naming_the_field(api, issued, body, field):
    response = api.post(f"{BASE}/certificates/bulk/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Certificate.objects.filter(revoked_at__isnull=False).exists()


def test_a_blank_reason_revokes_none_and_names_the_reason(api, issued):
    response = api.post(
        f"{BASE}/certificates/bulk/",
        {"action": "revoke", "reason": "   ", "ids": [c.pk for c in issued]},
        format="json",
    )

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert not Certificate.objects.filter(revoked_at__isnull=False).exists()


# Delegates: check in many, exports -----------------------------------------------------------------------


def register(conference, organization, full_name: str, email: str) -> Registration:
    invitation = conference.invitations.filter(organization=organization).first() or invitation_create(
        conference=conference, organization=organization, delegate_quota=50
    )
    person = person_create(full_name=full_name, email=email, organization=organization)
    return registration_create(conference=conference, person=person, invitation=invitation)


@pytest.fixture
def people(conference):
    """Two delegates of Quảng Ninh's department, one of a ministry, one cancelled."""
    quang_ninh = province_upsert(code="22", name="Quảng Ninh", kind="province")
    department = organization_create(
        name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", kind="department", province=quang_ninh
    )
    ministry = organization_create(name="Bộ Nội vụ", code="BNV", kind="ministry")
    khai = register(conference, department, "Nguyễn Thị Minh Khai", "khai@qn.gov.vn")
    an = register(conference, department, "Trần Văn An", "an@qn.gov.vn")
    hoang = register(conference, ministry, "Lê Hoàng", "hoang@moha.gov.vn")
    gone = register(conference, ministry, "Phạm Đã Hủy", "huy@moha.gov.vn")
    registration_cancel(registration=gone)
    return {"khai": khai, "an": an, "hoang": hoang, "gone": gone}


def test_checking_in_every_delegate_of_a_province_through_the_desk(api, people, organizer):
    response = api.post(
        f"{BASE}/registrations/check-in/", {"all_matching": True, "province": "22"}, format="json"
    )
    again = api.post(
        f"{BASE}/registrations/check-in/", {"all_matching": True, "province": "22"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"chosen": 2, "checked_in": 2}
    assert again.json() == {"chosen": 0, "checked_in": 0}
    arrived = Registration.objects.filter(checked_in_at__isnull=False)
    assert set(arrived.values_list("pk", flat=True)) == {people["khai"].pk, people["an"].pk}
    assert set(arrived.values_list("checked_in_by", flat=True)) == {organizer.pk}


def test_checking_in_chosen_ids_skips_the_cancelled_and_keeps_a_first_arrival(api, people):
    first = api.post(f"{BASE}/registrations/check-in/", {"ids": [people["hoang"].pk]}, format="json")
    stamp = Registration.objects.get(pk=people["hoang"].pk).checked_in_at

    response = api.post(
        f"{BASE}/registrations/check-in/",
        {"ids": [people["hoang"].pk, people["an"].pk, people["gone"].pk]},
        format="json",
    )

    assert first.json() == {"chosen": 1, "checked_in": 1}
    # The cancelled registration is not a delegate: it is not chosen at all.
    assert response.json() == {"chosen": 2, "checked_in": 1}
    assert Registration.objects.get(pk=people["hoang"].pk).checked_in_at == stamp
    assert Registration.objects.get(pk=people["gone"].pk).checked_in_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "ids"), ({"ids": ["x"]}, "ids"), ({"all_matching": True, "kind": "planet"}, "kind")],
)
def test_a_bad_bulk_check_in_body_is_a_400_naming_the_field(api, people, body, field):
    response = api.post(f"{BASE}/registrations/check-in/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_the_delegate_list_as_csv_with_the_pages_filters(api, people):
    response = api.get(f"{BASE}/registrations/export.csv?province=22", HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(f'attachment; filename="danh-sach-dai-bieu-{SLUG}-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    text = "\n".join(",".join(row) for row in rows[1:])
    assert "Nguyễn Thị Minh Khai" in text and "Trần Văn An" in text
    assert "Lê Hoàng" not in text and "Phạm Đã Hủy" not in text


def test_the_delegate_list_as_xlsx(api, people):
    response = api.get(f"{BASE}/registrations/export.xlsx?checked_in=false")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)
    assert "Nguyễn Thị Minh Khai" in cells and "Lê Hoàng" in cells and "Phạm Đã Hủy" not in cells


def test_a_bad_export_filter_is_a_400_in_json(api, people):
    response = api.get(f"{BASE}/registrations/export.csv?kind=planet", HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "kind" in response.json()["errors"]


# Papers and reviews ---------------------------------------------------------------------------------------


@pytest.fixture
def reviewed_paper(conference):
    ReviewCriterionFactory(conference=conference, code="noi-dung", label="Nội dung", max_score=10, weight=3)
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    paper = PaperFactory(
        conference=conference,
        title="Áp dụng TCVN ISO 9001 ở Quảng Ninh",
        presenting_organization=agency,
        submitted_at=datetime.datetime(2021, 3, 1, 1, 30, tzinfo=datetime.UTC),
    )
    author = PersonFactory(full_name="Phạm Thị Hường", organization=agency)
    PaperAuthor.objects.create(paper=paper, person=author, order=1, is_presenter=True)
    reviewer = ConferenceRoleFactory(conference=conference, role="reviewer").user
    PersonFactory(full_name="Lê Văn Thẩm", organization=OrganizationFactory(name="Bộ Nội vụ"), user=reviewer)
    Review.objects.create(
        paper=paper,
        reviewer=reviewer,
        scores={"noi-dung": 8},
        comment="Số liệu rõ ràng.",
        confidential_comment="Nên chọn trình bày ở phiên toàn thể.",
        recommendation=Review.Recommendation.ACCEPT,
        status=Review.Status.SUBMITTED,
        submitted_at=datetime.datetime(2021, 3, 5, 2, 0, tzinfo=datetime.UTC),
    )
    return Paper.objects.get(pk=paper.pk)


def test_the_papers_as_csv_and_xlsx(api, reviewed_paper):
    as_csv = api.get(f"{BASE}/papers/export.csv")
    as_xlsx = api.get(f"{BASE}/papers/export.xlsx")

    assert as_csv.status_code == as_xlsx.status_code == 200
    assert as_csv["Content-Disposition"].startswith(f'attachment; filename="tham-luan-{SLUG}-')
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert any("Áp dụng TCVN ISO 9001 ở Quảng Ninh" in row for row in rows)
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert any("Áp dụng TCVN ISO 9001 ở Quảng Ninh" in row for row in sheet.iter_rows(values_only=True))


def test_the_reviews_as_csv_and_xlsx_name_the_reviewer_and_the_confidential_comment(api, reviewed_paper):
    as_csv = api.get(f"{BASE}/papers/reviews.csv")
    as_xlsx = api.get(f"{BASE}/papers/reviews.xlsx")

    assert as_csv.status_code == as_xlsx.status_code == 200
    text = as_csv.content.decode("utf-8-sig")
    assert "Lê Văn Thẩm" in text and "Nên chọn trình bày ở phiên toàn thể." in text
    cells = [
        c
        for row in load_workbook(io.BytesIO(as_xlsx.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "Lê Văn Thẩm" in cells


def test_a_papers_review_summary_pdf_and_another_conferences_paper_is_404(api, host, reviewed_paper):
    foreign = PaperFactory(conference=conference_build(host, slug="khac"))

    response = api.get(f"{BASE}/papers/{reviewed_paper.pk}/review-summary.pdf", HTTP_ACCEPT="application/pdf")
    missing = api.get(f"{BASE}/papers/{foreign.pk}/review-summary.pdf", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Lê Văn Thẩm" in text and "Nên chọn trình bày ở phiên toàn thể." in text
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"


def test_every_papers_summary_is_built_by_a_worker_then_served_as_the_page_does(
    api, reviewed_paper, django_capture_on_commit_callbacks
):
    url = f"{BASE}/papers/review-summary.pdf"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pending = api.get(url)
    with django_capture_on_commit_callbacks() as asked_again:
        response = api.get(url)

    assert pending.status_code == 202, pending.content
    assert pending["Content-Type"] == "application/json" and pending["Retry-After"] == "5"
    assert pending.json()["retry_after"] == 5
    assert len(callbacks) == 1 and len(asked_again) == 0
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Áp dụng TCVN ISO 9001 ở Quảng Ninh" in pdf_text(response.content)


# The ceremony's running sheet -----------------------------------------------------------------------------


def test_the_running_sheet_is_rendered_by_a_worker_then_served(api, conference):
    _decision, awards = model_decision(conference)
    two_batches(conference, awards)

    response = rendered_get(api, f"{BASE}/ceremony/running-sheet.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="kich-ban-trao-thuong-{SLUG}.pdf"'
    assert "Quảng Ninh" in pdf_text(served(response))


def test_the_running_sheet_first_answers_202_with_its_job(api, conference):
    _decision, awards = model_decision(conference)
    two_batches(conference, awards)

    response = api.get(f"{BASE}/ceremony/running-sheet.pdf")

    assert response.status_code == 202
    assert response["Content-Type"] == "application/json"
    assert response["Location"] == response.json()["links"]["self"]
    assert response.json()["kind"] == "document"


# Who may call ---------------------------------------------------------------------------------------------

GETS = [
    "registrations/export.csv",
    "registrations/export.xlsx",
    "papers/export.csv",
    "papers/export.xlsx",
    "papers/reviews.csv",
    "papers/reviews.xlsx",
    "papers/review-summary.pdf",
    "ceremony/running-sheet.pdf",
]
POSTS = [
    ("certificates/bulk/", {"action": "revoke", "reason": "x", "ids": [1]}),
    ("registrations/check-in/", {"ids": [1]}),
]


def test_an_organizer_of_another_conference_is_refused_403(outsider, conference):
    for path in GETS:
        assert outsider.get(f"{BASE}/{path}").status_code == 403, path
    for path, body in POSTS:
        assert outsider.post(f"{BASE}/{path}", body, format="json").status_code == 403, path


def test_a_draft_conference_of_others_is_a_404(outsider, host):
    conference_build(host, slug="du-thao-30")
    for path in GETS:
        assert outsider.get(f"/api/v1/conferences/du-thao-30/{path}").status_code == 404, path


def test_anonymous_is_401(conference):
    client = APIClient()
    for path in GETS:
        assert client.get(f"{BASE}/{path}").status_code == 401, path
    for path, body in POSTS:
        assert client.post(f"{BASE}/{path}", body, format="json").status_code == 401, path


def test_a_read_only_token_downloads_but_cannot_run_the_bulk_actions(organizer, conference, people):
    _token, secret = api_token_create(user=organizer, name="Chỉ đọc", read_only=True)
    client = bearer(secret)

    assert client.get(f"{BASE}/registrations/export.csv").status_code == 200
    for path, body in POSTS:
        response = client.post(f"{BASE}/{path}", body, format="json")
        assert (response.status_code, response.json()["code"]) == (403, "token_read_only"), path
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()
