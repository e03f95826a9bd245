"""What the organizers' paper reports read: the export lists and the review summary, in fixed queries.

The figures (weighted score, spread, counts) come from review_stats, the one
place they are computed. Reviewer names are here: these reports are for
organizers only, who see who reviewed what even in blind review.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, QuerySet

from conferences.models import CallForPapers, Conference, Paper, PaperAuthor, Review, ReviewCriterion
from conferences.selectors.review_stats import PaperReviewStats, paper_review_stats, review_weighted_score


def reviewer_name(user) -> str:
    """The reviewer's name as the conference knows them: their person record, else their account."""
    person = getattr(user, "person", None)
    if person is not None:
        return person.full_name
    return user.get_full_name() or user.username


def reviewer_agency(user) -> str:
    person = getattr(user, "person", None)
    return person.organization.name if person is not None and person.organization_id else ""


def _margin(conference: Conference) -> int:
    margin = CallForPapers.objects.filter(conference=conference).values_list("disagreement_margin", flat=True)
    return margin.first() or CallForPapers._meta.get_field("disagreement_margin").default


def review_criteria(*, conference: Conference) -> list[ReviewCriterion]:
    return list(
        ReviewCriterion.objects.filter(conference=conference, target=ReviewCriterion.Target.PAPER).order_by(
            "position", "code"
        )
    )


def _papers(conference: Conference, paper_ids: Iterable[int] | None) -> QuerySet[Paper]:
    papers = (
        Paper.objects.filter(conference=conference)
        .exclude(status=Paper.Status.DRAFT)
        .select_related("topic", "presenting_organization", "current_revision")
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=PaperAuthor.objects.select_related("person__organization").order_by("order"),
            )
        )
        .annotate(revision_count=Count("revisions", distinct=True))
        .order_by("pk")
    )
    if paper_ids is not None:
        papers = papers.filter(pk__in=list(paper_ids))
    return papers


@dataclass(frozen=True)
class PaperReportRow:
    paper: Paper
    stats: PaperReviewStats

    @property
    def authors(self) -> list[PaperAuthor]:
        return list(self.paper.authorships.all())

    @property
    def presenter(self) -> str:
        return next((a.person.full_name for a in self.authors if a.is_presenter), "")


def papers_for_report(
    *, conference: Conference, paper_ids: Iterable[int] | None = None
) -> list[PaperReportRow]:
    """Every submitted paper (drafts left out) with its review figures, in six queries in all."""
    papers = list(_papers(conference, paper_ids))
    stats = paper_review_stats(
        conference_id=conference.pk, paper_ids=[p.pk for p in papers], margin=_margin(conference)
    )
    return [PaperReportRow(paper=paper, stats=stats[paper.pk]) for paper in papers]


@dataclass(frozen=True)
class ReviewReportRow:
    review: Review
    weighted_score: float | None

    @property
    def reviewer_name(self) -> str:
        return reviewer_name(self.review.reviewer)

    @property
    def reviewer_agency(self) -> str:
        return reviewer_agency(self.review.reviewer)


def reviews_for_report(
    *, conference: Conference, criteria: list[ReviewCriterion], paper_ids: Iterable[int] | None = None
) -> list[ReviewReportRow]:
    """Every review of the conference's papers (drafts included, marked by their status), in one query."""
    reviews = (
        Review.objects.filter(paper__conference=conference)
        .select_related("paper", "reviewer__person__organization")
        .order_by("paper_id", "created_at", "pk")
    )
    if paper_ids is not None:
        reviews = reviews.filter(paper_id__in=list(paper_ids))
    return [
        ReviewReportRow(review=review, weighted_score=review_weighted_score(review.scores or {}, criteria))
        for review in reviews
    ]


@dataclass(frozen=True)
class PaperReviewSummary:
    row: PaperReportRow
    reviews: list[ReviewReportRow]  # submitted ones only: drafts are the reviewer's own

    @property
    def paper(self) -> Paper:
        return self.row.paper

    @property
    def stats(self) -> PaperReviewStats:
        return self.row.stats


def paper_review_summaries(
    *, conference: Conference, paper_ids: Iterable[int] | None = None
) -> tuple[list[ReviewCriterion], list[PaperReviewSummary]]:
    """The criteria, and each paper with its submitted reviews, for the review summary; eight queries."""
    criteria = review_criteria(conference=conference)
    rows = papers_for_report(conference=conference, paper_ids=paper_ids)
    by_paper: dict[int, list[ReviewReportRow]] = {}
    for review in reviews_for_report(conference=conference, criteria=criteria, paper_ids=paper_ids):
        if review.review.status == Review.Status.SUBMITTED:
            by_paper.setdefault(review.review.paper_id, []).append(review)
    return criteria, [PaperReviewSummary(row=row, reviews=by_paper.get(row.paper.pk, [])) for row in rows]


def review_summary_stamp(*, conference: Conference) -> str:
    """A digest that changes whenever anything the all-papers summary shows changes (four small queries).

    Papers and reviews carry updated_at; criteria and the margin are few, so their values go in whole.
    """
    papers = Paper.objects.filter(conference=conference).aggregate(n=Count("pk"), last=Max("updated_at"))
    reviews = Review.objects.filter(paper__conference=conference).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    call = (
        CallForPapers.objects.filter(conference=conference)
        .values_list("disagreement_margin", flat=True)
        .first()
    )
    criteria = list(
        ReviewCriterion.objects.filter(conference=conference, target=ReviewCriterion.Target.PAPER)
        .order_by("pk")
        .values_list("pk", "code", "label", "max_score", "weight", "position")
    )
    text = repr((conference.updated_at, papers, reviews, call, criteria))
    return hashlib.sha256(text.encode()).hexdigest()[:24]
