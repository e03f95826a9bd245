"""The kinds of notice the outbox accepts, and whether each waits for an organizer's approval.

The outbox knows no kind of its own: each app registers its kinds when it is
ready (conferences registers its NoticeKind choices). Bulk sends are held by
default so an organizer can check them first; personal confirmations go at
once. The setting NOTIFICATIONS_HELD_KINDS, when set, replaces the defaults.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class NoticeKind:
    name: str
    held_by_default: bool
    description: str


KINDS: dict[str, NoticeKind] = {}


def register(name: str, *, held_by_default: bool, description) -> NoticeKind:
    """Accept notices of this kind; `description` (translatable) names it on the organizers' pages."""
    kind = NoticeKind(name=name, held_by_default=held_by_default, description=description)
    KINDS[name] = kind
    return kind


def is_held_by_default(kind: str) -> bool:
    if kind not in KINDS:
        raise ValueError(f"Unknown notice kind: {kind!r}")
    configured = getattr(settings, "NOTIFICATIONS_HELD_KINDS", None)
    if configured is not None:
        return kind in configured
    return KINDS[kind].held_by_default
