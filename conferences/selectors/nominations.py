"""Reads of award nominations: the ranking with the panel's scores, an agency's own, a member's."""

from dataclasses import dataclass

from django.db.models import QuerySet

from conferences.models import (
    AwardCategory,
    AwardDecision,
    Conference,
    ConferenceRole,
    Nomination,
    NominationScore,
    Registration,
    ReviewCriterion,
)
from conferences.selectors.conferences import user_roles
from conferences.selectors.review_conflicts import agency_conflicts
from conferences.selectors.review_stats import weighted_scorer

OWN_NOMINATION = "own_nomination"


@dataclass(frozen=True)
class RankedNomination:
    nomination: Nomination
    scores: tuple[float, ...]  # each submitted panel score, weighted, 0-100
    mean: float | None
    submitted: int  # panel members who submitted
    drafts: int


def nomination_criteria(conference: Conference) -> list[ReviewCriterion]:
    """The panel's criteria: the conference's review criteria of target "nomination"."""
    return list(
        ReviewCriterion.objects.filter(
            conference=conference, target=ReviewCriterion.Target.NOMINATION
        ).order_by("position", "code")
    )


def _nominations(conference: Conference) -> QuerySet[Nomination]:
    return Nomination.objects.filter(conference=conference).select_related(
        "category",
        "nominee_organization",
        "nominee_person__organization",
        "nominated_by_registration__organization",
        "nominated_by_user",
        "award__decision__document",
    )


def nominations_ranking(
    conference: Conference, *, statuses: list[str] | None = None
) -> list[RankedNomination]:
    """The conference's nominations, best weighted mean first (unscored last, then oldest first).

    Three queries whatever the number of nominations and scores.
    """
    nominations = _nominations(conference)
    if statuses:
        nominations = nominations.filter(status__in=statuses)
    nominations = list(nominations.order_by("id"))
    scorer = weighted_scorer(nomination_criteria(conference))
    values: dict[int, list[float]] = {}
    drafts: dict[int, int] = {}
    submitted: dict[int, int] = {}
    rows = NominationScore.objects.filter(nomination__conference=conference).values_list(
        "nomination_id", "status", "scores"
    )
    for nomination_id, status, scores in rows:
        if status != NominationScore.Status.SUBMITTED:
            drafts[nomination_id] = drafts.get(nomination_id, 0) + 1
            continue
        submitted[nomination_id] = submitted.get(nomination_id, 0) + 1
        score = scorer(scores if isinstance(scores, dict) else {})
        if score is not None:
            values.setdefault(nomination_id, []).append(score)
    ranked = []
    for nomination in nominations:
        own = tuple(values.get(nomination.pk, ()))
        ranked.append(
            RankedNomination(
                nomination=nomination,
                scores=own,
                mean=round(sum(own) / len(own), 2) if own else None,
                submitted=submitted.get(nomination.pk, 0),
                drafts=drafts.get(nomination.pk, 0),
            )
        )
    ranked.sort(key=lambda row: (row.mean is None, -(row.mean or 0), row.nomination.pk))
    return ranked


def nomination_get(*, conference: Conference, pk) -> Nomination | None:
    return _nominations(conference).filter(pk=pk).first()


def nominations_of_registration(registration: Registration) -> list[Nomination]:
    """What an agency's link nominated (all statuses, newest first)."""
    return list(
        _nominations(registration.conference).filter(nominated_by_registration=registration).order_by("-id")
    )


def nomination_of_registration(*, registration: Registration, pk) -> Nomination | None:
    return _nominations(registration.conference).filter(nominated_by_registration=registration, pk=pk).first()


def panel_member(*, conference: Conference, user) -> bool:
    """Whether the user sits on the conference's evaluation panel: its reviewers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user_roles(user=user).filter(conference=conference, role=ConferenceRole.Role.REVIEWER).exists()


def nomination_conflicts(
    *, conference: Conference, nominations: list[Nomination], reviewer_id: int
) -> dict[int, str]:
    """The nominations this panel member may not score, with why (the papers' agency rule).

    A nomination belongs to the nominated agency, or to the nominated person's agency; a member
    never scores their own agency's nomination, one of an agency they declared a conflict with,
    or their own. Needs the nominations with nominee_person loaded; two queries.
    """
    agencies = {
        n.pk: {
            n.nominee_organization_id or (n.nominee_person.organization_id if n.nominee_person_id else None)
        }
        - {None}
        for n in nominations
    }
    barred = agency_conflicts(conference=conference, agencies=agencies, reviewer_ids=[reviewer_id])
    reasons = {item: reason for (item, _user), reason in barred.items()}
    for n in nominations:
        if n.nominee_person_id and n.nominee_person.user_id == reviewer_id:
            reasons[n.pk] = OWN_NOMINATION
    return reasons


def nominations_for_panel(
    *, conference: Conference, reviewer
) -> list[tuple[Nomination, NominationScore | None]]:
    """The nominations this member scores: submitted ones, less those they may not judge; with their score."""
    nominations = list(_nominations(conference).filter(status=Nomination.Status.SUBMITTED).order_by("id"))
    barred = nomination_conflicts(conference=conference, nominations=nominations, reviewer_id=reviewer.pk)
    nominations = [n for n in nominations if n.pk not in barred]
    own = {
        score.nomination_id: score
        for score in NominationScore.objects.filter(nomination__conference=conference, reviewer=reviewer)
    }
    return [(nomination, own.get(nomination.pk)) for nomination in nominations]


def panel_nomination_get(*, conference: Conference, reviewer, pk) -> Nomination | None:
    """A nomination this member may open: not withdrawn and not one they may not judge."""
    nomination = _nominations(conference).exclude(status=Nomination.Status.WITHDRAWN).filter(pk=pk).first()
    if nomination is None or nomination_conflicts(
        conference=conference, nominations=[nomination], reviewer_id=reviewer.pk
    ):
        return None
    return nomination


def nomination_score_of(*, nomination: Nomination, reviewer) -> NominationScore | None:
    return NominationScore.objects.filter(nomination=nomination, reviewer=reviewer).first()


def award_categories() -> list[AwardCategory]:
    return list(AwardCategory.objects.order_by("name_vi"))


def award_decisions_of(conference: Conference) -> list[AwardDecision]:
    return list(AwardDecision.objects.filter(conference=conference).select_related("document__issuer"))
