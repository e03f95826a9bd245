"""Reads of the review: what a reviewer may see of a paper, their list, reviews they may read, the ranking.

Everything a reviewer is shown goes through `paper_for_reviewer`: in blind
mode it carries no author, agency or file name, so no page, endpoint or
download built on it can leak them.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from conferences.models import (
    CallForPapers,
    Conference,
    ConferenceRole,
    Paper,
    PaperAuthor,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerConflict,
    ReviewerInvitation,
)
from conferences.selectors.conferences import token_scope, user_roles
from core.text import fold

NOT_STARTED = "not_started"


def conference_reviewer_ids(*, conference: Conference) -> list[int]:
    return list(
        ConferenceRole.objects.filter(conference=conference, role=ConferenceRole.Role.REVIEWER)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def call_for_papers(conference: Conference) -> CallForPapers:
    return CallForPapers.objects.filter(conference=conference).first() or CallForPapers(conference=conference)


def reviewer_conferences(*, user):
    if not user.is_authenticated:
        return Conference.objects.none()
    reviewed = user_roles(user=user).filter(role=ConferenceRole.Role.REVIEWER).values("conference_id")
    return Conference.objects.filter(pk__in=reviewed).order_by("-starts_at")


def reviewer_assignments(*, reviewer):
    """The reviewer's assignments, in the conference of their token's scope only if they use one."""
    assignments = ReviewAssignment.objects.filter(reviewer=reviewer)
    scope = token_scope(reviewer)
    return assignments if scope is None else assignments.filter(paper__conference_id=scope)


def reviewer_conference_get(*, user, slug: str) -> Conference:
    """The conference the user reviews for; Conference.DoesNotExist otherwise."""
    return reviewer_conferences(user=user).get(slug=slug)


@dataclass(frozen=True)
class ReviewerPaper:
    """A paper as a reviewer may see it: authors, agency and file name only when the review is not blind."""

    id: int
    title: str
    abstract: str
    body: str
    topic: str
    status: str
    status_label: str
    revision_number: int | None
    has_file: bool
    blind: bool
    authors: tuple[tuple[str, str], ...] | None = None  # (name, agency), not in blind mode
    agency: str | None = None
    file_name: str | None = None
    revision_id: int | None = field(default=None, repr=False)


def paper_for_reviewer(*, paper_id: int, reviewer) -> ReviewerPaper | None:
    """The paper if it is assigned to the reviewer, seen as they may see it; else None."""
    paper = (
        Paper.objects.select_related("topic", "current_revision", "presenting_organization", "conference")
        .filter(pk=paper_id, review_assignments__in=reviewer_assignments(reviewer=reviewer))
        .first()
    )
    if paper is None:
        return None
    return _paper_seen(paper, blind=call_for_papers(paper.conference).blind_review)


def paper_for_organizer_api(*, conference: Conference, pk: int) -> ReviewerPaper | None:
    """The paper as the organizers see it in the reviews endpoint: the same shape, never blind."""
    paper = (
        Paper.objects.select_related("topic", "current_revision", "presenting_organization", "conference")
        .filter(pk=pk, conference=conference)
        .first()
    )
    return None if paper is None else _paper_seen(paper, blind=False)


def _paper_seen(paper: Paper, *, blind: bool) -> ReviewerPaper:
    revision = paper.current_revision
    has_file = bool(revision.file if revision else paper.file)
    seen = {
        "id": paper.pk,
        "title": paper.title,
        "abstract": paper.abstract,
        "body": paper.body,
        "topic": paper.topic.label if paper.topic else "",
        "status": paper.status,
        "status_label": paper.get_status_display(),
        "revision_number": revision.number if revision else None,
        "has_file": has_file,
        "blind": blind,
        "revision_id": revision.pk if revision else None,
    }
    if not blind:
        authorships = PaperAuthor.objects.filter(paper=paper).select_related("person__organization")
        seen["authors"] = tuple(
            (a.person.full_name, a.person.organization.name if a.person.organization else "")
            for a in authorships
        )
        seen["agency"] = paper.presenting_organization.name if paper.presenting_organization else ""
        seen["file_name"] = revision.file_name if revision else ""
    return ReviewerPaper(**seen)


class ReviewerAssignmentRow(NamedTuple):
    paper_id: int
    title: str
    topic: str
    paper_status: str
    paper_status_label: str
    review_status: str  # not_started, draft, submitted


def reviewer_assignment_rows(*, conference: Conference, reviewer) -> list[ReviewerAssignmentRow]:
    """The reviewer's assigned papers with how far their review is: two queries whatever the number."""
    assigned = (
        ReviewAssignment.objects.filter(paper__conference=conference, reviewer=reviewer)
        .order_by("paper_id")
        .values_list("paper_id", "paper__title", "paper__topic__label", "paper__status")
    )
    states = dict(
        Review.objects.filter(paper__conference=conference, reviewer=reviewer).values_list(
            "paper_id", "status"
        )
    )
    labels = {value: str(label) for value, label in Paper.Status.choices}
    return [
        ReviewerAssignmentRow(
            paper_id,
            title,
            topic or "",
            status,
            labels.get(status, status),
            states.get(paper_id, NOT_STARTED),
        )
        for paper_id, title, topic, status in assigned
    ]


