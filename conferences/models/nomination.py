"""Award nominations (đề nghị khen thưởng) and the evaluation panel's scores of them."""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import NFCCharField, NFCTextField
from core.models import TimestampedModel
from core.storage import private_storage

from .paper import FileKind

JUSTIFICATION_MAX_LENGTH = 5000


def nomination_upload_to(instance, filename: str) -> str:
    # Never the uploader's name (see paper._random_name): a random one under the conference.
    extension = os.path.splitext(filename)[1].lower()
    if extension not in {".pdf", ".docx"}:
        extension = ""
    return f"nominations/{instance.conference_id}/{uuid.uuid4().hex}{extension}"


class Nomination(TimestampedModel):
    """A proposal that an agency or a person receive an award, by an organizer or by an agency's link."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    category = models.ForeignKey(
        "conferences.AwardCategory",
        verbose_name=_("award category"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    nominee_organization = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("nominated organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
    )
    nominee_person = models.ForeignKey(
        "conferences.Person",
        verbose_name=_("nominated person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
    )
    justification = NFCTextField(_("justification"), max_length=JUSTIFICATION_MAX_LENGTH)
    file = models.FileField(
        _("supporting file"),
        upload_to=nomination_upload_to,
        storage=private_storage,
        max_length=200,
        blank=True,
    )
    file_name = NFCCharField(_("file name as sent"), max_length=255, blank=True)
    file_kind = models.CharField(_("file kind"), max_length=8, choices=FileKind.choices, blank=True)
    file_size = models.PositiveIntegerField(_("file size (bytes)"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    # Who nominated: an organizer (signed in) or an agency through its delegate link; exactly one.
    nominated_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by (organizer)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    nominated_by_registration = models.ForeignKey(
        "conferences.Registration",
        verbose_name=_("nominated by (delegate link)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    award = models.OneToOneField(
        "conferences.Award",
        verbose_name=_("award"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nomination",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["conference", "id"]
        verbose_name = _("award nomination")
        verbose_name_plural = _("award nominations")
        indexes = [models.Index(fields=["conference", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(nominee_organization__isnull=False, nominee_person__isnull=True)
                    | models.Q(nominee_organization__isnull=True, nominee_person__isnull=False)
                ),
                name="nomination_exactly_one_nominee",
            ),
            # The same nominee for the same category once, withdrawn ones aside (a double click makes one).
            models.UniqueConstraint(
                fields=["conference", "category", "nominee_organization"],
                condition=models.Q(nominee_organization__isnull=False) & ~models.Q(status="withdrawn"),
                name="nomination_unique_organization",
                violation_error_message=_("This agency is already nominated for this award."),
            ),
            models.UniqueConstraint(
                fields=["conference", "category", "nominee_person"],
                condition=models.Q(nominee_person__isnull=False) & ~models.Q(status="withdrawn"),
                name="nomination_unique_person",
                violation_error_message=_("This person is already nominated for this award."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} – {self.nominee_name}"

    @property
    def nominee_name(self) -> str:
        if self.nominee_organization_id:
            return self.nominee_organization.name
        return self.nominee_person.full_name if self.nominee_person_id else ""


class NominationScore(TimestampedModel):
    """A panel member's scores of a nomination (criteria of target "nomination"); a draft until submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="scores"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("panel member"),
        on_delete=models.PROTECT,
        related_name="nomination_scores",
    )
    scores = models.JSONField(_("scores per criterion"), default=dict, blank=True)
    comment = NFCTextField(_("comment"), max_length=10_000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["nomination", "created_at"]
        verbose_name = _("nomination score")
        verbose_name_plural = _("nomination scores")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "reviewer"], name="nomination_score_unique_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} – {self.reviewer}"
