import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from conferences.models import Conference, ConferenceRole, Room
from conferences.services.conferences import (
    conference_close_finished,
    conference_create,
    conference_publish,
    conference_role_grant,
    conference_update,
)
from core.exceptions import ApplicationError
from tests.factories import ConferenceFactory, UserFactory, local

pytestmark = pytest.mark.django_db

START = local(2021, 4, 9, 8, 0)
END = local(2021, 4, 9, 11, 30)


def create(host, **kwargs) -> Conference:
    fields = {
        "title_vi": "Hội nghị sơ kết 5 năm triển khai Quyết định số 19/2014/QĐ-TTg",
        "host": host,
        "starts_at": START,
        "ends_at": END,
    }
    return conference_create(**(fields | kwargs))


def test_conference_create_stores_a_draft_with_folded_slug_rooms_and_organizers(host):
    organizer = UserFactory()

    conference = create(
        host,
        title_vi=unicodedata.normalize("NFD", "Hội nghị sơ kết Đà Nẵng"),
        rooms=["Hội trường A", "Phòng họp 2"],
        organizers=[organizer],
    )

    conference.refresh_from_db()
    assert conference.slug == "hoi-nghi-so-ket-da-nang"
    assert conference.title_vi == "Hội nghị sơ kết Đà Nẵng"
    assert conference.status == Conference.Status.DRAFT
    assert list(conference.rooms.values_list("name", "position")) == [("Hội trường A", 0), ("Phòng họp 2", 1)]
    assert list(conference.roles.values_list("user", "role")) == [(organizer.pk, "organizer")]


def test_conference_create_gives_a_second_conference_of_the_same_title_a_numbered_slug(host):
    first = create(host, title_vi="Hội nghị tổng kết")
    second = create(host, title_vi="Hội nghị tổng kết")

    assert (first.slug, second.slug) == ("hoi-nghi-tong-ket", "hoi-nghi-tong-ket-2")


def test_conference_create_keeps_a_document_number_apart_and_cuts_a_long_slug_at_a_word(host):
    short = create(host, title_vi="Hội nghị triển khai Quyết định 19/2014/QĐ-TTg")
    long = create(
        host,
        title_vi="Hội nghị tổng kết 5 năm thực hiện Quyết định số 19/2014/QĐ-TTg về áp dụng ISO 9001",
    )

    assert short.slug == "hoi-nghi-trien-khai-quyet-dinh-19-2014-qd-ttg"
    assert long.slug == "hoi-nghi-tong-ket-5-nam-thuc-hien-quyet-dinh-so-19"
    assert len(long.slug) <= 50


def test_conference_create_refuses_end_before_start_naming_ends_at(host):
    with pytest.raises(ValidationError) as excinfo:
        create(host, ends_at=START - datetime.timedelta(minutes=1))

    assert list(excinfo.value.message_dict) == ["ends_at"]
    assert Conference.objects.count() == 0


def test_conference_create_refuses_end_equal_to_start(host):
    with pytest.raises(ValidationError) as excinfo:
        create(host, ends_at=START)

    assert list(excinfo.value.message_dict) == ["ends_at"]


def test_conference_create_refuses_rsvp_deadline_after_start(host):
    with pytest.raises(ValidationError) as excinfo:
        create(host, rsvp_deadline=START + datetime.timedelta(hours=1))

    assert list(excinfo.value.message_dict) == ["rsvp_deadline"]


def test_conference_create_refuses_review_period_ending_before_it_starts(host):
    with pytest.raises(ValidationError) as excinfo:
        create(host, review_period_start=2020, review_period_end=2015)

    assert list(excinfo.value.message_dict) == ["review_period_end"]


def test_conference_create_reports_every_bad_date_at_once(host):
    with pytest.raises(ValidationError) as excinfo:
        create(
            host,
            ends_at=START,
            rsvp_deadline=START + datetime.timedelta(days=1),
            review_period_start=2020,
            review_period_end=2015,
        )

    assert sorted(excinfo.value.message_dict) == ["ends_at", "review_period_end", "rsvp_deadline"]


def test_conference_update_checks_dates_and_stores_nfc():
    conference = ConferenceFactory()

    with pytest.raises(ValidationError) as excinfo:
        conference_update(conference=conference, ends_at=conference.starts_at - datetime.timedelta(hours=1))
    assert list(excinfo.value.message_dict) == ["ends_at"]

    conference = ConferenceFactory()
    conference_update(conference=conference, venue_name=unicodedata.normalize("NFD", "Hội trường Bộ"))
    conference.refresh_from_db()
    assert conference.venue_name == "Hội trường Bộ"


def test_conference_role_grant_twice_keeps_one_row():
    conference, user = ConferenceFactory(), UserFactory()

    first = conference_role_grant(conference=conference, user=user, role=ConferenceRole.Role.ORGANIZER)
    second = conference_role_grant(conference=conference, user=user, role=ConferenceRole.Role.ORGANIZER)

    assert first.pk == second.pk
    assert ConferenceRole.objects.filter(conference=conference, user=user).count() == 1


