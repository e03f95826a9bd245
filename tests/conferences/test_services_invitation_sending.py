"""Sending, reminding and revoking invitations, and moving their deadline (services/invitation_sending.py)."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from conferences.models import AuditEntry, Invitation, InvitationLink, Job, Person, Registration
from conferences.selectors.invitations import invitation_get_by_token
from conferences.services.invitation_sending import (
    invitation_remind,
    invitation_revoke,
    invitation_send,
    invitation_send_bulk,
    invitation_send_drafts,
)
from conferences.services.invitations import invitation_create, registration_create
from conferences.services.organizations import organization_create, person_create
from conferences.services.rsvp import DelegateInput, RsvpState, rsvp_state, rsvp_submit
from conferences.tasks import send_invitation_letter, send_invitations
from core.exceptions import ApplicationError
from notifications.models import Notification
from tests.conferences.invitation_helpers import (
    CONFERENCE,
    make_agency,
    make_conference,
    make_invitation,
    make_user,
    notices,
    tokens_in,
)
from tests.factories import local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("invitation_settings")]

State = Notification.State


@pytest.fixture
def conference_kwargs():
    return CONFERENCE


# invitation_send ------------------------------------------------------------------------------------


def test_invitation_send_numbers_letters_01_02_for_the_issuer_and_year(conference, host):
    first, second = make_invitation(conference, 1), make_invitation(conference, 2)
    other_host = organization_create(name="Bộ Nội vụ", code="BNV", kind="ministry")
    other = make_invitation(make_conference(other_host), 3)

    for invitation in (first, second, other):
        invitation_send(invitation=invitation)

    year = timezone.localdate().year
    for invitation in (first, second, other):
        invitation.refresh_from_db()
    assert (first.document.formatted, first.document.year) == ("01/GM-BKHCN", year)
    assert (second.document.formatted, second.document.year) == ("02/GM-BKHCN", year)
    assert other.document.formatted == "01/GM-BNV"
    assert first.document.issued_on == timezone.localdate()
    assert (first.status, first.send_count) == (Invitation.Status.SENT, 1)


def test_invitation_numbers_restart_at_01_each_year(conference, monkeypatch):
    late, early = make_invitation(conference, 1), make_invitation(conference, 2)

    monkeypatch.setattr(timezone, "now", lambda: local(2021, 12, 31, 16, 0))
    invitation_send(invitation=make_invitation(conference, 3))
    invitation_send(invitation=late)
    monkeypatch.setattr(timezone, "now", lambda: local(2022, 1, 3, 9, 0))
    invitation_send(invitation=early)

    late.refresh_from_db()
    early.refresh_from_db()
    assert (late.document.formatted, late.document.year) == ("02/GM-BKHCN", 2021)
    assert (early.document.formatted, early.document.year) == ("01/GM-BKHCN", 2022)
    assert early.document.issued_on == datetime.date(2022, 1, 3)


def test_invitation_send_writes_one_held_notice_per_contact_email_with_the_letter(conference, send):
    invitation = make_invitation(conference)

    rows = send(invitation, hold=True)

    assert len(rows) == 2
    stored = list(notices(invitation).order_by("recipient_address"))
    assert [n.recipient_address for n in stored] == ["lanhdao1@so.gov.vn", "vanthu1@so.gov.vn"]
    assert {n.state for n in stored} == {State.HELD}
    # In the agency's language (Vietnamese), whatever language the sender's session used.
    assert {n.subject for n in stored} == {"Giấy mời số 01/GM-BKHCN: Hội nghị sơ kết Quyết định 19"}
    for notice in stored:
        [attachment] = notice.attachments.all()
        assert (attachment.filename, attachment.content_type) == ("giay-moi-01.pdf", "application/pdf")
        with attachment.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"


def test_invitation_send_is_held_by_default_and_goes_at_once_when_not_held(conference, send):
    default, not_held = make_invitation(conference, 1), make_invitation(conference, 2)

    send(default)
    send(not_held, hold=False)

    assert set(notices(default).values_list("state", flat=True)) == {State.HELD}
    assert set(notices(not_held).values_list("state", flat=True)) == {State.PENDING}


def test_invitation_send_makes_a_link_that_opens_the_invitation(conference, send):
    invitation = make_invitation(conference)

    rows = send(invitation)

    [token] = set(tokens_in(rows))  # Both addresses of the agency get the same link.
    assert invitation_get_by_token(token=token) == invitation
    [link] = InvitationLink.objects.filter(invitation=invitation)
    assert link.expires_at == conference.rsvp_deadline + datetime.timedelta(days=3)
    assert token not in link.token_hash
    assert invitation_get_by_token(token=token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_invitation_send_plans_pending_reminders_7_and_2_days_before_the_deadline(conference, send):
    invitation = make_invitation(conference)

    send(invitation)

    planned = notices(invitation, "invitation_reminder")
    deadline = conference.rsvp_deadline
    assert sorted((n.not_before, n.recipient_address) for n in planned) == [
        (deadline - datetime.timedelta(days=7), "lanhdao1@so.gov.vn"),
        (deadline - datetime.timedelta(days=7), "vanthu1@so.gov.vn"),
        (deadline - datetime.timedelta(days=2), "lanhdao1@so.gov.vn"),
        (deadline - datetime.timedelta(days=2), "vanthu1@so.gov.vn"),
    ]
    assert {n.state for n in planned} == {State.PENDING}
    assert {n.enqueued_at for n in planned} == {None}  # Not due yet: the sweeper queues them on the day.


def test_invitation_send_skips_reminder_offsets_already_past(host, send):
    conference = make_conference(host, deadline_in_days=5)
    invitation = make_invitation(conference)

    send(invitation)

    days_before = {
        conference.rsvp_deadline - n.not_before for n in notices(invitation, "invitation_reminder")
    }
    assert days_before == {datetime.timedelta(days=2)}


def test_invitation_send_plans_no_reminders_without_a_deadline(host):
    conference = make_conference(host)
    conference.rsvp_deadline = None
    conference.save()
    invitation = make_invitation(conference)

    invitation_send(invitation=invitation)

    assert not notices(invitation, "invitation_reminder").exists()


def test_sending_again_keeps_the_number_adds_a_link_and_plans_reminders_again(conference, send):
    invitation = make_invitation(conference)
    first_rows = send(invitation)
    first_reminders = set(notices(invitation, "invitation_reminder").values_list("pk", flat=True))

    second_rows = send(invitation)

    invitation.refresh_from_db()
    assert invitation.document.formatted == "01/GM-BKHCN"
    assert invitation.send_count == 2
    [first_token], [second_token] = set(tokens_in(first_rows)), set(tokens_in(second_rows))
    assert first_token != second_token
    assert invitation_get_by_token(token=first_token) == invitation
    assert invitation_get_by_token(token=second_token) == invitation
    assert InvitationLink.objects.filter(invitation=invitation).count() == 2
    assert notices(invitation).count() == 4  # Two e-mails per send.
    reminders = notices(invitation, "invitation_reminder")
    assert set(reminders.filter(pk__in=first_reminders).values_list("state", flat=True)) == {State.CANCELLED}
    fresh = reminders.exclude(pk__in=first_reminders)
    assert fresh.count() == 4
    assert {n.state for n in fresh} == {State.PENDING}
    assert set(tokens_in(fresh)) == {second_token}


def test_invitation_send_refuses_an_agency_without_an_email_address(conference):
    invitation = invitation_create(conference=conference, organization=make_agency(1, emails=()))

    with pytest.raises(ApplicationError) as caught:
        invitation_send(invitation=invitation)

    assert "has no e-mail address" in caught.value.message
    invitation.refresh_from_db()
    assert (invitation.status, invitation.document, invitation.send_count) == (
        Invitation.Status.DRAFT,
        None,
        0,
    )


def test_invitation_send_refuses_a_revoked_invitation(conference):
    invitation = make_invitation(conference)
    invitation_revoke(invitation=invitation)

    with pytest.raises(ApplicationError, match="revoked"):
        invitation_send(invitation=invitation)

    assert not notices(invitation).exists()


def test_invitation_send_records_who_sent_it(conference):
    organizer = make_user()
    invitation = make_invitation(conference)

    invitation_send(invitation=invitation, actor=organizer)

    [entry] = AuditEntry.objects.filter(object_type="invitation", object_id=str(invitation.pk))
    assert (entry.actor, entry.action) == (organizer, "invitation.sent")
    assert entry.data == {"send": 1, "document": "01/GM-BKHCN"}


# Bulk sending (the task) -----------------------------------------------------------------------------


def test_invitation_send_drafts_run_twice_sends_each_draft_once(
    conference, send, django_capture_on_commit_callbacks
):
    drafts = [make_invitation(conference, n) for n in (1, 2)]
    answered = make_invitation(conference, 3)
    send(answered)
    ids = [*(d.pk for d in drafts), answered.pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_send_drafts(invitation_ids=ids) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_send_drafts(invitation_ids=ids) == 0

    for invitation in (*drafts, answered):
        invitation.refresh_from_db()
        assert invitation.send_count == 1
        assert notices(invitation).count() == 2
    assert {n.state for d in drafts for n in notices(d)} == {State.HELD}
    assert sorted(d.document.number for d in drafts) == [2, 3]


def test_invitation_send_drafts_leaves_a_draft_without_address_and_goes_on(conference):
    no_address = invitation_create(conference=conference, organization=make_agency(1, emails=()))
    ready = make_invitation(conference, 2)

    assert invitation_send_drafts(invitation_ids=[no_address.pk, ready.pk]) == 1

    no_address.refresh_from_db()
    ready.refresh_from_db()
    assert (no_address.status, no_address.document) == (Invitation.Status.DRAFT, None)
    assert (ready.status, ready.document.formatted) == (Invitation.Status.SENT, "01/GM-BKHCN")


def test_invitation_send_bulk_queues_drafts_of_this_conference_only(
    conference, host, django_capture_on_commit_callbacks
):
    drafts = [make_invitation(conference, n) for n in (1, 2)]
    elsewhere = make_invitation(make_conference(host), 3)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = invitation_send_bulk(
            conference=conference, invitation_ids=[*(d.pk for d in drafts), elsewhere.pk]
        )

    job.refresh_from_db()
    assert (job.kind, job.status, job.done, job.total) == (Job.Kind.INVITATIONS, Job.Status.DONE, 2, 2)
    # One task for the chunk of drafts; each send in it then sends one for its letter.
    assert sum(1 for c in callbacks if c.func == send_invitations.delay) == 1
    assert sum(1 for c in callbacks if c.func == send_invitation_letter.delay) == 2
    elsewhere.refresh_from_db()
    assert elsewhere.status == Invitation.Status.DRAFT
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.status == Invitation.Status.SENT
        assert {n.state for n in notices(draft)} == {State.HELD}


# The letter: rendered by a worker after the send is decided ------------------------------------------


@pytest.fixture
def letter_renders(monkeypatch):
    """Count the letter renders (each still renders)."""
    from conferences.services import invitation_sending

    renders = []
    real = invitation_sending.render_invitation_letter

    def counting(invitation):
        renders.append(invitation.pk)
        return real(invitation)

    monkeypatch.setattr(invitation_sending, "render_invitation_letter", counting)
    return renders


def test_invitation_send_decides_the_send_and_leaves_the_letter_to_a_worker(
    conference, letter_renders, django_capture_on_commit_callbacks
):
    invitation = make_invitation(conference)

    with django_capture_on_commit_callbacks() as callbacks:
        sent = invitation_send(invitation=invitation, actor=make_user())

    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_count, invitation.document.formatted) == (
        Invitation.Status.SENT,
        1,
        "01/GM-BKHCN",
    )
    assert sent.send_count == 1
    assert AuditEntry.objects.filter(action="invitation.sent").count() == 1
    assert (letter_renders, notices(invitation).count(), invitation.links.count(), len(callbacks)) == (
        [],
        0,
        0,
        1,
    )

    callbacks[0]()

    assert letter_renders == [invitation.pk]
    assert notices(invitation).count() == 2
    assert invitation.links.count() == 1
    assert notices(invitation, "invitation_reminder").count() == 4


def test_the_letter_task_run_twice_writes_one_email_one_link_one_file(
    conference, letter_renders, run_commit_tasks, settings
):
    from conferences.tasks import send_invitation_letter

    invitation = make_invitation(conference)
    with run_commit_tasks():
        sent = invitation_send(invitation=invitation)
    rows = set(notices(invitation).values_list("pk", flat=True))
    reminders = set(notices(invitation, "invitation_reminder").values_list("pk", flat=True))

    assert send_invitation_letter.delay(sent.pk, 1).get() == 0  # Delivered twice by the broker.

    assert letter_renders == [invitation.pk]
    assert set(notices(invitation).values_list("pk", flat=True)) == rows
    assert set(notices(invitation, "invitation_reminder").values_list("pk", flat=True)) == reminders
    assert invitation.links.count() == 1
    stored = list((settings.MEDIA_ROOT / "notifications" / "attachments").rglob("*.pdf"))
    assert len(stored) == 1  # Both addresses' e-mails carry one stored file.


def test_a_letter_whose_invitation_was_revoked_meanwhile_is_not_written(
    conference, letter_renders, django_capture_on_commit_callbacks
):
    invitation = make_invitation(conference)
    with django_capture_on_commit_callbacks() as callbacks:
        invitation_send(invitation=invitation)
    invitation_revoke(invitation=invitation)

    callbacks[0]()

    assert (letter_renders, notices(invitation).count(), invitation.links.count()) == ([], 0, 0)


def test_an_earlier_send_written_late_plans_no_reminders_over_the_later_ones(
    conference, django_capture_on_commit_callbacks
):
    invitation = make_invitation(conference)
    with django_capture_on_commit_callbacks() as first:
        invitation_send(invitation=invitation)
    with django_capture_on_commit_callbacks() as second:
        invitation_send(invitation=invitation)

    second[0]()
    first[0]()  # The worker got to the first send last.

    assert notices(invitation).count() == 4  # Each send's e-mail, to both addresses.
    waiting = notices(invitation, "invitation_reminder").filter(state=State.PENDING)
    assert waiting.count() == 4
    assert {n.idempotency_key.split(":v")[1].split(":")[0] for n in waiting} == {"2"}


@pytest.mark.django_db(transaction=True)
def test_the_letter_renders_outside_any_transaction_with_the_invitation_unlocked(host, monkeypatch):
    from conferences.services import invitation_sending
    from tests.locking import unlocked_render_probe

    invitation = make_invitation(make_conference(host))
    render, seen = unlocked_render_probe(
        invitation_sending.render_invitation_letter,
        Invitation,
        lambda letter_invitation: letter_invitation.pk,
    )
    monkeypatch.setattr(invitation_sending, "render_invitation_letter", render)

    invitation_send(invitation=invitation)

    assert seen == [False, "locked by the other connection"]
    assert notices(invitation).count() == 2


# invitation_remind ----------------------------------------------------------------------------------


def test_invitation_remind_twice_the_same_day_writes_one_notice_per_address(conference):
    invitation = make_invitation(conference)
    invitation_send(invitation=invitation)

    first = invitation_remind(invitation=invitation)
    links_after_first = invitation.links.count()
    second = invitation_remind(invitation=invitation)
    # The second call makes no link that nobody would receive.
    assert invitation.links.count() == links_after_first

    manual = notices(invitation, "invitation_reminder").filter(not_before__isnull=True)
    assert manual.count() == 2
    assert {n.pk for n in first} == {n.pk for n in second} == set(manual.values_list("pk", flat=True))
    assert {n.state for n in manual} == {State.PENDING}
    [token] = set(tokens_in(manual))
    assert invitation_get_by_token(token=token) == invitation


@pytest.mark.parametrize("status", [Invitation.Status.DRAFT, Invitation.Status.ACCEPTED])
def test_invitation_remind_refuses_an_invitation_not_waiting_for_an_answer(conference, status):
    invitation = make_invitation(conference)
    Invitation.objects.filter(pk=invitation.pk).update(status=status)

    with pytest.raises(ApplicationError, match="Only an invitation that was sent"):
        invitation_remind(invitation=invitation)

    assert not notices(invitation, "invitation_reminder").exists()


# invitation_revoke ----------------------------------------------------------------------------------


def test_invitation_revoke_kills_links_cancels_notices_and_registrations(conference, send):
    organizer = make_user()
    invitation = make_invitation(conference, delegate_quota=2)
    first = send(invitation)
    second = send(invitation)
    person = person_create(full_name="Lê Thị Hoa", email="hoa@so.gov.vn")
    registration = registration_create(conference=conference, person=person, invitation=invitation)

    invitation_revoke(invitation=invitation, actor=organizer, reason="Mời nhầm đơn vị")

    invitation.refresh_from_db()
    registration.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    for token in {*tokens_in(first), *tokens_in(second)}:
        assert invitation_get_by_token(token=token) is None
    assert not InvitationLink.objects.filter(invitation=invitation, revoked_at__isnull=True).exists()
    assert set(notices(invitation).values_list("state", flat=True)) == {State.CANCELLED}
    assert set(notices(invitation, "invitation_reminder").values_list("state", flat=True)) == {
        State.CANCELLED
    }
    assert (registration.status, registration.token_hash) == (Registration.Status.CANCELLED, None)
    [entry] = AuditEntry.objects.filter(action="invitation.revoked", object_id=str(invitation.pk))
    assert (entry.actor, entry.data) == (organizer, {"reason": "Mời nhầm đơn vị"})


def test_invitation_revoke_twice_writes_one_audit_entry(conference):
    invitation = make_invitation(conference)

    invitation_revoke(invitation=invitation)
    invitation_revoke(invitation=invitation)

    assert AuditEntry.objects.filter(action="invitation.revoked", object_id=str(invitation.pk)).count() == 1


def test_moving_the_rsvp_deadline_moves_links_and_reminders(conference, send, run_commit_tasks):
    from conferences.services.conferences import conference_update

    waiting = make_invitation(conference)
    send(waiting)
    # The deadline moves later, still before the conference starts.
    new_deadline = conference.starts_at - datetime.timedelta(days=1)
    assert new_deadline > conference.rsvp_deadline

    with run_commit_tasks():
        conference_update(conference=conference, rsvp_deadline=new_deadline)

    reminders = notices(waiting, "invitation_reminder")
    planned = sorted((n.not_before, n.recipient_address) for n in reminders if n.state == State.PENDING)
    assert [not_before for not_before, _ in planned] == [
        new_deadline - datetime.timedelta(days=7),
        new_deadline - datetime.timedelta(days=7),
        new_deadline - datetime.timedelta(days=2),
        new_deadline - datetime.timedelta(days=2),
    ]
    assert reminders.filter(state=State.CANCELLED).count() == 4  # the ones for the old deadline
    grace = datetime.timedelta(days=settings.RSVP_LINK_GRACE_DAYS)
    assert set(waiting.links.values_list("expires_at", flat=True)) == {new_deadline + grace}


# An answer and the shared person records (issues 9.1, 8.4) ------------------------------------------------


@pytest.fixture
def two_agencies_two_conferences(host):
    """Conference A with agency X's delegate Trần Văn An registered; conference B inviting agency Y."""
    conference_a = make_conference(host, slug="hoi-nghi-a")
    conference_b = make_conference(host, slug="hoi-nghi-b")
    agency_x, agency_y = make_agency(1), make_agency(2)
    invitation_a = invitation_create(conference=conference_a, organization=agency_x)
    rsvp_submit(
        invitation=invitation_a,
        accept=True,
        delegates=[
            DelegateInput(
                full_name="Trần Văn An", email="an@so1.gov.vn", position="Giám đốc Sở", phone="0912 345 678"
            )
        ],
    )
    return {
        "conference_b": conference_b,
        "agency_x": agency_x,
        "invitation_a": invitation_a,
        "invitation_b": invitation_create(conference=conference_b, organization=agency_y),
        "person": Person.objects.get(email="an@so1.gov.vn"),
    }


