"""Reads of the call for papers and of papers as their submitters and organizers see them.

Two rules live here because the service, the pages and the API all ask them:
`call_state` (is the call open, and until when) and `paper_edit_state` (may the
submitter still change or withdraw this paper).
"""

import dataclasses
import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import (
    CallForPapers,
    Conference,
    Paper,
    PaperAuthor,
    PaperRevision,
    PaperTopic,
    Registration,
    Review,
    ReviewCriterion,
)
from core.text import fold

# The call ------------------------------------------------------------------------------------------------


def call_for_papers_get(conference: Conference) -> CallForPapers:
    """The conference's call (every conference has one: migration 0009 and conference_create make it)."""
    return CallForPapers.objects.select_related("conference").get(conference=conference)


def call_topics(conference: Conference) -> list[PaperTopic]:
    return list(PaperTopic.objects.filter(conference=conference).order_by("position", "id"))


def call_criteria(conference: Conference) -> list[ReviewCriterion]:
    return list(
        ReviewCriterion.objects.filter(conference=conference, target=ReviewCriterion.Target.PAPER).order_by(
            "position", "code"
        )
    )


@dataclasses.dataclass(frozen=True)
class CallState:
    """Whether the call takes papers now. `state` is one of the constants below."""

    NOT_ANNOUNCED = "not_announced"  # No close time yet: nobody can submit.
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"

    state: str
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None

    @property
    def is_open(self) -> bool:
        return self.state == self.OPEN

    @property
    def message(self) -> str:
        """Why a submission is refused now (empty when the call is open)."""
        if self.state == self.NOT_ANNOUNCED:
            return _("The call for papers has not been announced yet.")
        if self.state == self.NOT_YET_OPEN:
            return _("The call for papers opens at %(time)s.") % {"time": _local_text(self.opens_at)}
        if self.state == self.CLOSED:
            return _("The call for papers closed at %(time)s.") % {"time": _local_text(self.closes_at)}
        return ""


def _local_text(moment: datetime.datetime | None) -> str:
    # Vietnam time, 24 hours, dd/mm/yyyy: what the pages and the messages show.
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}" if moment else ""


def call_state(call: CallForPapers, now: datetime.datetime | None = None) -> CallState:
    """Open from `opens_at` (or at once when unset) until the conference's paper deadline, excluded."""
    now = now or timezone.now()
    opens_at, closes_at = call.opens_at, call.closes_at
    if closes_at is None:
        state = CallState.NOT_ANNOUNCED
    elif opens_at is not None and now < opens_at:
        state = CallState.NOT_YET_OPEN
    elif now >= closes_at:
        state = CallState.CLOSED
    else:
        state = CallState.OPEN
    return CallState(state=state, opens_at=opens_at, closes_at=closes_at)


# What the submitter may still do ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class EditState:
    can_edit: bool
    until: datetime.datetime | None  # The end of the editing window, when there is one.
    reason: str  # Why the paper cannot be edited (empty when it can).
    can_withdraw: bool


_DECIDED = {Paper.Status.ACCEPTED, Paper.Status.REJECTED}
_BEFORE_DECISION = {Paper.Status.DRAFT, Paper.Status.SUBMITTED, Paper.Status.UNDER_REVIEW}


def paper_edit_state(paper: Paper, call: CallForPapers, now: datetime.datetime | None = None) -> EditState:
    """The one rule for changing a paper from its submitter's side.

    Submitted or under review: editable while the call is open. Asked for a
    revision: editable until the revision round closes (no close time set: until
    the organizers lock the final version). Never once locked, decided or withdrawn.
    Withdrawal is possible until the decision.
    """
    now = now or timezone.now()
    can_withdraw = paper.status in _BEFORE_DECISION and paper.locked_at is None
    if paper.status == Paper.Status.WITHDRAWN:
        return EditState(False, None, _("This paper has been withdrawn."), False)
    if paper.locked_at is not None:
        return EditState(False, None, _("The final version of this paper is locked."), False)
    if paper.status in _DECIDED:
        return EditState(False, None, _("A decided paper can no longer be changed."), False)
    if paper.status == Paper.Status.REVISION_REQUESTED:
        until = call.revision_closes_at
        if until is not None and now >= until:
            return EditState(
                False,
                until,
                _("The revision round closed at %(time)s.") % {"time": _local_text(until)},
                can_withdraw,
            )
        return EditState(True, until, "", can_withdraw)
    state = call_state(call, now)
    if not state.is_open:
        return EditState(False, state.closes_at, state.message, can_withdraw)
    return EditState(True, state.closes_at, "", can_withdraw)


