import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import CreatedModel
from core.storage import private_storage


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


def rendered_document_upload_to(instance, filename: str) -> str:
    return f"documents/{instance.conference_id}/{instance.kind}/{uuid.uuid4().hex}.pdf"


class RenderedDocument(CreatedModel):
    """A large document a worker rendered, kept to be served while its inputs stay the same.

    ``input_hash`` is the hash of everything the PDF is made from (documents/stored.py): a
    request finds the file of the current hash or asks a worker for it; a file of an older hash
    is never served and is deleted once the new one is stored.
    """

    class Kind(models.TextChoices):
        AWARD_DECISION = "award_decision", _("Award decision")
        RUNNING_SHEET = "running_sheet", _("Ceremony running sheet")
        INVITATION_LETTER = "invitation_letter", _("Invitation letter")

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="rendered_documents",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # The decision's or invitation's id; 0 for the conference's own documents (the running sheet).
    subject_id = models.PositiveBigIntegerField(_("subject"), default=0)
    input_hash = models.CharField(_("hash of the inputs"), max_length=64)
    file = models.FileField(
        _("file"), upload_to=rendered_document_upload_to, storage=private_storage, max_length=200
    )
    size = models.PositiveIntegerField(_("size (bytes)"))
    job = models.ForeignKey(
        "conferences.Job",
        verbose_name=_("job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["conference", "kind", "subject_id", "-created_at"]
        verbose_name = _("rendered document")
        verbose_name_plural = _("rendered documents")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "kind", "subject_id", "input_hash"],
                name="rendered_document_unique_inputs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_id} ({self.input_hash[:12]})"
