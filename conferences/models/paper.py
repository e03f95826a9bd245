from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import NFCCharField, NFCTextField
from core.models import CreatedModel, TimestampedModel


def paper_upload_to(instance, filename: str) -> str:
    return f"papers/{instance.conference_id}/{filename}"


def revision_upload_to(instance, filename: str) -> str:
    return f"papers/{instance.paper.conference_id}/revisions/{instance.paper_id}-{instance.number}-{filename}"


class Paper(TimestampedModel):
    """A paper (tham luận) presented at a conference by an agency."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="papers",
    )
    invitation = models.ForeignKey(
        "conferences.Invitation",
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="papers",
    )
    title = NFCCharField(_("title"), max_length=500)
    abstract = NFCTextField(_("abstract"), max_length=10_000, blank=True)
    body = NFCTextField(_("body"), max_length=200_000, blank=True)
    file = models.FileField(_("file"), upload_to=paper_upload_to, blank=True)
    presenting_organization = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("presenting organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="papers",
    )
    authors = models.ManyToManyField(
        "conferences.Person", through="PaperAuthor", related_name="papers", verbose_name=_("authors")
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["conference", "id"]
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        indexes = [models.Index(fields=["conference", "status"])]

    def __str__(self) -> str:
        return self.title


class PaperAuthor(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="authorships")
    person = models.ForeignKey("conferences.Person", on_delete=models.PROTECT, related_name="authorships")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    is_presenter = models.BooleanField(_("presents the paper"), default=False)

    class Meta:
        ordering = ["paper", "order"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(fields=["paper", "person"], name="paper_author_unique_person"),
            models.UniqueConstraint(fields=["paper", "order"], name="paper_author_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.person}"


class PaperRevision(CreatedModel):
    """An immutable snapshot of a paper as submitted; nothing a delegate sent is lost."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    title = NFCCharField(_("title"), max_length=500)
    abstract = NFCTextField(_("abstract"), max_length=10_000, blank=True)
    body = NFCTextField(_("body"), max_length=200_000, blank=True)
    file = models.FileField(_("file"), upload_to=revision_upload_to, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["paper", "number"]
        verbose_name = _("paper revision")
        verbose_name_plural = _("paper revisions")
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="paper_revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.paper} (v{self.number})"


class ReviewCriterion(models.Model):
    conference = models.ForeignKey(
        "conferences.Conference", on_delete=models.CASCADE, related_name="review_criteria"
    )
    code = models.SlugField(_("code"), max_length=32)
    label = NFCCharField(_("label"), max_length=200)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "position"), default=0)

    class Meta:
        ordering = ["conference", "position", "code"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="review_criterion_unique_code"),
            models.CheckConstraint(condition=models.Q(max_score__gt=0), name="review_criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class Review(TimestampedModel):
    class Recommendation(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        MINOR_REVISION = "minor_revision", _("Accept with minor revisions")
        MAJOR_REVISION = "major_revision", _("Major revision")
        REJECT = "reject", _("Reject")

    paper = models.ForeignKey(
        Paper, verbose_name=_("paper"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    scores = models.JSONField(_("scores per criterion"), default=dict, blank=True)
    comment = NFCTextField(_("comment"), max_length=10_000, blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=24, choices=Recommendation.choices)

    class Meta:
        ordering = ["paper", "created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["paper", "reviewer"], name="review_unique_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.paper} – {self.reviewer}"
