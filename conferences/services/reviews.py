"""A reviewer's review of a paper: drafts, submission, and edits until the paper is decided."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import Paper, Review, ReviewAssignment, ReviewCriterion
from conferences.services.common import validated_save
from conferences.services.review_figures import review_figures_refresh
from core.exceptions import ApplicationError
from core.text import nfc

# A paper is reviewed while it waits for its decision; never once decided or withdrawn.
REVIEWABLE = frozenset({Paper.Status.SUBMITTED, Paper.Status.UNDER_REVIEW})


def review_scores_errors(scores: dict, criteria: list[ReviewCriterion], *, complete: bool) -> list[str]:
    """What is wrong with a review's scores: unknown criteria, values out of range, and (complete) gaps."""
    by_code = {c.code: c for c in criteria}
    errors = []
    for code, value in scores.items():
        criterion = by_code.get(code)
        if criterion is None:
            errors.append(f"{code}: " + _("Unknown criterion."))
        elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= criterion.max_score:
            errors.append(
                f"{code}: " + _("Enter a whole number from 0 to %(max)s.") % {"max": criterion.max_score}
            )
    if complete:
        errors += [f"{code}: " + _("This score is required.") for code in by_code if code not in scores]
    return errors


@transaction.atomic
def review_save(
    *,
    paper: Paper,
    reviewer,
    scores: dict | None = None,
    comment: str = "",
    confidential_comment: str = "",
    recommendation: str = "",
    submit: bool,
) -> Review:
    """Save the reviewer's review of a paper as a draft or submit it (one review per reviewer and paper).

    A draft may leave scores and the recommendation out; a submitted review has
    every criterion's score and a recommendation. A submitted review may be
    edited until the paper is decided, and stays submitted. Only a reviewer the
    paper is assigned to may review it.
    """
    # The paper's row is the lock a decision also takes, so no review lands on a decided paper.
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    if not ReviewAssignment.objects.filter(paper=paper, reviewer=reviewer).exists():
        raise ApplicationError(_("This paper is not assigned to you for review."))
    if paper.status not in REVIEWABLE:
        raise ApplicationError(_("This paper is decided or withdrawn: its reviews can no longer change."))
    review = Review.objects.filter(paper=paper, reviewer=reviewer).first() or Review(
        paper=paper, reviewer=reviewer, status=Review.Status.DRAFT
    )
    submit = submit or review.status == Review.Status.SUBMITTED
    scores = dict(scores or {})
    criteria = list(
        ReviewCriterion.objects.filter(conference_id=paper.conference_id, target=ReviewCriterion.Target.PAPER)
    )
    errors = {}
    score_errors = review_scores_errors(scores, criteria, complete=submit)
    if score_errors:
        errors["scores"] = score_errors
    if submit and not recommendation:
        errors["recommendation"] = [_("Choose a recommendation to submit the review.")]
    if errors:
        raise ValidationError(errors)
    review.scores = scores
    review.comment = nfc(comment, multiline=True) or ""
    review.confidential_comment = nfc(confidential_comment, multiline=True) or ""
    review.recommendation = recommendation
    if submit and review.status != Review.Status.SUBMITTED:
        review.status, review.submitted_at = Review.Status.SUBMITTED, timezone.now()
    validated_save(review)
    if submit:  # drafts do not count in the figures
        review_figures_refresh(conference_id=paper.conference_id, paper_ids=[paper.pk])
    if submit and paper.status == Paper.Status.SUBMITTED:
        Paper.objects.filter(pk=paper.pk, status=Paper.Status.SUBMITTED).update(
            status=Paper.Status.UNDER_REVIEW, updated_at=timezone.now()
        )
    return review


def review_submit(
    *, paper: Paper, reviewer, recommendation: str, scores: dict | None = None, comment: str = ""
) -> Review:
    """Submit a complete review at once (the demo's and admin's shortcut to review_save)."""
    return review_save(
        paper=paper,
        reviewer=reviewer,
        scores=scores,
        comment=comment,
        recommendation=recommendation,
        submit=True,
    )
