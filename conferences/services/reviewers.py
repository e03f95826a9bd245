"""Reviewers of a conference: invitations by e-mail, accepting them, removal, declared conflicts.

The same invitations, with role "organizer", bring organizers into a
conference's team (services.team): one mechanism for every role a link grants.

An invitation's link carries a token whose SHA-256 alone is stored. The
service hands the token to the task it sends on commit, which writes the
e-mail carrying the link; sending again makes a new token, so the earlier link
dies. Accepting is one-time: a used, revoked or expired link is refused.
"""

import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.enums import NoticeKind
from conferences.models import (
    AuditEntry,
    Conference,
    ConferenceRole,
    Organization,
    Paper,
    PaperAuthor,
    Person,
    Review,
    ReviewAssignment,
    ReviewerConflict,
    ReviewerInvitation,
)
from conferences.services.audit import audit_record
from conferences.services.common import validated_save
from conferences.services.conferences import conference_role_grant
from conferences.services.notices import conference_notify
from conferences.services.review_figures import review_figures_refresh
from core.exceptions import ApplicationError
from core.text import nfc
from core.tokens import token_hash, token_new
from notifications.services import Recipient

INVITATION_DAYS = 14


class ReviewerLinkInvalid(ApplicationError):
    """The link is unknown, used, revoked or expired (the page answers 404 alike)."""


# The page each role's link opens, and the notice that carries it.
ACCEPT_URL_NAMES = {
    ConferenceRole.Role.REVIEWER: "conferences:reviewer-accept",
    ConferenceRole.Role.ORGANIZER: "conferences:team-accept",
}
NOTICE_KINDS = {
    ConferenceRole.Role.REVIEWER: NoticeKind.REVIEWER_INVITATION,
    ConferenceRole.Role.ORGANIZER: NoticeKind.ORGANIZER_INVITATION,
}


def reviewer_accept_url(token: str, role: str = ConferenceRole.Role.REVIEWER) -> str:
    return settings.SITE_URL + reverse(ACCEPT_URL_NAMES[role], kwargs={"token": token})


def _open_invitations(conference: Conference):
    return ReviewerInvitation.objects.filter(
        conference=conference, accepted_at__isnull=True, revoked_at__isnull=True
    )


def _dispatch(invitation: ReviewerInvitation) -> None:
    """A new token for the invitation, and the task that e-mails it once this transaction commits."""
    from conferences.tasks import send_reviewer_invitation

    token, hashed = token_new()
    invitation.token_hash = hashed
    invitation.expires_at = timezone.now() + datetime.timedelta(days=INVITATION_DAYS)
    invitation.save(update_fields=["token_hash", "expires_at"])
    transaction.on_commit(partial(send_reviewer_invitation.delay, invitation.pk, token))


@transaction.atomic
def reviewer_invite(
    *,
    conference: Conference,
    email: str,
    full_name: str,
    organization: Organization | None = None,
    invited_by,
    role: str = ConferenceRole.Role.REVIEWER,
) -> ReviewerInvitation:
    """Invite someone to review this conference's papers (or, with `role`, to organize it).

    An earlier open invitation of theirs to the same role is revoked.
    """
    email = (email or "").strip().lower()
    if ConferenceRole.objects.filter(conference=conference, role=role, user__email__iexact=email).exists():
        if role == ConferenceRole.Role.ORGANIZER:
            message = _("%(email)s is an organizer of this conference already.")
        else:
            message = _("%(email)s is a reviewer of this conference already.")
        raise ValidationError({"email": message % {"email": email}})
    _open_invitations(conference).filter(email__iexact=email, role=role).update(revoked_at=timezone.now())
    invitation = ReviewerInvitation(
        conference=conference,
        role=role,
        email=email,
        full_name=nfc(full_name) or "",
        organization=organization,
        invited_by=invited_by,
        token_hash=token_new()[1],
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    validated_save(invitation)
    _dispatch(invitation)
    return invitation


@transaction.atomic
def reviewer_invitation_resend(*, invitation: ReviewerInvitation) -> ReviewerInvitation:
    """E-mail a new link (the earlier one stops working) and give it a fresh expiry."""
    invitation = ReviewerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ApplicationError(_("This invitation was accepted or revoked: invite again instead."))
    _dispatch(invitation)
    return invitation


def reviewer_invitation_revoke(*, invitation: ReviewerInvitation) -> ReviewerInvitation:
    updated = ReviewerInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not updated:
        raise ApplicationError(_("This invitation was accepted or revoked already."))
    invitation.refresh_from_db()
    return invitation


def reviewer_invitation_notify(*, invitation_id: int, token: str) -> int:
    """Write the invitation e-mail carrying this token's link (the worker's half); safe to run twice.

    Nothing is written for an invitation gone, used or revoked since, nor for a
    token that is no longer the invitation's (it was sent again).
    """
    invitation = (
        ReviewerInvitation.objects.select_related("conference__host", "organization")
        .filter(
            pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True, token_hash=token_hash(token)
        )
        .first()
    )
    if invitation is None:
        return 0
    conference = invitation.conference
    written = conference_notify(
        conference=conference,
        recipients=[
            Recipient(
                address=invitation.email,
                name=invitation.full_name,
                ref=f"reviewer-invitation:{invitation.pk}",
            )
        ],
        kind=NOTICE_KINDS[invitation.role],
        context={
            "conference": conference,
            "full_name": invitation.full_name,
            "accept_url": reviewer_accept_url(token, invitation.role),
            "expires_at": invitation.expires_at,
        },
        idempotency_key=f"reviewer-invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        hold=False,
    )
    return len(written)


def reviewer_invitation_by_token(token: str) -> ReviewerInvitation | None:
    """The open invitation of this link: None when it is unknown, used, revoked or expired."""
    return (
        ReviewerInvitation.objects.select_related("conference", "organization")
        .filter(
            token_hash=token_hash(token or ""),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def reviewer_invitation_accept(*, token: str, password: str | None = None, user=None):
    """Give the invitee the invitation's role; return (user, created): created says an account was made.

    `user` is the signed-in user, who takes the role. Otherwise an account with
    the invitation's e-mail takes it (its owner then signs in as usual: the
    link never signs anyone into an account it did not create), or a new one is
    made with the e-mail as its username and `password`, with a Person of the
    invitation's agency.
    """
    invitation = reviewer_invitation_by_token(token)
    if invitation is not None:
        invitation = (
            ReviewerInvitation.objects.select_for_update()
            .filter(pk=invitation.pk, accepted_at__isnull=True)
            .first()
        )
    if invitation is None:
        raise ReviewerLinkInvalid(_("This link is not valid: it was used, revoked or has expired."))
    created = False
    User = get_user_model()
    if user is None or not user.is_authenticated:
        user = User.objects.filter(
            Q(username__iexact=invitation.email) | Q(email__iexact=invitation.email)
        ).first()
    if user is None:
        candidate = User(username=invitation.email, email=invitation.email)
        if not password:
            raise ValidationError({"password": _("Choose a password for your new account.")})
        validate_password(password, user=candidate)
        user = User.objects.create_user(username=invitation.email, email=invitation.email, password=password)
        created = True
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person.objects.filter(
            email__iexact=user.email or invitation.email, user__isnull=True
        ).first()
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])
        else:
            validated_save(
                Person(
                    full_name=invitation.full_name,
                    email=invitation.email,
                    organization=invitation.organization,
                    user=user,
                )
            )
    granted = conference_role_grant(conference=invitation.conference, user=user, role=invitation.role)
    audit_record(
        action=AuditEntry.Action.ROLE_GRANTED,
        target=granted,
        conference=invitation.conference,
        actor=user,
        data={"role": invitation.role, "email": invitation.email, "invitation": invitation.pk},
    )
    invitation.accepted_at, invitation.user = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "user"])
    return user, created


