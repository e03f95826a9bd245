import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.models import AuditEntry, CallForPapers, Paper, PaperAuthor, PaperRevision, Review
from conferences.selectors.invitations import registration_get_by_token
from conferences.services.paper_decisions import (
    paper_decide,
    paper_decide_many,
    paper_decision_notices_write,
    revision_round_close,
    revision_rounds_close_due,
)
from conferences.tasks import lock_revised_papers
from core.exceptions import ApplicationError
from core.tokens import token_new
from notifications.models import Notification
from notifications.services import notification_approve
from tests.factories import PaperFactory, PersonFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

State = Notification.State


@pytest.fixture
def call(conference):
    call = conference.call_for_papers
    call.revision_closes_at = timezone.now() + datetime.timedelta(days=7)
    call.save()
    return call


def paper_with_authors(conference, *, submitter_email=None, author_emails=None):
    """A submitted paper with revision 1, sent by a delegate, with authors (e-mails unique per call)."""
    n = Paper.objects.count()
    submitter_email = submitter_email or ("nop@example.gov.vn" if n == 0 else f"nop{n}@example.gov.vn")
    if author_emails is None:
        author_emails = ("tg1@example.gov.vn",) if n == 0 else (f"tg1-{n}@example.gov.vn",)
    submitter = PersonFactory(email=submitter_email, full_name="Trần Thị Nộp")
    registration = RegistrationFactory(conference=conference, person=submitter, token_hash=token_new()[1])
    paper = PaperFactory(
        conference=conference, registration=registration, title="Kết quả áp dụng ISO tại Quảng Ninh"
    )
    for order, email in enumerate(author_emails, start=1):
        PaperAuthor.objects.create(paper=paper, person=PersonFactory(email=email), order=order)
    revision = PaperRevision.objects.create(paper=paper, number=1, title=paper.title)
    paper.current_revision = revision
    paper.save(update_fields=["current_revision"])
    return paper


def decision_notices(paper):
    return Notification.objects.filter(idempotency_key__startswith=f"paper:{paper.pk}:decision:").order_by(
        "idempotency_key", "recipient_address"
    )


# Deciding --------------------------------------------------------------------------------------------


def test_accepting_locks_the_current_revision_as_final(conference):
    paper = paper_with_authors(conference)
    organizer = UserFactory()

    paper_decide(paper=paper, status=Paper.Status.ACCEPTED, user=organizer, note="Hội đồng nhất trí")

    paper.refresh_from_db()
    assert paper.status == Paper.Status.ACCEPTED
    assert paper.final_revision_id == paper.current_revision_id
    assert paper.locked_at == paper.decided_at
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PAPER_DECIDED)
    assert (entry.object_id, entry.actor, entry.data) == (
        str(paper.pk),
        organizer,
        {"from": "submitted", "to": "accepted", "note": "Hội đồng nhất trí"},
    )


def test_accepting_a_paper_without_current_revision_locks_its_latest(conference):
    paper = PaperFactory(conference=conference)
    PaperRevision.objects.create(paper=paper, number=1, title="v1")
    latest = PaperRevision.objects.create(paper=paper, number=2, title="v2")

    paper_decide(paper=paper, status=Paper.Status.ACCEPTED)

    paper.refresh_from_db()
    assert paper.final_revision_id == latest.pk


def test_a_locked_paper_cannot_be_decided_again(conference):
    paper = paper_with_authors(conference)
    paper_decide(paper=paper, status=Paper.Status.ACCEPTED)

    with pytest.raises(ApplicationError) as excinfo:
        paper_decide(paper=paper, status=Paper.Status.REJECTED)

    assert excinfo.value.message == (
        "The final version of “Kết quả áp dụng ISO tại Quảng Ninh” is locked: "
        "its decision can no longer change."
    )
    paper.refresh_from_db()
    assert paper.status == Paper.Status.ACCEPTED


def test_a_rejected_paper_may_be_decided_again(conference):
    paper = paper_with_authors(conference)
    paper_decide(paper=paper, status=Paper.Status.REJECTED)

    paper_decide(paper=paper, status=Paper.Status.ACCEPTED)

    paper.refresh_from_db()
    assert paper.status == Paper.Status.ACCEPTED
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PAPER_DECIDED).count() == 2


@pytest.mark.parametrize("status", [Paper.Status.WITHDRAWN, Paper.Status.DRAFT])
def test_a_withdrawn_or_draft_paper_cannot_be_decided(conference, status):
    paper = PaperFactory(conference=conference, status=status)

    with pytest.raises(ApplicationError):
        paper_decide(paper=paper, status=Paper.Status.ACCEPTED)

    paper.refresh_from_db()
    assert (paper.status, paper.decided_at) == (status, None)
    assert not AuditEntry.objects.exists()


