import datetime
import re

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conferences.models import (
    AgendaItem,
    AuditEntry,
    CallForPapers,
    Conference,
    ConferenceRole,
    Organization,
    Person,
    Room,
)
from conferences.models.conference import CONFERENCE_LANGUAGES, RESERVED_SLUGS
from conferences.services.audit import audit_record
from conferences.services.common import validated_save
from conferences.services.invitation_sending import rsvp_deadline_changed
from core.exceptions import ApplicationError, PermissionDeniedError
from core.text import fold, nfc

SLUG_LENGTH = 50  # Short enough to read aloud and to type from a printed invitation.


def _slug_base(title: str) -> str:
    """The title's words, cut at a word boundary; a document number keeps its parts apart.

    slugify drops "/" and would glue "19/2014/QĐ-TTg" into "192014qd-ttg".
    """
    slug = slugify(re.sub(r"[/\\.,;:]+", " ", fold(title)))
    if len(slug) > SLUG_LENGTH:
        cut = slug[: SLUG_LENGTH + 1].rsplit("-", 1)[0]
        slug = cut if "-" in slug[: SLUG_LENGTH + 1] else slug[:SLUG_LENGTH]
    return slug.strip("-")


def _unique_slug(title: str) -> str:
    base = _slug_base(title) or "hoi-nghi"
    slug, n = base, 1
    # A title that is one of the site's own words ("Thông báo") gets a number, as a taken slug does.
    while slug in RESERVED_SLUGS or Conference.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# What conference_update may change: status and its dates move only through publish and close.
UPDATABLE_FIELDS = frozenset(
    {
        "slug", "title_vi", "title_en", "short_title", "kind", "legal_basis", "description",
        "proceedings_foreword", "review_period_start", "review_period_end", "host", "chair",
        "starts_at", "ends_at", "venue_name", "venue_address", "rsvp_deadline", "paper_deadline",
        "nomination_deadline", "capacity", "default_delegate_quota", "languages",
    }
)  # fmt: skip


def user_may_create_conference(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm("conferences.add_conference"))


@transaction.atomic
def conference_create(
    *,
    title_vi: str,
    host: Organization,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    slug: str = "",
    title_en: str = "",
    short_title: str = "",
    kind: str = Conference.Kind.MID_TERM_REVIEW,
    legal_basis: str = "",
    description: str = "",
    review_period_start: int | None = None,
    review_period_end: int | None = None,
    venue_name: str = "",
    venue_address: str = "",
    rsvp_deadline: datetime.datetime | None = None,
    paper_deadline: datetime.datetime | None = None,
    nomination_deadline: datetime.datetime | None = None,
    capacity: int | None = None,
    default_delegate_quota: int = 1,
    languages: list[str] | None = None,
    chair: Person | None = None,
    rooms: list[str] | tuple[str, ...] = (),
    organizers: list[AbstractBaseUser] | tuple = (),
    creator: AbstractBaseUser | None = None,
    actor: AbstractBaseUser | None = None,
) -> Conference:
    """Create a draft conference with its call for papers and rooms.

    A `creator` must hold the permission to add conferences and becomes its
    first organizer (the admin and the demo pass none: the admin checks its own
    permissions, the demo names the organizers). What a person does (`creator`,
    or `actor` from the admin) is audited; seeding data (the demo, fixtures)
    passes neither and writes no entry, as with the other services here.
    """
    actor = actor or creator
    if creator is not None and not user_may_create_conference(creator):
        raise PermissionDeniedError(_("You may not create conferences."))
    conference = Conference(
        slug=slug or _unique_slug(title_vi),
        title_vi=nfc(title_vi),
        title_en=nfc(title_en),
        short_title=nfc(short_title),
        kind=kind,
        legal_basis=nfc(legal_basis),
        description=description,
        review_period_start=review_period_start,
        review_period_end=review_period_end,
        host=host,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_name=nfc(venue_name),
        venue_address=nfc(venue_address),
        rsvp_deadline=rsvp_deadline,
        paper_deadline=paper_deadline,
        nomination_deadline=nomination_deadline,
        capacity=capacity,
        default_delegate_quota=default_delegate_quota,
        languages=_ordered_languages(languages) if languages is not None else ["vi"],
        chair=chair,
    )
    conference_validate(conference=conference)
    validated_save(conference)
    CallForPapers.objects.create(conference=conference)
    room_names: set[str] = set()
    for position, name in enumerate(rooms):
        name = nfc(name)
        if fold(name) in room_names:
            raise ValidationError({"rooms": _("Two rooms are named “%(name)s”.") % {"name": name}})
        room_names.add(fold(name))
        validated_save(Room(conference=conference, name=name, position=position))
    for user in [*organizers, *([creator] if creator is not None else [])]:
        conference_role_grant(conference=conference, user=user, role=ConferenceRole.Role.ORGANIZER)
    if actor is not None:
        audit_record(
            action=AuditEntry.Action.CONFERENCE_CREATED,
            target=conference,
            conference=conference,
            actor=actor,
            data={"slug": conference.slug, "rooms": [nfc(name) for name in rooms]},
        )
    return conference