@dataclass(frozen=True)
class VisibleReview:
    label: str  # "Phản biện 2" in blind mode, else the reviewer's name
    scores: dict
    comment: str
    recommendation: str
    recommendation_label: str
    reviewer: int | None = None  # organizers only
    confidential_comment: str | None = None  # organizers only
    status: str = Review.Status.SUBMITTED
    submitted_at: object = None


def reviews_for_organizer(*, paper: Paper) -> list[VisibleReview]:
    """Every review of the paper, drafts and confidential comments included, named, in writing order."""
    reviews = (
        Review.objects.filter(paper=paper).select_related("reviewer__person").order_by("created_at", "pk")
    )
    return [
        VisibleReview(
            label=user_display_name(review.reviewer),
            scores=review.scores,
            comment=review.comment,
            recommendation=review.recommendation,
            recommendation_label=review.get_recommendation_display(),
            reviewer=review.reviewer_id,
            confidential_comment=review.confidential_comment,
            status=review.status,
            submitted_at=review.submitted_at,
        )
        for review in reviews
    ]


def reviews_for_reviewer(*, paper_id: int, reviewer, blind: bool, label_format: str) -> list[VisibleReview]:
    """The other submitted reviews of the paper, once the reviewer submitted their own; else nothing.

    `label_format` ("Reviewer %(number)s", translated by the caller) names them
    in blind mode, numbered by assignment order; confidential comments never show.
    """
    reviews = list(
        Review.objects.filter(paper_id=paper_id, status=Review.Status.SUBMITTED).select_related(
            "reviewer__person"
        )
    )
    if not any(r.reviewer_id == reviewer.pk for r in reviews):
        return []
    order = list(
        ReviewAssignment.objects.filter(paper_id=paper_id)
        .order_by("created_at", "id")
        .values_list("reviewer_id", flat=True)
    )
    number = {user_id: n for n, user_id in enumerate(order, start=1)}
    visible = []
    for review in sorted(reviews, key=lambda r: number.get(r.reviewer_id, 0)):
        if review.reviewer_id == reviewer.pk:
            continue
        if blind:
            label = label_format % {"number": number.get(review.reviewer_id, "?")}
        else:
            label = user_display_name(review.reviewer)
        visible.append(
            VisibleReview(
                label=label,
                scores=review.scores,
                comment=review.comment,
                recommendation=review.recommendation,
                recommendation_label=review.get_recommendation_display(),
                submitted_at=review.submitted_at,
            )
        )
    return visible


def user_display_name(user) -> str:
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()


