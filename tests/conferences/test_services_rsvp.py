"""Answering invitations: the delegates an agency names, the quota, the deadline (services/rsvp.py)."""

import pytest
from django.core.exceptions import ValidationError

from conferences.models import AuditEntry, Invitation, Registration
from conferences.selectors.invitations import registration_get_by_token
from conferences.services.invitation_sending import invitation_revoke, invitation_send
from conferences.services.rsvp import rsvp_submit
from core.exceptions import ApplicationError
from notifications.models import Notification
from tests.conferences.invitation_helpers import (
    CONFERENCE,
    DELEGATE_LINK,
    delegates,
    make_conference,
    make_invitation,
    make_user,
    notices,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("invitation_settings")]

State = Notification.State


@pytest.fixture
def conference_kwargs():
    return CONFERENCE


# rsvp_submit ----------------------------------------------------------------------------------------


def test_rsvp_accept_registers_the_delegates_and_sends_each_a_personal_link(conference, run_commit_tasks):
    invitation = make_invitation(conference, delegate_quota=2)
    invitation_send(invitation=invitation)

    with run_commit_tasks():
        rsvp_submit(invitation=invitation, accept=True, delegates=delegates("an@so.gov.vn", "binh@so.gov.vn"))

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.responded_at is not None
    registrations = Registration.objects.filter(invitation=invitation).select_related("person")
    assert sorted((r.person.email, r.status, r.organization_id) for r in registrations) == [
        ("an@so.gov.vn", "confirmed", invitation.organization_id),
        ("binh@so.gov.vn", "confirmed", invitation.organization_id),
    ]
    confirmations = Notification.objects.filter(kind="registration_confirmation")
    assert sorted(n.recipient_address for n in confirmations) == ["an@so.gov.vn", "binh@so.gov.vn"]
    for notice in confirmations:
        registration = registration_get_by_token(token=DELEGATE_LINK.search(notice.body_text).group(1))
        assert registration.person.email == notice.recipient_address
        # The e-ticket rides along: one PDF named after the registration's ticket code.
        assert [a.filename for a in notice.attachments.all()] == [
            f"ve-{conference.slug}-{registration.ticket_code}.pdf"
        ]


def test_rsvp_answer_cancels_the_waiting_reminders(conference, send):
    invitation = make_invitation(conference)
    send(invitation)
    assert notices(invitation, "invitation_reminder").filter(state=State.PENDING).count() == 4

    rsvp_submit(invitation=invitation, accept=True, delegates=delegates("an@so.gov.vn"))

    assert set(notices(invitation, "invitation_reminder").values_list("state", flat=True)) == {
        State.CANCELLED
    }


def test_rsvp_decline_cancels_the_delegates(conference):
    invitation = make_invitation(conference, delegate_quota=2, paper_requested=True)
    rsvp_submit(
        invitation=invitation,
        accept=True,
        delegates=delegates("an@so.gov.vn", "binh@so.gov.vn"),
        presenter_email="an@so.gov.vn",
    )

    rsvp_submit(invitation=invitation, accept=False)

    invitation.refresh_from_db()
    assert (invitation.status, invitation.paper_presenter) == (Invitation.Status.DECLINED, None)
    assert set(Registration.objects.filter(invitation=invitation).values_list("status", "token_hash")) == {
        ("cancelled", None)
    }


