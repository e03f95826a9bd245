"""Choices the conference side uses across layers: the kinds of notice it writes to the outbox."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("An organizer's message to attendees")
    INVITATION = "invitation", _("Invitation letter to an agency")
    INVITATION_REMINDER = "invitation_reminder", _("Reminder before the RSVP deadline")
    REGISTRATION_CONFIRMATION = "registration_confirmation", _("Delegate's confirmation")
    PAPER_RECEIVED = "paper_received", _("Paper received (confirmation to the submitter)")
    PAPER_DECISION = "paper_decision", _("Decision on a paper")
    REVIEWER_INVITATION = "reviewer_invitation", _("Invitation to review papers")
    ORGANIZER_INVITATION = "organizer_invitation", _("Invitation to organize a conference")
    AGENDA_CHANGE = "agenda_change", _("Change to the agenda")
    CERTIFICATE = "certificate", _("Certificate issued")
    NOMINATION_RECEIVED = "nomination_received", _("Award nomination received (to the nominating agency)")
    NOMINATION_DECISION = "nomination_decision", _("Decision on an award nomination")


# Bulk sends wait for an organizer's approval; personal confirmations go at once.
HELD_BY_DEFAULT = frozenset(
    {
        NoticeKind.ANNOUNCEMENT,
        NoticeKind.INVITATION,
        NoticeKind.CERTIFICATE,
        NoticeKind.PAPER_DECISION,
        NoticeKind.NOMINATION_DECISION,
    }
)


class AccountNoticeKind(models.TextChoices):
    """Notices about a person's account, not about a conference: written under the "account" scope."""

    PASSWORD_RESET = "password_reset", _("Password reset link")
