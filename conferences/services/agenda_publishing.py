"""Checking and publishing the agenda: immutable numbered versions, a changelog, and change notices.

Organizers edit the working items freely; nothing reaches anyone until they
publish. Publishing saves the version in a short transaction; a worker then
builds its exports into the cache and, from version 2 on, writes through the
outbox (once per version) a personal notice to each speaker or chair whose
items changed and (when AGENDA_NOTIFY_ALL is on) a short notice with the new
PDF to everyone else registered.
"""

import datetime
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.enums import NoticeKind
from conferences.exports.agenda import agenda_exports_build
from conferences.models import AgendaItem, AgendaVersion, Conference, Paper, Person, Registration
from conferences.selectors.agenda import agenda_item_list
from conferences.selectors.notices import agenda_notice_prefix
from conferences.services.agenda import agenda_time_outside_days
from conferences.services.notices import conference_notify, person_recipient
from core.exceptions import ApplicationError
from notifications.selectors import notifications_with_key_prefix
from notifications.services import Attachment

LONG_STRETCH = datetime.timedelta(hours=2)
PDF = "application/pdf"


@dataclass
class AgendaCheck:
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _overlap(a: AgendaItem, b: AgendaItem) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _label(item: AgendaItem) -> str:
    start, end = timezone.localtime(item.starts_at), timezone.localtime(item.ends_at)
    return f"{start:%H:%M}-{end:%H:%M} {item.title}"


def agenda_check(*, conference: Conference, items: list[AgendaItem] | None = None) -> AgendaCheck:
    """Find what blocks publishing (errors) and what an organizer should look at (warnings)."""
    items = list(items if items is not None else agenda_item_list(conference=conference))
    check = AgendaCheck()

    def error(code, message, *involved):
        check.errors.append({"code": code, "message": message, "items": [i.pk for i in involved]})

    def warning(code, message, *involved):
        check.warnings.append({"code": code, "message": message, "items": [i.pk for i in involved]})

    for item in items:
        if item.ends_at < item.starts_at:
            error("ends_before_start", _("%(item)s ends before it starts.") % {"item": item.title}, item)
        if any(
            agenda_time_outside_days(conference=conference, when=when)
            for when in (item.starts_at, item.ends_at)
        ):
            error(
                "outside_days", _("%(item)s is outside the conference's days.") % {"item": _label(item)}, item
            )
        if item.paper_id and item.paper.status != Paper.Status.ACCEPTED:
            error(
                "paper_not_accepted",
                _("%(item)s presents a paper that is not accepted.") % {"item": _label(item)},
                item,
            )
    for index, a in enumerate(items):
        for b in items[index + 1 :]:
            if not _overlap(a, b):
                continue
            if a.room_id and a.room_id == b.room_id:
                error(
                    "room_conflict",
                    _("%(room)s is used twice at once: %(a)s and %(b)s.")
                    % {"room": a.room.name, "a": _label(a), "b": _label(b)},
                    a,
                    b,
                )
            shared = {p.pk: p for p in a.speakers.all()}.keys() & {p.pk for p in b.speakers.all()}
            for person in (p for p in a.speakers.all() if p.pk in shared):
                error(
                    "speaker_conflict",
                    _("%(person)s is in two places at once: %(a)s and %(b)s.")
                    % {"person": person.full_name, "a": _label(a), "b": _label(b)},
                    a,
                    b,
                )
    ordered = sorted(items, key=lambda i: (i.starts_at, i.ends_at))
    stretch_start = None
    for item in ordered:
        if item.kind == AgendaItem.Kind.BREAK:
            stretch_start = None
            continue
        stretch_start = stretch_start or item
        if item.ends_at - stretch_start.starts_at > LONG_STRETCH:
            warning(
                "no_break",
                _("No break for over two hours from %(start)s.")
                % {"start": timezone.localtime(stretch_start.starts_at).strftime("%H:%M")},
                stretch_start,
                item,
            )
            stretch_start = None
    registered = set(
        Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED).values_list(
            "person_id", flat=True
        )
    )
    for item in items:
        for person in item.speakers.all():
            if person.pk not in registered:
                warning(
                    "speaker_not_registered",
                    _("%(person)s speaks at %(item)s but is not registered.")
                    % {"person": person.full_name, "item": _label(item)},
                    item,
                )
    return check


