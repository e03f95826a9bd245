"""An agency's answer to an invitation: accept with named delegates, or decline.

Delegates can be replaced until the RSVP deadline; each new delegate becomes a
registration and gets a confirmation with a personal link. Quota and venue
capacity hold under concurrent answers because the conference row is locked
first, by every path that registers someone.
"""

import datetime
import functools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.enums import NoticeKind
from conferences.models import AuditEntry, Conference, Invitation, Person, Registration
from conferences.services.audit import audit_record
from conferences.services.invitation_sending import reminders_cancel
from conferences.services.invitations import registration_create
from conferences.services.notices import conference_notify, person_recipient
from conferences.services.organizations import person_create
from core.exceptions import ApplicationError
from core.text import nfc
from core.tokens import derived_token, token_new
from notifications.services import Attachment


@dataclass(frozen=True)
class DelegateInput:
    full_name: str
    email: str
    position: str = ""
    phone: str = ""


def delegate_url(token: str) -> str:
    from django.conf import settings

    return settings.SITE_URL + reverse("conferences:delegate", kwargs={"token": token})


def delegate_notice_url(registration: Registration) -> str:
    """The delegate's personal page, for a notice written after the link was first sent.

    "" when the registration has no personal link. The link is derived from the
    stored hash (`core.tokens.derived_token`), so it dies with the original.
    """
    from django.conf import settings

    path = delegate_notice_path(registration)
    return settings.SITE_URL + path if path else ""


def delegate_notice_path(registration: Registration) -> str:
    """The path of delegate_notice_url, for a link on another host than SITE_URL (the demo's)."""
    if not registration.token_hash:
        return ""
    token = derived_token(ref=registration.pk, secret_hash=registration.token_hash)
    return reverse("conferences:delegate", kwargs={"token": token})


def _clean_delegates(delegates: list[DelegateInput], quota: int) -> list[DelegateInput]:
    if not delegates:
        raise ValidationError({"delegates": _("Name at least one delegate.")})
    if len(delegates) > quota:
        raise ValidationError(
            {"delegates": _("This invitation allows at most %(quota)s delegate(s).") % {"quota": quota}}
        )
    errors, cleaned, seen = [], [], set()
    for number, delegate in enumerate(delegates, start=1):
        name, email = nfc(delegate.full_name or "", multiline=False), (delegate.email or "").strip().lower()
        if not name:
            errors.append(_("Delegate %(n)s: enter the full name.") % {"n": number})
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("Delegate %(n)s: enter a valid e-mail address.") % {"n": number})
        if email in seen:
            errors.append(_("Delegate %(n)s: this e-mail address is given twice.") % {"n": number})
        seen.add(email)
        position, phone = nfc(delegate.position or "", multiline=False), nfc(delegate.phone or "")
        cleaned.append(DelegateInput(name, email, position, phone))
    if errors:
        raise ValidationError({"delegates": errors})
    return cleaned


@dataclass(frozen=True)
class RsvpState:
    """Whether an invitation takes an answer now; if not, `reason` says why and `code` names it."""

    open: bool
    reason: str = ""
    code: str = ""


def rsvp_state(
    *, invitation: Invitation, now: datetime.datetime | None = None, on_behalf: bool = False
) -> RsvpState:
    """Whether the invitation can be answered at `now`, by the agency's link or, `on_behalf`, by an organizer.

    The one statement of when answers are open, asked by rsvp_submit and by
    every page and endpoint that shows whether the answer can still change.
    Organizers may answer after the deadline (a reply by phone); nobody
    answers a withdrawn invitation or for a closed conference.
    """
    now = now or timezone.now()
    conference = invitation.conference
    if invitation.status == Invitation.Status.REVOKED:
        return RsvpState(False, _("This invitation has been withdrawn."), "revoked")
    if conference.status == Conference.Status.CLOSED:
        return RsvpState(False, _("The conference is closed."), "closed")
    if not on_behalf and conference.rsvp_deadline and now > conference.rsvp_deadline:
        return RsvpState(
            False, _("The deadline for answers has passed. Please contact the organizers."), "deadline_passed"
        )
    return RsvpState(True)


