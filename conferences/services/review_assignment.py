"""Who reviews which paper: by hand, in bulk, and automatically with even loads.

The one rule of who may review a paper lives in `forbidden_pairs`: a reviewer
never gets a paper of their own agency (the presenting agency or an author's),
of an agency they declared a conflict with (both judged by
selectors.review_conflicts, shared with the award panel), or one they wrote.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conferences.models import (
    CallForPapers,
    Conference,
    Paper,
    PaperAuthor,
    Person,
    Review,
    ReviewAssignment,
)
from conferences.selectors.review_conflicts import CONFLICT, OWN_AGENCY, agency_conflicts
from conferences.selectors.reviews import conference_reviewer_ids
from conferences.services.assignment_algorithm import assign, eligible_counts
from conferences.services.review_figures import review_figures_refresh
from core.exceptions import ApplicationError

# Papers waiting for reviews; a draft, decided or withdrawn paper gets no reviewer.
OPEN_STATUSES = (Paper.Status.SUBMITTED, Paper.Status.UNDER_REVIEW)

OWN_PAPER = "own_paper"


@dataclass(frozen=True)
class ShortPaper:
    paper_id: int
    title: str
    assigned: int
    needed: int
    reason: str


@dataclass
class AutoAssignResult:
    created: int = 0
    papers: int = 0
    complete: int = 0
    short: list[ShortPaper] = field(default_factory=list)


def forbidden_pairs(
    *, conference: Conference, paper_ids: Iterable[int], reviewer_ids: Iterable[int]
) -> dict[tuple[int, int], str]:
    """Every (paper, reviewer) pair that must not be made, with why; four queries whatever the size."""
    paper_ids, reviewer_ids = list(paper_ids), list(reviewer_ids)
    agencies: dict[int, set[int]] = defaultdict(set)
    writers: dict[int, set[int]] = defaultdict(set)
    papers = Paper.objects.filter(pk__in=paper_ids)
    for paper_id, organization_id in papers.values_list("pk", "presenting_organization_id"):
        if organization_id:
            agencies[paper_id].add(organization_id)
    for paper_id, organization_id, user_id in PaperAuthor.objects.filter(paper_id__in=paper_ids).values_list(
        "paper_id", "person__organization_id", "person__user_id"
    ):
        if organization_id:
            agencies[paper_id].add(organization_id)
        if user_id:
            writers[paper_id].add(user_id)
    forbidden = agency_conflicts(conference=conference, agencies=agencies, reviewer_ids=reviewer_ids)
    for paper_id in paper_ids:
        for user_id in writers[paper_id]:
            forbidden[(paper_id, user_id)] = OWN_PAPER
    return forbidden


REFUSALS = {
    OWN_AGENCY: lambda: _("A reviewer cannot review a paper of their own agency."),
    CONFLICT: lambda: _("The reviewer declared a conflict with this paper's agency."),
    OWN_PAPER: lambda: _("A reviewer cannot review their own paper."),
}


def _refusal(paper: Paper, reviewer, *, reviewers: set[int], forbidden: dict) -> str | None:
    if reviewer.pk not in reviewers:
        return _("%(name)s is not a reviewer of this conference.") % {"name": _user_name(reviewer)}
    if paper.status not in OPEN_STATUSES:
        return _("“%(title)s” is not waiting for reviews (it is %(status)s).") % {
            "title": paper.title,
            "status": paper.get_status_display().lower(),
        }
    reason = forbidden.get((paper.pk, reviewer.pk))
    return REFUSALS[reason]() if reason else None


def _user_name(user) -> str:
    person = Person.objects.filter(user=user).only("full_name").first()
    return person.full_name if person else user.get_username()


@transaction.atomic
def review_assign_many(
    *, conference: Conference, paper_ids: list[int], reviewer_ids: list[int], assigned_by
) -> list[ReviewAssignment]:
    """Give every chosen paper to every chosen reviewer: all the new pairs, or none if one is refused.

    Pairs that exist already are kept as they are. Return the new assignments.
    """
    papers = list(Paper.objects.filter(conference=conference, pk__in=paper_ids).order_by("pk"))
    if not papers or len(papers) != len(set(paper_ids)):
        raise ValidationError({"papers": _("Choose papers of this conference.")})
    users = list(get_user_model().objects.filter(pk__in=reviewer_ids).order_by("pk"))
    if not users or len(users) != len(set(reviewer_ids)):
        raise ValidationError({"reviewers": _("Choose reviewers of this conference.")})
    _lock(conference)
    reviewers = set(conference_reviewer_ids(conference=conference))
    forbidden = forbidden_pairs(
        conference=conference, paper_ids=[p.pk for p in papers], reviewer_ids=[u.pk for u in users]
    )
    existing = set(
        ReviewAssignment.objects.filter(paper__in=papers, reviewer__in=users).values_list(
            "paper_id", "reviewer_id"
        )
    )
    errors, new = [], []
    for paper in papers:
        for user in users:
            if (paper.pk, user.pk) in existing:
                continue
            refusal = _refusal(paper, user, reviewers=reviewers, forbidden=forbidden)
            if refusal:
                errors.append(f"{paper.title} – {_user_name(user)}: {refusal}")
            else:
                new.append(
                    ReviewAssignment(
                        paper=paper,
                        reviewer=user,
                        source=ReviewAssignment.Source.MANUAL,
                        assigned_by=assigned_by,
                    )
                )
    if errors:
        raise ValidationError({"assignments": errors})
    made = ReviewAssignment.objects.bulk_create(new)
    review_figures_refresh(conference_id=conference.pk, paper_ids={a.paper_id for a in made})
    return made


def review_assign(*, paper: Paper, reviewer, assigned_by) -> ReviewAssignment:
    """Give the paper to the reviewer (assigning twice keeps the first assignment)."""
    review_assign_many(
        conference=paper.conference, paper_ids=[paper.pk], reviewer_ids=[reviewer.pk], assigned_by=assigned_by
    )
    return ReviewAssignment.objects.get(paper=paper, reviewer=reviewer)


@transaction.atomic
def review_unassign(*, paper: Paper, reviewer) -> None:
    """Take the paper from the reviewer; refused once they submitted its review (a draft stays theirs)."""
    if Review.objects.filter(paper=paper, reviewer=reviewer, status=Review.Status.SUBMITTED).exists():
        raise ApplicationError(_("The reviewer has submitted a review of this paper: it stays assigned."))
    deleted, _rows = ReviewAssignment.objects.filter(paper=paper, reviewer=reviewer).delete()
    if not deleted:
        raise ApplicationError(_("This paper is not assigned to this reviewer."))
    review_figures_refresh(conference_id=paper.conference_id, paper_ids=[paper.pk])


def _lock(conference: Conference) -> CallForPapers:
    """A short lock on the call's row: two organizers assigning at once take turns."""
    call, _created = CallForPapers.objects.get_or_create(conference=conference)
    return CallForPapers.objects.select_for_update().get(pk=call.pk)


