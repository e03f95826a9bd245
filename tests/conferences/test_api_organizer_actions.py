"""The API's foreword, revision round, reviewer conflicts and team invitation actions: the pages' services."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conferences.models import (
    CallForPapers,
    Conference,
    Paper,
    ReviewAssignment,
    ReviewerConflict,
    ReviewerInvitation,
)
from conferences.services.conferences import conference_publish
from conferences.services.paper_decisions import paper_decide
from conferences.services.reviewers import reviewer_invite
from tests.conferences.review_helpers import assign, paper_make, reviewer_make
from tests.factories import ConferenceRoleFactory, OrganizationFactory, conference_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(organizer):
    client = APIClient()
    client.force_authenticate(organizer)
    return client


@pytest.fixture
def stranger(host):
    """An organizer of another conference."""
    other = conference_build(host, title_vi="Hội nghị khác")
    client = APIClient()
    client.force_authenticate(ConferenceRoleFactory(conference=other, user__password=None).user)
    return client


def base(conference) -> str:
    return f"/api/v1/conferences/{conference.slug}"


def test_foreword_is_read_and_replaced_by_organizers_only(conference, api, stranger):
    url = f"{base(conference)}/proceedings/foreword/"
    assert api.get(url).json() == {"foreword": ""}
    saved = api.put(url, {"foreword": "Kỷ yếu hội nghị\r\n\r\nLời nói đầu"}, format="json")
    assert saved.json() == {"foreword": "Kỷ yếu hội nghị\n\nLời nói đầu"}
    assert Conference.objects.get(pk=conference.pk).proceedings_foreword == "Kỷ yếu hội nghị\n\nLời nói đầu"
    too_long = api.put(url, {"foreword": "x" * 20_001}, format="json")
    assert too_long.status_code == 400
    assert "foreword" in too_long.json()["errors"]
    assert api.put(url, {}, format="json").json()["errors"].keys() == {"foreword"}
    assert APIClient().get(url).status_code == 401
    assert stranger.get(url).status_code == 404  # a draft of another conference
    conference_publish(conference=conference)
    assert stranger.put(url, {"foreword": "Không"}, format="json").status_code == 403
    assert Conference.objects.get(pk=conference.pk).proceedings_foreword == "Kỷ yếu hội nghị\n\nLời nói đầu"


def test_closing_the_revision_round_accepts_the_papers_once(conference, api, stranger):
    CallForPapers.objects.filter(conference=conference).update(
        revision_closes_at=timezone.now() + datetime.timedelta(days=2)
    )
    paper = paper_make(conference)
    paper_decide(paper=paper, status=Paper.Status.REVISION_REQUESTED)
    url = f"{base(conference)}/papers/close-revision-round/"
    conference_publish(conference=conference)
    assert stranger.post(url).status_code == 403
    assert api.post(url).json() == {"locked": 1}
    assert api.post(url).json() == {"locked": 0}
    paper.refresh_from_db()
    assert paper.status == Paper.Status.ACCEPTED


def test_a_conflict_drops_open_assignments_and_is_withdrawn(conference, api, stranger):
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    reviewer = reviewer_make(conference)
    assign(paper_make(conference, organization=agency), reviewer)
    url = f"{base(conference)}/reviewers/{reviewer.pk}/conflicts/"
    added = api.post(url, {"organization": agency.pk, "reason": "Cùng cơ quan"}, format="json")
    assert added.status_code == 201, added.content
    assert added.json() == {
        "reviewer": reviewer.pk,
        "organization": agency.pk,
        "organization_name": agency.name,
        "reason": "Cùng cơ quan",
        "dropped": 1,
    }
    assert not ReviewAssignment.objects.filter(reviewer=reviewer).exists()
    assert "organization" in api.post(url, {"organization": 10**20}, format="json").json()["errors"]
    assert (
        api.post(f"{base(conference)}/reviewers/999999/conflicts/", {"organization": agency.pk}).status_code
        == 404
    )
    conference_publish(conference=conference)
    assert stranger.delete(f"{url}{agency.pk}/").status_code == 403
    assert api.delete(f"{url}{agency.pk}/").status_code == 204
    assert not ReviewerConflict.objects.exists()
    again = api.delete(f"{url}{agency.pk}/")
    assert again.status_code == 400
    assert again.json()["code"] == "invalid"


def test_team_invitations_are_sent_again_or_revoked(conference, api, organizer, stranger):
    invitation = reviewer_invite(
        conference=conference, email="pb@soqn.gov.vn", full_name="Lê Thị Phản Biện", invited_by=organizer
    )
    url = f"{base(conference)}/team/invitations/{invitation.pk}/"
    resent = api.post(f"{url}resend/")
    assert resent.status_code == 200, resent.content
    assert resent.json()["email"] == "pb@soqn.gov.vn"
    conference_publish(conference=conference)
    assert stranger.post(f"{url}revoke/").status_code == 403
    assert api.post(f"{url}revoke/").status_code == 200
    assert ReviewerInvitation.objects.get(pk=invitation.pk).revoked_at is not None
    refused = api.post(f"{url}resend/")
    assert refused.status_code == 400
    assert api.post(f"{base(conference)}/team/invitations/999999/revoke/").status_code == 404
