"""How the conference side writes to the outbox: its recipients, under its conference's scope."""

from collections.abc import Iterable, Sequence

from conferences.models import Conference, Organization, Person
from conferences.selectors.notices import conference_notice_scope, organization_notice_ref, person_notice_ref
from notifications.services import Attachment, Recipient, notify


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
