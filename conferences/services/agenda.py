import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import AgendaItem, Conference, Organization, Paper, Person, Room
from conferences.services.common import validated_save
from core.text import nfc

# The rules every write of an item follows --------------------------------------------------------------


def _conference_day_bounds(conference: Conference) -> tuple[datetime.datetime, datetime.datetime | None]:
    """The start of the conference's first day and the start of the day after its last (Vietnam time)."""
    first_day = timezone.localtime(conference.starts_at).date()
    last_day = timezone.localtime(conference.ends_at).date()
    zone = timezone.get_current_timezone()
    after_last = None
    if last_day < datetime.date.max:
        after_last = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(), zone)
    return datetime.datetime.combine(first_day, datetime.time(), zone), after_last


def agenda_time_outside_days(*, conference: Conference, when: datetime.datetime) -> bool:
    """Whether a moment falls outside the conference's days, the days as Vietnam's calendar counts them.

    The one rule for an item's times: every write refuses them, and the agenda
    check flags items stored before the rule (or moved out by new conference
    dates). Comparing instants, not local dates, keeps an absurd time such as
    9999-12-31 23:50 from overflowing on its way to local time.
    """
    first, after_last = _conference_day_bounds(conference)
    return when < first or (after_last is not None and when >= after_last)


def _outside_days_message(conference: Conference) -> str:
    first = timezone.localtime(conference.starts_at).date()
    last = timezone.localtime(conference.ends_at).date()
    if first == last:
        return _("An agenda item must take place on the conference's day, %(day)s.") % {
            "day": f"{first:%d/%m/%Y}"
        }
    return _("An agenda item must take place within the conference's days, %(first)s to %(last)s.") % {
        "first": f"{first:%d/%m/%Y}",
        "last": f"{last:%d/%m/%Y}",
    }


def agenda_item_errors(
    *,
    conference: Conference,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    room: Room | None = None,
    paper: Paper | None = None,
) -> dict[str, str]:
    """What is wrong with an item's times, room and paper, by field; every write of an item checks these."""
    errors: dict[str, str] = {}
    for name, when in (("starts_at", starts_at), ("ends_at", ends_at)):
        if agenda_time_outside_days(conference=conference, when=when):
            errors[name] = _outside_days_message(conference)
    if "ends_at" not in errors and ends_at < starts_at:
        errors["ends_at"] = _("An agenda item cannot end before it starts.")
    if room is not None and room.conference_id != conference.pk:
        errors["room"] = _("The room belongs to another conference.")
    if paper is not None and paper.conference_id != conference.pk:
        errors["paper"] = _("The paper belongs to another conference.")
    return errors


# Writes ------------------------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_create(
    *,
    conference: Conference,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    title: str,
    kind: str = AgendaItem.Kind.OTHER,
    room: Room | None = None,
    description: str = "",
    presenter_text: str = "",
    presenting_organization: Organization | None = None,
    chair: Person | None = None,
    speakers: list[Person] | tuple = (),
    paper: Paper | None = None,
    position: int | None = None,
) -> AgendaItem:
    errors = agenda_item_errors(
        conference=conference, starts_at=starts_at, ends_at=ends_at, room=room, paper=paper
    )
    if errors:
        raise ValidationError(errors)
    if position is None:
        position = AgendaItem.objects.filter(conference=conference).count()
    item = validated_save(
        AgendaItem(
            conference=conference,
            starts_at=starts_at,
            ends_at=ends_at,
            title=nfc(title),
            kind=kind,
            room=room,
            description=description,
            presenter_text=nfc(presenter_text),
            presenting_organization=presenting_organization,
            chair=chair,
            paper=paper,
            position=position,
        )
    )
    if speakers:
        item.speakers.set(speakers)
    return item


_EDITABLE = {
    "starts_at",
    "ends_at",
    "title",
    "kind",
    "room",
    "description",
    "presenter_text",
    "presenting_organization",
    "chair",
    "paper",
    "position",
}


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, speakers: list[Person] | None = None, **fields) -> AgendaItem:
    """Change an item of the working agenda; nobody is told until the next version is published."""
    unknown = set(fields) - _EDITABLE
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(item, name, nfc(value) if isinstance(value, str) else value)
    errors = agenda_item_errors(
        conference=item.conference,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        room=item.room,
        paper=item.paper,
    )
    if errors:
        raise ValidationError(errors)
    validated_save(item)
    if speakers is not None:
        item.speakers.set(speakers)
    return item


