"""Reads about decisions on papers: how many each paper had, and where their letters stand in the outbox."""

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count

from conferences.models import AuditEntry, Paper
from conferences.selectors.notices import conference_notice_scope
from notifications.selectors import notifications_with_key_prefix


def paper_decision_prefix(paper_id: int) -> str:
    """The start of the keys of every decision letter about the paper."""
    return f"paper:{paper_id}:decision:"


def paper_decision_key(paper_id: int, number: int) -> str:
    """The idempotency key of the letters of the paper's `number`-th decision (outbox adds "|<address>")."""
    return f"{paper_decision_prefix(paper_id)}{number}"


def paper_decisions_made(*, paper_ids: Iterable[int]) -> dict[int, int]:
    """How many decisions each paper has had (from the audit log), in one query."""
    ids = [str(pk) for pk in paper_ids]
    rows = (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.PAPER_DECIDED, object_type="paper", object_id__in=ids
        )
        .order_by()
        .values("object_id")
        .annotate(count=Count("pk"))
        .values_list("object_id", "count")
    )
    return {int(object_id): count for object_id, count in rows}


def paper_decision_notice_states(*, paper: Paper) -> dict[str, int]:
    """The states of the letters about the paper's latest decision, counted: {"held": 2, "sent": 0, ...}."""
    number = paper_decisions_made(paper_ids=[paper.pk]).get(paper.pk, 0)
    counts: Counter = Counter()
    if number:
        notices = notifications_with_key_prefix(
            prefix=f"{paper_decision_key(paper.pk, number)}|",
            scope=conference_notice_scope(paper.conference_id),
        )
        counts.update(notices.values_list("state", flat=True))
    return dict(counts)
