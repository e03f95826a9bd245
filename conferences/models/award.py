from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import NFCCharField, NFCTextField
from core.models import CreatedModel


class AwardCategory(models.Model):
    """A form of commendation, e.g. "Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ"."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_vi = NFCCharField(_("name (Vietnamese)"), max_length=255)
    name_en = NFCCharField(_("name (English)"), max_length=255, blank=True)
    short_name = NFCCharField(_("name on the certificate"), max_length=50, default="BẰNG KHEN")
    issuer_title = NFCCharField(
        _("granted by"),
        max_length=255,
        help_text=_('Printed above "TẶNG", e.g. "BỘ TRƯỞNG BỘ KHOA HỌC VÀ CÔNG NGHỆ".'),
    )
    # The face's paper: a 2006 rule gave 400 x 300 mm for a Bằng khen (unverified whether still
    # current), so it is a setting of the category; wider than high prints landscape.
    page_width_mm = models.PositiveSmallIntegerField(
        _("page width (mm)"), default=400, validators=[MinValueValidator(100), MaxValueValidator(600)]
    )
    page_height_mm = models.PositiveSmallIntegerField(
        _("page height (mm)"), default=300, validators=[MinValueValidator(100), MaxValueValidator(600)]
    )

    class Meta:
        ordering = ["name_vi"]
        verbose_name = _("award category")
        verbose_name_plural = _("award categories")

    def __str__(self) -> str:
        return self.name_vi


class AwardDecision(CreatedModel):
    """The decision (Quyết định) that grants awards; its number is an official document number."""

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_decisions",
    )
    document = models.OneToOneField(
        "conferences.DocumentNumber",
        verbose_name=_("document number"),
        on_delete=models.PROTECT,
        related_name="award_decision",
    )
    subject = NFCCharField(_("subject"), max_length=500)
    signed_on = models.DateField(_("signed on"))
    signing_authority = NFCCharField(
        _("signing authority"),
        max_length=100,
        blank=True,
        help_text=_('e.g. "KT. BỘ TRƯỞNG" when a deputy signs for the minister.'),
    )
    signer_title = NFCCharField(_("signer's title"), max_length=100)
    signer_name = NFCCharField(_("signer's name"), max_length=200)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")

    def __str__(self) -> str:
        return f"{self.document.formatted} – {self.subject}"

    @property
    def issuer(self):
        return self.document.issuer


class Award(models.Model):
    decision = models.ForeignKey(
        AwardDecision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="awards"
    )
    category = models.ForeignKey(
        AwardCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="awards"
    )
    recipient_organization = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("recipient organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
    )
    recipient_person = models.ForeignKey(
        "conferences.Person",
        verbose_name=_("recipient person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
    )
    citation = NFCTextField(
        _("citation"), max_length=2000, help_text=_('Usually begins "Đã có thành tích xuất sắc trong ..."')
    )
    ceremony_order = models.PositiveSmallIntegerField(_("order on stage"))
    batch = models.ForeignKey(
        "conferences.CeremonyBatch",
        verbose_name=_("called on stage in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
    )
    register_number = models.CharField(_("register number (số sổ vàng)"), max_length=50, blank=True)

    class Meta:
        ordering = ["decision", "ceremony_order"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(recipient_organization__isnull=False, recipient_person__isnull=True)
                    | models.Q(recipient_organization__isnull=True, recipient_person__isnull=False)
                ),
                name="award_exactly_one_recipient",
            ),
            models.UniqueConstraint(fields=["decision", "ceremony_order"], name="award_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.category.short_name}: {self.recipient_name}"

    @property
    def recipient_name(self) -> str:
        if self.recipient_organization_id:
            return self.recipient_organization.name
        return self.recipient_person.full_name


class CeremonyBatch(models.Model):
    """A group of recipients called on stage together, and who presents their awards."""

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="ceremony_batches",
    )
    agenda_item = models.ForeignKey(
        "conferences.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ceremony_batches",
    )
    position = models.PositiveSmallIntegerField(_("order"))
    title = NFCCharField(_("title"), max_length=255, blank=True)
    presenter = NFCCharField(
        _("presented by"), max_length=255, blank=True, help_text=_("Who hands the awards of this batch over.")
    )

    class Meta:
        ordering = ["conference", "position"]
        verbose_name = _("ceremony batch")
        verbose_name_plural = _("ceremony batches")
        constraints = [
            models.UniqueConstraint(fields=["conference", "position"], name="ceremony_batch_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.position}"


class CeremonyState(models.Model):
    """Where the ceremony stands: the batch on stage now, followed by the stage screen."""

    conference = models.OneToOneField(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="ceremony_state",
    )
    current_batch = models.ForeignKey(
        CeremonyBatch,
        verbose_name=_("batch on stage"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Grows with every step, so a screen that polls can tell a change from a repeat.
    step = models.PositiveIntegerField(_("step"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ceremony state")
        verbose_name_plural = _("ceremony states")

    def __str__(self) -> str:
        return f"{self.conference} – {self.step}"
