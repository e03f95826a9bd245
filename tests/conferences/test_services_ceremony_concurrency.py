"""Organizers pressing Next at the same moment: each press one step, none lost, none doubled.

Threads with their own connections; run on PostgreSQL with DATABASE_URL=postgres://... too,
where the presses queue on the state row's lock and each sees the one before.
"""

import pytest

from conferences.models import CeremonyState
from conferences.services.ceremony import ceremony_advance, ceremony_batches_set
from conferences.services.organizations import organization_create
from tests.conferences.test_services_rsvp_concurrency import run_together
from tests.factories import AwardDecisionFactory, AwardFactory, UserFactory, conference_build

pytestmark = pytest.mark.django_db(transaction=True)


def test_presses_at_once_each_make_one_step():
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    conference = conference_build(host)
    decision = AwardDecisionFactory(conference=conference)
    awards = [AwardFactory(decision=decision) for _ in range(8)]
    ceremony_batches_set(
        conference=conference,
        batches=[{"title": f"Đợt {n}", "award_ids": [a.pk]} for n, a in enumerate(awards)],
    )
    users = [UserFactory(password=None) for _ in range(4)]

    results = run_together(4, lambda i: ceremony_advance(conference=conference, user=users[i], direction=1))

    assert [outcome for outcome, _value in results] == ["ok"] * 4
    state = CeremonyState.objects.get(conference=conference)
    assert (state.step, state.current_batch.position) == (1 + 4, 4)
    # Each press saw its own result: steps 2, 3, 4, 5 and positions 1, 2, 3, 4, once each.
    assert sorted((value.step, value.current_batch.position) for _o, value in results) == [
        (2, 1),
        (3, 2),
        (4, 3),
        (5, 4),
    ]


def test_presses_at_the_last_batch_stop_there():
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    conference = conference_build(host)
    decision = AwardDecisionFactory(conference=conference)
    awards = [AwardFactory(decision=decision) for _ in range(2)]
    ceremony_batches_set(
        conference=conference,
        batches=[{"title": f"Đợt {n}", "award_ids": [a.pk]} for n, a in enumerate(awards)],
    )

    results = run_together(4, lambda i: ceremony_advance(conference=conference, user=None, direction=1))

    assert sorted(outcome for outcome, _value in results) == ["error", "error", "ok", "ok"]
    state = CeremonyState.objects.get(conference=conference)
    assert (state.step, state.current_batch.position) == (3, 2)
