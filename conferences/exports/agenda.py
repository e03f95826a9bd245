"""The published agenda as JSON, iCalendar and PDF, and the HTTP responses that carry them.

Everything here works from a version's frozen items (item_snapshot dicts), never
from the working items. The public pages and the API share these builders.

- Every response starts with one small query, agenda_head: the current version's
  number and dates. It gives the ETag and Last-Modified, so a conditional request
  is answered 304 before anything else is read.
- A version never changes, so what is built from it is kept, keyed by the
  version, the conference's last edit and the language (AgendaHead.stamp):
  * JSON is assembled around the items' JSON text as the database stores it (the
    items are not decoded and encoded again);
  * JSON, iCalendar and PDF bytes are built once and kept in Django's cache
    (CACHES["default"]: files under HOINGHI_VAR_DIR by default, Redis when
    CACHE_URL names it), so every process shares them; JSON and the calendar are
    also kept in this process's memory.
  Nothing needs invalidating: a new version or an edit of the conference changes the key.
- `agenda_exports_build` builds all of them right after publishing (in the
  worker that writes the change notices), so no visitor pays the first build.
"""

import datetime
import functools
import json
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from conferences.models import AgendaVersion, Conference
from conferences.selectors.agenda_versions import (
    AgendaHead,
    agenda_earlier_items,
    agenda_head,
    agenda_stamp,
    agenda_version_json,
)

CACHE_SECONDS = 30 * 24 * 3600
# Versions (times languages) whose JSON and calendar each process keeps built; 300 items make ~250 kB.
MEMORY_SLOTS = 16
PRODID = "-//hoinghi//Agenda//VI"
TIME_ZONE = "Asia/Ho_Chi_Minh"
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


# Shapes shared by the pages ---------------------------------------------------------------------------


def agenda_days(items: Iterable[dict]) -> list[dict]:
    """Group a version's items by day: [{"date": date, "items": [...]}], in time order."""
    days: dict[str, list[dict]] = {}
    for item in items:
        days.setdefault(item["date"], []).append(item)
    return [{"date": datetime.date.fromisoformat(day), "items": rows} for day, rows in sorted(days.items())]


def _at(when: dict, other: dict) -> str:
    # The day is written only when the change crosses days.
    if when.get("date") and when.get("date") != other.get("date"):
        day = date_format(datetime.date.fromisoformat(when["date"]), "SHORT_DATE_FORMAT")
        return f"{when['start']} {day}"
    return when["start"]


def change_text(change: dict) -> str:
    """One changelog entry in words, in the active language, as the history pages and change notices say it.

    A move to another day names the days (the times alone could be the same).
    """
    kind, before, after = change["type"], change.get("before") or {}, change.get("after") or {}
    if kind == "added":
        text = _("added, %(start)s-%(end)s") % {"start": after["start"], "end": after["end"]}
        if after.get("room"):
            text += f", {after['room']}"
    elif kind == "removed":
        text = _("removed (was at %(start)s)") % {"start": before["start"]}
    elif kind == "retimed":
        text = _("moved from %(before)s to %(after)s-%(end)s") % {
            "before": _at(before, after),
            "after": _at(after, before),
            "end": after["end"],
        }
        if after.get("room"):
            text += f", {after['room']}"
    elif kind == "room_changed":
        text = _("room changed from %(before)s to %(after)s") % {
            "before": before.get("room") or "-",
            "after": after.get("room") or "-",
        }
    elif kind == "speakers_changed":
        text = _("speakers now: %(after)s") % {"after": ", ".join(after.get("speakers") or []) or "-"}
    elif kind == "presenter_changed":
        text = _("presented now by %(after)s") % {"after": after.get("presenter") or "-"}
    elif kind == "retitled":
        text = _("new title")
    elif kind == "chair_changed":
        text = _("new chair")
    elif kind == "details_changed":
        text = _("details changed")
    else:
        text = _("order changed")
    return f"{change['title']}: {text}"


def _cache_key(kind: str, version_id: int, stamp: str, language: str = "") -> str:
    return f"agenda:{kind}:{version_id}:{stamp}:{language}"


