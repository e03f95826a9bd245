"""Three desks scan the same delegate at the same moment: one arrival, two "already checked in".

Each thread has its own connection and a barrier releases them together, so the
conditional UPDATEs really race (PostgreSQL: row lock, the losers re-check the
condition and match nothing; SQLite serialises the writers).
"""

import pytest

from conferences.models import AuditEntry
from conferences.services.check_in import registration_check_in_at_door
from conferences.services.organizations import organization_create
from tests.conferences.test_services_rsvp_concurrency import run_together
from tests.factories import RegistrationFactory, UserFactory, conference_build

pytestmark = pytest.mark.django_db(transaction=True)


def test_three_desks_scanning_one_delegate_record_one_arrival():
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    conference = conference_build(host)
    delegate = RegistrationFactory(conference=conference)
    desks = [UserFactory(username=f"ban-{i}") for i in range(3)]

    results = run_together(
        3,
        lambda i: registration_check_in_at_door(
            conference=conference, text=delegate.ticket_code, user=desks[i]
        ),
    )

    outcomes = [value for _, value in results]
    firsts = [r for r in outcomes if r.first_time]
    assert len(firsts) == 1
    assert sorted(r.first_time for r in outcomes) == [False, False, True]
    assert {r.checked_in_at for r in outcomes} == {firsts[0].checked_in_at}
    assert {r.checked_in_by for r in outcomes} == {firsts[0].checked_in_by}
    delegate.refresh_from_db()
    assert (delegate.checked_in_at, delegate.checked_in_by) == (
        firsts[0].checked_in_at,
        firsts[0].checked_in_by,
    )
    assert AuditEntry.objects.filter(action="registration.checked_in").count() == 1
