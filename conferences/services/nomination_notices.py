"""Notices to the agency that sent a nomination through its delegate link: receipt, then the decision.

A nomination an organizer entered has no agency link to write to, so it gets none. The receipt
goes at once (a personal confirmation); the decision is held for the organizers' approval, as
paper decisions are. Each is written once per nomination (its idempotency key), so the tasks
may run twice.
"""

import functools

from django.conf import settings
from django.db import transaction

from conferences.enums import NoticeKind
from conferences.models import Nomination
from conferences.services.notices import conference_notify, person_recipient
from conferences.services.rsvp import delegate_notice_url

DECIDED = (Nomination.Status.APPROVED, Nomination.Status.REJECTED)


def _nomination(nomination_id: int) -> Nomination | None:
    return (
        Nomination.objects.select_related(
            "conference__host",
            "category",
            "nominee_organization",
            "nominee_person",
            "nominated_by_registration__person",
            "award__decision__document",
        )
        .filter(pk=nomination_id, nominated_by_registration__isnull=False)
        .first()
    )


def _write(nomination: Nomination, *, kind: str, key: str, hold: bool | None, **context) -> int:
    registration = nomination.nominated_by_registration
    person = registration.person
    if not person.email:
        return 0
    conference = nomination.conference
    rows = conference_notify(
        conference=conference,
        recipients=[person_recipient(person)],
        kind=kind,
        context={
            "conference": conference,
            "nomination": nomination,
            "nominee_name": nomination.nominee_name,
            "personal_url": delegate_notice_url(registration),
            "conference_url": settings.SITE_URL + conference.get_absolute_url(),
            **context,
        },
        idempotency_key=key,
        hold=hold,
    )
    return len(rows)


def nomination_received_notify(*, nomination_id: int) -> int:
    """Confirm to the sending delegate that the nomination arrived; return the notices written."""
    nomination = _nomination(nomination_id)
    if nomination is None:
        return 0
    return _write(
        nomination,
        kind=NoticeKind.NOMINATION_RECEIVED,
        key=f"nomination:{nomination.pk}:received",
        hold=False,
    )


def nomination_decision_notify(*, nomination_id: int) -> int:
    """Tell the sending delegate the nomination became an award (with its decision) or was not approved.

    Held for the organizers' approval (NoticeKind.NOMINATION_DECISION is held by default).
    """
    nomination = _nomination(nomination_id)
    if nomination is None or nomination.status not in (
        Nomination.Status.APPROVED,
        Nomination.Status.REJECTED,
    ):
        return 0
    approved = nomination.status == Nomination.Status.APPROVED
    decision = nomination.award.decision if approved and nomination.award_id else None
    return _write(
        nomination,
        kind=NoticeKind.NOMINATION_DECISION,
        key=f"nomination:{nomination.pk}:decision",
        hold=None,
        approved=approved,
        decision_number=decision.document.formatted if decision else "",
        decision_signed_on=decision.signed_on if decision else None,
        citation=nomination.award.citation if approved and nomination.award_id else "",
    )


def nomination_received_dispatch(nomination: Nomination) -> None:
    """After the commit, send the receipt of a nomination sent through an agency's link."""
    if nomination.nominated_by_registration_id:
        transaction.on_commit(functools.partial(_send_received, nomination.pk))


def nomination_decisions_dispatch(nominations: list[Nomination]) -> None:
    """After the commit, write the decision notices of nominations sent through agencies' links."""
    ids = [n.pk for n in nominations if n.nominated_by_registration_id]
    if ids:
        transaction.on_commit(functools.partial(_send_decisions, ids))


def _send_received(nomination_id: int) -> None:
    from conferences.tasks import send_nomination_received

    send_nomination_received.delay(nomination_id)


def _send_decisions(nomination_ids: list[int]) -> None:
    from conferences.tasks import write_nomination_decision_notices

    write_nomination_decision_notices.delay(nomination_ids)