def item_snapshot(item: AgendaItem) -> dict:
    """How an item is frozen in a published version (and shown, exported and compared)."""
    start, end = timezone.localtime(item.starts_at), timezone.localtime(item.ends_at)
    presenter = item.presenter_text or (
        item.presenting_organization.name if item.presenting_organization else ""
    )
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "date": start.date().isoformat(),
        "start_label": f"{start:%H:%M}",
        "end_label": f"{end:%H:%M}",
        "room": item.room.name if item.room_id else "",
        "presenter": presenter,
        "organization": item.presenting_organization.name if item.presenting_organization_id else "",
        "chair": {"id": item.chair_id, "name": item.chair.full_name} if item.chair_id else None,
        "speakers": [{"id": p.pk, "name": p.full_name} for p in item.speakers.all()],
        "paper": item.paper_id,
        "sequence": 0,
    }


_COMPARED = {
    "start": "retimed",
    "end": "retimed",
    "room": "room_changed",
    "speakers": "speakers_changed",
    "chair": "chair_changed",
    "title": "retitled",
    "presenter": "presenter_changed",
    # Anything else an attendee sees: without these a fix to a description could never be published.
    "kind": "details_changed",
    "description": "details_changed",
    "organization": "details_changed",
    "paper": "details_changed",
}


def agenda_changelog(previous: list[dict], current: list[dict]) -> list[dict]:
    """What changed between two versions' items: added, removed, retimed, moved, room or speaker changes."""
    before = {i["id"]: i for i in previous}
    after = {i["id"]: i for i in current}
    changes = []
    for item_id, item in after.items():
        old = before.get(item_id)
        if old is None:
            changes.append({"type": "added", "item": item_id, "title": item["title"], "after": _when(item)})
            continue
        kinds = sorted({_COMPARED[key] for key in _COMPARED if old.get(key) != item.get(key)})
        for kind in kinds:
            changes.append(
                {
                    "type": kind,
                    "item": item_id,
                    "title": item["title"],
                    "before": _when(old),
                    "after": _when(item),
                }
            )
    for item_id, old in before.items():
        if item_id not in after:
            changes.append({"type": "removed", "item": item_id, "title": old["title"], "before": _when(old)})
    # "moved" is a new order among items that start together. An item that kept its time has not
    # moved because another one was retimed past it: comparing whole-list positions would say so.
    retimed = {c["item"] for c in changes if c["type"] == "retimed"}
    kept = {i for i in after if i in before and i not in retimed}
    starting_before: dict[str, list[int]] = {}
    starting_after: dict[str, list[int]] = {}
    for items, groups in ((before, starting_before), (after, starting_after)):
        for item_id, item in items.items():
            if item_id in kept:
                groups.setdefault(item["start"], []).append(item_id)
    for start, order_after in starting_after.items():
        for old_id, new_id in zip(starting_before[start], order_after, strict=True):
            if old_id != new_id:
                changes.append({"type": "moved", "item": new_id, "title": after[new_id]["title"]})
    return changes


def _when(item: dict) -> dict:
    return {
        "date": item["date"],
        "start": item["start_label"],
        "end": item["end_label"],
        "room": item["room"],
        "speakers": [s["name"] for s in item["speakers"]],
        "presenter": item["presenter"],
    }


@transaction.atomic
def agenda_publish(*, conference: Conference, actor=None) -> AgendaVersion:
    """Freeze the working agenda as the next version; a worker then tells the people it concerns.

    Errors from agenda_check block publishing. Publishing with nothing changed
    since the last version is refused, so a double click makes no empty version.
    The conference row is locked only while the version is decided and saved:
    its exports and change notices are made by agenda_version_prepare, in a task
    sent when this transaction commits.
    """
    from conferences.tasks import prepare_agenda_version

    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    items = list(agenda_item_list(conference=conference))
    if not items:
        raise ApplicationError(_("The agenda is empty."), code="agenda_empty")
    check = agenda_check(conference=conference, items=items)
    if not check.ok:
        raise ApplicationError(
            _("The agenda has errors that must be fixed before publishing."),
            code="agenda_has_errors",
            extra={"errors": check.errors, "warnings": check.warnings},
        )
    last = AgendaVersion.objects.filter(conference=conference).order_by("-number").first()
    snapshot = [item_snapshot(item) for item in items]
    previous = last.items if last else []
    changelog = agenda_changelog(previous, snapshot) if last else []
    if last and not changelog:
        raise ApplicationError(
            _("Nothing has changed since version %(n)s.") % {"n": last.number}, code="unchanged"
        )
    # Calendar programs replace an event only when its SEQUENCE grows: bump it for changed items.
    changed = {c["item"] for c in changelog}
    old_sequence = {i["id"]: i.get("sequence", 0) for i in previous}
    for item in snapshot:
        item["sequence"] = old_sequence.get(item["id"], 0) + (1 if item["id"] in changed else 0)
    version = AgendaVersion.objects.create(
        conference=conference,
        number=(last.number + 1) if last else 1,
        items=snapshot,
        changelog=changelog,
        published_at=timezone.now(),
        published_by=actor,
    )
    transaction.on_commit(partial(prepare_agenda_version.delay, version.pk))
    return version


