"""The proceedings (kỷ yếu) and the book of abstracts: stored builds, and the figures papers print with."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import NFCCharField
from core.models import CreatedModel
from core.storage import private_storage


def proceedings_upload_to(instance, filename: str) -> str:
    return f"proceedings/{instance.conference_id}/{uuid.uuid4().hex}.pdf"


def figure_upload_to(instance, filename: str) -> str:
    # The extension is the one the checks re-encoded to, never the uploader's.
    extension = ".jpg" if filename.lower().endswith(".jpg") else ".png"
    return f"figures/{instance.paper.conference_id}/{uuid.uuid4().hex}{extension}"


class Proceedings(CreatedModel):
    """One stored build of a conference's book: immutable, kept downloadable after newer builds.

    ``version`` numbers the contents: builds of the same inputs (the same ``input_hash``) share
    it whatever their variant, and changed inputs make the next number.
    """

    class Kind(models.TextChoices):
        BOOK = "book", _("Proceedings")
        ABSTRACTS = "abstracts", _("Book of abstracts")

    class Variant(models.TextChoices):
        STANDARD = "standard", _("Standard PDF")
        PDFA = "pdfa", _("Archival PDF/A-3b")
        PRINT = "print", _("Print (crop marks and bleed)")

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="proceedings",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BOOK)
    variant = models.CharField(_("variant"), max_length=16, choices=Variant.choices, default=Variant.STANDARD)
    version = models.PositiveIntegerField(_("version"))
    input_hash = models.CharField(_("hash of the inputs"), max_length=64)
    file = models.FileField(
        _("file"), upload_to=proceedings_upload_to, storage=private_storage, max_length=200
    )
    pages = models.PositiveIntegerField(_("pages"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    job = models.ForeignKey(
        "conferences.Job",
        verbose_name=_("job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["conference", "-created_at", "-id"]
        verbose_name = _("proceedings build")
        verbose_name_plural = _("proceedings builds")
        constraints = [
            # The same inputs are built once per kind and variant: a second build returns this one.
            models.UniqueConstraint(
                fields=["conference", "kind", "variant", "input_hash"], name="proceedings_unique_inputs"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} ({self.get_variant_display()})"

    @property
    def download_name(self) -> str:
        prefix = "ky-yeu" if self.kind == self.Kind.BOOK else "tom-tat"
        suffix = "" if self.variant == self.Variant.STANDARD else f"-{self.variant}"
        return f"{prefix}-{self.conference.slug}-v{self.version}{suffix}.pdf"


class PaperFigure(CreatedModel):
    """An image printed with a paper in the proceedings, checked and re-encoded when it was uploaded."""

    paper = models.ForeignKey(
        "conferences.Paper", verbose_name=_("paper"), on_delete=models.CASCADE, related_name="figures"
    )
    image = models.FileField(_("image"), upload_to=figure_upload_to, storage=private_storage, max_length=200)
    caption = NFCCharField(_("caption"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "position"), default=0)
    width = models.PositiveIntegerField(_("width (pixels)"))
    height = models.PositiveIntegerField(_("height (pixels)"))
    sha256 = models.CharField(_("SHA-256 of the image"), max_length=64)

    class Meta:
        ordering = ["paper", "position", "id"]
        verbose_name = _("paper figure")
        verbose_name_plural = _("paper figures")

    def __str__(self) -> str:
        return self.caption or self.image.name
