import re

import pytest
from django.core.exceptions import ValidationError

from conferences.models import Certificate
from conferences.selectors.certificates import certificate_get_by_code
from conferences.services.certificates import certificate_issue, certificate_revoke
from core.exceptions import ApplicationError
from tests.factories import (
    AwardFactory,
    ConferenceFactory,
    OrganizationFactory,
    PersonFactory,
    RegistrationFactory,
    local,
)

pytestmark = pytest.mark.django_db

UNAMBIGUOUS_CODE = re.compile(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{12}")


def issue(conference, **kwargs) -> Certificate:
    kwargs.setdefault("recipient_person", PersonFactory())
    return certificate_issue(
        conference=conference, kind=kwargs.pop("kind", Certificate.Kind.ATTENDANCE), **kwargs
    )


def test_certificate_issue_gives_running_serials_per_conference():
    conference = ConferenceFactory(starts_at=local(2021, 4, 9, 8, 0))

    certificates = [issue(conference) for _ in range(3)]

    assert [c.serial for c in certificates] == [
        f"2021-{conference.pk:03d}-00001",
        f"2021-{conference.pk:03d}-00002",
        f"2021-{conference.pk:03d}-00003",
    ]


def test_certificate_serials_are_unique_across_conferences():
    first, second = ConferenceFactory(), ConferenceFactory()

    serials = {issue(first).serial, issue(second).serial, issue(first).serial}

    assert len(serials) == 3


def test_certificate_serial_uses_the_local_year_of_the_conference():
    # 06:30 on 1 January 2022 in Hà Nội is still 2021 in UTC.
    conference = ConferenceFactory(starts_at=local(2022, 1, 1, 6, 30), ends_at=local(2022, 1, 1, 11, 0))

    certificate = issue(conference)

    assert certificate.serial == f"2022-{conference.pk:03d}-00001"


def test_certificate_verification_codes_are_12_unambiguous_characters():
    conference = ConferenceFactory()

    codes = [issue(conference).verification_code for _ in range(20)]

    assert all(UNAMBIGUOUS_CODE.fullmatch(code) for code in codes), codes
    assert len(set(codes)) == 20


def test_certificate_issue_prints_the_recipient_name():
    conference = ConferenceFactory()
    department = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")

    certificate = issue(
        conference,
        recipient_person=None,
        recipient_organization=department,
        kind=Certificate.Kind.AWARD,
        award=AwardFactory(recipient_organization=department),
    )

    certificate.refresh_from_db()
    assert certificate.recipient_name == "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
    assert certificate.is_valid is True
    assert certificate.get_absolute_url() == f"/xac-minh/{certificate.verification_code}/"


def test_certificate_issue_needs_a_recipient():
    with pytest.raises(ValidationError) as excinfo:
        certificate_issue(conference=ConferenceFactory(), kind=Certificate.Kind.ATTENDANCE)

    assert list(excinfo.value.message_dict) == ["recipient_person"]


def test_certificate_issue_twice_for_a_registration_returns_the_same_certificate():
    registration = RegistrationFactory()

    first = issue(registration.conference, recipient_person=registration.person, registration=registration)
    second = issue(registration.conference, recipient_person=registration.person, registration=registration)

    assert second.pk == first.pk
    assert Certificate.objects.count() == 1


def test_certificate_get_by_code_tolerates_lower_case_spaces_and_dashes():
    certificate = issue(ConferenceFactory())
    code = certificate.verification_code
    typed = f" {code[:4].lower()} {code[4:8]}-{code[8:].lower()} "

    assert certificate_get_by_code(code=typed) == certificate


def test_certificate_get_by_code_returns_none_for_an_unknown_code():
    issue(ConferenceFactory())

    assert certificate_get_by_code(code="ZZZZ ZZZZ ZZZZ") is None


def test_certificate_revoke_records_time_and_reason():
    certificate = issue(ConferenceFactory())

    certificate_revoke(certificate=certificate, reason="  Cấp nhầm người  ")

    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == "Cấp nhầm người"
    assert certificate.is_valid is False


def test_certificate_revoke_twice_is_refused():
    certificate = issue(ConferenceFactory())
    certificate_revoke(certificate=certificate, reason="Cấp nhầm người")
    certificate.refresh_from_db()
    revoked_at = certificate.revoked_at

    with pytest.raises(ApplicationError) as excinfo:
        certificate_revoke(certificate=certificate, reason="Lần hai")

    assert excinfo.value.message == "This certificate is already revoked."
    certificate.refresh_from_db()
    assert (certificate.revoked_at, certificate.revocation_reason) == (revoked_at, "Cấp nhầm người")


def test_certificate_revoke_needs_a_reason():
    certificate = issue(ConferenceFactory())

    with pytest.raises(ValidationError) as excinfo:
        certificate_revoke(certificate=certificate, reason="   ")

    assert list(excinfo.value.message_dict) == ["revocation_reason"]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_revoked_registration_certificate_can_be_issued_again():
    registration = RegistrationFactory()
    first = issue(registration.conference, recipient_person=registration.person, registration=registration)
    certificate_revoke(certificate=first, reason="Sai tên")

    second = issue(registration.conference, recipient_person=registration.person, registration=registration)

    assert second.pk != first.pk
    assert second.serial.endswith("-00002")
