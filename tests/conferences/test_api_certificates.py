import pytest
from django.core.cache import cache

from conferences.models import Certificate, Job
from conferences.services.certificate_generation import certificates_generate
from conferences.services.certificates import certificate_issue, certificate_revoke
from conferences.services.jobs import job_create
from tests.conferences.certificate_helpers import checked_in
from tests.factories import (
    AwardDecisionFactory,
    AwardFactory,
    ConferenceRoleFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    conference_build,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_guess_budget():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are asserted in English; the API answers in the language asked for."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def url(conference, rest: str = "") -> str:
    return f"/api/v1/conferences/{conference.slug}/certificates/{rest}"


@pytest.fixture
def generated(conference, organizer, run_commit_tasks, fake_renderer):
    checked_in(conference, 3)
    with run_commit_tasks():
        job = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    return job


# The job endpoint -------------------------------------------------------------------------------------


def test_job_endpoint_shows_progress_to_its_conference_organizers(client, conference, organizer):
    job = job_create(conference=conference, kind=Job.Kind.CERTIFICATES, total=4, params={}, user=None)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=1)
    client.force_login(organizer)

    response = client.get(f"/api/v1/jobs/{job.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert {k: data[k] for k in ("id", "kind", "status", "done", "total", "percent", "error", "result")} == {
        "id": job.pk,
        "kind": "certificates",
        "status": "running",
        "done": 1,
        "total": 4,
        "percent": 25,
        "error": "",
        "result": {},
    }
    assert data["links"] == {"self": f"/api/v1/jobs/{job.pk}/", "result": None}
    assert response["Cache-Control"] == "private, no-store"


def test_job_endpoint_links_the_result_of_a_done_job(client, conference, organizer, generated):
    client.force_login(organizer)

    data = client.get(f"/api/v1/jobs/{generated.pk}/").json()

    assert (data["status"], data["done"], data["percent"]) == ("done", 3, 100)
    assert data["links"]["result"] == f"/to-chuc/{conference.slug}/giay-chung-nhan/"


def test_job_endpoint_is_404_for_an_organizer_of_another_conference_and_anonymous(client, conference, host):
    job = job_create(conference=conference, kind=Job.Kind.CERTIFICATES, total=1, params={})
    other = ConferenceRoleFactory(conference=conference_build(host, title_vi="Hội nghị khác")).user

    anonymous = client.get(f"/api/v1/jobs/{job.pk}/")
    client.force_login(other)
    stranger = client.get(f"/api/v1/jobs/{job.pk}/")

    assert anonymous.status_code in (401, 403)
    assert stranger.status_code == 404
    assert stranger.json() == {"message": "No such job.", "code": "not_found", "errors": {}}


def test_job_endpoint_shows_the_creator_their_job(client, conference):
    creator = UserFactory()
    job = job_create(conference=conference, kind=Job.Kind.CERTIFICATES, total=1, params={}, user=creator)
    client.force_login(creator)

    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 200


# Organizer endpoints ----------------------------------------------------------------------------------


def test_generate_returns_the_job_and_renders(organizer_client, conference, run_commit_tasks, fake_renderer):
    checked_in(conference, 2)

    with run_commit_tasks():
        response = organizer_client.post(
            url(conference, "generate/"), {"kinds": ["attendance"]}, content_type="application/json"
        )

    assert response.status_code == 202
    job = Job.objects.get()
    assert (response.json()["id"], response.json()["total"]) == (job.pk, 2)
    job.refresh_from_db()
    assert (job.status, job.done) == (Job.Status.DONE, 2)


