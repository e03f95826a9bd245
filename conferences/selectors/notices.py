"""The conference side of the outbox: how its notices are grouped and keyed, and reads of them.

The outbox knows nothing of conferences. Every notice a conference writes
carries the scope `conference:<id>`, and its idempotency key starts with the
prefix of the record it is about, so services write under these names and the
reads below find a conference's or a record's notices by them.
"""

from collections.abc import Iterable

from conferences.enums import NoticeKind
from conferences.models import AgendaVersion, Conference, Invitation
from conferences.selectors.conferences import conference_ids_organized_by, token_scope
from notifications.selectors import (
    notification_counts,
    notification_get,
    notification_ids_for_action,
    notification_ids_in_scopes,
    notification_list,
    notifications_with_key_prefix,
)


def conference_notice_scope(conference_id: int) -> str:
    return f"conference:{conference_id}"


def person_notice_ref(person_id: int) -> str:
    return f"person:{person_id}"


def organization_notice_ref(organization_id: int) -> str:
    return f"organization:{organization_id}"


def invitation_notice_prefix(invitation_id: int) -> str:
    return f"invitation:{invitation_id}:"


def invitation_reminder_prefix(invitation_id: int) -> str:
    return f"{invitation_notice_prefix(invitation_id)}reminder:"


def invitation_letter_key(invitation_id: int, send: int) -> str:
    """The idempotency key of the e-mails of one send (the outbox adds "|<address>" per row)."""
    return f"{invitation_notice_prefix(invitation_id)}sent:v{send}"


def agenda_notice_prefix(conference_id: int, version_number: int) -> str:
    return f"agenda:{conference_id}:v{version_number}:"


def organized_notice_scopes(*, user) -> dict[str, str]:
    """The scope of every conference the user organizes (a superuser: every one), with its slug."""
    if not user.is_authenticated:
        return {}
    conferences = Conference.objects.all()
    scope = token_scope(user)
    if scope is not None:
        conferences = conferences.filter(pk=scope)
    if not user.is_superuser:
        # The organizer rule of every organizer page and endpoint, as a subquery: one query in all.
        conferences = conferences.filter(pk__in=conference_ids_organized_by(user=user))
    return {conference_notice_scope(pk): slug for pk, slug in conferences.values_list("pk", "slug")}


def conference_notices(
    *,
    conference: Conference,
    kind: str | None = None,
    state: str | None = None,
    recipient: str | None = None,
    sort: str = "",
):
    """One conference's notices, newest first (or by `sort`), filtered as the outbox page asks."""
    return notification_list(
        scopes=[conference_notice_scope(conference.pk)],
        kind=kind,
        state=state,
        recipient=recipient,
        sort=sort,
    )


def conference_notice_ids_for_action(*, conference: Conference, action: str, filters: dict) -> list:
    """The ids of the conference's notices the outbox filters show that `action` would change.

    `filters` holds kind, state and recipient as conference_notices takes them.
    """
    return notification_ids_for_action(
        scopes=[conference_notice_scope(conference.pk)],
        action=action,
        **{key: filters.get(key) or None for key in ("kind", "state", "recipient")},
    )


def conference_notice_get(*, conference: Conference, pk):
    """One notice of the conference; raises the outbox's DoesNotExist for any other."""
    return notification_get(pk=pk, scopes=[conference_notice_scope(conference.pk)])


def conference_notice_ids(*, conference: Conference, ids: Iterable) -> list:
    """The ids among `ids` that are notices of this conference."""
    return notification_ids_in_scopes(ids=ids, scopes=[conference_notice_scope(conference.pk)])


def conference_notice_counts(*, conference: Conference) -> dict[str, int]:
    return notification_counts(scope=conference_notice_scope(conference.pk))


def invitation_notices(*, invitation: Invitation):
    """Every outbox row about this invitation (letters, reminders), newest first."""
    return notifications_with_key_prefix(
        prefix=invitation_notice_prefix(invitation.pk),
        scope=conference_notice_scope(invitation.conference_id),
    )


def invitation_letter_written(*, invitation_id: int, send: int) -> bool:
    """Whether the e-mails of this send of the invitation are in the outbox (a worker writes them)."""
    return notifications_with_key_prefix(prefix=f"{invitation_letter_key(invitation_id, send)}|").exists()


def invitation_letter_pending(*, invitation: Invitation, notices: Iterable | None = None) -> bool:
    """Whether the letter of the invitation's latest send is still being prepared.

    `notices`, the invitation's notices when the caller has read them already, spares a query.
    """
    if invitation.send_count == 0:
        return False
    if notices is None:
        return not invitation_letter_written(invitation_id=invitation.pk, send=invitation.send_count)
    key = f"{invitation_letter_key(invitation.pk, invitation.send_count)}|"
    return not any(notice.idempotency_key.startswith(key) for notice in notices)


def agenda_notice_count(*, version: AgendaVersion) -> int:
    """How many change notices publishing this version wrote (the outbox rows under its keys)."""
    return notifications_with_key_prefix(
        prefix=agenda_notice_prefix(version.conference_id, version.number),
        scope=conference_notice_scope(version.conference_id),
        kind=NoticeKind.AGENDA_CHANGE,
    ).count()