def _shared(key: str, build: Callable[[], bytes]) -> bytes:
    """From Django's cache, or built now and kept there for every process."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


def agenda_exports_build(*, version: AgendaVersion) -> bytes:
    """Build the version's JSON, calendars (one per language) and PDF into the cache; return the PDF.

    What the cache holds already is not built again: called twice, it renders
    the PDF once. `version.conference` is read for its last edit, which is part
    of the keys the requests will ask for.
    """
    stamp = agenda_stamp(version.published_at, version.conference.updated_at)
    _json_bytes(version.pk, stamp)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            _calendar_bytes(version.pk, stamp, language)
    return _agenda_pdf(version.pk, stamp)


# JSON -----------------------------------------------------------------------------------------------


def agenda_json(*, conference: Conference, version: AgendaVersion, items_json: str | None = None) -> str:
    """The version as JSON: the conference, the version's number and date, and its items as frozen."""
    envelope = {
        "conference": {"slug": conference.slug, "title": conference.title},
        "version": version.number,
        "published_at": timezone.localtime(version.published_at).isoformat(),
    }
    if items_json is None:
        items_json = json.dumps(version.items, ensure_ascii=False)
    # The items go in as text: for a stored version it is the database's own JSON.
    return f'{json.dumps(envelope, ensure_ascii=False)[:-1]}, "items": {items_json}}}'


# iCalendar ---------------------------------------------------------------------------------------------


def cancelled_items(
    items: list[dict], earlier: list[list[dict]], keep: Callable[[dict], bool] | None = None
) -> list[dict]:
    """Items an earlier version showed (and `keep` accepts) that this one does not, as last seen.

    Each gets a SEQUENCE above any a calendar has seen for it, so the calendar
    marks it cancelled instead of keeping a stale event.
    """
    keep = keep or (lambda item: True)
    shown = {item["id"] for item in items if keep(item)}
    sequence_now = {item["id"]: item.get("sequence", 0) for item in items}
    last_seen: dict[int, dict] = {}
    for version_items in earlier:
        for item in version_items:
            if keep(item):
                last_seen[item["id"]] = item
    return [
        {**item, "sequence": max(item.get("sequence", 0) + 1, sequence_now.get(item_id, 0))}
        for item_id, item in last_seen.items()
        if item_id not in shown
    ]


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "hoinghi.local"