def named_as(**fields) -> list[DelegateInput]:
    return [DelegateInput(**{"full_name": "Tên Giả Mạo", "email": "an@so1.gov.vn"} | fields)]


def record(person) -> tuple:
    person.refresh_from_db()
    return (person.full_name, person.position, person.phone, person.organization_id)


def test_rsvp_of_another_agency_keeps_the_persons_record_and_registers_what_it_typed(
    two_agencies_two_conferences,
):
    world = two_agencies_two_conferences
    person, invitation_b = world["person"], world["invitation_b"]

    rsvp_submit(
        invitation=invitation_b,
        accept=True,
        delegates=named_as(full_name="Tên Giả Mạo", position="Chuyên viên", phone="0999 999 999"),
    )

    # The delegate of A keeps their name, position and phone, and their agency.
    assert record(person) == ("Trần Văn An", "Giám đốc Sở", "0912 345 678", world["agency_x"].pk)
    # B's registration shows what B typed; A's shows what A typed.
    registration_b = Registration.objects.get(invitation=invitation_b)
    registration_a = Registration.objects.get(invitation=world["invitation_a"])
    assert (registration_b.person, registration_b.status) == (person, "confirmed")
    assert (registration_b.full_name, registration_b.position, registration_b.phone) == (
        "Tên Giả Mạo",
        "Chuyên viên",
        "0999 999 999",
    )
    assert (registration_b.display_name, registration_b.display_position, registration_b.display_phone) == (
        "Tên Giả Mạo",
        "Chuyên viên",
        "0999 999 999",
    )
    assert (registration_a.display_name, registration_a.display_position, registration_a.display_phone) == (
        "Trần Văn An",
        "Giám đốc Sở",
        "0912 345 678",
    )
    # B's organizers see that the answer differs from a record it may not change, not the record itself.
    [entry] = AuditEntry.objects.filter(object_id=str(invitation_b.pk))
    assert (entry.conference, entry.actor, entry.action, entry.object_type) == (
        world["conference_b"],
        None,
        "invitation.delegate_record_kept",
        "invitation",
    )
    assert entry.data == {
        "person": person.pk,
        "email": "an@so1.gov.vn",
        "fields": ["full_name", "position", "phone"],
        "reason": "other_agency",
    }


