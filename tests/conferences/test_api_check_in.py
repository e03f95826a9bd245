"""The door's API: check in by code or scanned link, by registration id, and the live counts."""

import pytest
from rest_framework.test import APIClient

from conferences.services.rsvp import delegate_url
from core.ticket_codes import ticket_code_display
from core.tokens import token_new
from tests.factories import ConferenceFactory, ConferenceRoleFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(organizer) -> APIClient:
    # Messages and labels are asserted in English; the API answers in the language asked for.
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(organizer)
    return client


def door_url(conference, suffix: str = "") -> str:
    return f"/api/v1/conferences/{conference.slug}/check-in/{suffix}"


def test_check_in_by_code_then_again_says_already(api, organizer, conference):
    delegate = RegistrationFactory(conference=conference)
    code = ticket_code_display(delegate.ticket_code)

    first = api.post(door_url(conference), {"code": code.lower()}, format="json")
    second = api.post(door_url(conference), {"code": code}, format="json")

    assert first.status_code == second.status_code == 200
    delegate.refresh_from_db()
    assert delegate.checked_in_by == organizer
    assert first.json() == {
        "registration": delegate.pk,
        "name": delegate.display_name,
        "organization": "",
        "ticket_code": code,
        "first_time": True,
        "checked_in_at": second.json()["checked_in_at"],
        "checked_in_by": organizer.get_username(),
        "message": first.json()["message"],
    }
    assert second.json()["first_time"] is False
    assert second.json()["message"].startswith(f"{delegate.display_name} was already checked in at ")


def test_check_in_by_scanned_link(api, conference):
    token, token_hash = token_new()
    delegate = RegistrationFactory(conference=conference, token_hash=token_hash)

    response = api.post(door_url(conference), {"code": delegate_url(token)}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["registration"], response.json()["first_time"]) == (delegate.pk, True)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("", "empty"), ("A" * 10_000, "too_long"), ("ABC-DEF", "malformed"), ("1IL-O0OO", "malformed")],
)
def test_bad_codes_are_a_400_with_a_reason(api, conference, code, expected):
    response = api.post(door_url(conference), {"code": code}, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()) == {"message", "code", "errors"}
    assert response.json()["code"] == expected


def test_a_missing_code_field_is_a_field_error(api, conference):
    response = api.post(door_url(conference), {}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["code"]


def test_a_cancelled_and_another_conferences_registration_are_refused(api, conference):
    cancelled = RegistrationFactory(conference=conference, status="cancelled")
    stranger = RegistrationFactory(conference=ConferenceFactory())

    by_code = api.post(door_url(conference), {"code": cancelled.ticket_code}, format="json")
    by_id = api.post(
        f"/api/v1/conferences/{conference.slug}/registrations/{stranger.pk}/check-in/", format="json"
    )

    assert (by_code.status_code, by_code.json()["code"]) == (400, "registration_cancelled")
    assert by_id.status_code == 404
    stranger.refresh_from_db()
    assert stranger.checked_in_at is None


def test_only_the_conferences_organizers_use_the_door(conference):
    delegate = RegistrationFactory(conference=conference)
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())
    organizer_elsewhere = APIClient()
    organizer_elsewhere.force_authenticate(ConferenceRoleFactory().user)

    statuses = [
        APIClient().post(door_url(conference), {"code": delegate.ticket_code}, format="json").status_code,
        organizer_elsewhere.post(
            door_url(conference), {"code": delegate.ticket_code}, format="json"
        ).status_code,
        organizer_elsewhere.get(door_url(conference, "counts/")).status_code,
    ]

    assert statuses[0] in (401, 403)
    assert statuses[1:] in ([403, 403], [404, 404])
    delegate.refresh_from_db()
    assert delegate.checked_in_at is None


def test_counts_take_a_fixed_number_of_queries(api, conference, django_assert_max_num_queries):
    for _ in range(5):
        RegistrationFactory(conference=conference)
    api.post(
        door_url(conference), {"code": RegistrationFactory(conference=conference).ticket_code}, format="json"
    )

    with django_assert_max_num_queries(6):
        response = api.get(door_url(conference, "counts/"))

    body = response.json()
    assert (body["expected"], body["checked_in"]) == (6, 1)
    assert body["by_kind"] == [{"kind": "", "label": "No agency", "expected": 6, "checked_in": 1}]


def test_openapi_schema_has_the_door(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()

    for path in (
        "/api/v1/conferences/{conference_slug}/check-in/",
        "/api/v1/conferences/{conference_slug}/check-in/counts/",
        "/api/v1/conferences/{conference_slug}/registrations/{id}/check-in/",
    ):
        assert path in schema["paths"], path
    door = schema["paths"]["/api/v1/conferences/{conference_slug}/check-in/"]["post"]
    assert set(door["responses"]) == {"200", "400", "401", "403", "404", "415"}  # 415: it reads a body.
    assert "Permissions: the conference's organizers" in door["description"]
