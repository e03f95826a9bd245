"""Quotas and venue capacity hold when many answers arrive at the same moment.

Each thread has its own database connection and a barrier starts them
together, so the answers really race for the conference lock. SQLite
serialises writers (transaction_mode IMMEDIATE, 30 s busy timeout);
PostgreSQL queues them on SELECT ... FOR UPDATE of the conference row.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connections
from django.utils import translation

from conferences.models import Invitation, Registration
from conferences.services.invitations import invitation_create, registration_create
from conferences.services.organizations import organization_create, person_create
from conferences.services.rsvp import DelegateInput, rsvp_submit
from core.exceptions import ApplicationError
from tests.factories import conference_build

pytestmark = pytest.mark.django_db(transaction=True)

THREAD_TIMEOUT = 120


def run_together(count: int, work: Callable[[int], object]) -> list[tuple[str, object]]:
    """Run work(0) ... work(count - 1) in threads released at once; return ("ok"|"error"|"crash", value)."""
    barrier = threading.Barrier(count)
    results: list[tuple[str, object] | None] = [None] * count

    def runner(index: int) -> None:
        try:
            # Connect before the barrier: the race is then for the lock, not for a connection.
            connections["default"].ensure_connection()
            barrier.wait(timeout=30)
            with translation.override("en"):  # Messages are asserted in the source language.
                results[index] = ("ok", work(index))
        except ApplicationError as exc:
            results[index] = ("error", exc)
        except Exception as exc:
            results[index] = ("crash", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,), name=f"rsvp-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting for the database"
    crashes = [value for outcome, value in results if outcome == "crash"]
    assert not crashes, f"unexpected errors: {crashes!r}"
    return results


def make_conference(*, capacity: int | None = None):
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    # Answers are due five days before the conference.
    return conference_build(host, days_ahead=20, deadline_in_days=15, capacity=capacity)


def test_concurrent_registrations_never_exceed_the_invitation_quota():
    conference = make_conference()
    agency = organization_create(
        name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", kind="department", contact_emails=["so@qn.gov.vn"]
    )
    invitation = invitation_create(conference=conference, organization=agency, delegate_quota=2)
    people = [
        person_create(
            full_name=f"Nguyễn Văn Đại Biểu {i}", email=f"dai-bieu-{i}@qn.gov.vn", organization=agency
        )
        for i in range(6)
    ]

    results = run_together(
        6,
        lambda i: registration_create(conference=conference, person=people[i], invitation=invitation),
    )

    succeeded = [value for outcome, value in results if outcome == "ok"]
    refused = [value for outcome, value in results if outcome == "error"]
    assert len(succeeded) == 2
    assert len(refused) == 4
    assert {exc.code for exc in refused} == {"quota_reached"}
    confirmed = Registration.objects.filter(invitation=invitation, status=Registration.Status.CONFIRMED)
    assert confirmed.count() == 2
    assert set(confirmed.values_list("pk", flat=True)) == {r.pk for r in succeeded}


def test_concurrent_answers_never_exceed_the_venue_capacity():
    conference = make_conference(capacity=5)
    invitations = [
        invitation_create(
            conference=conference,
            organization=organization_create(
                name=f"Sở Khoa học và Công nghệ tỉnh thử nghiệm {i}",
                kind="department",
                contact_emails=[f"so{i}@example.gov.vn"],
            ),
            delegate_quota=1,
        )
        for i in range(12)
    ]

    def answer(i: int) -> Invitation:
        delegate = DelegateInput(full_name=f"Trần Thị Khách {i}", email=f"khach-{i}@example.gov.vn")
        return rsvp_submit(invitation=invitations[i], accept=True, delegates=[delegate])

    results = run_together(12, answer)

    accepted = [value for outcome, value in results if outcome == "ok"]
    refused = [value for outcome, value in results if outcome == "error"]
    assert len(accepted) == 5
    assert len(refused) == 7
    assert {exc.code for exc in refused} == {"capacity_reached"}
    assert {exc.message for exc in refused} == {"The conference is full (5 places)."}
    assert (
        Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED).count() == 5
    )
    # A refused answer is rolled back whole: the invitation is still waiting, no delegate is left behind.
    statuses = dict(Invitation.objects.filter(conference=conference).values_list("pk", "status"))
    assert sorted(statuses.values()) == ["accepted"] * 5 + ["draft"] * 7
    assert {inv.pk for inv in accepted} == {pk for pk, status in statuses.items() if status == "accepted"}
