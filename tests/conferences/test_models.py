"""Rules the database itself enforces, and what the NFC fields store."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conferences.models import (
    AgendaItem,
    Award,
    Conference,
    DocumentKind,
    DocumentNumber,
    Invitation,
    Organization,
    Person,
    Review,
)
from conferences.services.agenda import agenda_item_create
from conferences.services.invitations import invitation_create
from tests.factories import (
    AgendaItemFactory,
    AwardCategoryFactory,
    AwardDecisionFactory,
    AwardFactory,
    ConferenceFactory,
    InvitationFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    ProvinceFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# NFC fields ----------------------------------------------------------------------------------


def test_organization_saved_with_nfd_name_is_stored_in_nfc():
    name = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
    organization = Organization(name=nfd(name), code="SKHCNQN")
    organization.save()

    organization.refresh_from_db()

    assert organization.name == name
    assert unicodedata.is_normalized("NFC", organization.name)
    assert organization.search_name == "so khoa hoc va cong nghe tinh quang ninh"


def test_organization_nfd_name_is_found_by_its_nfc_form():
    OrganizationFactory(name=nfd("Bộ Khoa học và Công nghệ"))

    assert Organization.objects.filter(name="Bộ Khoa học và Công nghệ").count() == 1


def test_person_saved_with_nfd_name_is_stored_in_nfc():
    person = Person(full_name=nfd("Nguyễn Thị Minh Khai"), email=" Khai@Example.GOV.vn ")
    person.save()

    person.refresh_from_db()

    assert person.full_name == "Nguyễn Thị Minh Khai"
    assert len(person.full_name.split()[0]) == 6
    assert person.search_name == "nguyen thi minh khai"
    assert person.sort_key == "khai minh thi nguyen"
    assert person.email == "khai@example.gov.vn"


def test_person_given_name_is_the_last_word():
    assert PersonFactory(full_name="Nguyễn Thị Minh Khai").given_name == "Khai"


def test_update_with_nfd_value_is_stored_in_nfc():
    person = PersonFactory()

    Person.objects.filter(pk=person.pk).update(full_name=nfd("Trần Đức Hoà"))

    person.refresh_from_db()
    assert person.full_name == "Trần Đức Hoà"
    assert unicodedata.is_normalized("NFC", person.full_name)


def test_nfc_fields_store_no_control_characters_and_one_line_fields_no_line_breaks():
    person = PersonFactory(full_name="Nguyễn\x01 Văn\nHùng\x1b", position="Giám\tđốc")
    item = AgendaItemFactory(description="Dòng một\x00\r\nDòng\thai\x1b")

    person.refresh_from_db()
    item.refresh_from_db()
    assert (person.full_name, person.position) == ("Nguyễn Văn Hùng", "Giám đốc")
    assert item.description == "Dòng một\nDòng\thai"


def test_full_clean_finds_a_name_of_control_characters_only_blank():
    person = Person(full_name="\x01\x1b", email="a@example.gov.vn")

    with pytest.raises(ValidationError) as raised:
        person.full_clean()

    assert raised.value.message_dict == {"full_name": ["This field cannot be blank."]}


def test_province_administrative_name():
    assert ProvinceFactory(name="Quảng Ninh").administrative_name == "tỉnh Quảng Ninh"
    assert ProvinceFactory(name="Hải Phòng", kind="city").administrative_name == "thành phố Hải Phòng"
    assert ProvinceFactory(name="Hồ Chí Minh", kind="city").administrative_name == "Thành phố Hồ Chí Minh"


def test_top_level_organization_names_are_unique_ignoring_accents_and_tone_placement():
    OrganizationFactory(name="Ủy ban nhân dân tỉnh Khánh Hoà")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(name="Uỷ ban nhân dân tỉnh Khánh Hòa")


def test_same_department_name_allowed_under_different_parents():
    first, second = OrganizationFactory(), OrganizationFactory()

    OrganizationFactory(name="Văn phòng", parent=first)
    OrganizationFactory(name="Văn phòng", parent=second)

    assert Organization.objects.filter(search_name="van phong").count() == 2


# Invitations -----------------------------------------------------------------------------------


def test_one_invitation_per_organization_per_conference_in_the_database():
    invitation = InvitationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(conference=invitation.conference, organization=invitation.organization)

    assert Invitation.objects.count() == 1


def test_one_invitation_per_organization_per_conference_through_the_service():
    invitation = InvitationFactory()

    with pytest.raises(ValidationError) as excinfo:
        invitation_create(conference=invitation.conference, organization=invitation.organization)

    # The service's own words, not the database constraint's "constraint violated".
    assert excinfo.value.message_dict == {
        "organization": ["This organization is already invited to the conference."]
    }
    assert Invitation.objects.count() == 1


def test_same_organization_may_be_invited_to_two_conferences():
    organization = OrganizationFactory()

    invitation_create(conference=ConferenceFactory(), organization=organization)
    invitation_create(conference=ConferenceFactory(), organization=organization)

    assert Invitation.objects.filter(organization=organization).count() == 2


def test_invitation_needs_an_invitee_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(conference=ConferenceFactory())


def test_invitation_service_needs_an_invitee():
    with pytest.raises(ValidationError) as excinfo:
        invitation_create(conference=ConferenceFactory())

    assert list(excinfo.value.message_dict) == ["organization"]


# Reviews ----------------------------------------------------------------------------------------


def test_one_review_per_reviewer_per_paper():
    paper, reviewer = PaperFactory(), UserFactory()
    Review.objects.create(paper=paper, reviewer=reviewer, recommendation="accept")

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(paper=paper, reviewer=reviewer, recommendation="reject")

    assert Review.objects.filter(paper=paper).count() == 1


# Document numbers --------------------------------------------------------------------------------


def test_document_numbers_are_unique_per_issuer_kind_and_year():
    issuer = OrganizationFactory(code="BKHCN")
    DocumentNumber.objects.create(
        issuer=issuer, kind=DocumentKind.INVITATION, year=2021, number=5, issued_on=datetime.date(2021, 1, 5)
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentNumber.objects.create(
            issuer=issuer,
            kind=DocumentKind.INVITATION,
            year=2021,
            number=5,
            issued_on=datetime.date(2021, 2, 1),
        )


def test_same_document_number_allowed_for_another_kind_year_or_issuer():
    issuer, other = OrganizationFactory(code="BKHCN"), OrganizationFactory(code="BNV")
    on = datetime.date(2021, 1, 5)
    DocumentNumber.objects.create(
        issuer=issuer, kind=DocumentKind.INVITATION, year=2021, number=5, issued_on=on
    )

    DocumentNumber.objects.create(
        issuer=issuer, kind=DocumentKind.DECISION, year=2021, number=5, issued_on=on
    )
    DocumentNumber.objects.create(
        issuer=issuer, kind=DocumentKind.INVITATION, year=2022, number=5, issued_on=on
    )
    DocumentNumber.objects.create(
        issuer=other, kind=DocumentKind.INVITATION, year=2021, number=5, issued_on=on
    )

    assert DocumentNumber.objects.filter(number=5).count() == 4


def test_document_number_zero_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentNumber.objects.create(
            issuer=OrganizationFactory(),
            kind=DocumentKind.INVITATION,
            year=2021,
            number=0,
            issued_on=datetime.date(2021, 1, 5),
        )


# Agenda -------------------------------------------------------------------------------------------


def test_agenda_item_may_not_end_before_it_starts_in_the_database():
    conference = ConferenceFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(
            conference=conference,
            starts_at=local(2021, 4, 9, 9, 0),
            ends_at=local(2021, 4, 9, 8, 59),
            title="Khai mạc",
        )


def test_agenda_item_service_refuses_end_before_start_naming_ends_at():
    conference = ConferenceFactory()

    with pytest.raises(ValidationError) as excinfo:
        agenda_item_create(
            conference=conference,
            starts_at=local(2021, 4, 9, 9, 0),
            ends_at=local(2021, 4, 9, 8, 59),
            title="Khai mạc",
        )

    assert list(excinfo.value.message_dict) == ["ends_at"]
    assert AgendaItem.objects.count() == 0


def test_agenda_item_of_zero_length_is_allowed():
    item = AgendaItemFactory(starts_at=local(2021, 4, 9, 9, 0), ends_at=local(2021, 4, 9, 9, 0))

    assert item.pk is not None


# Conference -------------------------------------------------------------------------------------


def test_conference_must_end_after_it_starts_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(starts_at=local(2021, 4, 9, 8, 0), ends_at=local(2021, 4, 9, 8, 0))

    assert Conference.objects.count() == 0


def test_conference_review_period_must_be_ordered_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(review_period_start=2020, review_period_end=2015)


def test_conference_capacity_must_be_positive_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(capacity=0)


# Awards -----------------------------------------------------------------------------------------


def test_award_with_two_recipients_is_refused_by_the_database():
    decision, category = AwardDecisionFactory(), AwardCategoryFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            decision=decision,
            category=category,
            recipient_organization=OrganizationFactory(),
            recipient_person=PersonFactory(),
            citation="Đã có thành tích xuất sắc",
            ceremony_order=1,
        )


def test_award_without_recipient_is_refused_by_the_database():
    decision, category = AwardDecisionFactory(), AwardCategoryFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            decision=decision, category=category, citation="Đã có thành tích xuất sắc", ceremony_order=1
        )


def test_award_ceremony_order_is_unique_within_a_decision():
    award = AwardFactory(ceremony_order=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        AwardFactory(decision=award.decision, ceremony_order=1)


def test_award_recipient_name_is_the_organization_or_the_person():
    organization = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    person = PersonFactory(full_name="Nguyễn Văn A")

    assert AwardFactory(recipient_organization=organization).recipient_name == organization.name
    assert AwardFactory(recipient_organization=None, recipient_person=person).recipient_name == "Nguyễn Văn A"
