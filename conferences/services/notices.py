"""How the conference side writes to the outbox: its recipients, under its conference's scope."""

from collections.abc import Iterable, Sequence

from django.db import transaction

from conferences.models import Conference, Organization, Person
from conferences.selectors.notices import (
    conference_notice_ids,
    conference_notice_ids_for_action,
    conference_notice_scope,
    organization_notice_ref,
    person_notice_ref,
)
from notifications.services import Attachment, Recipient, notification_approve, notification_cancel, notify


def person_recipient(person: Person) -> Recipient:
    return Recipient(
        address=person.email,
        name=person.full_name,
        language=person.language or "vi",
        ref=person_notice_ref(person.pk),
    )


def organization_recipients(organization: Organization) -> list[Recipient]:
    """One recipient per contact address of the agency."""
    return [
        Recipient(
            address=address,
            name=organization.name,
            language=organization.language or "vi",
            ref=organization_notice_ref(organization.pk),
        )
        for address in organization.contact_emails or []
    ]


def conference_notify(
    *,
    conference: Conference,
    recipients: Sequence[Recipient],
    kind: str,
    context: dict,
    idempotency_key: str,
    attachments: Iterable[Attachment] = (),
    hold: bool | None = None,
    not_before=None,
):
    """Write notices about this conference to the outbox, under its scope."""
    return notify(
        recipients=recipients,
        kind=kind,
        context=context,
        idempotency_key=idempotency_key,
        scope=conference_notice_scope(conference.pk),
        attachments=attachments,
        hold=hold,
        not_before=not_before,
    )


NOTICE_ACTIONS = ("approve", "cancel")


@transaction.atomic
def conference_notices_act(
    *, conference: Conference, action: str, ids: Iterable | None = None, filters: dict | None = None
) -> int:
    """Approve or cancel the conference's notices: those among `ids`, or every one the outbox filters show.

    With `filters` (kind, state, recipient) the notices are looked up again here, whatever the
    page counted; either way only notices of this conference in a state the action changes are
    changed. Return how many were.
    """
    if action not in NOTICE_ACTIONS:
        raise ValueError(action)
    if filters is not None:
        chosen = conference_notice_ids_for_action(conference=conference, action=action, filters=filters)
    else:
        chosen = conference_notice_ids(conference=conference, ids=ids or [])
    if action == "approve":
        return notification_approve(ids=chosen)
    return notification_cancel(ids=chosen)
