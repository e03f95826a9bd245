"""Reviewing papers: criteria, reviewers' assignments, their conflicts and invitations, and reviews."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import NFCCharField, NFCTextField
from core.models import CreatedModel, TimestampedModel

from .conference import ConferenceRole
from .paper import Paper


class ReviewCriterion(models.Model):
    """A scored criterion of the conference's reviews: of papers, or of award nominations (the panel)."""

    class Target(models.TextChoices):
        PAPER = "paper", _("Papers")
        NOMINATION = "nomination", _("Award nominations")

    conference = models.ForeignKey(
        "conferences.Conference", on_delete=models.CASCADE, related_name="review_criteria"
    )
    code = models.SlugField(_("code"), max_length=32)
    label = NFCCharField(_("label"), max_length=200)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How much this criterion counts in a paper's weighted score."),
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "position"), default=0)
    # Papers' code reads only target="paper"; the nomination panel only target="nomination".
    target = models.CharField(_("scores"), max_length=16, choices=Target.choices, default=Target.PAPER)

    class Meta:
        ordering = ["conference", "position", "code"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "target", "code"], name="review_criterion_unique_target_code"
            ),
            models.CheckConstraint(condition=models.Q(max_score__gt=0), name="review_criterion_max_positive"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="review_criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class Review(TimestampedModel):
    """A reviewer's scores and opinion of a paper: a draft until submitted, then final."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

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
    comment = NFCTextField(
        _("comment to the authors"),
        max_length=10_000,
        blank=True,
        help_text=_("The authors read this after the decision."),
    )
    confidential_comment = NFCTextField(
        _("confidential comment to the organizers"), max_length=10_000, blank=True
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=24, choices=Recommendation.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["paper", "created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["paper", "reviewer"], name="review_unique_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.paper} – {self.reviewer}"


class ReviewAssignment(CreatedModel):
    """A paper given to a reviewer: by hand, in bulk, or by the automatic assignment."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("By hand")
        AUTOMATIC = "automatic", _("Automatic")

    paper = models.ForeignKey(
        Paper, verbose_name=_("paper"), on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    source = models.CharField(_("assigned"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["paper", "created_at", "id"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(fields=["paper", "reviewer"], name="review_assignment_unique"),
        ]
        indexes = [models.Index(fields=["reviewer", "paper"])]

    def __str__(self) -> str:
        return f"{self.paper} – {self.reviewer}"


class ReviewerConflict(CreatedModel):
    """A reviewer who must not review an agency's papers (besides their own agency, always excluded)."""

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="reviewer_conflicts",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="review_conflicts",
    )
    organization = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="reviewer_conflicts",
    )
    reason = NFCCharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["conference", "reviewer", "organization"]
        verbose_name = _("reviewer conflict")
        verbose_name_plural = _("reviewer conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "reviewer", "organization"], name="reviewer_conflict_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ≠ {self.organization}"


class ReviewerInvitation(CreatedModel):
    """An e-mailed, one-time link that makes the invitee a reviewer (and an account on first use)."""

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="reviewer_invitations",
    )
    email = models.EmailField(_("e-mail"))
    # The role the link grants: reviewers and organizers are invited by the same mechanism.
    role = models.CharField(
        _("role"), max_length=16, choices=ConferenceRole.Role.choices, default=ConferenceRole.Role.REVIEWER
    )
    full_name = NFCCharField(_("full name"), max_length=200)
    organization = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["conference", "-created_at"]
        verbose_name = _("reviewer invitation")
        verbose_name_plural = _("reviewer invitations")

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"


class PaperReviewFigures(models.Model):
    """A paper's review figures as of its last review change, stored so the ranking table reads no review.

    Derived data: `conferences.services.review_figures` writes it whenever a
    review, an assignment or the paper criteria change, from the one computation
    in `selectors.review_stats.review_figures`. Disagreement is not stored: it
    compares the spread with the call's margin, which organizers may change.
    """

    paper = models.OneToOneField(
        Paper, on_delete=models.CASCADE, primary_key=True, related_name="review_figures"
    )
    assigned = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    mean = models.FloatField(null=True)
    spread = models.FloatField(null=True)
    recommendations = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("review figures")
        verbose_name_plural = _("review figures")

    def __str__(self) -> str:
        return f"{self.paper_id}: {self.done}/{self.assigned}, {self.mean}"