@transaction.atomic
def review_auto_assign(*, conference: Conference, assigned_by) -> AutoAssignResult:
    """Give every open paper the call's number of reviewers, keeping what is assigned, loads even.

    Existing assignments stay. A paper that fewer reviewers may review than it
    needs gets all who may, and is reported with why.
    """
    call = _lock(conference)
    papers = dict(
        Paper.objects.filter(conference=conference, status__in=OPEN_STATUSES).values_list("pk", "title")
    )
    reviewers = conference_reviewer_ids(conference=conference)
    forbidden = forbidden_pairs(conference=conference, paper_ids=papers, reviewer_ids=reviewers)
    reviewer_set = set(reviewers)
    existing = [
        pair
        for pair in ReviewAssignment.objects.filter(
            paper__conference=conference, paper_id__in=papers
        ).values_list("paper_id", "reviewer_id")
        if pair[1] in reviewer_set
    ]
    per_paper = call.reviewers_per_paper
    new = assign(papers, reviewers, set(forbidden), existing, per_paper)
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                paper_id=p, reviewer_id=r, source=ReviewAssignment.Source.AUTOMATIC, assigned_by=assigned_by
            )
            for p, r in new
        ],
        batch_size=1000,
    )
    review_figures_refresh(conference_id=conference.pk, paper_ids={p for p, _r in new})
    counts: dict[int, int] = defaultdict(int)
    for paper_id, _reviewer in [*existing, *new]:
        counts[paper_id] += 1
    eligible = eligible_counts(papers, reviewers, set(forbidden))
    result = AutoAssignResult(created=len(new), papers=len(papers))
    for paper_id, title in sorted(papers.items()):
        if counts[paper_id] >= per_paper:
            result.complete += 1
            continue
        if not reviewers:
            reason = _("The conference has no reviewers yet.")
        else:
            reason = _(
                "Only %(eligible)s of the %(reviewers)s reviewers may review it: "
                "the others are of its agency or declared a conflict with it."
            ) % {"eligible": eligible[paper_id], "reviewers": len(reviewers)}
        result.short.append(
            ShortPaper(
                paper_id=paper_id, title=title, assigned=counts[paper_id], needed=per_paper, reason=reason
            )
        )
    return result