# What an answer tells of a delegate beside the e-mail address that finds their person.
NAMED_FIELDS = ("full_name", "position", "phone")


def _answer_may_change(person: Person, invitation: Invitation) -> bool:
    """Whether an answer to this invitation may change the person's own record.

    A person is shared by every conference: only the agency they belong to
    (or the person the invitation is addressed to) speaks for them, and not
    once the organizers have verified and locked the record.
    """
    if person.locked:
        return False
    if invitation.person_id is not None and invitation.person_id == person.pk:
        return True
    return invitation.organization_id is not None and person.organization_id == invitation.organization_id


def _person_for(delegate: DelegateInput, invitation: Invitation, *, actor) -> Person:
    """The person with the delegate's e-mail, made if new; an existing record changes only if it may.

    What the answer would change on a record is written to the invitation's
    history: the change itself, or, for a record that is kept, which details
    differ (not their values: the record may be another agency's).
    """
    person = Person.objects.select_for_update().filter(email=delegate.email).first()
    if person is None:
        return person_create(
            full_name=delegate.full_name,
            position=delegate.position,
            organization=invitation.organization,
            email=delegate.email,
            phone=delegate.phone,
        )
    # An empty position or phone in an answer means "not given", not "erase".
    named = {
        "full_name": delegate.full_name,
        "position": delegate.position or person.position,
        "phone": delegate.phone or person.phone,
    }
    differing = {field: value for field, value in named.items() if getattr(person, field) != value}
    if not differing:
        return person
    if not _answer_may_change(person, invitation):
        audit_record(
            target=invitation,
            conference=invitation.conference,
            actor=actor,
            action=AuditEntry.Action.DELEGATE_RECORD_KEPT,
            data={
                "person": person.pk,
                "email": person.email,
                "fields": [field for field in NAMED_FIELDS if field in differing],
                "reason": "locked" if person.locked else "other_agency",
            },
        )
        return person
    before = {field: getattr(person, field) for field in differing}
    for field, value in differing.items():
        setattr(person, field, value)
    # save() derives the folded name and the sort key from the name.
    person.save(update_fields=[*differing, "search_name", "sort_key"])
    audit_record(
        target=invitation,
        conference=invitation.conference,
        actor=actor,
        action=AuditEntry.Action.DELEGATE_RECORD_CHANGED,
        data={"person": person.pk, "email": person.email, "before": before, "after": differing},
    )
    return person


def _cancel(registrations) -> None:
    """Cancel delegates who no longer come; their personal links stop working."""
    for registration in registrations:
        registration.status, registration.token_hash = Registration.Status.CANCELLED, None
        registration.save(update_fields=["status", "token_hash", "updated_at"])


def _as_named(registration: Registration) -> tuple[str, str, str]:
    return (registration.full_name, registration.position, registration.phone)