def test_rsvp_shows_an_agency_only_what_it_typed_even_where_it_left_fields_empty(
    two_agencies_two_conferences,
):
    world = two_agencies_two_conferences

    rsvp_submit(invitation=world["invitation_b"], accept=True, delegates=named_as())

    registration = Registration.objects.get(invitation=world["invitation_b"])
    # Not the position and phone of the record that agency X keeps.
    assert (registration.display_name, registration.display_position, registration.display_phone) == (
        "Tên Giả Mạo",
        "",
        "",
    )
    assert record(world["person"])[:3] == ("Trần Văn An", "Giám đốc Sở", "0912 345 678")


def test_rsvp_of_an_organizer_of_another_conference_keeps_the_record_too(two_agencies_two_conferences):
    world = two_agencies_two_conferences
    organizer = make_user()

    rsvp_submit(
        invitation=world["invitation_b"],
        accept=True,
        delegates=named_as(position="Chuyên viên"),
        actor=organizer,
    )

    assert record(world["person"])[:3] == ("Trần Văn An", "Giám đốc Sở", "0912 345 678")
    kept = AuditEntry.objects.get(action="invitation.delegate_record_kept")
    assert (kept.actor, kept.data["reason"], kept.data["fields"]) == (
        organizer,
        "other_agency",
        ["full_name", "position"],
    )