def _utc(iso: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(iso).astimezone(datetime.UTC)


def _description(item: dict) -> str:
    lines = []
    if item.get("presenter"):
        lines.append(_("Presented by: %(name)s") % {"name": item["presenter"]})
    if item.get("speakers"):
        lines.append(_("Speakers: %(names)s") % {"names": ", ".join(s["name"] for s in item["speakers"])})
    if item.get("chair"):
        lines.append(_("Chaired by: %(name)s") % {"name": item["chair"]["name"]})
    if item.get("description"):
        lines.append(item["description"])
    return "\n".join(lines)


def agenda_calendar(
    *,
    conference: Conference,
    published_at: datetime.datetime | None,
    items: list[dict],
    cancelled: Iterable[dict] = (),
    name: str = "",
) -> bytes:
    """An iCalendar file: one VEVENT per item, in UTC, with UIDs that stay the same in every version.

    DTSTAMP is when the version was published, so the same version always gives the same file.
    """
    from icalendar import Calendar, Event

    host = _uid_host()
    page = settings.SITE_URL + reverse("conferences:agenda", kwargs={"slug": conference.slug})
    venue = ", ".join(part for part in (conference.venue_name, conference.venue_address) if part)
    stamp = (published_at or timezone.now()).astimezone(datetime.UTC)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or conference.title)
    calendar.add("x-wr-timezone", TIME_ZONE)
    for item, status in [*((i, "CONFIRMED") for i in items), *((i, "CANCELLED") for i in cancelled)]:
        event = Event()
        event.add("uid", f"agenda-item-{item['id']}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(item["start"]))
        event.add("dtend", _utc(item["end"]))
        event.add("sequence", item.get("sequence", 0))
        event.add("status", status)
        event.add("summary", item["title"])
        location = ", ".join(part for part in (item.get("room"), venue) if part)
        if location:
            event.add("location", location)
        description = _description(item)
        if description:
            event.add("description", description)
        event.add("url", page)
        calendar.add_component(event)
    return calendar.to_ical()


def _calendar_bytes(version_id: int, stamp: str, language: str) -> bytes:
    """The whole conference's calendar of one version in the active language, from Django's cache or built."""

    def build() -> bytes:
        version = AgendaVersion.objects.select_related("conference").get(pk=version_id)
        return agenda_calendar(
            conference=version.conference,
            published_at=version.published_at,
            items=version.items,
            cancelled=cancelled_items(version.items, agenda_earlier_items(version=version)),
        )

    return _shared(_cache_key("ics", version_id, stamp, language), build)


@functools.lru_cache(maxsize=MEMORY_SLOTS)
def _conference_calendar(version_id: int, stamp: str, language: str) -> bytes:
    """The whole conference's calendar of one version: from memory, Django's cache, or built once."""
    return _calendar_bytes(version_id, stamp, language)


def person_calendar(*, conference: Conference, version: AgendaVersion | None, person_id: int) -> bytes:
    """One person's calendar: the items where they speak or chair, and those of theirs taken away.

    Before the first version it is a calendar with no events, so a subscription made early still works.
    """

    def theirs(item: dict) -> bool:
        chair = item.get("chair")
        return (chair is not None and chair["id"] == person_id) or any(
            s["id"] == person_id for s in item["speakers"]
        )

    items = version.items if version is not None else []
    earlier = agenda_earlier_items(version=version) if version is not None else []
    return agenda_calendar(
        conference=conference,
        published_at=version.published_at if version is not None else None,
        items=[item for item in items if theirs(item)],
        cancelled=cancelled_items(items, earlier, keep=theirs),
        name=_("%(conference)s: my agenda") % {"conference": conference.title},
    )


# PDF -----------------------------------------------------------------------------------------------


def _agenda_pdf(version_id: int, stamp: str) -> bytes:
    """The version's Chương trình PDF, from Django's cache or rendered once (it is always in Vietnamese)."""

    def build() -> bytes:
        from conferences.documents.agenda import render_agenda_pdf

        version = AgendaVersion.objects.select_related("conference__host__parent").get(pk=version_id)
        return render_agenda_pdf(version)

    return _shared(_cache_key("pdf", version_id, stamp), build)


# HTTP -----------------------------------------------------------------------------------------------

_UNSET = object()


def request_agenda_head(request, slug: str) -> AgendaHead | None:
    """The current version for this request's user, looked up once per request."""
    head = getattr(request, "_agenda_head", _UNSET)
    if head is _UNSET:
        head = agenda_head(slug=slug, user=request.user)
        request._agenda_head = head
    return head


def agenda_etag(request, slug: str, *args, **kwargs) -> str | None:
    """For django.views.decorators.http.condition: strong, and new with each version and language."""
    head = request_agenda_head(request, slug)
    if head is None:
        return None
    return f'"{head.conference_id}-v{head.number}-{_language()}-{head.stamp}"'


def agenda_last_modified(request, slug: str, *args, **kwargs) -> datetime.datetime | None:
    head = request_agenda_head(request, slug)
    return head.last_modified if head else None


def _cacheable(response: HttpResponse, head: AgendaHead) -> HttpResponse:
    # Clients keep the body and ask again with If-None-Match; a draft's agenda stays out of shared caches.
    visibility = {"public": True} if head.is_public else {"private": True}
    patch_cache_control(response, no_cache=True, **visibility)
    return response


def _json_bytes(version_id: int, stamp: str) -> bytes:
    """The version as JSON (the same in every language), from Django's cache or built."""

    def build() -> bytes:
        version, items_json = agenda_version_json(version_id=version_id)
        return agenda_json(conference=version.conference, version=version, items_json=items_json).encode()

    return _shared(_cache_key("json", version_id, stamp), build)


@functools.lru_cache(maxsize=MEMORY_SLOTS)
def _agenda_json_bytes(version_id: int, stamp: str, language: str) -> bytes:
    return _json_bytes(version_id, stamp)


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def agenda_json_response(head: AgendaHead) -> HttpResponse:
    body = _agenda_json_bytes(head.version_id, head.stamp, _language())
    return _cacheable(HttpResponse(body, content_type="application/json"), head)


def agenda_ics_response(head: AgendaHead) -> HttpResponse:
    calendar = _conference_calendar(head.version_id, head.stamp, _language())
    response = HttpResponse(calendar, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = _disposition(head, "ics")
    return _cacheable(response, head)


def agenda_pdf_response(head: AgendaHead) -> HttpResponse:
    response = HttpResponse(_agenda_pdf(head.version_id, head.stamp), content_type="application/pdf")
    response["Content-Disposition"] = _disposition(head, "pdf")
    return _cacheable(response, head)


def _disposition(head: AgendaHead, extension: str) -> str:
    return f'inline; filename="chuong-trinh-{head.conference_slug}-v{head.number}.{extension}"'


def agenda_export_view(respond, *, missing=None):
    """A view serving one export of the current version: 304 when the client has it, else the body.

    Without a current version it raises `missing(request, slug)` (the site's 404 by default).
    Decorated once here, not per request, for the pages and the API alike.
    """

    @condition(etag_func=agenda_etag, last_modified_func=agenda_last_modified)
    def view(request, slug: str):
        head = request_agenda_head(request, slug)
        if head is None:
            raise missing(request, slug) if missing else Http404
        return respond(head)

    return view
