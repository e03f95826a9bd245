"""Reads of the published agenda: the current version, one version, the history.

A version's items are the largest column by far (hundreds of frozen items as
JSON), so every read that does not show them leaves them in the database.
"""

import datetime
import functools
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from conferences.models import AgendaVersion, Conference
from conferences.selectors.conferences import PUBLIC_STATUSES, conference_list_for_user

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# Everything about a version except its items.
VERSION_META = (
    "id",
    "conference_id",
    "number",
    "changelog",
    "published_at",
    "published_by_id",
    "prepared_at",
)


@dataclass(frozen=True)
class AgendaHead:
    """What identifies the current agenda of a conference, for ETag, Last-Modified and cache keys."""

    conference_id: int
    version_id: int
    number: int
    published_at: datetime.datetime
    conference_updated_at: datetime.datetime
    conference_status: str
    conference_slug: str

    @property
    def is_public(self) -> bool:
        return self.conference_status in PUBLIC_STATUSES

    @property
    def last_modified(self) -> datetime.datetime:
        # The exports also show the conference's title and venue, which can be edited after publishing.
        return max(self.published_at, self.conference_updated_at)

    @property
    def stamp(self) -> str:
        """Changes whenever the version or the conference changes: part of ETags and cache keys."""
        return agenda_stamp(self.published_at, self.conference_updated_at)


def agenda_stamp(published_at: datetime.datetime, conference_updated_at: datetime.datetime) -> str:
    """The stamp of a version as its conference stands (AgendaHead.stamp)."""
    return f"{_micros(published_at):x}.{_micros(conference_updated_at):x}"


def _micros(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def agenda_current_version(conference: Conference, *, with_items: bool = True) -> AgendaVersion | None:
    """The latest published version, or None before the first one."""
    queryset = AgendaVersion.objects.filter(conference=conference)
    if not with_items:
        queryset = queryset.only(*VERSION_META)
    version = queryset.order_by("-number").first()
    if version is not None:
        version.conference = conference  # Spare a query in whatever reads version.conference.
    return version


def agenda_version_get(conference: Conference, number: int) -> AgendaVersion | None:
    version = AgendaVersion.objects.filter(conference=conference, number=number).first()
    if version is not None:
        version.conference = conference
    return version


def agenda_version_list(conference: Conference) -> QuerySet[AgendaVersion]:
    """Every version, newest first, without their items (the changelog is loaded: it is small)."""
    return AgendaVersion.objects.filter(conference=conference).only(*VERSION_META).order_by("-number")


_HEAD_COLUMNS = (
    "conference_id",
    "pk",
    "number",
    "published_at",
    "conference__updated_at",
    "conference__status",
    "conference__slug",
)
_SLUG_PLACEHOLDER = "\x00slug\x00"


def _head_queryset(visible_conferences: QuerySet[Conference]) -> QuerySet:
    return (
        AgendaVersion.objects.filter(conference__in=visible_conferences.values("pk"))
        .order_by("-number")
        .values_list(*_HEAD_COLUMNS)[:1]
    )


@functools.cache
def _public_head_sql(alias: str) -> tuple[str, tuple, int]:
    """The SQL of the public head query, compiled by the ORM once per database.

    Every anonymous request for the agenda's JSON, calendar or page starts with
    this query, and compiling it costs several times what running it does. It
    is a plain join (PostgreSQL plans it in half the time of the subquery form).
    """
    queryset = (
        AgendaVersion.objects.filter(
            conference__slug=_SLUG_PLACEHOLDER, conference__status__in=PUBLIC_STATUSES
        )
        .order_by("-number")
        .values_list(*_HEAD_COLUMNS)[:1]
    )
    sql, params = queryset.query.get_compiler(alias).as_sql()
    return sql, tuple(params), list(params).index(_SLUG_PLACEHOLDER)


def _aware(value) -> datetime.datetime:
    # A raw cursor skips the ORM's converters: SQLite gives naive UTC datetimes (or text).
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def agenda_head(*, slug: str, user) -> AgendaHead | None:
    """The current version of a conference the user may see, in one small query; None if there is none."""
    if user.is_authenticated:
        row = next(iter(_head_queryset(conference_list_for_user(user=user).filter(slug=slug))), None)
    else:
        alias = router.db_for_read(AgendaVersion)
        sql, params, slug_index = _public_head_sql(alias)
        params = (*params[:slug_index], slug, *params[slug_index + 1 :])
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    if row is None:
        return None
    conference_id, version_id, number, published_at, updated_at, status, conference_slug = row
    return AgendaHead(
        conference_id=conference_id,
        version_id=version_id,
        number=number,
        published_at=_aware(published_at),
        conference_updated_at=_aware(updated_at),
        conference_status=status,
        conference_slug=conference_slug,
    )


def agenda_version_json(*, version_id: int) -> tuple[AgendaVersion, str]:
    """A version with its conference, and its items as the JSON text stored in the database.

    The items are never decoded: the JSON export sends that text as it is.
    """
    version = (
        AgendaVersion.objects.filter(pk=version_id)
        .select_related("conference")
        .defer("items", "changelog")
        .annotate(items_json=Cast("items", output_field=TextField()))
        .get()
    )
    return version, version.items_json


def agenda_earlier_items(*, version: AgendaVersion) -> list[list[dict]]:
    """The items of every version before this one, oldest first (to cancel removed items in calendars)."""
    return list(
        AgendaVersion.objects.filter(conference_id=version.conference_id, number__lt=version.number)
        .order_by("number")
        .values_list("items", flat=True)
    )