def test_rsvp_of_the_persons_own_agency_updates_an_unlocked_record_and_records_the_change(
    two_agencies_two_conferences,
):
    world = two_agencies_two_conferences
    person = world["person"]
    invitation = invitation_create(conference=world["conference_b"], organization=world["agency_x"])

    rsvp_submit(
        invitation=invitation,
        accept=True,
        delegates=named_as(full_name="Trần Văn Ân", position="Phó Giám đốc Sở"),
    )

    # An empty phone is "not given": the record keeps its number.
    assert record(person) == ("Trần Văn Ân", "Phó Giám đốc Sở", "0912 345 678", world["agency_x"].pk)
    person.refresh_from_db()
    assert person.search_name == "tran van an"
    [entry] = AuditEntry.objects.filter(object_id=str(invitation.pk))
    assert (entry.action, entry.actor) == ("invitation.delegate_record_changed", None)
    assert entry.data == {
        "person": person.pk,
        "email": "an@so1.gov.vn",
        "before": {"full_name": "Trần Văn An", "position": "Giám đốc Sở"},
        "after": {"full_name": "Trần Văn Ân", "position": "Phó Giám đốc Sở"},
    }


def test_rsvp_of_the_persons_own_agency_does_not_change_a_locked_record(two_agencies_two_conferences):
    world = two_agencies_two_conferences
    person = world["person"]
    Person.objects.filter(pk=person.pk).update(locked=True)
    invitation = invitation_create(conference=world["conference_b"], organization=world["agency_x"])

    rsvp_submit(invitation=invitation, accept=True, delegates=named_as(full_name="Trần Văn Ân"))

    assert record(person) == ("Trần Văn An", "Giám đốc Sở", "0912 345 678", world["agency_x"].pk)
    assert Registration.objects.get(invitation=invitation).display_name == "Trần Văn Ân"
    entry = AuditEntry.objects.get(object_id=str(invitation.pk))
    assert (entry.action, entry.data["reason"], entry.data["fields"]) == (
        "invitation.delegate_record_kept",
        "locked",
        ["full_name"],
    )


