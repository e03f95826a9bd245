import os
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import NFCCharField, NFCTextField
from core.models import CreatedModel, TimestampedModel
from core.storage import private_storage
from core.text import fold


def _random_name(conference_id, filename: str) -> str:
    # Never the uploader's name: it may be long, carry "../" or NUL, or name the agency in blind review.
    extension = os.path.splitext(filename)[1].lower()
    if extension not in {".pdf", ".docx"}:
        extension = ""
    return f"papers/{conference_id}/{uuid.uuid4().hex}{extension}"


def paper_upload_to(instance, filename: str) -> str:
    return _random_name(instance.conference_id, filename)


def revision_upload_to(instance, filename: str) -> str:
    return _random_name(instance.paper.conference_id, filename)


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX (Word)"


def _default_file_kinds() -> list[str]:
    return [FileKind.PDF.value, FileKind.DOCX.value]


class CallForPapers(TimestampedModel):
    """A conference's call for papers: when, who, what may be sent, and how it is reviewed.

    It closes at the conference's ``paper_deadline`` (one deadline, shown everywhere).
    """

    class Eligibility(models.TextChoices):
        INVITED_FOR_PAPER = "invited_for_paper", _("Agencies whose invitation asks for a paper")
        ANY_DELEGATE = "any_delegate", _("Any registered delegate")

    conference = models.OneToOneField(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="call_for_papers",
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    eligibility = models.CharField(
        _("who may submit"), max_length=24, choices=Eligibility.choices, default=Eligibility.INVITED_FOR_PAPER
    )
    title_max_length = models.PositiveSmallIntegerField(
        _("longest title (characters)"),
        default=300,
        validators=[MinValueValidator(20), MaxValueValidator(500)],
    )
    abstract_max_length = models.PositiveIntegerField(
        _("longest abstract (characters)"),
        default=3000,
        validators=[MinValueValidator(100), MaxValueValidator(10_000)],
    )
    file_kinds = models.JSONField(_("accepted file kinds"), default=_default_file_kinds, blank=True)
    max_file_mb = models.PositiveSmallIntegerField(
        _("largest file (MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    blind_review = models.BooleanField(
        _("blind review"), default=True, help_text=_("Reviewers see neither the authors nor their agencies.")
    )
    reviewers_per_paper = models.PositiveSmallIntegerField(
        _("reviewers per paper"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    disagreement_margin = models.PositiveSmallIntegerField(
        _("disagreement margin (points of 100)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Papers whose reviewers' weighted scores differ by more than this are flagged."),
    )
    revision_closes_at = models.DateTimeField(
        _("revision round closes at"),
        null=True,
        blank=True,
        help_text=_("After this, the final version of papers accepted with revisions is locked."),
    )

    class Meta:
        verbose_name = _("call for papers")
        verbose_name_plural = _("calls for papers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviewers_per_paper__gte=1) & models.Q(max_file_mb__gte=1),
                name="call_for_papers_positive_limits",
            ),
        ]

    def __str__(self) -> str:
        return str(self.conference)

    @property
    def closes_at(self):
        return self.conference.paper_deadline


class PaperTopic(models.Model):
    """A topic papers are sent under, e.g. an article of the decision under review."""

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="paper_topics",
    )
    label = NFCCharField(_("label"), max_length=300)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "position"), default=0)

    class Meta:
        ordering = ["conference", "position", "id"]
        verbose_name = _("paper topic")
        verbose_name_plural = _("paper topics")
        constraints = [
            models.UniqueConstraint(fields=["conference", "label"], name="paper_topic_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label


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
    # The title folded (no diacritics, lower case): the ranking table sorts and searches on it in SQL.
    search_title = models.CharField(max_length=500, editable=False, default="")
    abstract = NFCTextField(_("abstract"), max_length=10_000, blank=True)
    body = NFCTextField(_("body"), max_length=200_000, blank=True)
    # The current revision's file (the same stored file; revisions are never changed).
    file = models.FileField(
        _("file"), upload_to=paper_upload_to, storage=private_storage, max_length=200, blank=True
    )
    topic = models.ForeignKey(
        "conferences.PaperTopic",
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="papers",
    )
    registration = models.ForeignKey(
        "conferences.Registration",
        verbose_name=_("submitted by"),
        help_text=_("The delegate whose personal link submitted the paper; only that link may edit it."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_papers",
    )
    current_revision = models.ForeignKey(
        "conferences.PaperRevision",
        verbose_name=_("current revision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    final_revision = models.ForeignKey(
        "conferences.PaperRevision",
        verbose_name=_("final revision"),
        help_text=_("Locked after the decision or the revision round; the proceedings print this one."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    locked_at = models.DateTimeField(_("final version locked at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
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
        constraints = [
            # One paper in play per delegate link: a double click from two tabs makes one paper.
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(registration__isnull=False) & ~models.Q(status="withdrawn"),
                name="paper_one_active_per_registration",
                violation_error_message=_("This delegate has already submitted a paper."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_title = fold(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_title"}
        super().save(*args, **kwargs)


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
    file = models.FileField(
        _("file"), upload_to=revision_upload_to, storage=private_storage, max_length=200, blank=True
    )
    file_name = NFCCharField(
        _("file name as sent"),
        max_length=255,
        blank=True,
        help_text=_(
            "Cleaned of paths and control characters; shown and offered on download, never used on disk."
        ),
    )
    file_kind = models.CharField(_("file kind"), max_length=8, choices=FileKind.choices, blank=True)
    file_size = models.PositiveIntegerField(_("file size (bytes)"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    topic = models.ForeignKey(
        "conferences.PaperTopic", verbose_name=_("topic"), on_delete=models.SET_NULL, null=True, blank=True
    )
    # The authors as they stood in this revision: [{"person": id, "full_name", "organization",
    # "organization_name", "is_presenter"}], so an edit of the author list never rewrites history.
    authors = models.JSONField(_("authors"), default=list, blank=True)
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
