"""Reads of the outbox for organizers: every query is limited to the conferences the user organizes."""

import uuid
from collections.abc import Iterable

from django.db.models import Count, QuerySet

from conferences.models import Conference, ConferenceRole
from conferences.text import fold
from notifications.models import Notification


def _organized_conference_ids(user) -> QuerySet:
    return ConferenceRole.objects.filter(user=user, role=ConferenceRole.Role.ORGANIZER).values(
        "conference_id"
    )


def user_organizes_any_conference(*, user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or _organized_conference_ids(user).exists()


def notification_list(
    *,
    user,
    conference: Conference | None = None,
    kind: str | None = None,
    state: str | None = None,
    recipient: str | None = None,
) -> QuerySet[Notification]:
    """Notices of the conferences the user organizes (superusers: all), newest first.

    `recipient` matches parts of the address or of the name, ignoring accents and case.
    """
    queryset = Notification.objects.select_related("conference")
    if not user.is_authenticated:
        return queryset.none()
    # Staff status only opens the admin; an organizer role is what shows a conference's notices.
    if not user.is_superuser:
        # A subquery rather than a join on roles: one row per notice whatever roles the user holds.
        queryset = queryset.filter(conference_id__in=_organized_conference_ids(user))
    if conference is not None:
        queryset = queryset.filter(conference=conference)
    if kind:
        queryset = queryset.filter(kind=kind)
    if state:
        queryset = queryset.filter(state=state)
    if recipient:
        # recipient_search holds the folded name and the address: "quang ninh" finds "Quảng Ninh".
        for word in fold(recipient).split():
            queryset = queryset.filter(recipient_search__contains=word)
    return queryset.order_by("-created_at", "-pk")


def notification_get_for_user(*, user, pk, conference: Conference | None = None) -> Notification:
    """Return one notice with its attachments and delivery log.

    Raise Notification.DoesNotExist if the user may not see it (or, given a conference, it is not one of its).
    """
    try:
        pk = uuid.UUID(str(pk))
    except ValueError as exc:
        raise Notification.DoesNotExist from exc
    return (
        notification_list(user=user, conference=conference)
        .select_related("resent_from")
        .prefetch_related("attachments", "delivery_attempts")
        .get(pk=pk)
    )


def notification_ids_for_user(*, user, ids: Iterable, conference: Conference | None = None) -> list:
    """The ids among `ids` that the user may act on."""
    return list(
        notification_list(user=user, conference=conference)
        .filter(pk__in=list(ids))
        .order_by()
        .values_list("pk", flat=True)
    )


def notification_counts(*, conference: Conference) -> dict[str, int]:
    """Notices of one conference by state, every state present, in one query."""
    counts = dict.fromkeys(Notification.State.values, 0)
    rows = (
        Notification.objects.filter(conference=conference)
        .order_by()
        .values("state")
        .annotate(count=Count("pk"))
        .values_list("state", "count")
    )
    counts.update(rows)
    return counts
