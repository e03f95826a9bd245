from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import NFCCharField, NFCTextField
from core.models import CreatedModel, TimestampedModel


class Invitation(TimestampedModel):
    """An invitation to an agency (asked to send delegates) or to a named person."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    organization = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("invited organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    person = models.ForeignKey(
        "conferences.Person",
        verbose_name=_("invited person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    addressee = NFCCharField(
        _("addressee"),
        max_length=255,
        blank=True,
        help_text=_('How the letter names the invitee, e.g. "Đại diện Lãnh đạo Sở ..."'),
    )
    delegate_quota = models.PositiveSmallIntegerField(
        _("delegate quota"), default=1, validators=[MinValueValidator(1)]
    )
    paper_requested = models.BooleanField(_("paper requested"), default=False)
    paper_topic = NFCCharField(_("paper topic"), max_length=400, blank=True)
    note = NFCTextField(_("personal note"), max_length=4000, blank=True)
    document = models.OneToOneField(
        "conferences.DocumentNumber",
        verbose_name=_("document number"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitation",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    paper_presenter = models.ForeignKey(
        "conferences.Person",
        verbose_name=_("presents the paper"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=0, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["conference", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | models.Q(person__isnull=False),
                name="invitation_has_invitee",
            ),
            models.UniqueConstraint(
                fields=["conference", "organization"],
                condition=models.Q(organization__isnull=False),
                name="invitation_unique_organization",
            ),
            models.UniqueConstraint(
                fields=["conference", "person"],
                condition=models.Q(organization__isnull=True),
                name="invitation_unique_person",
            ),
            models.CheckConstraint(
                condition=models.Q(delegate_quota__gte=1), name="invitation_quota_positive"
            ),
        ]
        indexes = [models.Index(fields=["conference", "status"])]

    def __str__(self) -> str:
        return f"{self.conference.slug}: {self.invitee_name}"

    @property
    def invitee_name(self) -> str:
        if self.organization_id:
            return self.organization.name
        return self.person.full_name if self.person_id else ""


class InvitationLink(CreatedModel):
    """A personal RSVP link sent to an agency; every e-mail about the invitation carries one.

    Only the SHA-256 of the link's token is kept: a leaked database opens no invitation.
    """

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("RSVP link")
        verbose_name_plural = _("RSVP links")

    def __str__(self) -> str:
        return f"{self.invitation} ({self.created_at:%Y-%m-%d %H:%M})"
