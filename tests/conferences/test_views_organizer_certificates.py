import pytest
from django.core.cache import cache

from conferences.models import Certificate, Job
from conferences.services.certificate_generation import certificates_generate
from conferences.services.certificates import certificate_issue, certificate_revoke
from core.tokens import token_new
from tests.conferences.certificate_helpers import checked_in
from tests.factories import AwardDecisionFactory, AwardFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_guess_budget():
    cache.clear()
    yield
    cache.clear()


def page(conference) -> str:
    return f"/to-chuc/{conference.slug}/giay-chung-nhan/"


def test_page_shows_counts_the_latest_job_and_the_list_in_a_fixed_number_of_queries(
    organizer_client, conference, organizer, run_commit_tasks, fake_renderer, django_assert_max_num_queries
):
    checked_in(conference, 30)
    with run_commit_tasks():
        job = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    certificate_revoke(certificate=Certificate.objects.order_by("serial").first(), reason="Không tham dự")

    with django_assert_max_num_queries(12):
        response = organizer_client.get(page(conference), HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert response.status_code == 200
    row = '<tr data-kind="attendance"><th scope="row">Certificate of attendance</th>'
    assert row + "<td>29</td><td>0</td><td>1</td></tr>" in content
    assert f'data-job-url="/api/v1/jobs/{job.pk}/" data-job-status="done"' in content
    assert "Done: 30 of 30" in content
    assert content.count('<tr class="">') + content.count('<tr class="state-revoked">') == 30
    assert "/static/js/job_progress.js" in content


def test_page_in_vietnamese_by_default(organizer_client, conference):
    certificate = certificate_issue(
        conference=conference, kind="attendance", recipient_person=PersonFactory()
    )
    certificate_revoke(certificate=certificate, reason="Sai tên")

    content = organizer_client.get(page(conference)).content.decode()

    # Strings new with this page are translated when the lead fills the catalogue; these exist.
    assert "Đã thu hồi" in content
    assert "Trang xác minh" in content


def test_page_searches_the_holder_without_accents(organizer_client, conference):
    certificate_issue(
        conference=conference,
        kind="attendance",
        recipient_person=PersonFactory(full_name="Nguyễn Thị Minh Khai"),
    )
    certificate_issue(
        conference=conference, kind="attendance", recipient_person=PersonFactory(full_name="Trần Văn Bình")
    )

    content = organizer_client.get(page(conference), {"q": "minh khai"}).content.decode()

    assert "Nguyễn Thị Minh Khai" in content
    assert "Trần Văn Bình" not in content


def test_page_is_refused_to_anonymous_and_non_organizers(client, conference, django_user_model):
    anonymous = client.get(page(conference))
    client.force_login(django_user_model.objects.create_user("nguoi-la"))
    stranger = client.get(page(conference))

    assert anonymous.status_code == 302
    assert stranger.status_code == 404


def test_generate_form_starts_the_job(organizer_client, conference, run_commit_tasks, fake_renderer):
    checked_in(conference, 2)

    with run_commit_tasks():
        response = organizer_client.post(page(conference) + "tao/", {"kinds": ["attendance", "speaker"]})

    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.status, job.total, job.params["kinds"]) == (Job.Status.DONE, 2, ["attendance", "speaker"])


def test_generate_form_without_a_kind_starts_nothing(organizer_client, conference):
    response = organizer_client.post(page(conference) + "tao/", {}, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert "Choose at least one kind of certificate." in response.content.decode()
    assert Job.objects.count() == 0


def test_revoke_and_reissue_from_the_page(
    organizer_client, conference, organizer, run_commit_tasks, fake_renderer
):
    checked_in(conference, 2)
    with run_commit_tasks():
        certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    first, second = Certificate.objects.order_by("serial")

    organizer_client.post(page(conference) + f"{first.pk}/thu-hoi/", {"reason": "Không tham dự"})
    again = organizer_client.post(
        page(conference) + f"{first.pk}/thu-hoi/",
        {"reason": "Lần hai"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    with run_commit_tasks():
        organizer_client.post(page(conference) + f"{second.pk}/cap-lai/", {"reason": "Sai tên"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.revocation_reason, second.revocation_reason) == ("Không tham dự", "Sai tên")
    assert "This certificate is already revoked." in again.content.decode()
    replacement = Certificate.objects.get(revoked_at__isnull=True)
    assert replacement.registration_id == second.registration_id and replacement.file


def test_revoke_without_a_reason_is_refused(organizer_client, conference):
    certificate = certificate_issue(
        conference=conference, kind="attendance", recipient_person=PersonFactory()
    )

    organizer_client.post(page(conference) + f"{certificate.pk}/thu-hoi/", {"reason": ""})

    certificate.refresh_from_db()
    assert certificate.is_valid


# The delegate's download ------------------------------------------------------------------------------


def test_delegate_downloads_only_their_own_valid_certificate(
    client, conference, organizer, run_commit_tasks, fake_renderer
):
    mine, theirs = checked_in(conference, 2)
    token, hashed = token_new()
    mine.token_hash = hashed
    mine.save(update_fields=["token_hash"])
    with run_commit_tasks():
        certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    own = Certificate.objects.get(registration=mine)
    other = Certificate.objects.get(registration=theirs)

    delegate_page = client.get(f"/dai-bieu/{token}/").content.decode()
    download = client.get(f"/dai-bieu/{token}/giay-chung-nhan/{own.serial}.pdf")
    not_mine = client.get(f"/dai-bieu/{token}/giay-chung-nhan/{other.serial}.pdf")
    certificate_revoke(certificate=own, reason="Sai tên")
    revoked = client.get(f"/dai-bieu/{token}/giay-chung-nhan/{own.serial}.pdf")

    assert f'href="/dai-bieu/{token}/giay-chung-nhan/{own.serial}.pdf"' in delegate_page
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{own.serial}.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert (not_mine.status_code, revoked.status_code) == (404, 404)


# The verify page ----------------------------------------------------------------------------------------


@pytest.fixture
def award_certificate(conference):
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    return certificate_issue(
        conference=conference,
        kind="award",
        recipient_organization=agency,
        award=AwardFactory(
            decision=AwardDecisionFactory(conference=conference), recipient_organization=agency
        ),
    )


def test_verify_page_names_the_issuer_and_decision_in_english(client, award_certificate, host):
    number = award_certificate.award.decision.document.formatted

    content = client.get(
        f"/xac-minh/{award_certificate.verification_code}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Issued by" in content
    assert host.name in content
    assert f"Decision No. {number} of 05/04/2021" in content
    assert "Award certificate" in content


def test_verify_page_shows_revocation_date_and_reason_in_vietnamese(client, award_certificate):
    certificate_revoke(certificate=award_certificate, reason="Quyết định bị hủy")

    response = client.get(f"/xac-minh/{award_certificate.verification_code.lower()}/")

    content = response.content.decode()
    assert response.status_code == 200
    assert '<div class="result revoked">' in content
    assert "Quyết định bị hủy" in content


def test_verify_page_with_a_10000_character_code_is_404_without_a_query(
    client, award_certificate, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        response = client.get("/xac-minh/" + "A" * 10_000 + "/")
        typed = client.get("/xac-minh/", {"code": "B" * 10_000})

    assert (response.status_code, typed.status_code) == (404, 404)
    assert 'value="' + "B" * 40 + '"' in typed.content.decode()
