import pytest
from django.core.exceptions import ValidationError

from conferences.models import Invitation, Registration
from conferences.services.invitations import (
    invitation_create,
    registration_create,
)
from conferences.services.rsvp import DelegateInput, rsvp_submit
from core.exceptions import ApplicationError
from tests.factories import (
    ConferenceFactory,
    InvitationFactory,
    OrganizationFactory,
    PersonFactory,
    RegistrationFactory,
    local,
)

pytestmark = pytest.mark.django_db


def test_invitation_create_stores_a_draft_invitation_for_the_agency():
    conference = ConferenceFactory()
    department = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")

    invitation = invitation_create(
        conference=conference,
        organization=department,
        addressee="Đại diện Lãnh đạo Sở",
        delegate_quota=2,
        paper_requested=True,
    )

    invitation.refresh_from_db()
    assert (invitation.status, invitation.delegate_quota, invitation.paper_requested) == ("draft", 2, True)
    assert invitation.invitee_name == "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
    assert not invitation.links.exists()


def test_invitation_create_refuses_a_quota_of_zero():
    with pytest.raises(ValidationError) as excinfo:
        invitation_create(
            conference=ConferenceFactory(), organization=OrganizationFactory(), delegate_quota=0
        )

    assert "delegate_quota" in excinfo.value.message_dict


def test_rsvp_submit_records_an_answer_given_before_the_deadline_at_that_time():
    # The one way to answer also records answers of the past (the demo's story): the deadline is
    # judged at the time the answer was given.
    invitation = InvitationFactory(
        status=Invitation.Status.SENT, conference__rsvp_deadline=local(2021, 4, 5, 17, 0)
    )
    given = local(2021, 3, 26, 9, 0)

    rsvp_submit(
        invitation=invitation,
        accept=True,
        delegates=[DelegateInput(full_name="Trần Văn An", email="an@so.gov.vn")],
        now=given,
    )

    invitation.refresh_from_db()
    assert (invitation.status, invitation.responded_at) == (Invitation.Status.ACCEPTED, given)
    assert Registration.objects.get(invitation=invitation).person.email == "an@so.gov.vn"


def test_rsvp_submit_refuses_a_revoked_invitation():
    invitation = InvitationFactory(status=Invitation.Status.REVOKED)

    with pytest.raises(ApplicationError) as excinfo:
        rsvp_submit(invitation=invitation, accept=False)

    assert excinfo.value.code == "revoked"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED


def test_registration_create_takes_organization_from_the_invitation():
    invitation = InvitationFactory(delegate_quota=2)

    registration = registration_create(
        conference=invitation.conference, person=PersonFactory(), invitation=invitation
    )

    registration.refresh_from_db()
    assert registration.organization == invitation.organization
    assert registration.status == Registration.Status.CONFIRMED


def test_registration_quota_is_enforced():
    invitation = InvitationFactory(delegate_quota=2)
    for _ in range(2):
        registration_create(conference=invitation.conference, person=PersonFactory(), invitation=invitation)

    with pytest.raises(ApplicationError) as excinfo:
        registration_create(conference=invitation.conference, person=PersonFactory(), invitation=invitation)

    assert excinfo.value.code == "quota_reached"
    assert excinfo.value.message == "This invitation allows 2 delegate(s)."
    assert Registration.objects.filter(invitation=invitation).count() == 2


def test_registration_capacity_is_enforced():
    conference = ConferenceFactory(capacity=2)
    RegistrationFactory.create_batch(2, conference=conference)

    with pytest.raises(ApplicationError) as excinfo:
        registration_create(conference=conference, person=PersonFactory())

    assert excinfo.value.code == "capacity_reached"
    assert Registration.objects.filter(conference=conference).count() == 2


def test_cancelled_registrations_do_not_count_against_the_quota():
    invitation = InvitationFactory(delegate_quota=1)
    RegistrationFactory(
        conference=invitation.conference, invitation=invitation, status=Registration.Status.CANCELLED
    )

    registration = registration_create(
        conference=invitation.conference, person=PersonFactory(), invitation=invitation
    )

    assert registration.status == Registration.Status.CONFIRMED


def test_cancelled_registrations_do_not_count_against_the_capacity():
    conference = ConferenceFactory(capacity=1)
    RegistrationFactory(conference=conference, status=Registration.Status.CANCELLED)

    registration_create(conference=conference, person=PersonFactory())

    assert Registration.objects.filter(conference=conference, status="confirmed").count() == 1


def test_registration_with_invitation_of_another_conference_is_refused():
    invitation = InvitationFactory()

    with pytest.raises(ValidationError) as excinfo:
        registration_create(conference=ConferenceFactory(), person=PersonFactory(), invitation=invitation)

    assert list(excinfo.value.message_dict) == ["invitation"]


def test_a_person_registers_once_per_conference():
    registration = RegistrationFactory()

    with pytest.raises(ValidationError):
        registration_create(conference=registration.conference, person=registration.person)

    assert Registration.objects.count() == 1


def _first_ticket_code(monkeypatch, code: str) -> None:
    """The next new Registration is born with `code` (the field's default draws it)."""
    field = Registration._meta.get_field("ticket_code")
    monkeypatch.setattr(field, "_get_default", lambda: code)  # What get_default() calls, cached.
    assert Registration().ticket_code == code


def test_registration_create_draws_again_when_its_ticket_code_is_taken(monkeypatch):
    taken = RegistrationFactory()
    _first_ticket_code(monkeypatch, taken.ticket_code)

    drawn = []
    monkeypatch.setattr(
        "conferences.services.invitations.ticket_code_new", lambda: drawn.append("K7PQ4XM") or "K7PQ4XM"
    )

    registration = registration_create(conference=taken.conference, person=PersonFactory())

    registration.refresh_from_db()
    assert drawn == ["K7PQ4XM"]
    assert registration.ticket_code == "K7PQ4XM"
    assert Registration.objects.filter(conference=taken.conference).count() == 2


def test_registration_create_gives_up_after_repeated_ticket_code_clashes(monkeypatch):
    taken = RegistrationFactory()
    _first_ticket_code(monkeypatch, taken.ticket_code)
    monkeypatch.setattr("conferences.services.invitations.ticket_code_new", lambda: taken.ticket_code)

    with pytest.raises(ApplicationError) as caught:
        registration_create(conference=taken.conference, person=PersonFactory())

    assert caught.value.message == "No free ticket code could be drawn: please try again."
    assert Registration.objects.count() == 1


def test_the_same_ticket_code_in_another_conference_is_no_clash(monkeypatch):
    taken = RegistrationFactory()
    _first_ticket_code(monkeypatch, taken.ticket_code)
    monkeypatch.setattr("conferences.services.invitations.ticket_code_new", lambda: "never-used")

    registration = registration_create(conference=ConferenceFactory(), person=PersonFactory())

    assert registration.ticket_code == taken.ticket_code