def agenda_item_delete(*, item: AgendaItem) -> None:
    item.delete()


@transaction.atomic
def agenda_item_duplicate(*, item: AgendaItem) -> AgendaItem:
    """Copy an item right after itself (same time, no paper: a paper has one slot)."""
    copy = agenda_item_create(
        conference=item.conference,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        title=item.title,
        kind=item.kind,
        room=item.room,
        description=item.description,
        presenter_text=item.presenter_text,
        presenting_organization=item.presenting_organization,
        chair=item.chair,
        speakers=list(item.speakers.all()),
        position=item.position + 1,
    )
    AgendaItem.objects.filter(conference=item.conference, position__gt=item.position).exclude(
        pk=copy.pk
    ).update(position=models.F("position") + 1)
    return copy


@transaction.atomic
def agenda_item_move(
    *, item: AgendaItem, starts_at: datetime.datetime, room: Room | None = None
) -> AgendaItem:
    """Move an item to a new start, keeping its length (and optionally to another room)."""
    if agenda_time_outside_days(conference=item.conference, when=starts_at):
        # Refused before the new end is worked out: near the end of year 9999 it would overflow.
        raise ValidationError({"starts_at": _outside_days_message(item.conference)})
    length = item.ends_at - item.starts_at
    fields = {"starts_at": starts_at, "ends_at": starts_at + length}
    if room is not None:
        fields["room"] = room
    return agenda_item_update(item=item, **fields)


@transaction.atomic
def agenda_items_reorder(*, conference: Conference, item_ids: list[int]) -> None:
    """Set the display order of items that share a start time (or the whole list)."""
    items = {i.pk: i for i in AgendaItem.objects.filter(conference=conference, pk__in=item_ids)}
    if len(items) != len(set(item_ids)):
        raise ValidationError({"item_ids": _("Some items are not in this conference's agenda.")})
    for position, pk in enumerate(item_ids):
        items[pk].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])


@transaction.atomic
def agenda_item_shift(*, item: AgendaItem, direction: str) -> None:
    """Swap an item with its neighbour ("up" or "down") among the items that start at the same time."""
    same_start = list(
        AgendaItem.objects.filter(conference_id=item.conference_id, starts_at=item.starts_at)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    index = same_start.index(item.pk)
    target = {"up": index - 1, "down": index + 1}.get(direction, -1)
    if not 0 <= target < len(same_start):
        raise ValidationError({"direction": _("This item cannot move further in that direction.")})
    same_start[index], same_start[target] = same_start[target], same_start[index]
    agenda_items_reorder(conference=item.conference, item_ids=same_start)


@transaction.atomic
def agenda_fill_from_papers(
    *, conference: Conference, starts_at: datetime.datetime, slot_minutes: int = 15, room: Room | None = None
) -> list[AgendaItem]:
    """Add one item per accepted paper not yet on the agenda, back to back from `starts_at`."""
    if slot_minutes <= 0:
        raise ValidationError({"slot_minutes": _("Enter a slot length of at least one minute.")})
    if agenda_time_outside_days(conference=conference, when=starts_at):
        raise ValidationError({"starts_at": _outside_days_message(conference)})
    papers = (
        Paper.objects.filter(conference=conference, status=Paper.Status.ACCEPTED, agenda_item__isnull=True)
        .select_related("presenting_organization")
        .prefetch_related("authorships__person")
        .order_by("pk")
    )
    created, start = [], starts_at
    for number, paper in enumerate(papers, start=1):
        end = start + datetime.timedelta(minutes=slot_minutes)
        presenters = [a.person for a in paper.authorships.all() if a.is_presenter] or [
            a.person for a in paper.authorships.all()
        ][:1]
        created.append(
            agenda_item_create(
                conference=conference,
                starts_at=start,
                ends_at=end,
                title=_("Paper %(n)s: %(title)s") % {"n": number, "title": paper.title},
                kind=AgendaItem.Kind.PAPER,
                room=room,
                presenting_organization=paper.presenting_organization,
                presenter_text=paper.presenting_organization.name if paper.presenting_organization else "",
                speakers=presenters,
                paper=paper,
            )
        )
        start = end
    return created
