"""A conference's team: granting and withdrawing its organizer and reviewer roles by e-mail.

Someone with an account gets the role at once; someone without one gets the
invitation link that reviewers get (services.reviewers, with the role on it),
whose page makes the account and grants the role. Withdrawing a reviewer keeps
the reviewer rules (services.reviewers.reviewer_remove); an organizer can go
while another stays.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from conferences.models import AuditEntry, Conference, ConferenceRole, Organization, ReviewerInvitation
from conferences.services.audit import audit_record
from conferences.services.conferences import conference_role_grant
from conferences.services.reviewers import reviewer_invite, reviewer_remove
from core.exceptions import ApplicationError

TEAM_ROLES = (ConferenceRole.Role.ORGANIZER, ConferenceRole.Role.REVIEWER)


@dataclass(frozen=True)
class TeamAddition:
    """What adding an e-mail did: granted the role to an account, or sent an invitation to sign up."""

    role: ConferenceRole | None = None
    invitation: ReviewerInvitation | None = None

    @property
    def invited(self) -> bool:
        return self.invitation is not None


def _account(email: str):
    return (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(username__iexact=email), is_active=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def team_member_add(
    *,
    conference: Conference,
    email: str,
    role: str,
    full_name: str = "",
    organization: Organization | None = None,
    actor,
) -> TeamAddition:
    """Give the role to the account of this e-mail, or invite the address to sign up for it."""
    if role not in TEAM_ROLES:
        raise ValidationError({"role": _("Choose organizer or reviewer.")})
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter the person's e-mail address.")})
    user = _account(email)
    if user is None:
        invitation = reviewer_invite(
            conference=conference,
            email=email,
            full_name=full_name or email,
            organization=organization,
            invited_by=actor,
            role=role,
        )
        audit_record(
            action=AuditEntry.Action.TEAM_INVITED,
            target=invitation,
            conference=conference,
            actor=actor,
            data={"role": role, "email": email},
        )
        return TeamAddition(invitation=invitation)
    if ConferenceRole.objects.filter(conference=conference, user=user, role=role).exists():
        if role == ConferenceRole.Role.ORGANIZER:
            message = _("%(email)s is an organizer of this conference already.")
        else:
            message = _("%(email)s is a reviewer of this conference already.")
        raise ValidationError({"email": message % {"email": email}})
    granted = conference_role_grant(conference=conference, user=user, role=role)
    audit_record(
        action=AuditEntry.Action.ROLE_GRANTED,
        target=granted,
        conference=conference,
        actor=actor,
        data={"role": role, "email": email},
    )
    return TeamAddition(role=granted)


@transaction.atomic
def team_member_withdraw(*, conference_role: ConferenceRole, actor) -> None:
    """Take a role away. The last organizer stays, so that someone can still run the conference."""
    # Locking the conference makes two organizers withdrawing each other at once take turns:
    # the second sees that only one is left.
    conference = Conference.objects.select_for_update().get(pk=conference_role.conference_id)
    conference_role = ConferenceRole.objects.select_related("user").filter(pk=conference_role.pk).first()
    if conference_role is None:
        raise ApplicationError(_("This person no longer holds this role."))
    user, role = conference_role.user, conference_role.role
    if role == ConferenceRole.Role.ORGANIZER:
        organizers = ConferenceRole.objects.filter(conference=conference, role=ConferenceRole.Role.ORGANIZER)
        if organizers.count() <= 1:
            raise ApplicationError(
                _("%(name)s is the conference's last organizer: add another organizer first.")
                % {"name": user.get_full_name() or user.email or user.get_username()},
                code="last_organizer",
            )
        conference_role.delete()
        dropped = 0
    else:
        dropped = reviewer_remove(conference=conference, reviewer=user)
    audit_record(
        action=AuditEntry.Action.ROLE_WITHDRAWN,
        object_type="conferencerole",
        conference=conference,
        actor=actor,
        data={"role": role, "user": user.pk, "email": user.email, "assignments_dropped": dropped},
    )
