"""Bulk actions of the organizer's certificates list: revoke, or revoke and reissue, a selection or every
valid certificate the filter shows (after a confirmation), through the certificate services."""

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client

from conferences.models import AuditEntry, Certificate, Job
from conferences.services.certificate_generation import (
    certificate_reissue,
    certificates_generate,
    certificates_reissue_many,
    certificates_revoke_many,
)
from conferences.services.certificates import certificate_issue, certificate_revoke
from tests.conferences.certificate_helpers import checked_in
from tests.factories import (
    AwardDecisionFactory,
    AwardFactory,
    ConferenceRoleFactory,
    OrganizationFactory,
    PersonFactory,
    conference_build,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_guess_budget():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_en(organizer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(organizer)
    return client


def bulk(conference) -> str:
    return f"/to-chuc/{conference.slug}/giay-chung-nhan/da-chon/"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def issued(conference, organizer, run_commit_tasks, fake_renderer):
    """Three rendered attendance certificates (Khai, Bình, Châu by serial) and one award certificate."""
    for name in ("Nguyễn Thị Minh Khai", "Trần Văn Bình", "Lê Thị Châu"):
        [registration] = checked_in(conference, 1)
        registration.person.full_name = name
        registration.person.save()
    with run_commit_tasks():
        certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    award = AwardFactory(decision=AwardDecisionFactory(conference=conference), recipient_organization=agency)
    certificate_issue(conference=conference, kind="award", recipient_organization=agency, award=award)
    return list(Certificate.objects.order_by("serial"))


# The services -------------------------------------------------------------------------------------------


def test_revoking_many_revokes_the_valid_ones_and_leaves_the_revoked_as_they_were(issued, organizer):
    khai, binh, *_rest = issued
    certificate_revoke(certificate=binh, reason="Trước đó")

    count = certificates_revoke_many(certificates=[khai, binh], reason="Không tham dự", user=organizer)

    khai.refresh_from_db()
    binh.refresh_from_db()
    assert count == 1
    assert (khai.revocation_reason, binh.revocation_reason) == ("Không tham dự", "Trước đó")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CERTIFICATE_REVOKED).count() == 2


def test_revoking_many_without_a_reason_revokes_none(issued, organizer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        certificates_revoke_many(certificates=issued, reason="  ", user=organizer)

    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 0


def test_reissuing_many_replaces_each_in_one_job_and_hands_the_award_over(
    issued, conference, organizer, run_commit_tasks, fake_renderer
):
    khai, _binh, _chau, award_certificate = issued
    award = award_certificate.award

    with run_commit_tasks():
        job = certificates_reissue_many(
            conference=conference, certificates=[khai, award_certificate], reason="Sai tên", user=organizer
        )

    job.refresh_from_db()
    assert (job.kind, job.total, job.status) == (Job.Kind.CERTIFICATES, 2, Job.Status.DONE)
    assert job.params["reissue_of"] == [khai.pk, award_certificate.pk]
    new_khai, new_award = Certificate.objects.filter(pk__in=job.params["ids"]).order_by("serial")
    assert new_khai.registration_id == khai.registration_id and new_khai.file and new_khai.is_valid
    assert new_award.award_id == award.pk and new_award.file
    award_certificate.refresh_from_db()
    assert award_certificate.award_id is None and award_certificate.revocation_reason == "Sai tên"
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.CERTIFICATE_REISSUED)
    assert sorted(e.data["replaces"] for e in entries) == [khai.serial, award_certificate.serial]
    assert {e.data["job"] for e in entries} == {job.pk}


def test_reissuing_many_twice_replaces_nothing_the_second_time(issued, conference, organizer):
    khai = issued[0]
    certificates_reissue_many(conference=conference, certificates=[khai], reason="Sai tên", user=organizer)

    again = certificates_reissue_many(
        conference=conference, certificates=[khai], reason="Sai tên", user=organizer
    )

    assert again is None
    assert Certificate.objects.filter(registration=khai.registration).count() == 2


def test_reissuing_one_still_makes_its_own_job(issued, organizer, run_commit_tasks, fake_renderer):
    with run_commit_tasks():
        new = certificate_reissue(certificate=issued[1], user=organizer, reason="Sai tên")

    job = Job.objects.latest("pk")
    assert job.params["ids"] == [new.pk] and job.total == 1
    new.refresh_from_db()
    assert new.file


# The page -----------------------------------------------------------------------------------------------


def test_the_list_offers_a_box_per_valid_certificate_and_the_count_of_all_that_match(
    issued, conference, client_en
):
    certificate_revoke(certificate=issued[0], reason="Trước đó")

    html = client_en.get(f"/to-chuc/{conference.slug}/giay-chung-nhan/?kind=attendance").content.decode()

    assert html.count('form="certificates-selected"') == 2
    assert "Apply to all 2 valid certificates that match the filter, on every page" in html
    assert '<input type="hidden" name="kind" value="attendance">' in html


def test_revoking_a_selection_from_the_page(issued, conference, client_en):
    khai, binh, _chau, _award = issued
    back = f"/to-chuc/{conference.slug}/giay-chung-nhan/?q=tran"

    response = client_en.post(
        bulk(conference), {"ids": [khai.pk, binh.pk], "action": "revoke", "reason": "Vắng mặt", "next": back}
    )

    assert response.status_code == 302 and response["Location"] == back
    assert messages_of(response) == ["2 certificates are revoked."]
    revoked = set(Certificate.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True))
    assert revoked == {khai.pk, binh.pk}