def review_criteria(conference: Conference) -> list[ReviewCriterion]:
    return list(ReviewCriterion.objects.filter(conference=conference, target=ReviewCriterion.Target.PAPER))


class RankingRow(NamedTuple):
    """A paper of the ranking table with its figures: a plain tuple, a thousand are made per request."""

    id: int
    title: str
    agency: str
    agency_key: str  # the agency's folded name, for sorting and search
    topic: str
    status: str
    assigned: int
    done: int
    mean: float | None
    spread: float | None
    disagreement: bool
    recommendations: dict[str, int]


RANKING_PAGE_SIZE = 50

# Each sort as the SQL order of the figures the services store (see services.review_figures); the paper's
# id breaks ties. Papers without figures yet count as nothing assigned and nothing done.
_DONE, _ASSIGNED = Coalesce("review_figures__done", 0), Coalesce("review_figures__assigned", 0)
SORTS = {
    "id": ["pk"],
    "title": ["search_title"],
    "agency": [Coalesce("presenting_organization__search_name", Value(""))],
    "status": ["status"],
    "mean": ["review_figures__mean"],
    "spread": ["review_figures__spread"],
    "done": [_DONE, _ASSIGNED],
}


def _ordering(sort: str) -> list:
    descending = sort.startswith("-")
    order = []
    for key in SORTS.get(sort.lstrip("-"), SORTS["mean"]):
        expression = F(key) if isinstance(key, str) else key
        # A missing score sorts below every score, as in the ascending order it comes first.
        order.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True))
    return [*order, "pk"]


def _ranking_filtered(*, conference, call_margin, status, topic, disagreement, incomplete, q):
    papers = Paper.objects.filter(conference=conference)
    if status:
        papers = papers.filter(status=status)
    if topic:
        papers = papers.filter(topic_id=topic)
    if disagreement:
        papers = papers.filter(review_figures__spread__gt=call_margin)
    if incomplete:
        # Not every review in: fewer done than assigned, or nothing assigned at all.
        papers = papers.alias(done=_DONE, due=Greatest(_ASSIGNED, 1)).filter(done__lt=F("due"))
    if q:
        needle = fold(q)
        papers = papers.filter(
            Q(search_title__contains=needle) | Q(presenting_organization__search_name__contains=needle)
        )
    return papers


def _call_margin(conference: Conference):
    """The call's disagreement margin as a constant subquery: read with the rows, not by a query apart."""
    return Coalesce(
        Subquery(CallForPapers.objects.filter(conference=conference).values("disagreement_margin")[:1]),
        Value(CallForPapers._meta.get_field("disagreement_margin").default),
    )


def paper_ids_matching(
    *,
    conference: Conference,
    status: str = "",
    topic: int | None = None,
    disagreement: bool = False,
    incomplete: bool = False,
    q: str = "",
) -> list[int]:
    """The ids of every paper the ranking table shows with these filters, on any of its pages."""
    call_margin = _call_margin(conference)
    papers = _ranking_filtered(
        conference=conference,
        call_margin=call_margin,
        status=status,
        topic=topic,
        disagreement=disagreement,
        incomplete=incomplete,
        q=q,
    )
    return sorted(papers.values_list("pk", flat=True))


