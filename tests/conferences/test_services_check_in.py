"""Check-in at the door: one arrival per delegate, found by a typed code or a scanned link."""

import datetime

import pytest
from django.utils import timezone

from conferences.models import AuditEntry, Registration
from conferences.selectors.check_in import check_in_counts
from conferences.services.check_in import (
    registration_check_in,
    registration_check_in_at_door,
    registrations_check_in_many,
)
from conferences.services.invitations import registration_cancel
from conferences.services.rsvp import delegate_notice_url, delegate_url
from core.exceptions import ApplicationError
from core.ticket_codes import ALPHABET, ticket_code_display
from core.tokens import token_new
from tests.factories import (
    ConferenceFactory,
    OrganizationFactory,
    PersonFactory,
    ProvinceFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ARRIVAL = timezone.make_aware(datetime.datetime(2021, 4, 9, 7, 42))


@pytest.fixture
def delegate(conference):
    token, token_hash = token_new()
    registration = RegistrationFactory(
        conference=conference,
        person=PersonFactory(full_name="Nguyễn Thị Minh Khai"),
        organization=OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh"),
        token_hash=token_hash,
    )
    registration.token = token
    return registration


@pytest.fixture
def desk_user():
    user = UserFactory(username="ban-don-tiep")
    PersonFactory(full_name="Nguyễn Văn A", user=user)
    return user


def refused(**kwargs) -> tuple[str, str]:
    with pytest.raises(ApplicationError) as caught:
        registration_check_in_at_door(**kwargs)
    return caught.value.code, caught.value.message


def test_a_first_check_in_records_the_time_and_who_and_writes_one_audit_entry(delegate, desk_user):
    result = registration_check_in(registration=delegate, user=desk_user, now=ARRIVAL)

    delegate.refresh_from_db()
    assert (delegate.checked_in_at, delegate.checked_in_by) == (ARRIVAL, desk_user)
    assert (result.first_time, result.checked_in_at, result.checked_in_by) == (True, ARRIVAL, desk_user)
    assert result.message == "Nguyễn Thị Minh Khai checked in at 07:42 09/04/2021."
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.actor, entry.object_type, entry.object_id) == (
        "registration.checked_in",
        desk_user,
        "registration",
        str(delegate.pk),
    )


def test_a_second_scan_keeps_the_first_time_and_says_who_checked_in(delegate, desk_user):
    registration_check_in(registration=delegate, user=desk_user, now=ARRIVAL)
    other_desk = UserFactory()

    again = registration_check_in(
        registration=delegate, user=other_desk, now=ARRIVAL + datetime.timedelta(minutes=5)
    )

    delegate.refresh_from_db()
    assert (delegate.checked_in_at, delegate.checked_in_by) == (ARRIVAL, desk_user)
    assert (again.first_time, again.checked_in_at, again.checked_in_by_name) == (
        False,
        ARRIVAL,
        "Nguyễn Văn A",
    )
    assert again.message == (
        "Nguyễn Thị Minh Khai was already checked in at 07:42 09/04/2021 by Nguyễn Văn A."
    )
    assert AuditEntry.objects.count() == 1


def test_the_time_alone_is_shown_on_the_day_itself(delegate, desk_user):
    now = timezone.now()
    result = registration_check_in(registration=delegate, user=desk_user, now=now)

    assert result.message == f"Nguyễn Thị Minh Khai checked in at {timezone.localtime(now):%H:%M}."


def test_a_typed_code_checks_in_whatever_the_case_and_dashes(conference, delegate, desk_user):
    typed = ticket_code_display(delegate.ticket_code).lower().replace("-", " - ")

    result = registration_check_in_at_door(conference=conference, text=typed, user=desk_user)

    assert (result.registration.pk, result.first_time) == (delegate.pk, True)
    delegate.refresh_from_db()
    assert delegate.checked_in_by == desk_user


@pytest.mark.parametrize("link", ["plain", "derived"])
def test_a_scanned_personal_link_checks_in(conference, delegate, desk_user, link):
    url = delegate_url(delegate.token) if link == "plain" else delegate_notice_url(delegate)

    result = registration_check_in_at_door(conference=conference, text=url, user=desk_user)

    assert (result.registration.pk, result.first_time) == (delegate.pk, True)