def agenda_version_prepare(*, version_id: int) -> int:
    """Build a published version's exports into the cache and write its change notices (the worker's half).

    Run by the task agenda_publish sends on commit, outside any transaction, so
    the PDF renders while nothing is locked. The PDF is rendered once: the
    public download and the notices' attachment are the same bytes. A version
    already prepared (the task ran twice) is left alone, and the notices'
    idempotency keys make a run cut short and run again write each notice once.
    Return how many notices this run wrote.
    """
    version = AgendaVersion.objects.select_related("conference__host").filter(pk=version_id).first()
    if version is None or version.prepared_at is not None:
        return 0  # Deleted with its conference, or prepared already.
    pdf = agenda_exports_build(version=version)
    written = 0
    if version.number > 1:
        previous = (
            AgendaVersion.objects.filter(conference_id=version.conference_id, number=version.number - 1)
            .values_list("items", flat=True)
            .first()
        )
        written = agenda_change_notify(version=version, previous=previous or [], pdf=pdf)
    # Conditional: of two runs that got this far, one marks it.
    AgendaVersion.objects.filter(pk=version.pk, prepared_at__isnull=True).update(prepared_at=timezone.now())
    return written


def agenda_change_notify(*, version: AgendaVersion, previous: list[dict], pdf: bytes | None = None) -> int:
    """Write this version's change notices and return how many were written.

    Each speaker or chair of a changed item gets a personal notice listing the
    changes that concern them, registered or not (if they have an address);
    with AGENDA_NOTIFY_ALL every other registered person gets a short notice
    with the version's PDF (`pdf`, or the cached one). The idempotency keys make
    a second call for the same version write nothing.
    """
    conference = version.conference
    prefix = agenda_notice_prefix(conference.pk, version.number)
    existing = notifications_with_key_prefix(prefix=prefix).count()
    people_changes: dict[int, list[dict]] = {}
    involved_before = _people_by_item(previous)
    involved_after = _people_by_item(version.items)
    for change in version.changelog:
        for person_id in involved_before.get(change["item"], set()) | involved_after.get(
            change["item"], set()
        ):
            people_changes.setdefault(person_id, []).append(change)
    registered = [
        registration.person
        for registration in Registration.objects.filter(
            conference=conference, status=Registration.Status.CONFIRMED
        )
        .exclude(person__email="")
        .select_related("person")
    ]
    registered_ids = {person.pk for person in registered}
    # The change concerns its speakers and chairs most, whether or not they registered.
    unregistered = Person.objects.filter(pk__in=people_changes.keys() - registered_ids).exclude(email="")
    others = []
    for person in [*registered, *unregistered]:
        own = people_changes.get(person.pk)
        if own:
            conference_notify(
                conference=conference,
                recipients=[person_recipient(person)],
                kind=NoticeKind.AGENDA_CHANGE,
                context={"conference": conference, "version": version, "changes": own, "personal": True},
                idempotency_key=f"{prefix}person:{person.pk}",
                hold=False,
            )
        else:
            others.append(person_recipient(person))
    if others and settings.AGENDA_NOTIFY_ALL:
        if pdf is None:
            pdf = agenda_exports_build(version=version)
        conference_notify(
            conference=conference,
            recipients=others,
            kind=NoticeKind.AGENDA_CHANGE,
            context={"conference": conference, "version": version, "changes": [], "personal": False},
            idempotency_key=f"{prefix}all",
            attachments=[
                Attachment(filename=f"chuong-trinh-v{version.number}.pdf", content=pdf, content_type=PDF)
            ],
            hold=False,
        )
    return notifications_with_key_prefix(prefix=prefix).count() - existing


def _people_by_item(items: list[dict]) -> dict[int, set[int]]:
    people: dict[int, set[int]] = {}
    for item in items:
        ids = {s["id"] for s in item["speakers"]}
        if item.get("chair"):
            ids.add(item["chair"]["id"])
        people[item["id"]] = ids
    return people
