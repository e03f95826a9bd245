"""Hostile input answers 400 or a form error, quickly, and writes nothing (issue 9, items 8 to 15)."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conferences.models import Invitation, Registration
from conferences.services.conferences import conference_create
from conferences.services.invitation_sending import invitation_link_create, invitation_send
from conferences.services.organizations import organization_create
from tests.factories import PASSWORD, ConferenceRoleFactory, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000
HUGE_ID = 10**30


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Keep the throttles' counters in memory, not in the shared file cache of earlier runs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def client():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def conference():
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    start = timezone.now() + datetime.timedelta(days=10)
    return conference_create(
        title_vi="Hội nghị sơ kết Quyết định 19",
        host=host,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
        rsvp_deadline=start - datetime.timedelta(days=5),
    )


@pytest.fixture
def organizer(conference):
    return ConferenceRoleFactory(conference=conference).user


@pytest.fixture
def as_organizer(client, organizer):
    client.force_authenticate(organizer)
    return client


@pytest.fixture
def invitation(conference):
    department = organization_create(
        name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        kind="department",
        contact_emails=["vanthu@skhcn.quangninh.gov.vn"],
    )
    return InvitationFactory(conference=conference, organization=department, delegate_quota=2)


def rsvp_token(invitation: Invitation) -> str:
    invitation_send(invitation=invitation)
    return invitation_link_create(invitation=invitation).rstrip("/").rsplit("/", 1)[-1]


def api_error(response, status_code: int = 400) -> dict:
    """The API's error shape, {"message": ..., "extra": {...}}, with the status asserted."""
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"message", "extra"}
    return body


# 8. JSON nested 100,000 deep ----------------------------------------------------------------------------


TOO_DEEP = "The JSON body nests more than 32 levels deep."


def test_token_endpoint_refuses_a_deeply_nested_body(client):
    UserFactory(username="to-chuc")

    response = client.post("/api/v1/auth/token/", DEEP, content_type="application/json")

    assert api_error(response) == {"message": TOO_DEEP, "extra": {}}
    assert Token.objects.count() == 0


def test_rsvp_refuses_a_deeply_nested_body(client, invitation):
    token = rsvp_token(invitation)

    response = client.post(f"/api/v1/rsvp/{token}/", DEEP, content_type="application/json")

    assert api_error(response) == {"message": TOO_DEEP, "extra": {}}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("body", [DEEP, "[" * 33 + "]" * 33, '{"a":' * 40 + "1" + "}" * 40])
def test_organizer_endpoints_refuse_deeply_nested_bodies(as_organizer, conference, body):
    response = as_organizer.post(
        f"/api/v1/conferences/{conference.slug}/invitations/bulk/", body, content_type="application/json"
    )

    assert api_error(response) == {"message": TOO_DEEP, "extra": {}}
    assert Invitation.objects.count() == 0


def test_json_nested_as_deep_as_allowed_is_read(client):
    UserFactory(username="to-chuc")
    nested = "[" * 31 + "]" * 31

    response = client.post(
        "/api/v1/auth/token/",
        f'{{"username": "to-chuc", "password": "{PASSWORD}", "x": {nested}}}',
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert Token.objects.get().user.username == "to-chuc"