def test_reissuing_a_selection_from_the_page(issued, conference, client_en, run_commit_tasks, fake_renderer):
    with run_commit_tasks():
        response = client_en.post(
            bulk(conference), {"ids": [issued[2].pk], "action": "reissue", "reason": "Sai tên"}
        )

    assert messages_of(response) == [
        "1 certificate is revoked and replaced; the replacement is being rendered."
    ]
    replacement = Certificate.objects.get(registration=issued[2].registration, revoked_at__isnull=True)
    assert replacement.pk != issued[2].pk and replacement.file


def test_all_that_match_asks_first_then_acts_on_the_valid_ones_the_filter_shows(
    issued, conference, client_en
):
    data = {"all_matching": "1", "kind": "attendance", "action": "revoke", "reason": "Hủy hội nghị"}

    asked = client_en.post(bulk(conference), data)

    html = asked.content.decode()
    assert asked.status_code == 200
    assert 'data-count="3"' in html
    assert "Revoke all 3 valid certificates that match the filter? Reason: “Hủy hội nghị”." in html
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 0

    done = client_en.post(bulk(conference), {**data, "confirmed": "1"})

    assert messages_of(done) == ["3 certificates are revoked."]
    assert list(Certificate.objects.filter(revoked_at__isnull=True).values_list("kind", flat=True)) == [
        "award"
    ]


def test_reissue_all_that_match_confirms_with_its_own_words(issued, conference, client_en):
    asked = client_en.post(
        bulk(conference),
        {"all_matching": "1", "q": "chau", "action": "reissue", "reason": "Sai tên"},
    )

    assert (
        "Revoke 1 valid certificate that matches the filter and issue its replacement?"
        in asked.content.decode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "revoke", "reason": "x"}, "Select at least one certificate."),
        ({"ids": ["1"], "action": "revoke", "reason": ""}, "Give a reason for revoking the certificates."),
        ({"ids": ["1"], "action": "burn", "reason": "x"}, None),
        (
            {"ids": ["nope"], "action": "revoke", "reason": "x"},
            "The selection is not valid; reload the page and try again.",
        ),
        (
            {"all_matching": "1", "kind": "nope", "action": "revoke", "reason": "x"},
            "The filter is not valid; filter the list again and retry.",
        ),
    ],
)
def test_bad_input_is_named_and_changes_nothing(issued, conference, client_en, data, message):
    response = client_en.post(bulk(conference), data)

    assert response.status_code == 302
    texts = messages_of(response)
    assert len(texts) == 1 and (message is None or texts == [message])
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 0


def test_a_certificate_of_another_conference_is_out_of_reach(issued, conference, client_en, host):
    other = conference_build(host, slug="khac")
    foreign = certificate_issue(conference=other, kind="attendance", recipient_person=PersonFactory())

    response = client_en.post(bulk(conference), {"ids": [foreign.pk], "action": "revoke", "reason": "x"})

    assert messages_of(response) == ["No valid certificate was chosen; nothing was changed."]
    foreign.refresh_from_db()
    assert foreign.is_valid


def test_bulk_actions_are_refused_to_anonymous_and_to_another_conferences_organizer(issued, conference, host):
    anonymous = Client().post(bulk(conference), {"ids": [issued[0].pk], "action": "revoke", "reason": "x"})
    other = conference_build(host, slug="khac", publish=True)
    outsider = Client()
    outsider.force_login(ConferenceRoleFactory(conference=other, user__password=None).user)
    refused = outsider.post(bulk(conference), {"ids": [issued[0].pk], "action": "revoke", "reason": "x"})

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/dang-nhap/?next=")
    assert refused.status_code in (403, 404)
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 0
