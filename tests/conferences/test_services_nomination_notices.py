"""Notices to the agency that sent a nomination: the receipt at once, the decision held for approval."""

import pytest

from conferences.enums import NoticeKind
from conferences.services.nomination_notices import nomination_decision_notify, nomination_received_notify
from conferences.services.nominations import nomination_create, nomination_reject, nominations_approve
from conferences.services.rsvp import delegate_notice_url
from notifications.models import Notification
from tests.conferences.nomination_helpers import (
    CITATION,
    JUSTIFICATION,
    agency_link,
    category_make,
    decision_make,
    nominate,
)
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _sent_by_link(conference, run_commit_tasks, number: int = 1):
    registration, _token, _colleague = agency_link(conference, number)
    with run_commit_tasks():
        nomination = nomination_create(
            conference=conference,
            category=category_make(f"bang-khen-{number}"),
            nominee_organization=registration.organization,
            justification=JUSTIFICATION,
            by_registration=registration,
        )
    return nomination, registration


def test_a_nomination_sent_by_link_is_confirmed_at_once_to_its_delegate(conference, run_commit_tasks):
    nomination, registration = _sent_by_link(conference, run_commit_tasks)

    notice = Notification.objects.get()
    assert notice.kind == NoticeKind.NOMINATION_RECEIVED
    assert notice.state == Notification.State.PENDING
    assert notice.recipient_address == registration.person.email
    assert notice.language == "vi"
    assert registration.organization.name in notice.subject
    assert delegate_notice_url(registration) in notice.body_text
    assert nomination.category.name_vi in notice.body_text
    assert "đã nhận được đề nghị khen thưởng" in notice.body_text


def test_the_receipt_task_run_twice_writes_one_notice(conference, run_commit_tasks):
    nomination, _registration = _sent_by_link(conference, run_commit_tasks)

    nomination_received_notify(nomination_id=nomination.pk)

    assert Notification.objects.count() == 1


def test_an_organizers_nomination_writes_no_notice(conference, organizer, run_commit_tasks):
    with run_commit_tasks() as callbacks:
        nominate(conference, organizer, category_make(), OrganizationFactory())

    assert callbacks == []
    assert Notification.objects.count() == 0


def test_approval_writes_a_held_notice_naming_the_decision(conference, organizer, run_commit_tasks):
    nomination, registration = _sent_by_link(conference, run_commit_tasks)
    decision = decision_make(conference)

    with run_commit_tasks():
        nominations_approve(
            conference=conference,
            nomination_ids=[nomination.pk],
            decision=decision,
            citation_default=CITATION,
            user=organizer,
        )

    notice = Notification.objects.get(kind=NoticeKind.NOMINATION_DECISION)
    assert notice.state == Notification.State.HELD
    assert notice.recipient_address == registration.person.email
    assert f"Quyết định số {decision.document.formatted} ngày 05 tháng 4 năm 2021" in notice.body_text
    assert CITATION in notice.body_text
    assert delegate_notice_url(registration) in notice.body_text
    nomination_decision_notify(nomination_id=nomination.pk)  # Run again: nothing more.
    assert Notification.objects.filter(kind=NoticeKind.NOMINATION_DECISION).count() == 1


def test_rejection_writes_a_held_notice_saying_so(conference, organizer, run_commit_tasks):
    nomination, registration = _sent_by_link(conference, run_commit_tasks)

    with run_commit_tasks():
        nomination_reject(nomination=nomination, user=organizer)

    notice = Notification.objects.get(kind=NoticeKind.NOMINATION_DECISION)
    assert notice.state == Notification.State.HELD
    assert registration.organization.name in notice.subject
    assert "không được chấp thuận" in notice.body_text
    assert CITATION not in notice.body_text


def test_a_decision_is_written_only_after_the_commit(conference, organizer, run_commit_tasks):
    nomination, _registration = _sent_by_link(conference, run_commit_tasks)

    with run_commit_tasks() as callbacks:
        nomination_reject(nomination=nomination, user=organizer)
        assert not Notification.objects.filter(kind=NoticeKind.NOMINATION_DECISION).exists()

    assert len(callbacks) == 1