def paper_ranking(
    *,
    conference: Conference,
    status: str = "",
    topic: int | None = None,
    disagreement: bool = False,
    incomplete: bool = False,
    q: str = "",
    sort: str = "-mean",
    page: int | str | None = 1,
    page_size: int = RANKING_PAGE_SIZE,
) -> Page:
    """One page of the conference's papers with their review figures, filtered and sorted in SQL.

    Two queries (the count, the page) whatever the number of papers and reviews:
    the figures are stored per paper by the services that change them, so no review is read here.
    The page's `object_list` holds `RankingRow`s.
    """
    call_margin = _call_margin(conference)
    papers = _ranking_filtered(
        conference=conference,
        call_margin=call_margin,
        status=status,
        topic=topic,
        disagreement=disagreement,
        incomplete=incomplete,
        q=q,
    )
    total = papers.count()  # before the select's joins, which a count does not need
    rows = (
        papers.annotate(margin=call_margin)
        .order_by(*_ordering(sort))
        .values_list(
            "pk",
            "title",
            "presenting_organization__name",
            "presenting_organization__search_name",
            "topic__label",
            "status",
            "review_figures__assigned",
            "review_figures__done",
            "review_figures__mean",
            "review_figures__spread",
            "review_figures__recommendations",
            "margin",
        )
    )
    paginator = Paginator(rows, page_size)
    paginator.count = total  # a cached property: the count above is the one the pages need
    page = paginator.get_page(page)
    page.object_list = [
        RankingRow(
            pk,
            title,
            agency or "",
            agency_key or "",
            topic_label or "",
            paper_status,
            assigned or 0,
            done or 0,
            mean,
            spread,
            spread is not None and spread > margin,
            recommendations or {},
        )
        for (
            pk,
            title,
            agency,
            agency_key,
            topic_label,
            paper_status,
            assigned,
            done,
            mean,
            spread,
            recommendations,
            margin,
        ) in page.object_list
    ]
    return page


def paper_for_organizer(*, conference: Conference, pk: int) -> Paper | None:
    """A paper with its authors, revisions, assignments and every review (drafts included)."""
    return (
        Paper.objects.filter(conference=conference, pk=pk)
        .select_related("presenting_organization", "topic", "current_revision")
        .prefetch_related(
            Prefetch("authorships", queryset=PaperAuthor.objects.select_related("person__organization")),
            "revisions",
            Prefetch(
                "review_assignments",
                queryset=ReviewAssignment.objects.select_related("reviewer__person__organization"),
            ),
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer__person")),
        )
        .first()
    )


@dataclass(frozen=True)
class ReviewerRow:
    user_id: int
    name: str
    email: str
    agency: str
    assigned: int
    done: int
    conflicts: tuple[str, ...]


def reviewer_rows(*, conference: Conference) -> list[ReviewerRow]:
    """The conference's reviewers with their agency, load, reviews done and conflicts; four queries."""
    roles = (
        ConferenceRole.objects.filter(conference=conference, role=ConferenceRole.Role.REVIEWER)
        .select_related("user__person__organization")
        .order_by("user__person__sort_key", "user_id")
    )
    assigned: dict[int, int] = {}
    for user_id in ReviewAssignment.objects.filter(paper__conference=conference).values_list(
        "reviewer_id", flat=True
    ):
        assigned[user_id] = assigned.get(user_id, 0) + 1
    done: dict[int, int] = {}
    for user_id in Review.objects.filter(
        paper__conference=conference, status=Review.Status.SUBMITTED
    ).values_list("reviewer_id", flat=True):
        done[user_id] = done.get(user_id, 0) + 1
    conflicts: dict[int, list[str]] = {}
    for user_id, name in ReviewerConflict.objects.filter(conference=conference).values_list(
        "reviewer_id", "organization__name"
    ):
        conflicts.setdefault(user_id, []).append(name)
    rows = []
    for role in roles:
        user = role.user
        person = getattr(user, "person", None)
        rows.append(
            ReviewerRow(
                user_id=user.pk,
                name=person.full_name if person else user.get_username(),
                email=user.email,
                agency=person.organization.name if person and person.organization else "",
                assigned=assigned.get(user.pk, 0),
                done=done.get(user.pk, 0),
                conflicts=tuple(conflicts.get(user.pk, ())),
            )
        )
    return rows


def open_reviewer_invitations(*, conference: Conference, role: str = "reviewer"):
    """Open invitations to the role (the same links invite organizers: see services.team)."""
    return ReviewerInvitation.objects.filter(
        conference=conference, role=role, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("organization")
