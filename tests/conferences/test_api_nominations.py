"""The nominations API: organizers rank, nominate, approve and reject; an agency's link sends its own."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from conferences.models import Award, Nomination
from conferences.services.nominations import nomination_score_save
from tests.conferences.nomination_helpers import (
    CITATION,
    JUSTIFICATION,
    agency_link,
    category_make,
    decision_make,
    nominate,
    panel_criteria_make,
)
from tests.conferences.review_helpers import reviewer_make
from tests.factories import OrganizationFactory
from tests.paper_files import pdf_with_attachment, uploaded, valid_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def conference_kwargs():
    return {"publish": True}


@pytest.fixture
def api(organizer):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(organizer)
    return client


def delegate_client(token: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Delegate {token}")
    return client


def url(conference, *rest) -> str:
    return "/".join([f"/api/v1/conferences/{conference.slug}/nominations", *map(str, rest)]) + "/"


def test_delegate_nominates_own_agency_with_a_file_and_lists_only_their_own(conference, organizer):
    category = category_make()
    registration, token, _colleague = agency_link(conference, 1)
    nominate(conference, organizer, category, OrganizationFactory())  # Not theirs.

    response = delegate_client(token).post(
        url(conference),
        {
            "category": category.pk,
            "nominee_organization": registration.organization_id,
            "justification": JUSTIFICATION,
            "file": uploaded(valid_pdf(), name="ho-so.pdf"),
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["nominated_by"], body["file_name"], body["file_kind"]) == (
        "submitted",
        "agency",
        "ho-so.pdf",
        "pdf",
    )
    assert body["nominating_agency"] == registration.organization.name
    listed = delegate_client(token).get(url(conference)).json()
    assert [row["id"] for row in listed] == [body["id"]]


def test_delegate_nominating_another_agency_is_a_400(conference):
    category = category_make()
    _registration, token, _colleague = agency_link(conference, 1)
    other = OrganizationFactory()

    response = delegate_client(token).post(
        url(conference),
        {"category": category.pk, "nominee_organization": other.pk, "justification": JUSTIFICATION},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "nominee_organization": ["Through your link you can nominate only your own agency."]
    }
    assert Nomination.objects.count() == 0


def test_file_failing_the_checks_is_a_400_and_nothing_is_stored(conference, tmp_path):
    category = category_make()
    registration, token, _colleague = agency_link(conference, 1)

    response = delegate_client(token).post(
        url(conference),
        {
            "category": category.pk,
            "nominee_organization": registration.organization_id,
            "justification": JUSTIFICATION,
            "file": uploaded(pdf_with_attachment()),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "file": ["The PDF contains embedded or attached files; send a PDF without attachments."]
    }
    assert Nomination.objects.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file() and "nominations" in p.parts] == []


def test_delegate_cannot_approve_nor_see_anothers_nomination(conference, organizer):
    category = category_make()
    _registration, token, _colleague = agency_link(conference, 1)
    theirs = nominate(conference, organizer, category, OrganizationFactory())
    client = delegate_client(token)

    assert client.get(url(conference, theirs.pk)).status_code == 404
    assert client.post(url(conference, theirs.pk, "withdraw")).status_code == 404
    refused = client.post(
        url(conference, "approve"),
        {"nominations": [theirs.pk], "decision": decision_make(conference).pk, "citation": CITATION},
        format="json",
    )
    assert refused.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == "submitted"


def test_anonymous_is_refused(conference):
    assert APIClient().get(url(conference)).status_code in (401, 403)


def test_organizer_list_is_ranked_with_scores_in_bounded_queries(
    api, conference, organizer, django_assert_max_num_queries
):
    panel_criteria_make(conference)
    reviewers = [reviewer_make(conference) for _ in range(2)]
    category = category_make()
    nominations = [nominate(conference, organizer, category, OrganizationFactory()) for _ in range(8)]
    for points, nomination in enumerate(nominations):
        for reviewer in reviewers:
            nomination_score_save(
                nomination=nomination,
                reviewer=reviewer,
                scores={"thanh-tich": points, "anh-huong": 5},
                submit=True,
            )

    with django_assert_max_num_queries(8):
        response = api.get(url(conference))

    rows = response.json()
    assert [row["id"] for row in rows] == [n.pk for n in reversed(nominations)]
    # (3*7/10 + 1*5/5) / 4 = 77.5 for the best, twice.
    assert (rows[0]["mean_score"], rows[0]["scores"]) == (77.5, [77.5, 77.5])


def test_organizer_approves_into_a_decision_and_rejects(api, conference, organizer):
    category = category_make()
    decision = decision_make(conference)
    first = nominate(conference, organizer, category, OrganizationFactory())
    second = nominate(conference, organizer, category, OrganizationFactory())
    third = nominate(conference, organizer, category, OrganizationFactory())

    response = api.post(
        url(conference, "approve"),
        {
            "nominations": [second.pk, first.pk],
            "decision": decision.pk,
            "citation": CITATION,
            "citations": {str(first.pk): "Đã có thành tích xuất sắc riêng"},
        },
        format="json",
    )
    rejected = api.post(url(conference, third.pk, "reject"))

    assert response.status_code == 200, response.json()
    assert sorted(row["status"] for row in response.json()) == ["approved", "approved"]
    assert rejected.json()["status"] == "rejected"
    awards = list(Award.objects.filter(decision=decision).order_by("ceremony_order"))
    assert [(a.recipient_organization_id, a.citation) for a in awards] == [
        (second.nominee_organization_id, CITATION),
        (first.nominee_organization_id, "Đã có thành tích xuất sắc riêng"),
    ]
    first.refresh_from_db()
    assert first.award == awards[1]


def test_approve_with_another_conferences_decision_is_a_400(api, conference, organizer, host):
    from tests.factories import conference_build

    other = conference_build(host, slug="hoi-nghi-khac")
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())

    response = api.post(
        url(conference, "approve"),
        {"nominations": [nomination.pk], "decision": decision_make(other).pk, "citation": CITATION},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"decision": ["Choose a decision of this conference."]}
    assert Award.objects.count() == 0


def test_organizer_and_the_sending_link_download_the_file_others_get_404(conference, organizer, api):
    from conferences.services.nominations import nomination_create

    registration, token, _colleague = agency_link(conference, 1)
    _other, other_token, _c = agency_link(conference, 2)
    pdf = valid_pdf()
    nomination = nomination_create(
        conference=conference,
        category=category_make(),
        nominee_organization=registration.organization,
        justification=JUSTIFICATION,
        upload=uploaded(pdf, name="Hồ sơ.pdf"),
        by_registration=registration,
    )
    without = nominate(conference, organizer, category_make("giay-khen"), OrganizationFactory())

    by_organizer = api.get(url(conference, nomination.pk, "file"))
    by_link = delegate_client(token).get(url(conference, nomination.pk, "file"))
    by_other_link = delegate_client(other_token).get(url(conference, nomination.pk, "file"))
    no_file = api.get(url(conference, without.pk, "file"))

    for response in (by_organizer, by_link):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf
        assert response["Content-Disposition"].startswith('attachment; filename="Ho-so.pdf"; ')
    assert by_other_link.status_code == 404
    assert (no_file.status_code, no_file.json()["message"]) == (
        404,
        "This nomination has no supporting file.",
    )


def test_organizer_reads_and_replaces_the_panels_criteria_others_are_refused(conference, organizer, api):
    _registration, token, _colleague = agency_link(conference)
    rows = [{"code": "thanh-tich", "label": "Thành tích", "max_score": 10, "weight": 3}]

    put = api.put(url(conference, "criteria"), rows, format="json")
    bad = api.put(url(conference, "criteria"), [{**rows[0], "weight": 0}], format="json")
    got = api.get(url(conference, "criteria"))
    by_link = delegate_client(token).put(url(conference, "criteria"), [], format="json")

    assert (put.status_code, put.json()) == (200, rows)
    assert bad.status_code == 400
    assert bad.json()["errors"]["criteria"] == ["Criterion 1: the weight is a whole number from 1 to 100."]
    assert got.json() == rows
    assert by_link.status_code == 403