def test_a_cancelled_registrations_code_and_link_are_refused(conference, delegate, desk_user):
    link = delegate_url(delegate.token)
    registration_cancel(registration=delegate)

    by_code = refused(conference=conference, text=delegate.ticket_code, user=desk_user)
    by_link = refused(conference=conference, text=link, user=desk_user)
    with pytest.raises(ApplicationError) as direct:
        registration_check_in(registration=delegate, user=desk_user)

    assert by_code == (
        "registration_cancelled",
        "Nguyễn Thị Minh Khai's registration was cancelled: no check-in.",
    )
    assert by_link[0] == "unknown_link"
    assert direct.value.code == "registration_cancelled"
    delegate.refresh_from_db()
    assert (delegate.status, delegate.checked_in_at) == (Registration.Status.CANCELLED, None)
    assert not AuditEntry.objects.exists()


def test_another_conferences_code_and_link_are_refused(conference, delegate, desk_user):
    elsewhere = ConferenceFactory()
    token, token_hash = token_new()
    stranger = RegistrationFactory(conference=elsewhere, token_hash=token_hash)

    by_code = refused(conference=conference, text=stranger.ticket_code, user=desk_user)
    by_link = refused(conference=conference, text=delegate_url(token), user=desk_user)

    shown = ticket_code_display(stranger.ticket_code)
    assert by_code == ("unknown_code", f"No delegate of this conference has the code {shown}.")
    assert by_link == ("other_conference", "This delegate is registered for another conference.")
    stranger.refresh_from_db()
    assert stranger.checked_in_at is None


def test_a_code_with_a_typo_is_named_as_one_before_any_lookup(
    conference, delegate, desk_user, django_assert_num_queries
):
    code = delegate.ticket_code
    wrong = next(c for c in ALPHABET if c != code[2])
    typo = code[:2] + wrong + code[3:]

    with django_assert_num_queries(0):
        outcome = refused(conference=conference, text=typo, user=desk_user)

    assert outcome == (
        "typo",
        f"The code {ticket_code_display(typo)} has a typo: check each character against the ticket.",
    )


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "empty", "Type the ticket code or scan the QR code."),
        ("   ", "empty", "Type the ticket code or scan the QR code."),
        ("A" * 10_000, "too_long", "That is too long to be a ticket code or a delegate's link."),
        ("O0O-1IL1", "malformed", None),
        ("https://example.gov.vn/dai-bieu/khong-co-that/", "unknown_link", None),
        ("https://example.gov.vn/hoi-nghi/so-ket/", "malformed", None),
    ],
)
def test_bad_input_gets_a_clear_refusal(conference, desk_user, text, code, message):
    outcome = refused(conference=conference, text=text, user=desk_user)

    assert outcome[0] == code
    if message:
        assert outcome[1] == message
    assert not AuditEntry.objects.exists()


def test_counts_follow_arrivals_by_agency_kind_and_province(conference, delegate, desk_user):
    quang_ninh = ProvinceFactory(code="22", name="Quảng Ninh")
    department = OrganizationFactory(kind="department", province=quang_ninh)
    arrived = RegistrationFactory(conference=conference, organization=department)
    RegistrationFactory(conference=conference, organization=department)
    RegistrationFactory(conference=conference, organization=department, status="cancelled")
    registration_check_in(registration=arrived, user=desk_user)

    counts = check_in_counts(conference=conference)

    assert (counts["expected"], counts["checked_in"]) == (3, 1)
    assert counts["by_kind"] == [
        {"kind": "department", "label": "Department", "expected": 2, "checked_in": 1},
        {"kind": "other", "label": "Other", "expected": 1, "checked_in": 0},
    ]
    assert counts["by_province"] == [
        {"code": "22", "name": "Quảng Ninh", "expected": 2, "checked_in": 1},
        {"code": "", "name": "No province", "expected": 1, "checked_in": 0},
    ]


def test_checking_in_many_counts_only_new_arrivals_and_skips_cancelled_ones(conference, delegate, desk_user):
    arrived_before = RegistrationFactory(conference=conference)
    registration_check_in(registration=arrived_before, user=None, now=ARRIVAL - datetime.timedelta(hours=1))
    cancelled = RegistrationFactory(conference=conference)
    registration_cancel(registration=cancelled)

    count = registrations_check_in_many(
        registrations=[delegate, arrived_before, cancelled], user=desk_user, now=ARRIVAL
    )

    assert count == 1
    delegate.refresh_from_db()
    arrived_before.refresh_from_db()
    cancelled.refresh_from_db()
    assert (delegate.checked_in_at, delegate.checked_in_by) == (ARRIVAL, desk_user)
    assert arrived_before.checked_in_at == ARRIVAL - datetime.timedelta(hours=1)
    assert cancelled.checked_in_at is None
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REGISTRATION_CHECKED_IN).count() == 2
