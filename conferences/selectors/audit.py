"""The audit log of one conference, as its organizers read it: newest first, narrowed by filters."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from conferences.models import AuditEntry, Conference
from core.text import fold


def _actors_matching(*, conference: Conference, query: str) -> list[int]:
    """The ids of this conference's actors whose name, username or e-mail holds every folded word.

    Accounts have no folded column; the actors of one conference are a handful of people, so their
    names are folded here, the same on SQLite and PostgreSQL.
    """
    words = fold(query).split()
    actor_ids = (
        AuditEntry.objects.filter(conference=conference, actor__isnull=False)
        .values_list("actor_id", flat=True)
        .distinct()
    )
    users = (
        get_user_model()
        .objects.filter(pk__in=actor_ids)
        .only("pk", "first_name", "last_name", "username", "email")
    )
    matching = []
    for user in users:
        text = fold(f"{user.get_full_name()} {user.username} {user.email}")
        if all(word in text for word in words):
            matching.append(user.pk)
    return matching


def audit_log(
    *,
    conference: Conference,
    action: str = "",
    actor_id: int | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    query: str = "",
) -> QuerySet[AuditEntry]:
    """The conference's audit entries, newest first; `query` matches the actor's name (accents ignored)."""
    entries = AuditEntry.objects.filter(conference=conference).select_related("actor")
    if action:
        entries = entries.filter(action=action)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    if fold(query):
        entries = entries.filter(actor_id__in=_actors_matching(conference=conference, query=query))
    return entries.order_by("-created_at", "-pk")
