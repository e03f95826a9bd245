"""Reads for the awards ceremony: its running order, where it stands, and the stage screen's snapshot."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from conferences.models import (
    AgendaItem,
    Award,
    AwardDecision,
    CeremonyBatch,
    CeremonyState,
    Certificate,
    Conference,
)
from conferences.selectors.conferences import PUBLIC_STATUSES

# The reading order of recipients inside a batch: the decisions' order, then each annex's.
AWARD_READING_ORDER = ("decision__signed_on", "decision_id", "ceremony_order", "pk")


def _awards() -> QuerySet[Award]:
    return Award.objects.select_related(
        "category", "recipient_organization", "recipient_person", "decision__document__issuer"
    ).order_by(*AWARD_READING_ORDER)


def ceremony_running_order(*, conference: Conference) -> list[CeremonyBatch]:
    """The batches in stage order, each with its awards in reading order (two queries)."""
    return list(
        CeremonyBatch.objects.filter(conference=conference)
        .select_related("agenda_item")
        .prefetch_related(Prefetch("awards", queryset=_awards()))
        .order_by("position")
    )


def ceremony_awards(*, conference: Conference) -> list[Award]:
    """Every award of the conference's decisions, in reading order, with the batch that calls it."""
    return list(_awards().filter(decision__conference=conference).select_related("batch"))


def ceremony_awards_item(*, conference: Conference) -> AgendaItem | None:
    """The agenda item the ceremony belongs to: its batches' item, else the first item of kind awards."""
    return (
        AgendaItem.objects.filter(conference=conference, kind=AgendaItem.Kind.AWARDS)
        .order_by("starts_at", "position", "pk")
        .first()
    )


def ceremony_state_get(*, conference: Conference) -> CeremonyState | None:
    return (
        CeremonyState.objects.filter(conference=conference)
        .select_related("current_batch", "updated_by")
        .first()
    )


def award_decisions_for_conference(*, conference: Conference) -> list[AwardDecision]:
    """The decisions with their awards in annex order, and whether certificates froze them (two queries)."""
    return list(
        AwardDecision.objects.filter(conference=conference)
        .select_related("document__issuer")
        .annotate(has_certificates=Exists(Certificate.objects.filter(award__decision=OuterRef("pk"))))
        .prefetch_related(
            Prefetch(
                "awards",
                queryset=Award.objects.select_related(
                    "category", "recipient_organization", "recipient_person", "batch"
                ).order_by("ceremony_order", "pk"),
            )
        )
        .order_by("signed_on", "pk")
    )


def award_decision_get(*, conference: Conference, pk: int) -> AwardDecision | None:
    """One decision of the conference with its awards in annex order; None for another conference's."""
    return (
        AwardDecision.objects.filter(conference=conference, pk=pk)
        .select_related("document__issuer__parent", "conference")
        .prefetch_related(
            Prefetch(
                "awards",
                queryset=Award.objects.select_related(
                    "category", "recipient_organization", "recipient_person"
                ).order_by("ceremony_order", "pk"),
            )
        )
        .first()
    )


def award_get_for_conference(*, conference: Conference, pk: int) -> Award | None:
    return (
        Award.objects.filter(decision__conference=conference, pk=pk)
        .select_related("decision__document", "category", "recipient_organization", "recipient_person")
        .first()
    )


def stage_award_data(award: Award) -> dict:
    """What the stage shows of an award: the public award data only (as on the conference page)."""
    return {"recipient": award.recipient_name, "citation": award.citation, "category": award.category.name_vi}


def ceremony_stage_snapshot(*, slug: str, any_status: bool = False) -> dict | None:
    """{step, batch} for the stage screen of a published conference; None if there is no such conference.

    `any_status` (for its organizers' controller) takes a draft conference too.

    One query for the conference, its state and the batch on stage (left joins),
    and one for that batch's awards when a batch is on stage.
    """
    row = (
        Conference.objects.filter(slug=slug)
        .filter(**({} if any_status else {"status__in": PUBLIC_STATUSES}))
        .values(
            "pk",
            "ceremony_state__step",
            "ceremony_state__current_batch_id",
            "ceremony_state__current_batch__position",
            "ceremony_state__current_batch__title",
            "ceremony_state__current_batch__presenter",
        )
        .first()
    )
    if row is None:
        return None
    batch_id = row["ceremony_state__current_batch_id"]
    batch = None
    if batch_id is not None:
        awards = (
            _awards()
            .filter(batch_id=batch_id)
            .select_related(None)
            .select_related("category", "recipient_organization", "recipient_person")
        )
        batch = {
            "id": batch_id,
            "position": row["ceremony_state__current_batch__position"],
            "title": row["ceremony_state__current_batch__title"],
            "presenter": row["ceremony_state__current_batch__presenter"],
            "awards": [stage_award_data(award) for award in awards],
        }
    return {"step": row["ceremony_state__step"] or 0, "batch": batch}
