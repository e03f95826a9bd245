import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.models import (
    ConferenceRole,
    Person,
    Review,
    ReviewAssignment,
    ReviewerConflict,
    ReviewerInvitation,
)
from conferences.services.reviewers import (
    ReviewerLinkInvalid,
    reviewer_conflict_add,
    reviewer_invitation_accept,
    reviewer_invitation_resend,
    reviewer_invitation_revoke,
    reviewer_invite,
    reviewer_remove,
)
from conferences.services.reviews import review_save, review_submit
from notifications.models import Notification
from tests.conferences.review_helpers import assign, criteria_make, paper_make, reviewer_make
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "phan-bien-2021-an-toan"


@pytest.fixture
def invite(conference, organizer, run_commit_tasks):
    """reviewer_invite, then the task it sends; return the invitation and the token its e-mail carries."""

    def run(email="pb@soqn.gov.vn", **kwargs):
        with run_commit_tasks():
            invitation = reviewer_invite(
                conference=conference,
                email=email,
                full_name=kwargs.pop("full_name", "Lê Thị Phản Biện"),
                invited_by=organizer,
                **kwargs,
            )
        notice = Notification.objects.filter(recipient_address=invitation.email).latest("created_at")
        token = notice.body_text.split("/phan-bien/moi/")[1].split("/")[0]
        return invitation, token, notice

    return run


def test_reviewer_invite_stores_only_the_hash_and_mails_a_one_time_link(invite, conference):
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")

    invitation, token, notice = invite(organization=agency)

    invitation.refresh_from_db()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert notice.kind == "reviewer_invitation"
    assert notice.state == Notification.State.PENDING
    # Rendered in the invitee's language, Vietnamese by default.
    assert notice.subject == f"Thư mời phản biện tham luận: {conference.title_vi}"
    assert f"/phan-bien/moi/{token}/" in notice.body_text
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=13)


def test_reinviting_revokes_the_earlier_open_invitation(invite):
    first, first_token, _n = invite()
    second, _token, _n = invite(email="PB@soqn.gov.vn")

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert ReviewerInvitation.objects.filter(revoked_at__isnull=True).get() == second
    with pytest.raises(ReviewerLinkInvalid):
        reviewer_invitation_accept(token=first_token, password=PASSWORD)


def test_accepting_makes_the_account_the_person_and_the_role_once(invite, conference):
    agency = OrganizationFactory()
    invitation, token, _notice = invite(organization=agency)

    user, created = reviewer_invitation_accept(token=token, password=PASSWORD)

    assert created
    assert (user.username, user.email) == ("pb@soqn.gov.vn", "pb@soqn.gov.vn")
    assert user.check_password(PASSWORD)
    person = Person.objects.get(user=user)
    assert (person.full_name, person.organization_id) == ("Lê Thị Phản Biện", agency.pk)
    assert ConferenceRole.objects.filter(conference=conference, user=user, role="reviewer").count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.user == user
    with pytest.raises(ReviewerLinkInvalid):
        reviewer_invitation_accept(token=token, password=PASSWORD)


def test_accepting_refuses_a_weak_password_and_stores_nothing(invite):
    _invitation, token, _notice = invite()

    with pytest.raises(ValidationError):
        reviewer_invitation_accept(token=token, password="123")

    assert not get_user_model().objects.filter(username="pb@soqn.gov.vn").exists()
    assert not ConferenceRole.objects.filter(role="reviewer").exists()


def test_an_existing_account_just_gets_the_role(invite, conference):
    existing = UserFactory(username="lethi", email="pb@soqn.gov.vn", password=None)
    _invitation, token, _notice = invite()

    user, created = reviewer_invitation_accept(token=token)

    assert (user, created) == (existing, False)
    assert ConferenceRole.objects.filter(conference=conference, user=existing, role="reviewer").exists()


def test_expired_and_revoked_links_are_refused(invite):
    invitation, token, _notice = invite()
    ReviewerInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(ReviewerLinkInvalid):
        reviewer_invitation_accept(token=token, password=PASSWORD)

    other, other_token, _notice = invite(email="khac@soqn.gov.vn")
    reviewer_invitation_revoke(invitation=other)
    with pytest.raises(ReviewerLinkInvalid):
        reviewer_invitation_accept(token=other_token, password=PASSWORD)
    assert not ConferenceRole.objects.filter(role="reviewer").exists()


def test_resending_kills_the_earlier_link(invite, run_commit_tasks):
    invitation, token, _notice = invite()

    with run_commit_tasks():
        reviewer_invitation_resend(invitation=invitation)

    assert Notification.objects.filter(recipient_address=invitation.email).count() == 2
    with pytest.raises(ReviewerLinkInvalid):
        reviewer_invitation_accept(token=token, password=PASSWORD)


def test_reviewer_remove_keeps_submitted_reviews_and_drops_open_work(conference):
    criteria_make(conference)
    reviewer = reviewer_make(conference)
    reviewed, open_paper, drafted = paper_make(conference), paper_make(conference), paper_make(conference)
    assign(reviewed, reviewer)
    assign(open_paper, reviewer)
    assign(drafted, reviewer)
    review_submit(
        paper=reviewed, reviewer=reviewer, recommendation="accept", scores={"noi-dung": 5, "trinh-bay": 5}
    )
    review_save(paper=drafted, reviewer=reviewer, scores={"noi-dung": 1}, submit=False)

    dropped = reviewer_remove(conference=conference, reviewer=reviewer)

    assert dropped == 2
    assert not ConferenceRole.objects.filter(user=reviewer, role="reviewer").exists()
    assert list(ReviewAssignment.objects.values_list("paper_id", flat=True)) == [reviewed.pk]
    assert list(Review.objects.values_list("paper_id", "status")) == [(reviewed.pk, "submitted")]


def test_a_declared_conflict_drops_open_assignments_to_that_agency(conference):
    agency = OrganizationFactory()
    reviewer = reviewer_make(conference)
    paper, other = paper_make(conference, organization=agency), paper_make(conference)
    assign(paper, reviewer)
    assign(other, reviewer)

    conflict, dropped = reviewer_conflict_add(
        conference=conference, reviewer=reviewer, organization=agency, reason="Từng công tác"
    )

    assert dropped == 1
    assert ReviewerConflict.objects.get() == conflict and conflict.reason == "Từng công tác"
    assert list(ReviewAssignment.objects.values_list("paper_id", flat=True)) == [other.pk]
