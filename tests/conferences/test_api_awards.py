"""The awards and ceremony API: categories, decisions (and their PDF), awards, running order, advance."""

import pytest
from rest_framework.test import APIClient

from conferences.models import Award, AwardCategory, AwardDecision, CeremonyState
from tests.conferences.ceremony_helpers import (
    HAI_PHONG,
    PERSON,
    QUANG_NINH,
    QUANG_NINH_CITATION,
    awards_item,
    model_decision,
    two_batches,
)
from tests.conferences.stored_document_helpers import rendered_get, served
from tests.factories import OrganizationFactory, UserFactory, conference_build

pytestmark = pytest.mark.django_db

BASE = "/api/v1/conferences/so-ket-19"


@pytest.fixture
def conference_kwargs():
    return {"publish": True, "slug": "so-ket-19"}


@pytest.fixture
def api(organizer) -> APIClient:
    client = APIClient()
    client.force_authenticate(organizer)
    return client


@pytest.fixture
def ceremony(conference):
    decision, awards = model_decision(conference)
    two_batches(conference, awards)
    return decision, awards


def test_anyone_lists_the_awards_of_a_published_conference_recipient_and_citation_only(
    conference, ceremony, django_assert_max_num_queries
):
    _decision, awards = ceremony

    with django_assert_max_num_queries(3):
        response = APIClient().get(f"{BASE}/awards/")

    assert response.status_code == 200
    assert response.json()[0] == {
        "id": awards[0].pk,
        "recipient": QUANG_NINH,
        "citation": QUANG_NINH_CITATION,
    }
    assert [row["recipient"] for row in response.json()][2] == PERSON


def test_organizers_see_every_field_of_an_award(api, conference, ceremony):
    _decision, awards = ceremony

    row = api.get(f"{BASE}/awards/").json()[0]

    assert row["decision_number"] == "01/QĐ-BKHCN"
    assert (row["recipient_organization"], row["batch"], row["ceremony_order"]) == (
        awards[0].recipient_organization_id,
        1,
        1,
    )


def test_awards_of_a_draft_conference_are_404_for_the_public(host):
    draft = conference_build(host, slug="ban-nhap-19")
    model_decision(draft)

    assert APIClient().get("/api/v1/conferences/ban-nhap-19/awards/").status_code == 404


def test_organizer_creates_a_decision_and_adds_an_award(api, conference):
    created = api.post(
        f"{BASE}/award-decisions/",
        {
            "subject": "Về việc tặng Bằng khen",
            "signed_on": "2021-04-05",
            "signing_authority": "KT. BỘ TRƯỞNG",
            "signer_title": "THỨ TRƯỞNG",
            "signer_name": "Trần Văn B",
        },
        format="json",
    )
    category = AwardCategory.objects.create(code="bk", name_vi="Bằng khen", issuer_title="BỘ TRƯỞNG")
    agency = OrganizationFactory(name=QUANG_NINH)
    award = api.post(
        f"{BASE}/awards/",
        {
            "decision": created.json()["id"],
            "category": category.pk,
            "recipient_organization": agency.pk,
            "citation": QUANG_NINH_CITATION,
        },
        format="json",
    )

    assert created.status_code == 201 and created.json()["number"] == "01/QĐ-BKHCN"
    assert award.status_code == 201
    assert (award.json()["recipient"], award.json()["ceremony_order"]) == (QUANG_NINH, 1)
    assert AwardDecision.objects.get().awards.get().recipient_organization == agency


