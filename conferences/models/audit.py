from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import CreatedModel


class AuditEntry(CreatedModel):
    """Who did what to which record, for actions taken on someone else's behalf."""

    class Action(models.TextChoices):
        INVITATION_SENT = "invitation.sent", _("Sent")
        INVITATION_REMINDED = "invitation.reminded", _("Reminded")
        INVITATION_REVOKED = "invitation.revoked", _("Revoked")
        INVITATION_ANSWERED_ON_BEHALF = "invitation.answered_on_behalf", _("Answered on the agency's behalf")
        DELEGATE_RECORD_CHANGED = (
            "invitation.delegate_record_changed",
            _("A delegate's record changed by the answer"),
        )
        DELEGATE_RECORD_KEPT = "invitation.delegate_record_kept", _("A delegate's record kept")
        ORGANIZATIONS_IMPORTED = "organizations.imported", _("Agencies imported")
        PAPER_DECIDED = "paper.decided", _("Paper decided")
        REVISION_ROUND_CLOSED = "papers.revision_round_closed", _("Revision round closed")
        CALL_FOR_PAPERS_CHANGED = "papers.call_changed", _("Call for papers changed")
        CERTIFICATES_GENERATED = "certificates.generated", _("Certificates generated")
        CERTIFICATE_REVOKED = "certificate.revoked", _("Certificate revoked")
        CERTIFICATE_REISSUED = "certificate.reissued", _("Certificate reissued")
        PROCEEDINGS_BUILD_STARTED = "proceedings.build_started", _("Proceedings build started")
        REGISTRATION_CHECKED_IN = "registration.checked_in", _("Checked in at the door")
        CONFERENCE_CREATED = "conference.created", _("Conference created")
        CONFERENCE_CHANGED = "conference.changed", _("Conference changed")
        CONFERENCE_PUBLISHED = "conference.published", _("Conference published")
        CONFERENCE_CLOSED = "conference.closed", _("Conference closed")
        ROOM_ADDED = "room.added", _("Room added")
        ROOM_RENAMED = "room.renamed", _("Room renamed")
        ROOMS_REORDERED = "rooms.reordered", _("Rooms reordered")
        ROOM_REMOVED = "room.removed", _("Room removed")
        ROLE_GRANTED = "role.granted", _("Role granted")
        ROLE_WITHDRAWN = "role.withdrawn", _("Role withdrawn")
        TEAM_INVITED = "team.invited", _("Invited to the team")
        API_TOKEN_CREATED = "api_token.created", _("API token created")
        API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")

    conference = models.ForeignKey(
        "conferences.Conference",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # Overrides the base's field: the log is read newest first, by time.
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
