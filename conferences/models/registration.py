"""A person's place at a conference: the delegate an agency named, or someone registered directly."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import NFCCharField
from core.models import TimestampedModel
from core.ticket_codes import ticket_code_new


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
        "conferences.Invitation",
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
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Typed at the door from the e-ticket (core.ticket_codes): random, with a check character,
    # unique within the conference. Stored rather than derived from the id with the secret key,
    # so printed tickets survive a key rotation and a code stays seven characters long.
    ticket_code = models.CharField(_("ticket code"), max_length=7, default=ticket_code_new, editable=False)
    # The delegate's personal page (agenda, check-in QR code, certificate) is opened by this token.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["conference", "person__sort_key"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["conference", "person"], name="registration_unique_person"),
            models.UniqueConstraint(
                fields=["conference", "ticket_code"], name="registration_unique_ticket_code"
            ),
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