def test_generate_with_an_unknown_kind_is_400(organizer_client, conference):
    response = organizer_client.post(
        url(conference, "generate/"), {"kinds": ["diploma"]}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["kinds"] == {"0": ['"diploma" is not a valid choice.']}
    assert Job.objects.count() == 0


def test_list_filters_by_kind_revoked_and_accentless_search(
    organizer_client, conference, django_assert_max_num_queries
):
    khai = certificate_issue(
        conference=conference,
        kind="attendance",
        recipient_person=PersonFactory(full_name="Nguyễn Thị Minh Khai"),
    )
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    award = certificate_issue(
        conference=conference,
        kind="award",
        recipient_organization=agency,
        award=AwardFactory(
            decision=AwardDecisionFactory(conference=conference), recipient_organization=agency
        ),
    )
    certificate_revoke(certificate=khai, reason="Sai tên")
    for _ in range(20):
        certificate_issue(conference=conference, kind="attendance", recipient_person=PersonFactory())

    with django_assert_max_num_queries(6):
        everything = organizer_client.get(url(conference))
    searched = organizer_client.get(url(conference), {"search": "quang ninh"})
    revoked = organizer_client.get(url(conference), {"revoked": "true"})
    awards = organizer_client.get(url(conference), {"kind": "award"})

    assert everything.json()["count"] == 22
    assert [row["id"] for row in searched.json()["results"]] == [award.pk]
    assert [(row["id"], row["is_valid"], row["revocation_reason"]) for row in revoked.json()["results"]] == [
        (khai.pk, False, "Sai tên")
    ]
    assert [row["serial"] for row in awards.json()["results"]] == [award.serial]


def test_revoke_twice_is_400(organizer_client, conference, generated):
    certificate = Certificate.objects.order_by("serial").first()

    first = organizer_client.post(
        url(conference, f"{certificate.pk}/revoke/"), {"reason": "Không dự"}, content_type="application/json"
    )
    second = organizer_client.post(
        url(conference, f"{certificate.pk}/revoke/"),
        {"reason": "Lần hai"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert first.status_code == 200
    assert (first.json()["is_valid"], first.json()["revocation_reason"]) == (False, "Không dự")
    assert second.status_code == 400
    assert second.json() == {
        "message": "This certificate is already revoked.",
        "code": "already_revoked",
        "errors": {},
    }
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Không dự"


def test_reissue_returns_the_replacement(organizer_client, conference, generated, run_commit_tasks):
    certificate = Certificate.objects.order_by("serial").first()

    with run_commit_tasks():
        response = organizer_client.post(
            url(conference, f"{certificate.pk}/reissue/"),
            {"reason": "Sai chức vụ"},
            content_type="application/json",
        )

    assert response.status_code == 201
    data = response.json()
    assert data["serial"] == f"{conference.starts_at.year}-{conference.pk:03d}-00004"
    assert data["is_valid"] is True
    assert Certificate.objects.get(pk=data["id"]).file.name.endswith(f"{data['serial']}.pdf")


def test_file_is_the_pdf_as_an_attachment(organizer_client, conference, generated):
    certificate = Certificate.objects.order_by("serial").first()

    response = organizer_client.get(url(conference, f"{certificate.pk}/file/"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.serial}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_organizer_of_another_conference_is_refused(client, conference, host, generated):
    other = ConferenceRoleFactory(conference=conference_build(host, title_vi="Hội nghị khác")).user
    client.force_login(other)
    certificate = Certificate.objects.first()

    listed = client.get(url(conference))
    revoked = client.post(
        url(conference, f"{certificate.pk}/revoke/"), {"reason": "x"}, content_type="application/json"
    )

    # The conference is a draft its organizers alone see: to anyone else it does not exist.
    assert (listed.status_code, revoked.status_code) == (404, 404)
    certificate.refresh_from_db()
    assert certificate.is_valid


# Public verification ----------------------------------------------------------------------------------


@pytest.fixture
def award_certificate(conference):
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    decision = AwardDecisionFactory(conference=conference)
    return certificate_issue(
        conference=conference,
        kind="award",
        recipient_organization=agency,
        award=AwardFactory(decision=decision, recipient_organization=agency),
    )


def test_verify_api_tells_holder_kind_conference_issuer_and_validity(client, award_certificate, host):
    response = client.get(f"/api/v1/certificates/verify/{award_certificate.verification_code}/")

    assert response.status_code == 200
    data = response.json()
    decision = award_certificate.award.decision
    assert {k: data[k] for k in ("serial", "kind", "holder", "valid", "revoked_at", "revocation_reason")} == {
        "serial": award_certificate.serial,
        "kind": "award",
        "holder": "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        "valid": True,
        "revoked_at": None,
        "revocation_reason": "",
    }
    assert data["conference"]["title"] == "Hội nghị sơ kết Quyết định 19"
    assert data["issuer"] == {
        "name": host.name,
        "decision": decision.document.formatted,
        "signed_on": "2021-04-05",
    }


def test_verify_api_normalises_lower_case_and_shows_revocation(client, award_certificate):
    certificate_revoke(certificate=award_certificate, reason="Quyết định bị hủy")
    code = award_certificate.verification_code.lower()

    data = client.get(f"/api/v1/certificates/verify/{code[:4]}-{code[4:]}/").json()

    assert (data["serial"], data["valid"], data["revocation_reason"]) == (
        award_certificate.serial,
        False,
        "Quyết định bị hủy",
    )


@pytest.mark.parametrize("code", ["ZZZZZZZZZZZZ", "ABC", "0O1IL0O1IL0O", "A" * 10_000, "%3Cscript%3E"])
def test_verify_api_of_unknown_or_malformed_code_is_404(
    client, award_certificate, code, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1 if code == "ZZZZZZZZZZZZ" else 0):
        response = client.get(f"/api/v1/certificates/verify/{code}/")

    assert response.status_code == 404
    assert response.json() == {"message": "No certificate has this code.", "code": "not_found", "errors": {}}


def test_verify_api_shares_the_pages_guess_budget(client, award_certificate, settings):
    settings.CERTIFICATE_GUESS_LIMIT = 2
    valid = f"/api/v1/certificates/verify/{award_certificate.verification_code}/"

    client.get("/xac-minh/ZZZZZZZZZZZZ/")
    client.get("/api/v1/certificates/verify/YYYYYYYYYYYY/")
    refused = client.get(valid)
    page = client.get(f"/xac-minh/{award_certificate.verification_code}/")

    assert refused.status_code == 429
    assert page.status_code == 429
