"""The figures of one conference's dashboard, and what needs the organizers' attention now.

Every figure is an aggregate in SQL: a fixed number of queries (nine) whatever the number of
invitations, delegates, papers or notices.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import (
    Conference,
    Invitation,
    Organization,
    Paper,
    Registration,
    Review,
    ReviewAssignment,
)
from conferences.selectors.notices import conference_notice_counts
from notifications.selectors import notification_state_choices

# How close the RSVP deadline must be before agencies that have not answered need chasing.
RSVP_ATTENTION_DAYS = 2

# Papers that wait for reviewers: submitted, or already in review (a reviewer may have been removed).
PAPERS_NEEDING_REVIEWERS = (Paper.Status.SUBMITTED, Paper.Status.UNDER_REVIEW)


@dataclass(frozen=True)
class Figure:
    """One labelled count: `key` is the stored value (a state, a kind), `label` what people read."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ConferenceDashboard:
    invitations: list[Figure]  # every state, in the model's order
    delegates_by_kind: list[Figure]  # agency kinds with delegates, most first
    delegates_by_province: list[Figure]  # provinces (key: code) with delegates, most first
    papers: list[Figure]  # every state
    notices: list[Figure]  # every state
    registered: int  # confirmed registrations
    checked_in: int
    reviews_assigned: int
    reviews_done: int
    held_notices: int
    papers_without_reviewers: int
    unanswered: int  # invitations sent and not answered
    rsvp_deadline: datetime.datetime | None
    rsvp_deadline_near: bool  # the deadline is RSVP_ATTENTION_DAYS away or less, and the conference ahead

    @property
    def invitations_total(self) -> int:
        return sum(figure.count for figure in self.invitations)

    @property
    def papers_total(self) -> int:
        return sum(figure.count for figure in self.papers)

    @property
    def notices_total(self) -> int:
        return sum(figure.count for figure in self.notices)

    @property
    def unanswered_needs_attention(self) -> bool:
        return self.rsvp_deadline_near and self.unanswered > 0

    @property
    def needs_attention(self) -> bool:
        return bool(self.held_notices or self.papers_without_reviewers or self.unanswered_needs_attention)


def _by_state(choices, counts: dict[str, int]) -> list[Figure]:
    return [Figure(key=value, label=str(label), count=counts.get(value, 0)) for value, label in choices]


def _grouped(queryset, field: str) -> dict:
    return dict(queryset.order_by().values(field).annotate(count=Count("pk")).values_list(field, "count"))


def _most_first(figures: list[Figure]) -> list[Figure]:
    return sorted(figures, key=lambda figure: (-figure.count, figure.label))


def conference_dashboard(
    *, conference: Conference, now: datetime.datetime | None = None
) -> ConferenceDashboard:
    """The dashboard's figures for `conference` as of `now`."""
    now = now or timezone.now()
    invitation_counts = _grouped(Invitation.objects.filter(conference=conference), "status")

    registrations = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
    totals = registrations.aggregate(
        registered=Count("pk"), checked_in=Count("pk", filter=Q(checked_in_at__isnull=False))
    )
    kind_labels = dict(Organization.Kind.choices)
    delegates_by_kind = _most_first(
        [
            Figure(key=kind or "", label=str(kind_labels.get(kind, _("No agency"))), count=count)
            for kind, count in _grouped(registrations, "organization__kind").items()
        ]
    )
    by_province = (
        registrations.order_by()
        .values("organization__province__code", "organization__province__name")
        .annotate(count=Count("pk"))
        .values_list("organization__province__code", "organization__province__name", "count")
    )
    delegates_by_province = _most_first(
        [
            Figure(key=code or "", label=name or _("No province"), count=count)
            for code, name, count in by_province
        ]
    )

    papers = Paper.objects.filter(conference=conference)
    paper_counts = _grouped(papers, "status")
    papers_without_reviewers = papers.filter(
        status__in=PAPERS_NEEDING_REVIEWERS, review_assignments__isnull=True
    ).count()
    reviews_assigned = ReviewAssignment.objects.filter(paper__conference=conference).count()
    reviews_done = Review.objects.filter(paper__conference=conference, status=Review.Status.SUBMITTED).count()

    notice_counts = conference_notice_counts(conference=conference)

    deadline = conference.rsvp_deadline
    deadline_near = (
        deadline is not None
        and now >= deadline - datetime.timedelta(days=RSVP_ATTENTION_DAYS)
        and now < conference.starts_at
    )
    return ConferenceDashboard(
        invitations=_by_state(Invitation.Status.choices, invitation_counts),
        delegates_by_kind=delegates_by_kind,
        delegates_by_province=delegates_by_province,
        papers=_by_state(Paper.Status.choices, paper_counts),
        notices=_by_state(notification_state_choices(), notice_counts),
        registered=totals["registered"],
        checked_in=totals["checked_in"],
        reviews_assigned=reviews_assigned,
        reviews_done=reviews_done,
        held_notices=notice_counts.get("held", 0),
        papers_without_reviewers=papers_without_reviewers,
        unanswered=invitation_counts.get(Invitation.Status.SENT, 0),
        rsvp_deadline=deadline,
        rsvp_deadline_near=deadline_near,
    )
