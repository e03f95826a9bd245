"""Sending, reminding, revoking and answering invitations (services invitation_sending and rsvp)."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.models import AuditEntry, Invitation, InvitationLink, Registration
from conferences.selectors.invitations import invitation_get_by_token, registration_get_by_token
from conferences.services.conferences import conference_create
from conferences.services.invitation_sending import (
    invitation_remind,
    invitation_revoke,
    invitation_send,
    invitation_send_bulk,
    invitation_send_drafts,
)
from conferences.services.invitations import invitation_create, registration_create
from conferences.services.organizations import organization_create, person_create
from conferences.services.rsvp import DelegateInput, rsvp_submit
from conferences.tasks import send_invitation_letter, send_invitations
from core.exceptions import ApplicationError
from notifications.models import Notification
from tests.factories import local

pytestmark = pytest.mark.django_db

State = Notification.State
RSVP_LINK = re.compile(r"/tra-loi/([A-Za-z0-9_-]+)/")
DELEGATE_LINK = re.compile(r"/dai-bieu/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.RSVP_REMINDER_DAYS = [7, 2]
    settings.RSVP_LINK_GRACE_DAYS = 3
    settings.LANGUAGE_CODE = "en"  # ApplicationError messages are asserted in the source language.


@pytest.fixture
def host():
    return organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")


def make_conference(host, *, deadline_in_days: float = 20, capacity: int | None = None, **fields):
    start = timezone.now() + datetime.timedelta(days=30)
    return conference_create(
        title_vi="Hội nghị sơ kết Quyết định 19",
        host=host,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
        rsvp_deadline=timezone.now() + datetime.timedelta(days=deadline_in_days),
        capacity=capacity,
        **fields,
    )


@pytest.fixture
def conference(host):
    return make_conference(host)


def make_agency(n: int = 1, *, emails: tuple[str, ...] | None = None):
    return organization_create(
        name=f"Sở Khoa học và Công nghệ tỉnh thử nghiệm {n}",
        kind="department",
        contact_emails=emails if emails is not None else (f"vanthu{n}@so.gov.vn", f"lanhdao{n}@so.gov.vn"),
    )


def make_user(username: str = "to-chuc"):
    return get_user_model().objects.create_user(username=username, password=None)


def make_invitation(conference, n: int = 1, **fields) -> Invitation:
    return invitation_create(conference=conference, organization=make_agency(n), **fields)


def notices(invitation, kind: str = "invitation"):
    return Notification.objects.filter(kind=kind, idempotency_key__startswith=f"invitation:{invitation.pk}:")


@pytest.fixture
def send(run_commit_tasks):
    """invitation_send, then the worker's task it sends on commit; return the e-mails of that send."""

    def run(invitation, **kwargs) -> list[Notification]:
        with run_commit_tasks():
            sent = invitation_send(invitation=invitation, **kwargs)
        return list(Notification.objects.filter(idempotency_key__startswith=f"{letter_key(sent)}|"))

    return run


def letter_key(invitation) -> str:
    return f"invitation:{invitation.pk}:sent:v{invitation.send_count}"


def tokens_in(rows) -> list[str]:
    return [RSVP_LINK.search(row.body_text).group(1) for row in rows]


def delegates(*emails: str) -> list[DelegateInput]:
    return [
        DelegateInput(full_name=f"Phạm Văn {e.split('@')[0]}", email=e, position="Phó Giám đốc")
        for e in emails
    ]


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
        queued = invitation_send_bulk(
            conference=conference, invitation_ids=[*(d.pk for d in drafts), elsewhere.pk]
        )

    assert queued == 2
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
    import threading

    from django.db import connection, transaction

    from conferences.services import invitation_sending

    invitation = make_invitation(make_conference(host))
    seen = []

    def lock_from_another_connection(invitation_id):
        try:
            with transaction.atomic():
                # PostgreSQL: fails at once if the row is locked. SQLite: BEGIN IMMEDIATE takes the lock.
                Invitation.objects.select_for_update(nowait=connection.vendor == "postgresql").get(
                    pk=invitation_id
                )
            seen.append("locked by the other connection")
        finally:
            connection.close()

    real = invitation_sending.render_invitation_letter

    def render(letter_invitation):
        seen.append(connection.in_atomic_block)
        other = threading.Thread(target=lock_from_another_connection, args=(letter_invitation.pk,))
        other.start()
        other.join()
        return real(letter_invitation)

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


# rsvp_submit ----------------------------------------------------------------------------------------


def test_rsvp_accept_registers_the_delegates_and_sends_each_a_personal_link(conference):
    invitation = make_invitation(conference, delegate_quota=2)
    invitation_send(invitation=invitation)

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


def test_rsvp_replaces_a_delegate_and_keeps_the_others(conference):
    invitation = make_invitation(conference, delegate_quota=2)
    rsvp_submit(invitation=invitation, accept=True, delegates=delegates("an@so.gov.vn", "binh@so.gov.vn"))
    kept = Registration.objects.get(person__email="binh@so.gov.vn")

    rsvp_submit(invitation=invitation, accept=True, delegates=delegates("binh@so.gov.vn", "chi@so.gov.vn"))

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

    assert caught.value.extra == {"code": "deadline_passed"}
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


def test_moving_the_rsvp_deadline_moves_links_and_reminders(conference, send):
    from conferences.services.conferences import conference_update

    waiting = make_invitation(conference)
    send(waiting)
    # The deadline moves later, still before the conference starts.
    new_deadline = conference.starts_at - datetime.timedelta(days=1)
    assert new_deadline > conference.rsvp_deadline

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
