import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conferences.models import AgendaItem, Conference, Organization, Paper, Person, Room
from conferences.services.common import validated_save
from conferences.text import nfc


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
    errors: dict[str, str] = {}
    if ends_at < starts_at:
        errors["ends_at"] = _("An agenda item cannot end before it starts.")
    if room is not None and room.conference_id != conference.pk:
        errors["room"] = _("The room belongs to another conference.")
    if paper is not None and paper.conference_id != conference.pk:
        errors["paper"] = _("The paper belongs to another conference.")
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
