"""Reads of the outbox. Callers say which scopes they may see; the outbox knows nothing of who they are."""

import uuid
from collections.abc import Collection, Iterable

from django.db.models import Count, F, Q, QuerySet
from django.utils.html import format_html

from core.text import fold
from notifications.kinds import KINDS
from notifications.models import Notification

# Notices an organizer may still approve or cancel, and those that may be sent again.
ACTIONABLE_STATES = Notification.WAITING_STATES
RESENDABLE_STATES = frozenset({Notification.State.SENT, Notification.State.DEAD})
# The states each bulk action changes: approving releases held notices, cancelling stops any still waiting.
BULK_ACTION_STATES = {"approve": frozenset({Notification.State.HELD}), "cancel": Notification.WAITING_STATES}

# The columns an outbox list sorts by; the primary key last keeps pages stable.
NOTIFICATION_SORTS = {
    "recipient": ("recipient_name", "recipient_address"),
    "subject": ("subject",),
    "kind": ("kind",),
    "state": ("state",),
    "attempts": ("attempts",),
    "sent": ("sent_at",),
    "created": ("created_at",),
}


def notification_state_choices() -> list[tuple[str, str]]:
    return list(Notification.State.choices)


def notice_kind_choices() -> list[tuple[str, str]]:
    return [(name, kind.description) for name, kind in sorted(KINDS.items())]


def notice_kind_label(name: str) -> str:
    """What a kind of notice is called on the outbox pages; its code when no kind has that name (any more)."""
    kind = KINDS.get(name)
    return str(kind.description) if kind else name


def notification_list(
    *,
    scopes: Collection[str],
    kind: str | None = None,
    state: str | None = None,
    recipient: str | None = None,
    sort: str = "",
) -> QuerySet[Notification]:
    """Notices in the given scopes, newest first unless `sort` names a key of NOTIFICATION_SORTS.

    `recipient` matches parts of the address or of the name, ignoring accents and case;
    `sort` is "-" first for the other way.
    """
    queryset = Notification.objects.filter(scope__in=list(scopes))
    if kind:
        queryset = queryset.filter(kind=kind)
    if state:
        queryset = queryset.filter(state=state)
    if recipient:
        # recipient_search holds the folded name and the address: "quang ninh" finds "Quảng Ninh".
        for word in fold(recipient).split():
            queryset = queryset.filter(recipient_search__contains=word)
    fields = NOTIFICATION_SORTS.get((sort or "").lstrip("-"))
    if fields is None:
        return queryset.order_by("-created_at", "-pk")
    if sort.startswith("-"):
        return queryset.order_by(*(F(f).desc(nulls_last=True) for f in fields), "-pk")
    return queryset.order_by(*(F(f).asc(nulls_first=True) for f in fields), "pk")


def notification_ids_for_action(
    *,
    scopes: Collection[str],
    action: str,
    kind: str | None = None,
    state: str | None = None,
    recipient: str | None = None,
) -> list:
    """The ids of the notices a list filter shows that `action` ("approve", "cancel") would change."""
    matching = notification_list(scopes=scopes, kind=kind, state=state, recipient=recipient)
    return list(matching.filter(state__in=BULK_ACTION_STATES[action]).order_by().values_list("pk", flat=True))


def notification_get(*, pk, scopes: Collection[str]) -> Notification:
    """One notice with its attachments and delivery log.

    Raise Notification.DoesNotExist when it is not in the given scopes (or the id is not one).
    """
    try:
        pk = uuid.UUID(str(pk))
    except ValueError as exc:
        raise Notification.DoesNotExist from exc
    return (
        notification_list(scopes=scopes)
        .select_related("resent_from")
        .prefetch_related("attachments", "delivery_attempts")
        .get(pk=pk)
    )


def notification_ids_in_scopes(*, ids: Iterable, scopes: Collection[str]) -> list:
    """The ids among `ids` whose notices lie in the given scopes."""
    return list(
        notification_list(scopes=scopes).filter(pk__in=list(ids)).order_by().values_list("pk", flat=True)
    )


def notification_counts(*, scope: str) -> dict[str, int]:
    """Notices of one scope by state, every state present, in one query."""
    counts = dict.fromkeys(Notification.State.values, 0)
    rows = (
        Notification.objects.filter(scope=scope)
        .order_by()
        .values("state")
        .annotate(count=Count("pk"))
        .values_list("state", "count")
    )
    counts.update(rows)
    return counts


def notifications_with_key_prefix(
    *, prefix: str, scope: str | None = None, kind: str | None = None, waiting: bool = False
) -> QuerySet[Notification]:
    """Notices whose idempotency key starts with `prefix` (one caller's record), newest first.

    `waiting` keeps only those not yet handed to a worker.
    """
    queryset = Notification.objects.filter(idempotency_key__startswith=prefix)
    if scope is not None:
        queryset = queryset.filter(scope=scope)
    if kind:
        queryset = queryset.filter(kind=kind)
    if waiting:
        queryset = queryset.filter(state__in=Notification.WAITING_STATES)
    return queryset.order_by("-created_at", "-pk")


def key_prefixes_with_notices(*, prefixes: Collection[str]) -> set[str]:
    """The prefixes among `prefixes` under which at least one notice was written, in one query."""
    if not prefixes:
        return set()
    condition = Q()
    for prefix in prefixes:
        condition |= Q(idempotency_key__startswith=prefix)
    keys = Notification.objects.filter(condition).values_list("idempotency_key", flat=True)
    return {prefix for prefix in prefixes if any(key.startswith(prefix) for key in keys)}


def notification_preview_html(notification: Notification) -> str:
    """The body as the recipient's mail program shows it: the HTML part, or else the text in <pre>."""
    if notification.body_html:
        return notification.body_html
    return format_html(
        '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
        '<body><pre style="white-space: pre-wrap">{}</pre></body></html>',
        notification.language,
        notification.subject,
        notification.body_text,
    )
