"""The kinds of notice hoinghi sends, and whether each waits for an organizer's approval.

Bulk sends (invitations, certificates for everyone) are held by default so an
organizer can check them first; personal confirmations go at once. The
setting NOTIFICATIONS_HELD_KINDS, when set, replaces the defaults.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class NoticeKind:
    name: str
    held_by_default: bool
    description: str


KINDS: dict[str, NoticeKind] = {}


def register(name: str, *, held_by_default: bool, description: str) -> NoticeKind:
    kind = NoticeKind(name=name, held_by_default=held_by_default, description=description)
    KINDS[name] = kind
    return kind


register("announcement", held_by_default=True, description="An organizer's message to attendees")
register("invitation", held_by_default=True, description="Invitation letter to an agency")
register("invitation_reminder", held_by_default=False, description="Reminder before the RSVP deadline")
register("registration_confirmation", held_by_default=False, description="Delegate's confirmation")
register("paper_decision", held_by_default=False, description="Decision on a paper")
register("agenda_change", held_by_default=False, description="Change to the agenda")
register("certificate", held_by_default=True, description="Certificate issued")


def is_held_by_default(kind: str) -> bool:
    if kind not in KINDS:
        raise ValueError(f"Unknown notice kind: {kind!r}")
    configured = getattr(settings, "NOTIFICATIONS_HELD_KINDS", None)
    if configured is not None:
        return kind in configured
    return KINDS[kind].held_by_default