# Papers -------------------------------------------------------------------------------------------------


def _with_details(queryset: QuerySet[Paper]) -> QuerySet[Paper]:
    return queryset.select_related(
        "conference", "topic", "presenting_organization", "current_revision", "registration"
    ).prefetch_related(
        Prefetch("authorships", queryset=PaperAuthor.objects.select_related("person__organization")),
        Prefetch("revisions", queryset=PaperRevision.objects.select_related("topic").order_by("number")),
    )


def papers_of_registration(registration: Registration) -> list[Paper]:
    """The papers a delegate's link submitted, newest first, with their authors and revisions."""
    return list(_with_details(Paper.objects.filter(registration=registration)).order_by("-id"))


def paper_of_registration(*, registration: Registration, pk: int) -> Paper | None:
    """One paper the delegate's link submitted, or None (another's paper is as good as missing)."""
    return _with_details(Paper.objects.filter(registration=registration, pk=pk)).first()


def paper_revision_get(*, paper: Paper, number: int) -> PaperRevision | None:
    return PaperRevision.objects.filter(paper=paper, number=number).first()


def papers_for_organizers(
    *,
    conference: Conference,
    status: str = "",
    topic: int | None = None,
    organization: int | None = None,
    query: str = "",
    ordering: str = "",
) -> QuerySet[Paper]:
    """The conference's papers with filters and an accent-insensitive search on title and agency."""
    queryset = _with_details(Paper.objects.filter(conference=conference))
    if status:
        queryset = queryset.filter(status=status)
    if topic:
        queryset = queryset.filter(topic_id=topic)
    if organization:
        queryset = queryset.filter(presenting_organization_id=organization)
    if query:
        # Titles have no folded column: fold them in Python over this conference's (few hundred) papers.
        words = fold(query).split()
        matching = [
            pk
            for pk, title, agency in Paper.objects.filter(conference=conference).values_list(
                "pk", "title", "presenting_organization__search_name"
            )
            if all(word in f"{fold(title)} {agency or ''}" for word in words)
        ]
        queryset = queryset.filter(pk__in=matching)
    return queryset.order_by(*(ORDERINGS.get(ordering) or ORDERINGS["submitted_at"]))


ORDERINGS = {
    "submitted_at": ["submitted_at", "id"],
    "-submitted_at": ["-submitted_at", "-id"],
    "title": ["title", "id"],
    "-title": ["-title", "-id"],
    "status": ["status", "id"],
    "id": ["id"],
}


def paper_get_for_organizers(*, conference: Conference, pk: int) -> Paper | None:
    return _with_details(Paper.objects.filter(conference=conference, pk=pk)).first()


def paper_reviews_for_author(paper: Paper) -> list[Review]:
    """What the authors may read of the reviews: nothing before the decision, then the comments to them.

    The views and serializers show only `comment` and `recommendation` of what this returns;
    reviewer names and confidential comments are never read here (`only` keeps them out).
    """
    if paper.status not in _DECIDED and paper.status != Paper.Status.REVISION_REQUESTED:
        return []
    if paper.decided_at is None:
        return []
    return list(
        Review.objects.filter(paper=paper, status=Review.Status.SUBMITTED)
        .filter(~Q(comment="") | ~Q(recommendation=""))
        .only("id", "paper_id", "comment", "recommendation", "submitted_at")
        .order_by("created_at", "id")
    )