@transaction.atomic
def reviewer_remove(*, conference: Conference, reviewer) -> int:
    """Take the reviewer role away; drop their open assignments and keep their submitted reviews.

    A submitted review is part of the record the decisions were made on, so it
    and its assignment stay (they still count in the ranking); assignments with
    no submitted review, and drafts, go. Return how many assignments were dropped.
    """
    deleted, _rows = ConferenceRole.objects.filter(
        conference=conference, user=reviewer, role=ConferenceRole.Role.REVIEWER
    ).delete()
    if not deleted:
        raise ApplicationError(_("This person is not a reviewer of this conference."))
    reviewed = Review.objects.filter(
        paper__conference=conference, reviewer=reviewer, status=Review.Status.SUBMITTED
    ).values("paper_id")
    Review.objects.filter(
        paper__conference=conference, reviewer=reviewer, status=Review.Status.DRAFT
    ).delete()
    assignments = ReviewAssignment.objects.filter(paper__conference=conference, reviewer=reviewer).exclude(
        paper_id__in=reviewed
    )
    papers = list(assignments.values_list("paper_id", flat=True))
    dropped, _rows = assignments.delete()
    review_figures_refresh(conference_id=conference.pk, paper_ids=papers)
    return dropped


@transaction.atomic
def reviewer_conflict_add(
    *, conference: Conference, reviewer, organization: Organization, reason: str = ""
) -> tuple[ReviewerConflict, int]:
    """Declare that the reviewer must not review this agency's papers.

    Their assignments to its papers without a submitted review are dropped.
    Return the conflict and how many assignments were dropped.
    """
    if not ConferenceRole.objects.filter(
        conference=conference, user=reviewer, role=ConferenceRole.Role.REVIEWER
    ).exists():
        raise ValidationError({"reviewer": _("Choose a reviewer of this conference.")})
    conflict, created = ReviewerConflict.objects.get_or_create(
        conference=conference,
        reviewer=reviewer,
        organization=organization,
        defaults={"reason": nfc(reason) or ""},
    )
    if not created and reason:
        conflict.reason = nfc(reason)
        conflict.save(update_fields=["reason"])
    papers = Paper.objects.filter(conference=conference).filter(
        Q(presenting_organization=organization)
        | Q(pk__in=PaperAuthor.objects.filter(person__organization=organization).values("paper_id"))
    )
    reviewed = Review.objects.filter(reviewer=reviewer, status=Review.Status.SUBMITTED).values("paper_id")
    assignments = ReviewAssignment.objects.filter(reviewer=reviewer, paper__in=papers).exclude(
        paper_id__in=reviewed
    )
    dropped_papers = list(assignments.values_list("paper_id", flat=True))
    dropped, _rows = assignments.delete()
    review_figures_refresh(conference_id=conference.pk, paper_ids=dropped_papers)
    return conflict, dropped


def reviewer_conflict_remove(*, conference: Conference, reviewer, organization: Organization) -> None:
    deleted, _rows = ReviewerConflict.objects.filter(
        conference=conference, reviewer=reviewer, organization=organization
    ).delete()
    if not deleted:
        raise ApplicationError(_("No such conflict."))