def test_rsvp_does_not_claim_a_person_of_no_agency(conference):
    person = person_create(full_name="Lê Xuân Định", email="dinh@example.vn", position="Chuyên gia")
    invitation = make_invitation(conference)

    rsvp_submit(
        invitation=invitation,
        accept=True,
        delegates=[DelegateInput(full_name="Lê Xuân Đinh", email="dinh@example.vn", phone="0900")],
    )

    assert record(person) == ("Lê Xuân Định", "Chuyên gia", "", None)
    assert Registration.objects.get(invitation=invitation).display_phone == "0900"


def test_rsvp_answering_again_corrects_the_named_details_without_a_second_confirmation(
    conference, run_commit_tasks
):
    invitation = make_invitation(conference)
    first = [DelegateInput(full_name="Phạm Văn An", email="an@so.gov.vn", phone="0911")]
    with run_commit_tasks():
        rsvp_submit(invitation=invitation, accept=True, delegates=first)

        rsvp_submit(invitation=invitation, accept=True, delegates=first)  # the same answer again
        assert not AuditEntry.objects.exists()
        rsvp_submit(
            invitation=invitation,
            accept=True,
            delegates=[DelegateInput(full_name="Phạm Văn An", email="an@so.gov.vn", phone="0922")],
        )

    registration = Registration.objects.get(invitation=invitation)
    assert (registration.status, registration.phone, registration.person.phone) == (
        "confirmed",
        "0922",
        "0922",
    )
    assert Notification.objects.filter(kind="registration_confirmation").count() == 1
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.data["before"], entry.data["after"]) == (
        "invitation.delegate_record_changed",
        {"phone": "0911"},
        {"phone": "0922"},
    )