def test_rsvp_replaces_a_delegate_and_keeps_the_others(conference, run_commit_tasks):
    invitation = make_invitation(conference, delegate_quota=2)
    with run_commit_tasks():
        rsvp_submit(invitation=invitation, accept=True, delegates=delegates("an@so.gov.vn", "binh@so.gov.vn"))
    kept = Registration.objects.get(person__email="binh@so.gov.vn")

    with run_commit_tasks():
        rsvp_submit(
            invitation=invitation, accept=True, delegates=delegates("binh@so.gov.vn", "chi@so.gov.vn")
        )

    rows = dict(Registration.objects.filter(invitation=invitation).values_list("person__email", "status"))
    assert rows == {"an@so.gov.vn": "cancelled", "binh@so.gov.vn": "confirmed", "chi@so.gov.vn": "confirmed"}
    assert Registration.objects.get(person__email="binh@so.gov.vn").pk == kept.pk
    confirmations = Notification.objects.filter(kind="registration_confirmation")
    # The kept delegate's first confirmation still holds: no second one.
    assert sorted(confirmations.values_list("recipient_address", flat=True)) == [
        "an@so.gov.vn",
        "binh@so.gov.vn",
        "chi@so.gov.vn",
    ]


def test_rsvp_refuses_more_delegates_than_the_quota_and_writes_nothing(conference):
    invitation = make_invitation(conference, delegate_quota=2)

    with pytest.raises(ValidationError) as caught:
        rsvp_submit(
            invitation=invitation,
            accept=True,
            delegates=delegates("an@so.gov.vn", "binh@so.gov.vn", "chi@so.gov.vn"),
        )

    assert caught.value.message_dict == {"delegates": ["This invitation allows at most 2 delegate(s)."]}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert not Registration.objects.exists()


def test_rsvp_refuses_a_presenter_who_is_not_a_delegate(conference):
    invitation = make_invitation(conference, delegate_quota=1, paper_requested=True, paper_topic="ISO 9001")

    with pytest.raises(ValidationError) as caught:
        rsvp_submit(
            invitation=invitation,
            accept=True,
            delegates=delegates("an@so.gov.vn"),
            presenter_email="nguoi-khac@so.gov.vn",
        )

    assert caught.value.message_dict == {"presenter_email": ["The presenter must be one of the delegates."]}
    assert not Registration.objects.exists()


def test_rsvp_records_the_presenter_among_the_delegates(conference):
    invitation = make_invitation(conference, delegate_quota=2, paper_requested=True)

    rsvp_submit(
        invitation=invitation,
        accept=True,
        delegates=delegates("an@so.gov.vn", "binh@so.gov.vn"),
        presenter_email=" Binh@So.gov.vn ",
    )

    invitation.refresh_from_db()
    assert invitation.paper_presenter.email == "binh@so.gov.vn"


def test_rsvp_after_the_deadline_is_refused_to_the_agency(host):
    conference = make_conference(host, deadline_in_days=-1)
    invitation = make_invitation(conference)

    with pytest.raises(ApplicationError) as caught:
        rsvp_submit(invitation=invitation, accept=True, delegates=delegates("an@so.gov.vn"))

    assert caught.value.code == "deadline_passed"
    assert not Registration.objects.exists()
    assert not AuditEntry.objects.exists()


def test_rsvp_after_the_deadline_is_allowed_to_an_organizer_with_an_audit_entry(host):
    conference = make_conference(host, deadline_in_days=-1)
    invitation = make_invitation(conference)
    organizer = make_user()

    rsvp_submit(invitation=invitation, accept=True, delegates=delegates("an@so.gov.vn"), actor=organizer)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert Registration.objects.get(invitation=invitation).person.email == "an@so.gov.vn"
    [entry] = AuditEntry.objects.all()
    assert (entry.conference, entry.actor, entry.action) == (
        conference,
        organizer,
        "invitation.answered_on_behalf",
    )
    assert (entry.object_type, entry.object_id) == ("invitation", str(invitation.pk))
    assert entry.data == {"accept": True, "delegates": ["an@so.gov.vn"]}


def test_rsvp_refuses_a_revoked_invitation(conference):
    invitation = make_invitation(conference)
    invitation_revoke(invitation=invitation)

    with pytest.raises(ApplicationError, match="withdrawn"):
        rsvp_submit(invitation=invitation, accept=True, delegates=delegates("an@so.gov.vn"))

    assert not Registration.objects.exists()