def _ordered_languages(languages) -> list[str]:
    """The chosen codes in the site's order; an unknown code is left in for validation to name."""
    chosen = list(dict.fromkeys(languages or []))
    known = [code for code in CONFERENCE_LANGUAGES if code in chosen]
    return known + [code for code in chosen if code not in CONFERENCE_LANGUAGES]


def conference_validate(*, conference: Conference) -> None:
    """The rules a conference obeys, whatever path writes it (service, admin form).

    They repeat the model's check constraints so that a bad value is an error
    naming its field before the database would refuse the row.
    """
    errors: dict[str, str] = {}
    if conference.starts_at and conference.ends_at and conference.ends_at <= conference.starts_at:
        errors["ends_at"] = _("The conference must end after it starts.")
    if conference.rsvp_deadline and conference.starts_at and conference.rsvp_deadline > conference.starts_at:
        errors["rsvp_deadline"] = _("The RSVP deadline must not be after the conference starts.")
    if (
        conference.review_period_start
        and conference.review_period_end
        and conference.review_period_end < conference.review_period_start
    ):
        errors["review_period_end"] = _("The review period must not end before it starts.")
    if conference.capacity is not None and conference.capacity <= 0:
        errors["capacity"] = _("The capacity must be at least 1, or left empty.")
    if conference.default_delegate_quota is None or conference.default_delegate_quota < 1:
        errors["default_delegate_quota"] = _("Each agency must be allowed at least one delegate.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def conference_update(*, conference: Conference, actor=None, **fields) -> Conference:
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"conference_update cannot change {sorted(unknown)}")
    deadline_before = conference.rsvp_deadline
    changed = []
    for name, value in fields.items():
        if name == "languages" and value is not None:
            value = _ordered_languages(value)
        value = nfc(value) if isinstance(value, str) else value
        if getattr(conference, name) != value:
            changed.append(name)
        setattr(conference, name, value)
    conference_validate(conference=conference)
    validated_save(conference)
    if conference.rsvp_deadline != deadline_before:
        rsvp_deadline_changed(conference=conference)
    if changed and actor is not None:
        audit_record(
            action=AuditEntry.Action.CONFERENCE_CHANGED,
            target=conference,
            conference=conference,
            actor=actor,
            data={"fields": sorted(changed)},
        )
    return conference


def conference_role_grant(*, conference: Conference, user: AbstractBaseUser, role: str) -> ConferenceRole:
    conference_role, _created = ConferenceRole.objects.get_or_create(
        conference=conference, user=user, role=role
    )
    return conference_role


@transaction.atomic
def conference_publish(*, conference: Conference, actor=None) -> Conference:
    """Make a draft conference public. Publishing twice changes nothing."""
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if conference.status == Conference.Status.CLOSED:
        raise ApplicationError(_("A closed conference cannot be published again."))
    if conference.status == Conference.Status.DRAFT:
        conference.status = Conference.Status.PUBLISHED
        conference.published_at = timezone.now()
        conference.save(update_fields=["status", "published_at", "updated_at"])
        if actor is not None:
            audit_record(
                action=AuditEntry.Action.CONFERENCE_PUBLISHED,
                target=conference,
                conference=conference,
                actor=actor,
            )
    return conference


@transaction.atomic
def conference_close(*, conference: Conference, actor=None) -> Conference:
    """Close a published conference. Closing twice changes nothing; a draft cannot be closed."""
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if conference.status == Conference.Status.DRAFT:
        raise ApplicationError(
            _("Only a published conference can be closed: publish it first."), code="draft"
        )
    if conference.status == Conference.Status.PUBLISHED:
        conference.status = Conference.Status.CLOSED
        conference.closed_at = timezone.now()
        conference.save(update_fields=["status", "closed_at", "updated_at"])
        if actor is not None:
            audit_record(
                action=AuditEntry.Action.CONFERENCE_CLOSED,
                target=conference,
                conference=conference,
                actor=actor,
            )
    return conference