# rsvp_state ---------------------------------------------------------------------------------------------


def test_rsvp_state_is_open_before_the_deadline_and_says_why_it_is_closed(host):
    conference = make_conference(host, deadline_in_days=1)
    invitation = make_invitation(conference)
    later = conference.rsvp_deadline + datetime.timedelta(minutes=1)

    assert rsvp_state(invitation=invitation) == RsvpState(True)
    assert rsvp_state(invitation=invitation, now=later) == RsvpState(
        False, "The deadline for answers has passed. Please contact the organizers.", "deadline_passed"
    )
    assert rsvp_state(invitation=invitation, now=later, on_behalf=True) == RsvpState(True)


def test_rsvp_state_is_closed_for_a_revoked_invitation_and_a_closed_conference(conference):
    revoked = make_invitation(conference, 1)
    invitation_revoke(invitation=revoked)
    revoked.refresh_from_db()
    open_one = make_invitation(conference, 2)

    assert rsvp_state(invitation=revoked, on_behalf=True) == RsvpState(
        False, "This invitation has been withdrawn.", "revoked"
    )
    conference.status = conference.Status.CLOSED
    assert rsvp_state(invitation=open_one, on_behalf=True) == RsvpState(
        False, "The conference is closed.", "closed"
    )


def test_moving_the_deadline_leaves_the_reminders_to_a_task_that_plans_once(
    conference, send, django_capture_on_commit_callbacks
):
    from conferences.services.conferences import conference_update
    from conferences.services.invitation_sending import rsvp_reminders_replan

    waiting = make_invitation(conference)
    send(waiting)
    old_deadline = conference.rsvp_deadline
    new_deadline = conference.starts_at - datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks() as callbacks:
        conference_update(conference=conference, rsvp_deadline=new_deadline)

    # The request moved the links' expiry and planned nothing yet: one task waits for the commit.
    grace = datetime.timedelta(days=settings.RSVP_LINK_GRACE_DAYS)
    assert set(waiting.links.values_list("expires_at", flat=True)) == {new_deadline + grace}
    assert (
        notices(waiting, "invitation_reminder").filter(not_before__gt=conference.rsvp_deadline).count() == 0
    )
    [task] = callbacks
    links_before = waiting.links.count()

    task()
    task()  # A redelivered task plans nothing more.

    planned = notices(waiting, "invitation_reminder").filter(state=State.PENDING)
    assert sorted({n.not_before for n in planned}) == [
        new_deadline - datetime.timedelta(days=7),
        new_deadline - datetime.timedelta(days=2),
    ]
    assert planned.count() == 4
    assert waiting.links.count() == links_before + 1
    # A late task for the deadline as it was before plans nothing and cancels nothing.
    assert rsvp_reminders_replan(conference_id=conference.pk, deadline=old_deadline) == 0
    assert planned.count() == 4
