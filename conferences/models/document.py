from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import CreatedModel


class DocumentKind(models.TextChoices):
    """Administrative document kinds with their Decree 30 abbreviations."""

    INVITATION = "GM", _("Invitation letter (Giấy mời)")
    DECISION = "QĐ", _("Decision (Quyết định)")
    PROGRAMME = "CTr", _("Programme (Chương trình)")
    OFFICIAL_LETTER = "CV", _("Official letter (Công văn)")


class DocumentNumber(CreatedModel):
    """One issued document number, e.g. 123/GM-BKHCN.

    Numbers run per issuer, document kind and year and restart at 1 each year;
    the unique constraint is the last line of defence against a duplicate.
    """

    issuer = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("issuer"),
        on_delete=models.PROTECT,
        related_name="document_numbers",
    )
    kind = models.CharField(_("document kind"), max_length=8, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    issued_on = models.DateField(_("issued on"))

    class Meta:
        ordering = ["issuer", "kind", "-year", "-number"]
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "year", "number"], name="document_number_unique"
            ),
            models.CheckConstraint(condition=models.Q(number__gt=0), name="document_number_positive"),
        ]

    def __str__(self) -> str:
        return self.formatted

    @property
    def formatted(self) -> str:
        """Return the number as printed after "Số:" ("05/GM-BKHCN": zero-padded below 10)."""
        return f"{self.number:02d}/{self.kind}-{self.issuer.code or 'XX'}"


class DocumentSequence(models.Model):
    """The last number handed out per issuer, kind and year; locked while a number is taken."""

    issuer = models.ForeignKey("conferences.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document sequence")
        verbose_name_plural = _("document sequences")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "kind", "year"], name="document_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}-{self.year}: {self.last_number}"
