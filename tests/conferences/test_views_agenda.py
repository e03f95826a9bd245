"""The public agenda pages: the current version, the history, old versions, and the conference page."""

import datetime
import re

import pytest
from django.test import Client

from conferences.services.agenda import agenda_item_create, agenda_item_delete, agenda_item_move
from conferences.services.agenda_publishing import agenda_publish
from tests.factories import (
    MODEL_CASE,
    AgendaItemFactory,
    ConferenceRoleFactory,
    PersonFactory,
    RoomFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db

PAPER_TITLE = "Tham luận của Sở Khoa học và Công nghệ tỉnh Quảng Ninh"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.AGENDA_NOTIFY_ALL = False


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def conference_kwargs():
    return MODEL_CASE


@pytest.fixture
def items(conference):
    room = RoomFactory(conference=conference, name="Phòng 301")
    director = PersonFactory(full_name="Phạm Văn Hùng")
    return {
        "opening": AgendaItemFactory(
            conference=conference,
            starts_at=local(2021, 4, 9, 8, 0),
            ends_at=local(2021, 4, 9, 8, 15),
            title="Khai mạc hội nghị",
            room=room,
            presenter_text="Ban Tổ chức",
        ),
        "paper": agenda_item_create(
            conference=conference,
            starts_at=local(2021, 4, 9, 8, 15),
            ends_at=local(2021, 4, 9, 8, 35),
            title=PAPER_TITLE,
            room=room,
            presenter_text="Giám đốc Sở",
            speakers=[director],
        ),
        "closing": AgendaItemFactory(
            conference=conference,
            starts_at=local(2021, 4, 9, 11, 30),
            ends_at=local(2021, 4, 9, 11, 45),
            title="Bế mạc hội nghị",
            room=room,
        ),
    }


def rows(html: str) -> list[tuple[str, str]]:
    """(time, first line of content) of each agenda row."""
    return re.findall(r'<td class="time">([^<]*)</td>\s*<td>([^<]*)', html)


def article(response) -> str:
    return re.search(r"<article.*</article>", response.content.decode(), re.DOTALL)[0]


# The agenda page -------------------------------------------------------------------------------------------


def test_agenda_page_before_publishing_says_so(client, conference, items):
    response = client.get("/hoi-nghi/so-ket-19/chuong-trinh/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="agenda-unpublished">The agenda has not been published yet.</p>' in html
    assert "Khai mạc hội nghị" not in html  # Working items are not public.


def test_agenda_page_of_a_draft_conference_is_404_for_the_public(client, items):
    conference = items["opening"].conference
    conference.status = "draft"
    conference.save()
    agenda_publish(conference=conference)

    assert client.get("/hoi-nghi/so-ket-19/chuong-trinh/").status_code == 404
    client.force_login(ConferenceRoleFactory(conference=conference).user)
    assert client.get("/hoi-nghi/so-ket-19/chuong-trinh/").status_code == 200


def test_agenda_page_shows_the_published_version_by_day(client, conference, items):
    version = agenda_publish(conference=conference)
    # An edit after publishing stays off the public page until the next version.
    agenda_item_move(item=items["closing"], starts_at=local(2021, 4, 9, 11, 0))

    response = client.get("/hoi-nghi/so-ket-19/chuong-trinh/")

    assert response.status_code == 200
    html = response.content.decode()
    assert rows(html) == [
        ("08:00 - 08:15", "Khai mạc hội nghị"),
        ("08:15 - 08:35", PAPER_TITLE),
        ("11:30 - 11:45", "Bế mạc hội nghị"),
    ]
    updated = version.published_at.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert f"Version 1, updated {updated:%d/%m/%Y %H:%M}" in html
    assert '<time datetime="2021-04-09">Friday, 09/04/2021</time>' in html
    assert "<small>Phạm Văn Hùng</small>" in html
    assert 'href="/hoi-nghi/so-ket-19/chuong-trinh.pdf"' in html
    assert 'href="/hoi-nghi/so-ket-19/chuong-trinh.ics"' in html
    assert 'href="/hoi-nghi/so-ket-19/chuong-trinh/lich-su/"' in html


def test_agenda_page_in_vietnamese_names_the_day_as_documents_do(conference, items):
    agenda_publish(conference=conference)

    html = Client(HTTP_ACCEPT_LANGUAGE="vi").get("/hoi-nghi/so-ket-19/chuong-trinh/").content.decode()

    assert '<time datetime="2021-04-09">Thứ Sáu, 09/04/2021</time>' in html


def test_agenda_page_after_a_new_version_shows_it(client, conference, items):
    agenda_publish(conference=conference)
    client.get("/hoi-nghi/so-ket-19/chuong-trinh/")  # The version 1 table is now cached.
    agenda_item_move(item=items["closing"], starts_at=local(2021, 4, 9, 11, 0))
    agenda_publish(conference=conference)

    html = client.get("/hoi-nghi/so-ket-19/chuong-trinh/").content.decode()

    assert rows(html)[-1] == ("11:00 - 11:15", "Bế mạc hội nghị")
    assert "Version 2, updated" in html


def test_agenda_page_is_rendered_once_per_version_and_language(
    client, conference, items, django_assert_num_queries
):
    agenda_publish(conference=conference)
    with django_assert_num_queries(2):  # The current version's number, then the version and conference.
        built = client.get("/hoi-nghi/so-ket-19/chuong-trinh/")

    with django_assert_num_queries(1):  # The current version's number: the rest is already rendered.
        cached = client.get("/hoi-nghi/so-ket-19/chuong-trinh/")
    vietnamese = Client(HTTP_ACCEPT_LANGUAGE="vi").get("/hoi-nghi/so-ket-19/chuong-trinh/")

    assert article(cached) == article(built)  # (The rest differs: each page has its own CSRF token.)
    assert len(rows(cached.content.decode())) == 3
    assert "<title>Agenda · Mid-term review of Decision 19 · " in cached.content.decode()
    assert "Thứ Sáu" in vietnamese.content.decode()
    assert "Hội nghị sơ kết Quyết định 19" in vietnamese.content.decode()


# History and old versions -----------------------------------------------------------------------------


@pytest.fixture
def two_versions(conference, items):
    v1 = agenda_publish(conference=conference)
    agenda_item_move(item=items["closing"], starts_at=local(2021, 4, 9, 11, 0))
    agenda_item_delete(item=items["opening"])
    v2 = agenda_publish(conference=conference)
    return v1, v2


def test_history_lists_the_versions_with_their_changes_in_words(client, two_versions):
    response = client.get("/hoi-nghi/so-ket-19/chuong-trinh/lich-su/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<section class="agenda-version" id="v(\d+)">', html) == ["2", "1"]
    assert re.findall(r"<li>([^<]*)</li>", html) == [
        "Bế mạc hội nghị: moved from 11:30 to 11:00-11:15, Phòng 301",
        "Khai mạc hội nghị: removed (was at 08:00)",
    ]
    assert "2 changes" in html
    assert "0 changes" in html
    assert "The first published agenda." in html
    assert 'href="/hoi-nghi/so-ket-19/chuong-trinh/v1/"' in html


def test_history_before_publishing_says_so(client, conference, items):
    response = client.get("/hoi-nghi/so-ket-19/chuong-trinh/lich-su/")

    assert response.status_code == 200
    assert "The agenda has not been published yet." in response.content.decode()


def test_an_old_version_shows_its_own_items_and_points_to_the_current_one(client, two_versions):
    response = client.get("/hoi-nghi/so-ket-19/chuong-trinh/v1/")

    assert response.status_code == 200
    html = response.content.decode()
    assert rows(html) == [
        ("08:00 - 08:15", "Khai mạc hội nghị"),
        ("08:15 - 08:35", PAPER_TITLE),
        ("11:30 - 11:45", "Bế mạc hội nghị"),
    ]
    assert "This is an earlier version; the current one is version 2." in html
    assert 'href="/hoi-nghi/so-ket-19/chuong-trinh/"' in html


def test_a_version_that_does_not_exist_is_404(client, two_versions):
    assert client.get("/hoi-nghi/so-ket-19/chuong-trinh/v3/").status_code == 404


# The conference page ------------------------------------------------------------------------------------


def test_conference_page_shows_the_published_agenda_not_the_working_items(client, conference, items):
    before = client.get("/hoi-nghi/so-ket-19/").content.decode()
    agenda_publish(conference=conference)
    agenda_item_move(item=items["closing"], starts_at=local(2021, 4, 9, 11, 0))

    after = client.get("/hoi-nghi/so-ket-19/").content.decode()

    assert rows(before) == []
    assert "The agenda has not been published yet." in before
    assert rows(after) == [
        ("08:00 - 08:15", "Khai mạc hội nghị"),
        ("08:15 - 08:35", PAPER_TITLE),
        ("11:30 - 11:45", "Bế mạc hội nghị"),
    ]
    assert 'href="/hoi-nghi/so-ket-19/chuong-trinh/"' in after
    assert 'href="/hoi-nghi/so-ket-19/chuong-trinh.pdf"' in after
    assert 'href="/hoi-nghi/so-ket-19/chuong-trinh.ics"' in after


def test_conference_page_query_count_is_fixed_with_a_published_agenda(
    client, conference, django_assert_max_num_queries
):
    speakers = PersonFactory.create_batch(3)
    for i in range(60):
        item = AgendaItemFactory(
            conference=conference,
            starts_at=local(2021, 4, 9, 8, 0) + datetime.timedelta(minutes=3 * i),
            ends_at=local(2021, 4, 9, 8, 3) + datetime.timedelta(minutes=3 * i),
        )
        item.speakers.set(speakers[: i % 3 + 1])
    agenda_publish(conference=conference)

    # Conference, agenda version, awards, call for papers.
    with django_assert_max_num_queries(4):
        response = client.get("/hoi-nghi/so-ket-19/")

    assert len(rows(response.content.decode())) == 60


def test_agenda_page_kept_for_plain_visitors_is_not_served_to_a_signed_in_user(client, conference, items):
    agenda_publish(conference=conference)
    anonymous = client.get("/hoi-nghi/so-ket-19/chuong-trinh/").content.decode()
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(UserFactory(is_staff=True))

    signed_in = staff.get("/hoi-nghi/so-ket-19/chuong-trinh/").content.decode()

    assert 'href="/admin/"' not in anonymous
    assert 'href="/admin/"' in signed_in
