"""Two certificate jobs at once, and single issues racing a bulk issue, never share a serial or a holder.

Threads with their own connections race for the conference's row lock
(SELECT ... FOR UPDATE). PostgreSQL only: SQLite serialises every writer anyway.
"""

import pytest
from django.db import connection
from django.utils import timezone

from conferences.models import Certificate, Job
from conferences.services.certificate_generation import certificates_generate
from conferences.services.certificates import certificate_issue
from conferences.services.organizations import organization_create
from tests.conferences.test_services_rsvp_concurrency import run_together
from tests.factories import ConferenceRoleFactory, PersonFactory, RegistrationFactory, conference_build

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks race only on PostgreSQL"),
]


def serial_numbers(conference) -> list[int]:
    serials = Certificate.objects.filter(conference=conference).values_list("serial", flat=True)
    return sorted(int(serial.rsplit("-", 1)[-1]) for serial in serials)


def test_two_generations_at_once_issue_each_certificate_once(
    fake_renderer, django_capture_on_commit_callbacks
):
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    conference = conference_build(host)
    organizers = [ConferenceRoleFactory(conference=conference).user for _ in range(2)]
    registrations = [
        RegistrationFactory(conference=conference, checked_in_at=timezone.now()) for _ in range(40)
    ]

    results = run_together(
        4,
        lambda i: (
            certificates_generate(conference=conference, kinds=["attendance"], user=organizers[i % 2]).pk
        ),
    )

    assert {outcome for outcome, _value in results} == {"ok"}
    assert len({value for _outcome, value in results}) == 1  # One job; the others were given it.
    assert Job.objects.count() == 1
    assert serial_numbers(conference) == list(range(1, 41))
    holders = list(
        Certificate.objects.filter(conference=conference).values_list("registration_id", flat=True)
    )
    assert sorted(holders) == sorted(r.pk for r in registrations)


def test_single_issues_racing_a_bulk_generation_never_share_a_serial(fake_renderer):
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    conference = conference_build(host)
    organizer = ConferenceRoleFactory(conference=conference).user
    for _ in range(30):
        RegistrationFactory(conference=conference, checked_in_at=timezone.now())
    people = [PersonFactory() for _ in range(5)]

    def work(i: int):
        if i == 0:
            return certificates_generate(conference=conference, kinds=["attendance"], user=organizer).total
        return certificate_issue(conference=conference, kind="speaker", recipient_person=people[i - 1]).serial

    results = run_together(6, work)

    assert {outcome for outcome, _value in results} == {"ok"}
    assert serial_numbers(conference) == list(range(1, 36))
