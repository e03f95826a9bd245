from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import (
    Conference,
    ConferenceRole,
    Organization,
    Paper,
    PaperAuthor,
    PaperRevision,
    Person,
    Review,
    ReviewCriterion,
)
from conferences.services.common import validated_save

# Decisions moved to paper_decisions; the other paper services' callers keep importing them from here.
from conferences.services.paper_decisions import paper_decide, paper_decide_many  # noqa: F401
from core.exceptions import ApplicationError
from core.text import nfc


@transaction.atomic
def paper_submit(
    *,
    conference: Conference,
    title: str,
    authors: list[Person],
    abstract: str = "",
    body: str = "",
    presenting_organization: Organization | None = None,
    presenter: Person | None = None,
    invitation=None,
    user=None,
) -> Paper:
    """Create a submitted paper with its ordered authors and its first revision."""
    if not authors:
        raise ValidationError({"authors": _("A paper needs at least one author.")})
    if len({a.pk for a in authors}) != len(authors):
        raise ValidationError({"authors": _("An author is listed twice.")})
    if presenter is not None and presenter not in authors:
        raise ValidationError({"presenter": _("The presenter must be one of the authors.")})
    paper = validated_save(
        Paper(
            conference=conference,
            invitation=invitation,
            title=nfc(title),
            abstract=abstract,
            body=body,
            presenting_organization=presenting_organization,
            status=Paper.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
    )
    PaperAuthor.objects.bulk_create(
        PaperAuthor(paper=paper, person=person, order=order, is_presenter=person == presenter)
        for order, person in enumerate(authors, start=1)
    )
    PaperRevision.objects.create(
        paper=paper, number=1, title=paper.title, abstract=paper.abstract, body=paper.body, created_by=user
    )
    return paper


@transaction.atomic
def paper_revise(*, paper: Paper, title: str, abstract: str = "", body: str = "", user=None) -> PaperRevision:
    """Store a new revision and make it the paper's current text; earlier ones are kept."""
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    if paper.status in {Paper.Status.ACCEPTED, Paper.Status.REJECTED, Paper.Status.WITHDRAWN}:
        raise ApplicationError(_("A decided or withdrawn paper cannot be revised."))
    last = paper.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    paper.title, paper.abstract, paper.body = nfc(title), abstract, body
    if paper.status == Paper.Status.REVISION_REQUESTED:
        paper.status = Paper.Status.SUBMITTED
    validated_save(paper)
    return PaperRevision.objects.create(
        paper=paper, number=last + 1, title=paper.title, abstract=abstract, body=body, created_by=user
    )


@transaction.atomic
def review_submit(
    *, paper: Paper, reviewer, recommendation: str, scores: dict[str, int] | None = None, comment: str = ""
) -> Review:
    """Create or replace the reviewer's review of a paper (one per reviewer and paper)."""
    if not ConferenceRole.objects.filter(
        conference_id=paper.conference_id, user=reviewer, role=ConferenceRole.Role.REVIEWER
    ).exists():
        raise ApplicationError(_("You are not a reviewer for this conference."))
    scores = scores or {}
    criteria = {c.code: c for c in ReviewCriterion.objects.filter(conference_id=paper.conference_id)}
    errors = {}
    for code, value in scores.items():
        criterion = criteria.get(code)
        if criterion is None:
            errors[code] = _("Unknown criterion.")
        elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= criterion.max_score:
            errors[code] = _("Enter a whole number from 0 to %(max)s.") % {"max": criterion.max_score}
    missing = set(criteria) - set(scores)
    for code in sorted(missing):
        errors[code] = _("This score is required.")
    if errors:
        raise ValidationError({"scores": [f"{code}: {message}" for code, message in errors.items()]})
    review = Review.objects.filter(paper=paper, reviewer=reviewer).first() or Review(
        paper=paper, reviewer=reviewer
    )
    review.scores, review.comment, review.recommendation = scores, comment, recommendation
    validated_save(review)
    if paper.status == Paper.Status.SUBMITTED:
        Paper.objects.filter(pk=paper.pk, status=Paper.Status.SUBMITTED).update(
            status=Paper.Status.UNDER_REVIEW
        )
    return review