def test_an_award_with_two_recipients_is_a_400_naming_the_field(api, conference, ceremony):
    decision, awards = ceremony

    response = api.post(
        f"{BASE}/awards/",
        {
            "decision": decision.pk,
            "category": awards[0].category_id,
            "recipient_organization": awards[0].recipient_organization_id,
            "recipient_person": awards[2].recipient_person_id,
            "citation": "x",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "recipient_organization": ["Name exactly one recipient: an organization or a person."]
    }


def test_decision_document_pdf_and_another_conference_decision_is_404(api, conference, host, ceremony):
    decision, _awards = ceremony
    other = conference_build(host, publish=True, slug="tong-ket-19")
    other_decision, _other_awards = model_decision(other)

    pdf = rendered_get(api, f"{BASE}/award-decisions/{decision.pk}/document.pdf")
    foreign = api.get(f"{BASE}/award-decisions/{other_decision.pk}/document.pdf", HTTP_ACCEPT_LANGUAGE="en")

    assert pdf.status_code == 200 and served(pdf).startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'inline; filename="quyet-dinh-01-2021.pdf"'
    assert foreign.status_code == 404
    assert foreign.json()["message"] == "No such decision in this conference."


def test_ceremony_put_get_and_advance(api, conference, ceremony):
    _decision, awards = ceremony
    item = awards_item(conference)

    put = api.put(
        f"{BASE}/ceremony/",
        {"agenda_item": item.pk, "batches": [{"title": "Tất cả", "award_ids": [a.pk for a in awards]}]},
        format="json",
    )
    advanced = api.post(f"{BASE}/ceremony/advance/", {"direction": 1}, format="json")
    past_end = api.post(
        f"{BASE}/ceremony/advance/", {"direction": 1}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert put.status_code == 200
    assert [b["title"] for b in put.json()["batches"]] == ["Tất cả"]
    assert put.json()["batches"][0]["agenda_item"] == item.pk
    assert [a["recipient"] for a in put.json()["batches"][0]["awards"]] == [QUANG_NINH, HAI_PHONG, PERSON]
    assert (advanced.json()["step"], advanced.json()["current_batch"]) == (3, 1)
    assert past_end.status_code == 400
    assert past_end.json() == {
        "message": "The last batch is on stage: the ceremony is at its end.",
        "code": "invalid",
        "errors": {},
    }
    assert CeremonyState.objects.get(conference=conference).step == 3


def test_ceremony_put_with_an_award_in_two_batches_is_a_400(api, conference, ceremony):
    _decision, awards = ceremony

    response = api.put(
        f"{BASE}/ceremony/",
        {"batches": [{"award_ids": [awards[0].pk]}, {"award_ids": [awards[0].pk]}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "batches": [f"Each award is called on stage once; in more than one batch: {awards[0].pk}."]
    }


def test_advance_needs_a_direction_of_one(api, conference, ceremony):
    response = api.post(f"{BASE}/ceremony/advance/", {"direction": 5}, format="json")

    assert response.status_code == 400
    assert CeremonyState.objects.get(conference=conference).step == 1


def test_ceremony_is_for_organizers_only(conference, ceremony):
    client = APIClient()
    client.force_authenticate(UserFactory(password=None))

    assert client.get(f"{BASE}/ceremony/").status_code == 403
    assert client.post(f"{BASE}/ceremony/advance/", {"direction": 1}, format="json").status_code == 403
    assert APIClient().get(f"{BASE}/award-decisions/").status_code in (401, 403)


def test_categories_are_listed_to_anyone_and_written_by_staff(api, conference, ceremony):
    staff = APIClient()
    staff.force_authenticate(UserFactory(password=None, is_staff=True))
    body = {"code": "giay-khen", "name_vi": "Giấy khen", "issuer_title": "GIÁM ĐỐC SỞ", "page_width_mm": 297,
            "page_height_mm": 210}  # fmt: skip

    listed = APIClient().get(f"{BASE}/award-categories/")
    refused = api.post(f"{BASE}/award-categories/", body, format="json")
    created = staff.post(f"{BASE}/award-categories/", body, format="json")

    assert [row["code"] for row in listed.json()] == ["bang-khen-bo-truong"]
    assert refused.status_code == 403
    assert created.status_code == 201
    assert AwardCategory.objects.get(code="giay-khen").page_width_mm == 297


def test_award_delete_through_the_api(api, conference, ceremony):
    _decision, awards = ceremony

    response = api.delete(f"{BASE}/awards/{awards[1].pk}/")

    assert response.status_code == 204
    assert not Award.objects.filter(pk=awards[1].pk).exists()
