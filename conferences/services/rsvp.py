"""An agency's answer to an invitation: accept with named delegates, or decline.

Delegates can be replaced until the RSVP deadline; each new delegate becomes a
registration and gets a confirmation with a personal link. Quota and venue
capacity hold under concurrent answers because the conference row is locked
first, by every path that registers someone.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.exceptions import ApplicationError
from conferences.models import AuditEntry, Conference, Invitation, Person, Registration
from conferences.services.invitation_sending import reminders_cancel
from conferences.services.invitations import registration_create
from conferences.services.organizations import person_create
from conferences.text import nfc
from conferences.tokens import token_new
from notifications.services import Recipient, notify


@dataclass(frozen=True)
class DelegateInput:
    full_name: str
    email: str
    position: str = ""
    phone: str = ""


def delegate_url(token: str) -> str:
    from django.conf import settings

    return settings.SITE_URL + reverse("conferences:delegate", kwargs={"token": token})


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


def _person_for(delegate: DelegateInput, organization) -> Person:
    person = Person.objects.filter(email=delegate.email).first()
    if person is None:
        return person_create(
            full_name=delegate.full_name,
            position=delegate.position,
            organization=organization,
            email=delegate.email,
            phone=delegate.phone,
        )
    # The agency's answer is the newest word on its delegate's name, position and phone.
    person.full_name, person.position = delegate.full_name, delegate.position or person.position
    person.phone = delegate.phone or person.phone
    person.organization = person.organization or organization
    person.save()
    return person


@transaction.atomic
def rsvp_submit(
    *,
    invitation: Invitation,
    accept: bool,
    delegates: list[DelegateInput] = (),
    presenter_email: str = "",
    actor=None,
) -> Invitation:
    """Record the answer. `actor` is the organizer answering for the agency (a phone reply)."""
    # Lock order conference -> invitation, the same as every registration, so answers queue up.
    conference = Conference.objects.select_for_update().get(pk=invitation.conference_id)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=invitation.pk)
    )
    now = timezone.now()
    if invitation.status == Invitation.Status.REVOKED:
        raise ApplicationError(_("This invitation has been withdrawn."))
    if conference.status == Conference.Status.CLOSED:
        raise ApplicationError(_("The conference is closed."))
    if actor is None and conference.rsvp_deadline and now > conference.rsvp_deadline:
        raise ApplicationError(
            _("The deadline for answers has passed. Please contact the organizers."),
            extra={"code": "deadline_passed"},
        )
    current = list(
        Registration.objects.filter(
            invitation=invitation, status=Registration.Status.CONFIRMED
        ).select_related("person")
    )
    cleaned: list[DelegateInput] = []
    if not accept:
        for registration in current:
            registration.status, registration.token_hash = Registration.Status.CANCELLED, None
            registration.save(update_fields=["status", "token_hash", "updated_at"])
        invitation.status, invitation.paper_presenter = Invitation.Status.DECLINED, None
    else:
        cleaned = _clean_delegates(list(delegates), invitation.delegate_quota)
        presenter_email = (presenter_email or "").strip().lower()
        if invitation.paper_requested and presenter_email not in {"", *(d.email for d in cleaned)}:
            raise ValidationError({"presenter_email": _("The presenter must be one of the delegates.")})
        wanted = {d.email for d in cleaned}
        # Replaced delegates leave first, so their places count for the new ones.
        for registration in current:
            if registration.person.email not in wanted:
                registration.status, registration.token_hash = Registration.Status.CANCELLED, None
                registration.save(update_fields=["status", "token_hash", "updated_at"])
        kept = {r.person.email for r in current if r.person.email in wanted}
        for delegate in cleaned:
            person = _person_for(delegate, invitation.organization)
            if delegate.email in kept:
                continue
            registration = registration_create(
                conference=conference,
                person=person,
                invitation=invitation,
                organization=invitation.organization,
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
        AuditEntry.objects.create(
            conference=conference,
            actor=actor,
            action="invitation.answered_on_behalf",
            object_type="invitation",
            object_id=str(invitation.pk),
            data={"accept": accept, "delegates": [d.email for d in cleaned] if accept else []},
        )
    return invitation


def _confirm(registration: Registration) -> None:
    """Give the new delegate a personal link and write their confirmation to the outbox."""
    token, token_hash = token_new()
    registration.token_hash = token_hash
    registration.save(update_fields=["token_hash", "updated_at"])
    notify(
        recipients=[Recipient.for_person(registration.person)],
        kind="registration_confirmation",
        context={
            "registration": registration,
            "conference": registration.conference,
            "delegate_url": delegate_url(token),
        },
        idempotency_key=f"registration:{registration.pk}:confirmed:{token_hash[:12]}",
        conference=registration.conference,
        hold=False,
    )