def test_conference_publish_makes_a_draft_public():
    conference = ConferenceFactory()

    conference_publish(conference=conference)

    conference.refresh_from_db()
    assert conference.status == Conference.Status.PUBLISHED
    assert conference.published_at is not None


def test_conference_publish_twice_changes_nothing():
    conference = ConferenceFactory()
    conference_publish(conference=conference)
    conference.refresh_from_db()
    published_at = conference.published_at

    again = conference_publish(conference=conference)

    conference.refresh_from_db()
    assert again.status == conference.status == Conference.Status.PUBLISHED
    assert conference.published_at == published_at


def test_conference_publish_refuses_a_closed_conference():
    conference = ConferenceFactory(closed=True)

    with pytest.raises(ApplicationError) as excinfo:
        conference_publish(conference=conference)

    assert excinfo.value.message == "A closed conference cannot be published again."
    conference.refresh_from_db()
    assert conference.status == Conference.Status.CLOSED


def test_conference_close_finished_closes_only_ended_published_conferences():
    now = local(2021, 4, 9, 12, 0)
    ended = ConferenceFactory(
        published=True, starts_at=local(2021, 4, 9, 8, 0), ends_at=local(2021, 4, 9, 11, 0)
    )
    ends_now = ConferenceFactory(published=True, starts_at=local(2021, 4, 9, 8, 0), ends_at=now)
    running = ConferenceFactory(
        published=True, starts_at=local(2021, 4, 9, 8, 0), ends_at=local(2021, 4, 9, 17)
    )
    ended_draft = ConferenceFactory(starts_at=local(2021, 4, 1, 8, 0), ends_at=local(2021, 4, 1, 11, 0))

    closed = conference_close_finished(now=now)

    assert closed == 2
    statuses = {c.pk: c.status for c in Conference.objects.all()}
    assert statuses == {
        ended.pk: "closed",
        ends_now.pk: "closed",
        running.pk: "published",
        ended_draft.pk: "draft",
    }
    ended.refresh_from_db()
    assert ended.closed_at == now


def test_conference_close_finished_second_run_closes_none():
    ConferenceFactory(published=True, starts_at=local(2021, 4, 9, 8, 0), ends_at=local(2021, 4, 9, 11, 0))
    now = local(2021, 4, 10, 0, 0)

    assert conference_close_finished(now=now) == 1
    assert conference_close_finished(now=now) == 0


def test_conference_close_finished_keeps_first_closing_time():
    conference = ConferenceFactory(published=True, ends_at=local(2021, 4, 9, 11, 0))
    conference_close_finished(now=local(2021, 4, 10, 0, 0))

    conference_close_finished(now=local(2021, 4, 11, 0, 0))

    conference.refresh_from_db()
    assert conference.closed_at == local(2021, 4, 10, 0, 0)


def test_room_names_are_unique_per_conference(host):
    with pytest.raises(ValidationError):
        create(host, rooms=["Hội trường A", "Hội trường A"])

    assert Room.objects.count() == 0


def test_organization_update_refuses_a_parent_loop_and_tidies_code():
    from conferences.services.organizations import organization_create, organization_update

    ministry = organization_create(name="Bộ Thử nghiệm", code="btn")
    department = organization_create(name="Vụ Thử nghiệm", parent=ministry)
    with pytest.raises(ValidationError) as excinfo:
        organization_update(organization=ministry, parent=department)
    assert "parent" in excinfo.value.message_dict
    organization_update(organization=ministry, code=" bkhcn ", phone=" 024 123 ")
    ministry.refresh_from_db()
    assert (ministry.code, ministry.phone, ministry.parent_id) == ("BKHCN", "024 123", None)


def test_organization_contact_emails_are_checked_and_tidied_in_one_place():
    from conferences.models import Organization
    from conferences.services.organizations import organization_create, organization_update

    created = organization_create(
        name="Sở Thử nghiệm",
        contact_emails=[" VanThu@So.gov.vn ", "", "vanthu@so.gov.vn", "lanhdao@so.gov.vn"],
    )
    with pytest.raises(ValidationError) as excinfo:
        organization_update(organization=created, contact_emails=["vanthu@so.gov.vn", "khong-phai-email"])
    # The admin's form runs the same check (Organization.clean).
    typed_in_the_admin = Organization(name="Sở Khác", contact_emails=["  Ban@So.gov.vn"])
    typed_in_the_admin.full_clean()

    created.refresh_from_db()
    assert created.contact_emails == ["vanthu@so.gov.vn", "lanhdao@so.gov.vn"]
    assert excinfo.value.message_dict == {
        "contact_emails": ["khong-phai-email is not a valid e-mail address."]
    }
    assert typed_in_the_admin.contact_emails == ["ban@so.gov.vn"]
