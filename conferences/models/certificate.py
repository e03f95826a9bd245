from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import NFCCharField


def certificate_upload_to(instance, filename: str) -> str:
    return f"certificates/{instance.conference_id}/{instance.serial}.pdf"


class Certificate(models.Model):
    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("Certificate of attendance")
        SPEAKER = "speaker", _("Speaker certificate")
        AWARD = "award", _("Award certificate")

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    recipient_person = models.ForeignKey(
        "conferences.Person",
        verbose_name=_("recipient person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    recipient_organization = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("recipient organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    recipient_name = NFCCharField(_("name as printed"), max_length=255)
    registration = models.ForeignKey(
        "conferences.Registration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    award = models.OneToOneField(
        "conferences.Award", on_delete=models.PROTECT, null=True, blank=True, related_name="certificate"
    )
    # The decision that granted an award certificate, kept when a reissue hands the award over to
    # the replacement: the revoked one's verify page still names who granted it.
    award_decision = models.ForeignKey(
        "conferences.AwardDecision",
        verbose_name=_("award decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    serial = models.CharField(_("serial"), max_length=32, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=255, blank=True)
    file = models.FileField(_("file"), upload_to=certificate_upload_to, blank=True)

    class Meta:
        ordering = ["conference", "serial"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient_person__isnull=False)
                | models.Q(recipient_organization__isnull=False),
                name="certificate_has_recipient",
            ),
            models.UniqueConstraint(
                fields=["conference", "kind", "registration"],
                condition=models.Q(registration__isnull=False, revoked_at__isnull=True),
                name="certificate_unique_per_registration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.serial} – {self.recipient_name}"

    def get_absolute_url(self) -> str:
        return reverse("conferences:certificate-verify", kwargs={"code": self.verification_code})

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