# Rooms -------------------------------------------------------------------------------------------------


def _room_name_taken(*, conference: Conference, name: str, room: Room | None = None) -> None:
    others = Room.objects.filter(conference=conference).exclude(pk=room.pk if room else None)
    if any(fold(other) == fold(name) for other in others.values_list("name", flat=True)):
        raise ValidationError(
            {"name": _("This conference has a room named “%(name)s” already.") % {"name": name}}
        )


@transaction.atomic
def room_add(*, conference: Conference, name: str, capacity: int | None = None, actor=None) -> Room:
    """Add a room at the end of the conference's list."""
    name = nfc(name) or ""
    Conference.objects.select_for_update().filter(pk=conference.pk).first()
    _room_name_taken(conference=conference, name=name)
    last = Room.objects.filter(conference=conference).order_by("-position").values_list("position", flat=True)
    room = validated_save(
        Room(conference=conference, name=name, capacity=capacity, position=(last.first() or 0) + 1)
    )
    audit_record(
        action=AuditEntry.Action.ROOM_ADDED,
        target=room,
        conference=conference,
        actor=actor,
        data={"name": name},
    )
    return room


@transaction.atomic
def room_update(*, room: Room, name: str, capacity: int | None = None, actor=None) -> Room:
    """Rename a room (or change its capacity); agenda items keep pointing at it."""
    room = Room.objects.select_for_update().get(pk=room.pk)
    before = room.name
    room.name, room.capacity = nfc(name) or "", capacity
    _room_name_taken(conference=room.conference, name=room.name, room=room)
    validated_save(room)
    audit_record(
        action=AuditEntry.Action.ROOM_RENAMED,
        target=room,
        conference=room.conference,
        actor=actor,
        data={"from": before, "to": room.name, "capacity": capacity},
    )
    return room


@transaction.atomic
def rooms_reorder(*, conference: Conference, room_ids: list[int], actor=None) -> list[Room]:
    """Put the conference's rooms in this order; the list must name each of its rooms once."""
    rooms = {room.pk: room for room in Room.objects.select_for_update().filter(conference=conference)}
    if sorted(room_ids) != sorted(rooms):
        raise ValidationError({"rooms": _("List each room of this conference once.")})
    for position, pk in enumerate(room_ids, start=1):
        rooms[pk].position = position
    Room.objects.bulk_update(rooms.values(), ["position"])
    audit_record(
        action=AuditEntry.Action.ROOMS_REORDERED,
        object_type="room",
        conference=conference,
        actor=actor,
        data={"order": list(room_ids)},
    )
    return [rooms[pk] for pk in room_ids]


@transaction.atomic
def room_move(*, room: Room, offset: int, actor=None) -> list[Room]:
    """Move a room up (-1) or down (+1) in its conference's list; at either end it stays."""
    order = list(Room.objects.filter(conference=room.conference).values_list("pk", flat=True))
    index = order.index(room.pk)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    return rooms_reorder(conference=room.conference, room_ids=order, actor=actor)


@transaction.atomic
def room_remove(*, room: Room, actor=None) -> None:
    """Remove a room no agenda item uses (its items would silently lose their place otherwise)."""
    room = Room.objects.select_for_update().select_related("conference").get(pk=room.pk)
    used = AgendaItem.objects.filter(room=room).count()
    if used:
        raise ValidationError(
            {
                "room": ngettext(
                    "“%(name)s” is the room of %(count)s agenda item: move it to another room first.",
                    "“%(name)s” is the room of %(count)s agenda items: move them to another room first.",
                    used,
                )
                % {"name": room.name, "count": used}
            },
            code="in_use",
        )
    audit_record(
        action=AuditEntry.Action.ROOM_REMOVED,
        target=room,
        conference=room.conference,
        actor=actor,
        data={"name": room.name},
    )
    room.delete()


def conference_close_finished(*, now: datetime.datetime | None = None) -> int:
    """Close every published conference that has ended; return how many were closed.

    A conditional update, so running it twice (or in two workers) closes each
    conference once.
    """
    now = now or timezone.now()
    return Conference.objects.filter(status=Conference.Status.PUBLISHED, ends_at__lte=now).update(
        status=Conference.Status.CLOSED, closed_at=now, updated_at=now
    )
