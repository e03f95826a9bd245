from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import Conference, Invitation, Organization, Person, Registration
from conferences.selectors.people import person_is_visible_to_organizer
from conferences.services.common import validated_save
from core.exceptions import ApplicationError
from core.text import nfc
from core.ticket_codes import ticket_code_new

# Draws of a ticket code before giving up: with 887 million codes, a second clash in a row
# means something other than chance, and the delegate is asked to try again.
TICKET_CODE_ATTEMPTS = 5


def _is_host(conference: Conference, organization: Organization) -> bool:
    """The host agency holds the conference: it does not invite itself."""
    return organization.pk == conference.host_id


def invitee_check(
    *,
    conference: Conference,
    organization: Organization | None = None,
    person: Person | None = None,
    invitation: Invitation | None = None,
) -> None:
    """Refuse an invitee this conference may not invite; `invitation` is the one being changed, if any.

    The rules of whom a conference invites, for every path that creates an
    invitation (the API, the admin's form, the bulk invitation):
    someone, not the host agency (it holds the conference), a person only among
    those its organizers may see, and nobody twice.
    """
    if organization is None and person is None:
        raise ValidationError({"organization": _("Invite an organization or a person.")})
    if organization is not None and _is_host(conference, organization):
        raise ValidationError({"organization": _("The host agency does not invite itself.")})
    if person is not None and not person_is_visible_to_organizer(conference=conference, person=person):
        # The same words whether the person exists elsewhere or not at all: no hint either way.
        raise ValidationError({"person": _("No such person among those this conference may invite.")})
    invited = Invitation.objects.filter(conference=conference)
    if invitation is not None and invitation.pk:
        invited = invited.exclude(pk=invitation.pk)
    if organization is not None and invited.filter(organization=organization).exists():
        raise ValidationError({"organization": _("This organization is already invited to the conference.")})
    if organization is None and invited.filter(organization=None, person=person).exists():
        raise ValidationError({"person": _("This person is already invited to the conference.")})


@transaction.atomic
def invitation_create(
    *,
    conference: Conference,
    organization: Organization | None = None,
    person: Person | None = None,
    addressee: str = "",
    delegate_quota: int | None = None,
    paper_requested: bool = False,
    paper_topic: str = "",
    note: str = "",
) -> Invitation:
    invitee_check(conference=conference, organization=organization, person=person)
    invitation = Invitation(
        conference=conference,
        organization=organization,
        person=person,
        addressee=nfc(addressee),
        # No quota given: the conference's default for its invitations.
        delegate_quota=conference.default_delegate_quota if delegate_quota is None else delegate_quota,
        paper_requested=paper_requested,
        paper_topic=nfc(paper_topic),
        note=note,
    )
    return validated_save(invitation)


@transaction.atomic
def invitation_update(*, invitation: Invitation, **fields) -> Invitation:
    """Change a draft's letter fields; a sent letter is never changed."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.DRAFT:
        raise ApplicationError(_("Only a draft invitation can be changed."), code="not_draft")
    for name, value in fields.items():
        setattr(invitation, name, nfc(value) if name in {"addressee", "paper_topic"} else value)
    return validated_save(invitation)


@transaction.atomic
def invitation_delete(*, invitation: Invitation) -> None:
    """Delete a draft; an invitation that was sent has a number and stays on record."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.DRAFT:
        raise ApplicationError(_("Only a draft invitation can be deleted."), code="not_draft")
    invitation.delete()


@transaction.atomic
def invitation_bulk_create(
    *,
    conference: Conference,
    organizations: list[Organization],
    delegate_quota: int | None = None,
    paper_requested: bool = False,
    paper_topic: str = "",
    note: str = "",
) -> tuple[list[Invitation], list[Organization]]:
    """Invite each organization not yet invited; return (new invitations, organizations skipped).

    The host agency is left out without a word: "every ministry" means every other ministry.
    """
    organizations = [organization for organization in organizations if not _is_host(conference, organization)]
    already = set(
        Invitation.objects.filter(conference=conference, organization__in=organizations).values_list(
            "organization_id", flat=True
        )
    )
    created, skipped = [], []
    for organization in organizations:
        if organization.pk in already:
            skipped.append(organization)
            continue
        already.add(organization.pk)
        created.append(
            invitation_create(
                conference=conference,
                organization=organization,
                delegate_quota=delegate_quota,
                paper_requested=paper_requested,
                paper_topic=paper_topic,
                note=note,
            )
        )
    return created, skipped


@transaction.atomic
def registration_create(
    *,
    conference: Conference,
    person: Person,
    organization: Organization | None = None,
    invitation: Invitation | None = None,
    role: str = Registration.Role.DELEGATE,
    full_name: str = "",
    position: str = "",
    phone: str = "",
) -> Registration:
    """Register a person, holding the invitation's quota and the venue's capacity.

    `full_name`, `position` and `phone` are the delegate as the agency named
    them, kept on the registration; left empty, the conference shows the
    person's own record.

    The conference row is locked first, so concurrent registrations are counted
    one after another and never overshoot a quota or the capacity.
    """
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    existing = Registration.objects.filter(conference=conference, person=person).first()
    if existing is not None and existing.status == Registration.Status.CONFIRMED:
        raise ValidationError(
            {"person": _("%(name)s is already registered for this conference.") % {"name": person.full_name}}
        )
    active = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
    if conference.capacity is not None and active.count() >= conference.capacity:
        raise ApplicationError(
            _("The conference is full (%(capacity)s places).") % {"capacity": conference.capacity},
            code="capacity_reached",
        )
    if invitation is not None:
        if invitation.conference_id != conference.pk:
            raise ValidationError({"invitation": _("The invitation belongs to another conference.")})
        if active.filter(invitation=invitation).count() >= invitation.delegate_quota:
            raise ApplicationError(
                _("This invitation allows %(quota)s delegate(s).") % {"quota": invitation.delegate_quota},
                code="quota_reached",
            )
        organization = organization or invitation.organization
    # A person who cancelled and comes back keeps their one registration row.
    registration = existing or Registration(conference=conference, person=person)
    registration.organization = organization
    registration.invitation = invitation
    registration.role = role
    registration.full_name, registration.position = nfc(full_name), nfc(position)
    registration.phone = (phone or "").strip()
    registration.status = Registration.Status.CONFIRMED
    if registration.pk is not None:
        return validated_save(registration)
    return _saved_with_a_free_ticket_code(registration)


def _saved_with_a_free_ticket_code(registration: Registration) -> Registration:
    """Insert a new registration, drawing its random ticket code again while another delegate holds it.

    The clash is left to the unique constraint (a check first would still race a concurrent
    insert); each attempt runs in a savepoint, so a refused insert leaves the transaction usable.
    """
    registration.full_clean(exclude=["ticket_code"])
    for _attempt in range(TICKET_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            taken = Registration.objects.filter(
                conference_id=registration.conference_id, ticket_code=registration.ticket_code
            ).exists()
            if not taken:
                raise
            registration.pk = None
            registration.ticket_code = ticket_code_new()
        else:
            return registration
    raise ApplicationError(_("No free ticket code could be drawn: please try again."))


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration:
    Registration.objects.filter(pk=registration.pk).update(
        status=Registration.Status.CANCELLED, token_hash=None, updated_at=timezone.now()
    )
    registration.refresh_from_db()
    return registration
