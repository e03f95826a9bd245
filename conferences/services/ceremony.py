"""The awards ceremony: its running order (batches called on stage) and where it stands.

The stage screen follows CeremonyState.step: every press of Next or Previous is
one conditional UPDATE that moves the batch on stage and adds one to the step,
so two organizers pressing at the same moment make two steps, never a lost or a
doubled one, and a screen can tell a change from a repeat by the step alone.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Now
from django.db.models.lookups import IsNull
from django.utils.translation import gettext as _

from conferences.models import AgendaItem, Award, CeremonyBatch, CeremonyState, Conference
from conferences.services.common import validated_save
from core.exceptions import ApplicationError
from core.text import nfc

MAX_BATCHES = 200


def _state(conference: Conference) -> CeremonyState:
    try:
        state, _created = CeremonyState.objects.get_or_create(conference=conference)
    except IntegrityError:  # Created by a concurrent request between the get and the create.
        state = CeremonyState.objects.get(conference=conference)
    return state


def _awards_item(conference: Conference, agenda_item: AgendaItem | None) -> AgendaItem | None:
    if agenda_item is None:
        return (
            AgendaItem.objects.filter(conference=conference, kind=AgendaItem.Kind.AWARDS)
            .order_by("starts_at", "position", "pk")
            .first()
        )
    if agenda_item.conference_id != conference.pk or agenda_item.kind != AgendaItem.Kind.AWARDS:
        raise ValidationError(
            {"agenda_item": _("Choose an agenda item of kind “Awards ceremony” of this conference.")}
        )
    return agenda_item


def _check_award_ids(conference: Conference, batches: list[dict]) -> None:
    seen: set[int] = set()
    twice: set[int] = set()
    for batch in batches:
        for award_id in batch.get("award_ids", []):
            (twice if award_id in seen else seen).add(award_id)
    if twice:
        raise ValidationError(
            {"batches": _("Each award is called on stage once; in more than one batch: %(ids)s.")
             % {"ids": ", ".join(str(i) for i in sorted(twice))}}
        )  # fmt: skip
    own = set(Award.objects.filter(decision__conference=conference, pk__in=seen).values_list("pk", flat=True))
    foreign = seen - own
    if foreign:
        raise ValidationError(
            {"batches": _("These are not awards of this conference's decisions: %(ids)s.")
             % {"ids": ", ".join(str(i) for i in sorted(foreign))}}
        )  # fmt: skip


@transaction.atomic
def ceremony_batches_set(
    *, conference: Conference, batches: list[dict], agenda_item: AgendaItem | None = None
) -> list[CeremonyBatch]:
    """Replace the running order: batches in list order, each {title, presenter, award_ids}.

    Every award of the conference is in at most one batch; an award left out is
    not called on stage. The batches belong to the conference's awards item of the
    agenda (`agenda_item`, or its first one). A ceremony under way stays at the
    same position, and the screens are told (the step grows).
    """
    if len(batches) > MAX_BATCHES:
        raise ValidationError({"batches": _("At most %(n)d batches.") % {"n": MAX_BATCHES}})
    agenda_item = _awards_item(conference, agenda_item)
    _check_award_ids(conference, batches)
    # The state's row lock queues this behind (and ahead of) any press of Next or Previous.
    state = CeremonyState.objects.select_for_update().get(pk=_state(conference).pk)
    position = state.current_batch.position if state.current_batch_id else 0

    Award.objects.filter(batch__conference=conference).update(batch=None)
    CeremonyBatch.objects.filter(conference=conference).delete()
    created = []
    for index, spec in enumerate(batches, start=1):
        batch = CeremonyBatch(
            conference=conference,
            agenda_item=agenda_item,
            position=index,
            title=nfc(spec.get("title", "")),
            presenter=nfc(spec.get("presenter", "")),
        )
        try:
            validated_save(batch)
        except ValidationError as exc:
            raise ValidationError({"batches": [f"{index}: {m}" for m in exc.messages]}) from exc
        Award.objects.filter(pk__in=spec.get("award_ids", [])).update(batch=batch)
        created.append(batch)

    current = created[min(position, len(created)) - 1] if position and created else None
    CeremonyState.objects.filter(pk=state.pk).update(
        current_batch=current, step=F("step") + 1, updated_at=Now()
    )
    return created


def ceremony_advance(
    *, conference: Conference, user, direction: int | None = None, to: int | None = None
) -> CeremonyState:
    """Move the stage one batch on (+1) or back (-1), or to the batch at position `to`.

    One UPDATE whose WHERE and SET find the target batch from the row's own
    current batch: two presses at once are queued by the row lock, and the second
    sees the first's result (PostgreSQL re-reads the row; SQLite runs writers one at a time).
    """
    if (direction is None) == (to is None) or direction not in (None, 1, -1) or (to is not None and to < 1):
        raise ValidationError({"direction": _("Give a direction of 1 or -1, or a position to go to.")})
    state = _state(conference)
    if to is not None:
        target_position = Value(int(to))
    else:
        current_position = Subquery(
            CeremonyBatch.objects.filter(pk=OuterRef(OuterRef("current_batch_id")))
            .order_by()
            .values("position")
        )
        target_position = Coalesce(current_position, Value(0)) + Value(direction)
    target = CeremonyBatch.objects.filter(conference_id=conference.pk, position=target_position).order_by()
    # A scalar subquery in WHERE, not EXISTS: PostgreSQL turns EXISTS into a semi-join, and when
    # a concurrent press has changed the row it rechecks the join against the batch found
    # before (no longer the target) and skips the row: a press lost. A correlated scalar
    # subquery is evaluated again on the row's new version, so the press lands one further on.
    # The read after the UPDATE is in its transaction: the row stays locked until it is read,
    # so the caller sees where its own press landed, not a later press's.
    with transaction.atomic():
        moved = (
            CeremonyState.objects.filter(pk=state.pk)
            .filter(IsNull(Subquery(target.values("pk")), False))
            .update(
                current_batch=Subquery(target.values("pk")),
                step=F("step") + 1,
                updated_by=user if getattr(user, "is_authenticated", False) else None,
                updated_at=Now(),
            )
        )
        state.refresh_from_db()
    if not moved:
        if not CeremonyBatch.objects.filter(conference=conference).exists():
            raise ApplicationError(_("The ceremony has no running order yet."))
        if to is not None:
            raise ApplicationError(_("There is no batch at position %(position)d.") % {"position": to})
        if direction == 1:
            raise ApplicationError(_("The last batch is on stage: the ceremony is at its end."))
        raise ApplicationError(_("The first batch is on stage: there is none before it."))
    return state


def ceremony_reset(*, conference: Conference, user) -> CeremonyState:
    """Take every batch off the stage (before the first one); the screens follow."""
    state = _state(conference)
    CeremonyState.objects.filter(pk=state.pk).update(
        current_batch=None,
        step=F("step") + 1,
        updated_by=user if getattr(user, "is_authenticated", False) else None,
        updated_at=Now(),
    )
    state.refresh_from_db()
    return state
