from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class Registration(TimestampedModel):
    """A person attending a conference, usually as a delegate named by an invited agency."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    class Role(models.TextChoices):
        DELEGATE = "delegate", _("Delegate")
        SPEAKER = "speaker", _("Speaker")
        GUEST = "guest", _("Guest")
        ORGANIZER = "organizer", _("Organizer")

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    person = models.ForeignKey(
        "conferences.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    organization = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.DELEGATE)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    # The delegate as the agency named them for this conference. A person is shared by every
    # conference, so one agency's answer never rewrites what another agency or the organizers
    # know of them; lists, exports and the delegate's page of this conference show these.
    full_name = NFCCharField(
        _("full name as named"),
        max_length=200,
        blank=True,
        help_text=_("As the agency named the delegate. Empty: as on the person's record."),
    )
    position = NFCCharField(pgettext_lazy("job title", "position as named"), max_length=200, blank=True)
    phone = models.CharField(_("phone as named"), max_length=32, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # The delegate's personal page (agenda, check-in QR code, certificate) is opened by this token.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["conference", "person__sort_key"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["conference", "person"], name="registration_unique_person"),
        ]
        indexes = [models.Index(fields=["conference", "status"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.conference.slug}"

    # What this conference shows of its delegate: as the agency named them, or, for a
    # registration made otherwise (the admin, a speaker), as on the person's record. The
    # position and phone never fall back one by one: an agency that left them empty must
    # not be shown what someone else typed on the person's record.
    @property
    def display_name(self) -> str:
        return self.full_name or self.person.full_name

    @property
    def display_position(self) -> str:
        return self.position if self.full_name else self.person.position

    @property
    def display_phone(self) -> str:
        return self.phone if self.full_name else self.person.phone
