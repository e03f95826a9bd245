import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conferences.models import CallForPapers, ConferenceRole, Paper, PaperRevision
from conferences.services.conferences import conference_role_grant
from notifications.models import Notification
from tests.factories import (
    MODEL_CASE,
    ConferenceFactory,
    PaperFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def conference_kwargs():
    return MODEL_CASE | {"slug": "so-ket-qd19"}


@pytest.fixture
def paper(conference):
    registration = RegistrationFactory(
        conference=conference, person=PersonFactory(email="nop@example.gov.vn")
    )
    paper = PaperFactory(conference=conference, registration=registration)
    revision = PaperRevision.objects.create(paper=paper, number=1, title=paper.title)
    Paper.objects.filter(pk=paper.pk).update(current_revision=revision)
    return paper


def url(paper) -> str:
    return f"/api/v1/conferences/{paper.conference.slug}/papers/{paper.pk}/decision/"


def test_organizer_accepts_and_the_letters_wait_held(client, organizer, paper, run_commit_tasks):
    client.force_login(organizer)

    with run_commit_tasks():
        response = client.put(url(paper), {"status": "accepted", "note": "Nhất trí"}, format="json")

    assert response.status_code == 200
    paper.refresh_from_db()
    body = response.json()
    assert body["status"] == "accepted" and body["final_revision"] == 1
    assert body["locked_at"] is not None and body["decided_at"] is not None
    read = client.get(url(paper)).json()
    assert (read["notices"], read["notices_held"], read["notices_sent"]) == ({"held": 1}, True, False)
    assert Notification.objects.get().recipient_address == "nop@example.gov.vn"


def test_a_bad_status_is_a_400_naming_the_field(client, organizer, paper):
    client.force_login(organizer)

    response = client.put(url(paper), {"status": "draft"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]
    paper.refresh_from_db()
    assert paper.status == Paper.Status.SUBMITTED


def test_revisions_without_a_round_deadline_is_a_400(client, organizer, paper):
    client.force_login(organizer)

    response = client.put(url(paper), {"status": "revision_requested"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_a_locked_paper_is_a_400_with_the_reason(client, organizer, paper):
    client.force_login(organizer)
    client.put(url(paper), {"status": "accepted"}, format="json")

    response = client.put(url(paper), {"status": "rejected"}, format="json")

    assert response.status_code == 400
    assert "is locked" in response.json()["message"]


def test_revision_requested_with_a_round_open(client, organizer, paper, conference):
    CallForPapers.objects.filter(conference=conference).update(
        revision_closes_at=timezone.now() + datetime.timedelta(days=3)
    )
    client.force_login(organizer)

    response = client.put(url(paper), {"status": "revision_requested"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["locked_at"]) == ("revision_requested", None)


def test_organizer_of_another_conference_gets_404(client, paper, host):
    other = ConferenceFactory(host=host)
    user = UserFactory()
    conference_role_grant(conference=other, user=user, role=ConferenceRole.Role.ORGANIZER)
    client.force_login(user)
    other_paper_url = f"/api/v1/conferences/{other.slug}/papers/{paper.pk}/decision/"

    assert client.get(other_paper_url).status_code == 404
    assert client.put(other_paper_url, {"status": "accepted"}, format="json").status_code == 404
    paper.refresh_from_db()
    assert paper.status == Paper.Status.SUBMITTED


def test_a_delegate_gets_403_and_anonymous_401(client, paper):
    assert client.get(url(paper)).status_code == 401
    client.force_login(UserFactory())

    assert client.get(url(paper)).status_code == 403
    assert client.put(url(paper), {"status": "accepted"}, format="json").status_code == 403
    paper.refresh_from_db()
    assert paper.status == Paper.Status.SUBMITTED


def test_schema_lists_the_decision_endpoint(client):
    text = client.get("/api/v1/schema/").content.decode()

    assert "/api/v1/conferences/{conference_slug}/papers/{id}/decision/:" in text
    assert "Accept, accept with revisions, or reject a paper" in text