def test_asking_for_revisions_needs_a_future_revision_deadline(conference):
    paper = paper_with_authors(conference)

    with pytest.raises(ValidationError) as excinfo:
        paper_decide(paper=paper, status=Paper.Status.REVISION_REQUESTED)

    assert excinfo.value.message_dict == {
        "status": [
            "Set a future closing time for the revision round in the call for papers settings "
            "before asking for revisions."
        ]
    }
    CallForPapers.objects.filter(conference=conference).update(
        revision_closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with pytest.raises(ValidationError):
        paper_decide(paper=paper, status=Paper.Status.REVISION_REQUESTED)
    paper.refresh_from_db()
    assert paper.status == Paper.Status.SUBMITTED


def test_asking_for_revisions_leaves_the_paper_unlocked(conference, call):
    paper = paper_with_authors(conference)

    paper_decide(paper=paper, status=Paper.Status.REVISION_REQUESTED)

    paper.refresh_from_db()
    assert (paper.status, paper.locked_at, paper.final_revision_id) == (
        Paper.Status.REVISION_REQUESTED,
        None,
        None,
    )


def test_deciding_many_is_all_or_nothing(conference):
    first, second = paper_with_authors(conference), paper_with_authors(conference)
    withdrawn = PaperFactory(conference=conference, status=Paper.Status.WITHDRAWN)

    with pytest.raises(ApplicationError):
        paper_decide_many(
            conference=conference, paper_ids=[first.pk, second.pk, withdrawn.pk], status=Paper.Status.REJECTED
        )

    assert set(Paper.objects.values_list("status", flat=True)) == {"submitted", "withdrawn"}
    assert not AuditEntry.objects.exists()


def test_deciding_many_refuses_a_paper_of_another_conference(conference):
    mine, theirs = paper_with_authors(conference), PaperFactory()

    with pytest.raises(ValidationError) as excinfo:
        paper_decide_many(conference=conference, paper_ids=[mine.pk, theirs.pk], status=Paper.Status.ACCEPTED)

    assert list(excinfo.value.message_dict) == ["papers"]
    mine.refresh_from_db()
    assert mine.status == Paper.Status.SUBMITTED


def test_deciding_many_sends_one_task_for_the_batch(conference, django_capture_on_commit_callbacks):
    papers = [paper_with_authors(conference, author_emails=()) for _ in range(3)]

    with django_capture_on_commit_callbacks() as callbacks:
        decided = paper_decide_many(
            conference=conference, paper_ids=[p.pk for p in reversed(papers)], status=Paper.Status.ACCEPTED
        )

    assert [p.pk for p in decided] == [p.pk for p in papers]
    assert len(callbacks) == 1


# The letters -----------------------------------------------------------------------------------------------


def test_decision_letters_are_held_with_comments_but_no_confidential_text(conference, call, run_commit_tasks):
    paper = paper_with_authors(conference)
    # The submitter is an author too: one letter to that address.
    PaperAuthor.objects.create(paper=paper, person=paper.registration.person, order=2)
    reviewer = UserFactory(first_name="Phản", last_name="Biện Bí Mật")
    Review.objects.create(
        paper=paper,
        reviewer=reviewer,
        comment="Cần bổ sung số liệu năm 2020.",
        confidential_comment="Chỉ ban tổ chức đọc",
        status=Review.Status.SUBMITTED,
    )
    Review.objects.create(
        paper=paper, reviewer=UserFactory(), comment="Bản nháp chưa gửi", status=Review.Status.DRAFT
    )

    with run_commit_tasks():
        paper_decide(paper=paper, status=Paper.Status.REVISION_REQUESTED)

    notices = list(decision_notices(paper))
    assert [(n.recipient_address, n.state, n.idempotency_key) for n in notices] == [
        ("nop@example.gov.vn", State.HELD, f"paper:{paper.pk}:decision:1|nop@example.gov.vn"),
        ("tg1@example.gov.vn", State.HELD, f"paper:{paper.pk}:decision:1|tg1@example.gov.vn"),
    ]
    body = notices[0].body_text
    assert "Cần bổ sung số liệu năm 2020." in body
    assert "Chỉ ban tổ chức đọc" not in body and "Bản nháp chưa gửi" not in body
    assert "Bí Mật" not in body and reviewer.username not in body
    deadline = timezone.localtime(call.revision_closes_at).strftime("%H:%M %d/%m/%Y")
    assert deadline in body
    assert "Kết quả áp dụng ISO tại Quảng Ninh" in body
    # The personal link (it can change the paper) is in the submitter's letter only, and opens their page.
    link = derived_link(notices[0].body_text)
    assert link and derived_link(notices[1].body_text) is None and "/dai-bieu/" not in notices[1].body_html
    assert registration_get_by_token(token=link) == paper.registration


def derived_link(text: str) -> str | None:
    found = re.search(r"/dai-bieu/([\w.-]+)/", text)
    return found[1] if found else None


def test_a_new_decision_cancels_the_waiting_letter_of_the_previous_one(conference, run_commit_tasks):
    paper = paper_with_authors(conference, author_emails=())
    with run_commit_tasks():
        paper_decide(paper=paper, status=Paper.Status.REJECTED)

    with run_commit_tasks():
        paper_decide(paper=paper, status=Paper.Status.ACCEPTED)

    assert [(n.idempotency_key.split("|")[0], n.state) for n in decision_notices(paper)] == [
        (f"paper:{paper.pk}:decision:1", State.CANCELLED),
        (f"paper:{paper.pk}:decision:2", State.HELD),
    ]


def test_writing_the_letters_twice_writes_them_once(conference, run_commit_tasks):
    paper = paper_with_authors(conference)
    with run_commit_tasks():
        paper_decide(paper=paper, status=Paper.Status.ACCEPTED)

    again = paper_decision_notices_write(paper_ids=[paper.pk, 999_999])

    assert again == 0
    assert [n.state for n in decision_notices(paper)] == [State.HELD, State.HELD]


def test_letters_are_sent_only_after_approval(
    conference, run_commit_tasks, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    paper = paper_with_authors(conference)

    with django_capture_on_commit_callbacks(execute=True):
        paper_decide(paper=paper, status=Paper.Status.ACCEPTED)

    assert mail.outbox == []
    notices = list(decision_notices(paper))
    assert {n.state for n in notices} == {State.HELD}

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_approve(ids=[n.pk for n in notices]) == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["nop@example.gov.vn", "tg1@example.gov.vn"]
    assert {n.state for n in decision_notices(paper)} == {State.SENT}


# The revision round ---------------------------------------------------------------------------------------


def test_closing_the_round_locks_and_accepts_papers_asked_for_revisions(conference, call):
    revised = paper_with_authors(conference, author_emails=())
    rejected = paper_with_authors(conference, author_emails=())
    paper_decide(paper=revised, status=Paper.Status.REVISION_REQUESTED)
    paper_decide(paper=rejected, status=Paper.Status.REJECTED)
    second = PaperRevision.objects.create(paper=revised, number=2, title="Bản sửa")
    Paper.objects.filter(pk=revised.pk).update(current_revision=second)
    now = timezone.now()

    assert revision_round_close(conference=conference, now=now) == 1
    assert revision_round_close(conference=conference, now=now) == 0

    revised.refresh_from_db()
    rejected.refresh_from_db()
    call.refresh_from_db()
    assert (revised.status, revised.final_revision_id, revised.locked_at) == (
        Paper.Status.ACCEPTED,
        second.pk,
        now,
    )
    assert (rejected.status, rejected.locked_at) == (Paper.Status.REJECTED, None)
    assert call.revision_closes_at == now
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVISION_ROUND_CLOSED)
    assert entry.data == {"papers": [revised.pk]}


def test_beat_locks_only_rounds_that_have_closed(conference, call, host):
    paper = paper_with_authors(conference, author_emails=())
    paper_decide(paper=paper, status=Paper.Status.REVISION_REQUESTED)

    assert lock_revised_papers.delay().get() == 0
    paper.refresh_from_db()
    assert paper.status == Paper.Status.REVISION_REQUESTED

    assert revision_rounds_close_due(now=call.revision_closes_at + datetime.timedelta(minutes=1)) == 1
    paper.refresh_from_db()
    assert paper.status == Paper.Status.ACCEPTED
    assert paper.locked_at is not None


def test_a_status_that_is_not_a_decision_is_refused_on_the_status_field():
    paper = PaperFactory()

    with pytest.raises(ValidationError) as excinfo:
        paper_decide(paper=paper, status=Paper.Status.DRAFT)

    assert list(excinfo.value.message_dict) == ["status"]
    paper.refresh_from_db()
    assert paper.status == Paper.Status.SUBMITTED
