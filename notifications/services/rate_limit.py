"""A per-minute message budget per outgoing server, shared by every worker through the database."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from notifications.models import RateLimitWindow


def window_start(now: datetime.datetime) -> datetime.datetime:
    return now.replace(second=0, microsecond=0)


def rate_limit_take(*, key: str, limit: int, wanted: int, now: datetime.datetime | None = None) -> int:
    """Take up to `wanted` sends from this minute's budget; return how many were granted.

    The count is raised with a compare-and-set update, so workers racing for the
    last places never overshoot the limit. A limit of 0 means no limit.
    """
    if limit <= 0 or wanted <= 0:
        return max(wanted, 0)
    start = window_start(now or timezone.now())
    try:
        with transaction.atomic():
            RateLimitWindow.objects.get_or_create(key=key, window_start=start)
    except IntegrityError:
        pass  # Another worker created this minute's row first.
    for _attempt in range(20):
        used = (
            RateLimitWindow.objects.filter(key=key, window_start=start)
            .values_list("count", flat=True)
            .first()
        )
        grant = min(wanted, limit - (used or 0))
        if grant <= 0:
            return 0
        if RateLimitWindow.objects.filter(key=key, window_start=start, count=used).update(
            count=F("count") + grant
        ):
            return grant
    return 0


def rate_limit_prune(*, before: datetime.datetime) -> int:
    deleted, _ = RateLimitWindow.objects.filter(window_start__lt=window_start(before)).delete()
    return deleted