@transaction.atomic
def rsvp_submit(
    *,
    invitation: Invitation,
    accept: bool,
    delegates: list[DelegateInput] = (),
    presenter_email: str = "",
    actor=None,
    now: datetime.datetime | None = None,
) -> Invitation:
    """Record the answer: the one way an invitation is answered.

    `actor` is the organizer answering for the agency (a reply by phone): it
    may answer after the deadline, and the answer is written to the audit
    log. `now` is when the answer was given, if not now (the demo records the
    answers of its story).

    Each delegate is registered as the agency named them; the shared person
    behind the e-mail address changes only when the answer may change it
    (see _answer_may_change).
    """
    # Lock order conference -> invitation, the same as every registration, so answers queue up.
    conference = Conference.objects.select_for_update().get(pk=invitation.conference_id)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=invitation.pk)
    )
    invitation.conference = conference
    now = now or timezone.now()
    state = rsvp_state(invitation=invitation, now=now, on_behalf=actor is not None)
    if not state.open:
        raise ApplicationError(state.reason, code=state.code)
    current = {
        registration.person.email: registration
        for registration in Registration.objects.filter(
            invitation=invitation, status=Registration.Status.CONFIRMED
        ).select_related("person")
    }
    cleaned: list[DelegateInput] = []
    if not accept:
        _cancel(current.values())
        invitation.status, invitation.paper_presenter = Invitation.Status.DECLINED, None
    else:
        cleaned = _clean_delegates(list(delegates), invitation.delegate_quota)
        presenter_email = (presenter_email or "").strip().lower()
        if invitation.paper_requested and presenter_email not in {"", *(d.email for d in cleaned)}:
            raise ValidationError({"presenter_email": _("The presenter must be one of the delegates.")})
        wanted = {d.email for d in cleaned}
        # Replaced delegates leave first, so their places count for the new ones.
        _cancel(registration for email, registration in current.items() if email not in wanted)
        for delegate in cleaned:
            named = (delegate.full_name, delegate.position, delegate.phone)
            registration = current.get(delegate.email)
            if registration is not None and _as_named(registration) == named:
                continue  # Named again as before: nothing to change, no second confirmation.
            person = _person_for(delegate, invitation, actor=actor)
            if registration is not None:
                registration.full_name, registration.position, registration.phone = named
                registration.save(update_fields=[*NAMED_FIELDS, "updated_at"])
                continue
            registration = registration_create(
                conference=conference,
                person=person,
                invitation=invitation,
                organization=invitation.organization,
                full_name=delegate.full_name,
                position=delegate.position,
                phone=delegate.phone,
            )
            _confirm(registration)
        invitation.status = Invitation.Status.ACCEPTED
        invitation.paper_presenter = (
            Person.objects.filter(email=presenter_email).first() if presenter_email else None
        )
    invitation.responded_at = now
    invitation.save(update_fields=["status", "paper_presenter", "responded_at", "updated_at"])
    reminders_cancel(invitation=invitation)
    if actor is not None:
        audit_record(
            target=invitation,
            conference=invitation.conference,
            actor=actor,
            action=AuditEntry.Action.INVITATION_ANSWERED_ON_BEHALF,
            data={"accept": accept, "delegates": [d.email for d in cleaned] if accept else []},
        )
    return invitation


def _confirm(registration: Registration) -> None:
    """Give the new delegate a personal link; their confirmation is written by a task after commit.

    The confirmation carries the e-ticket PDF, rendered by the task, never under
    this transaction's locks. Its link is derived from the stored hash
    (delegate_notice_url), so no token travels through the broker.
    """
    _token, token_hash = token_new()
    registration.token_hash = token_hash
    registration.save(update_fields=["token_hash", "updated_at"])
    transaction.on_commit(functools.partial(_send_confirmation, registration.pk, token_hash))


def _send_confirmation(registration_id: int, token_hash: str) -> None:
    from conferences.tasks import send_registration_confirmation

    send_registration_confirmation.delay(registration_id, token_hash)


def registration_confirmation_send(*, registration_id: int, token_hash: str) -> int:
    """Write a delegate's confirmation with the e-ticket attached; the number of notices written.

    Safe to run twice (the idempotency key). Nothing is written for a
    registration that is gone, cancelled or whose link was replaced since:
    the link this confirmation would carry no longer opens anything.
    """
    from conferences.documents.e_ticket import e_ticket_filename, render_e_ticket

    registration = (
        Registration.objects.select_related("conference__host", "person", "organization")
        .filter(pk=registration_id, status=Registration.Status.CONFIRMED, token_hash=token_hash)
        .first()
    )
    if registration is None:
        return 0
    url = delegate_notice_url(registration)
    ticket = Attachment(
        filename=e_ticket_filename(registration),
        content=render_e_ticket(registration, delegate_url=url),
        content_type="application/pdf",
    )
    rows = conference_notify(
        conference=registration.conference,
        recipients=[person_recipient(registration.person)],
        kind=NoticeKind.REGISTRATION_CONFIRMATION,
        context={"registration": registration, "conference": registration.conference, "delegate_url": url},
        idempotency_key=f"registration:{registration.pk}:confirmed:{token_hash[:12]}",
        attachments=[ticket],
        hold=False,
    )
    return len(rows)
