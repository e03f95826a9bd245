import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from conferences.models import ConferenceRole, Organization, PaperAuthor, Registration
from conferences.selectors.agenda import agenda_item_list
from conferences.selectors.awards import award_list_for_conference
from conferences.selectors.conferences import (
    conference_get_for_user,
    conference_list_for_user,
    conference_list_public,
    conference_stats,
    user_is_organizer,
)
from conferences.selectors.organizations import organization_search
from conferences.selectors.people import people_visible_to_organizer
from tests.factories import (
    AgendaItemFactory,
    AwardDecisionFactory,
    AwardFactory,
    ConferenceFactory,
    ConferenceRoleFactory,
    InvitationFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    ProvinceFactory,
    RegistrationFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    quang_ninh = ProvinceFactory(code="22", name="Quảng Ninh")
    hai_phong = ProvinceFactory(code="31", name="Hải Phòng", kind="city")
    return {
        "quang_ninh": OrganizationFactory(
            name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", kind="department", province=quang_ninh
        ),
        "quang_ninh_committee": OrganizationFactory(
            name="Ủy ban nhân dân tỉnh Quảng Ninh", kind="provincial_committee", province=quang_ninh
        ),
        "hai_phong": OrganizationFactory(
            name="Sở Khoa học và Công nghệ thành phố Hải Phòng", kind="department", province=hai_phong
        ),
        "quang_nam": OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Nam", kind="department"),
    }


def names(queryset) -> set[str]:
    return {o.name for o in queryset}


def test_organization_search_without_accents_finds_the_quang_ninh_department(departments):
    found = organization_search(query="quang ninh", kind=Organization.Kind.DEPARTMENT)

    assert list(found) == [departments["quang_ninh"]]


def test_organization_search_ignores_accents_case_and_word_order(departments):
    assert names(organization_search(query="NINH quảng")) == {
        "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        "Ủy ban nhân dân tỉnh Quảng Ninh",
    }


def test_organization_search_treats_d_with_stroke_as_d():
    OrganizationFactory(name="Sở Khoa học và Công nghệ thành phố Đà Nẵng")

    assert names(organization_search(query="da nang")) == {"Sở Khoa học và Công nghệ thành phố Đà Nẵng"}


def test_organization_search_filters_by_province_code(departments):
    assert names(organization_search(province_code="31")) == {"Sở Khoa học và Công nghệ thành phố Hải Phòng"}


def test_organization_search_without_match_is_empty(departments):
    assert list(organization_search(query="lang son")) == []


@pytest.fixture
def draft():
    return ConferenceFactory(status="draft")


@pytest.fixture
def published():
    return ConferenceFactory(published=True)


@pytest.fixture
def closed():
    return ConferenceFactory(closed=True)


def test_conference_list_public_shows_published_and_closed_only(draft, published, closed):
    assert set(conference_list_public()) == {published, closed}


def test_conference_list_for_anonymous_user_hides_drafts(draft, published, closed):
    assert set(conference_list_for_user(user=AnonymousUser())) == {published, closed}


def test_conference_list_for_organizer_shows_their_draft(draft, published, closed):
    organizer = ConferenceRoleFactory(conference=draft, role=ConferenceRole.Role.ORGANIZER).user
    ConferenceRoleFactory(conference=published, user=organizer, role=ConferenceRole.Role.ORGANIZER)

    conferences = list(conference_list_for_user(user=organizer))

    assert sorted(c.pk for c in conferences) == sorted([draft.pk, published.pk, closed.pk])


def test_conference_list_for_user_hides_drafts_organized_by_others(draft, published):
    other_draft = ConferenceFactory()
    organizer = ConferenceRoleFactory(conference=other_draft).user

    assert set(conference_list_for_user(user=organizer)) == {other_draft, published}
    assert set(conference_list_for_user(user=UserFactory())) == {published}


def test_conference_list_for_reviewer_hides_the_draft(draft, published):
    reviewer = ConferenceRoleFactory(conference=draft, role=ConferenceRole.Role.REVIEWER).user

    assert set(conference_list_for_user(user=reviewer)) == {published}


def test_conference_list_for_a_superuser_shows_every_draft_and_staff_status_none(draft, published, closed):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    staff = UserFactory(is_staff=True)

    assert set(conference_list_for_user(user=superuser)) == {draft, published, closed}
    assert set(conference_list_for_user(user=staff)) == {published, closed}


def test_conference_get_for_user_raises_for_a_hidden_draft(draft):
    with pytest.raises(type(draft).DoesNotExist):
        conference_get_for_user(slug=draft.slug, user=AnonymousUser())


def test_user_is_organizer(draft):
    organizer = ConferenceRoleFactory(conference=draft).user
    reviewer = ConferenceRoleFactory(conference=draft, role=ConferenceRole.Role.REVIEWER).user

    assert user_is_organizer(user=organizer, conference=draft) is True
    assert user_is_organizer(user=reviewer, conference=draft) is False
    assert user_is_organizer(user=AnonymousUser(), conference=draft) is False
    assert user_is_organizer(user=UserFactory(is_staff=True), conference=draft) is False
    assert user_is_organizer(user=UserFactory(is_staff=True, is_superuser=True), conference=draft) is True


def test_conference_stats_counts_in_one_query(draft, django_assert_num_queries):
    InvitationFactory.create_batch(3, conference=draft)
    RegistrationFactory.create_batch(2, conference=draft)
    RegistrationFactory(conference=draft, status=Registration.Status.CANCELLED)
    PaperFactory(conference=draft)

    with django_assert_num_queries(1):
        stats = conference_stats(conference=draft)

    assert stats == {"invitations": 3, "registrations": 2, "papers": 1}


def test_agenda_item_list_is_in_time_order(published):
    late = AgendaItemFactory(conference=published, starts_at=local(2021, 4, 9, 10, 0), title="Bế mạc")
    early = AgendaItemFactory(conference=published, starts_at=local(2021, 4, 9, 8, 0), title="Khai mạc")
    same_time_second = AgendaItemFactory(
        conference=published, starts_at=local(2021, 4, 9, 9, 0), position=2, title="Tham luận 2"
    )
    same_time_first = AgendaItemFactory(
        conference=published, starts_at=local(2021, 4, 9, 9, 0), position=1, title="Tham luận 1"
    )
    AgendaItemFactory()  # another conference

    assert list(agenda_item_list(conference=published)) == [early, same_time_first, same_time_second, late]


def test_award_list_for_conference_is_in_ceremony_order(published):
    later_decision = AwardDecisionFactory(conference=published, signed_on=datetime.date(2021, 4, 6))
    earlier_decision = AwardDecisionFactory(conference=published, signed_on=datetime.date(2021, 4, 5))
    b = AwardFactory(decision=later_decision, ceremony_order=1)
    a2 = AwardFactory(decision=earlier_decision, ceremony_order=2)
    a1 = AwardFactory(decision=earlier_decision, ceremony_order=1)
    AwardFactory()  # another conference

    assert list(award_list_for_conference(conference=published)) == [a1, a2, b]


# people_visible_to_organizer ---------------------------------------------------------------------------


def test_people_visible_to_organizer_are_those_of_the_conferences_world():
    conference = ConferenceFactory()
    invited_agency = OrganizationFactory()
    InvitationFactory(conference=conference, organization=invited_agency)
    of_the_host = PersonFactory(organization=conference.host)
    of_an_invited_agency = PersonFactory(organization=invited_agency)
    registered = RegistrationFactory(conference=conference).person
    invited_by_name = InvitationFactory(
        conference=conference, organization=None, person=PersonFactory()
    ).person
    chair = PersonFactory()
    conference.chair = chair
    conference.save(update_fields=["chair"])
    speaker, item_chair = PersonFactory(), PersonFactory()
    AgendaItemFactory(conference=conference, chair=item_chair).speakers.set([speaker])
    author = PersonFactory()
    PaperAuthor.objects.create(paper=PaperFactory(conference=conference), person=author)
    awarded = AwardFactory(
        decision=AwardDecisionFactory(conference=conference),
        recipient_organization=None,
        recipient_person=PersonFactory(),
    ).recipient_person
    # Of another conference only: its agency, its delegate, a person of no agency.
    other = ConferenceFactory()
    InvitationFactory(conference=other, organization=OrganizationFactory())
    hidden = [
        PersonFactory(organization=other.invitations.get().organization),
        RegistrationFactory(conference=other).person,
        PersonFactory(),
    ]

    visible = people_visible_to_organizer(conference=conference)

    assert set(visible) == {
        of_the_host,
        of_an_invited_agency,
        registered,
        invited_by_name,
        chair,
        speaker,
        item_chair,
        author,
        awarded,
    }
    assert visible.count() == 9  # Each person once, however many ways they are tied to it.
    assert not visible.filter(pk__in=[p.pk for p in hidden]).exists()
