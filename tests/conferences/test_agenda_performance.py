"""The published agenda's pages and exports read a fixed number of rows whatever the agenda's size.

A conference of 300 items (three rooms over three days) and 3,000 registered
delegates. `agenda_at_scale` also builds the data of benchmarks/agenda.py.
"""

import datetime
import json
import re

import pytest
from django.test import Client
from icalendar import Calendar

from conferences.models import AgendaItem, Conference, Paper, Person, Registration, Room
from conferences.services.agenda_publishing import agenda_publish
from core.text import fold, vietnamese_name_sort_key
from core.tokens import token_new
from tests.factories import ConferenceFactory, OrganizationFactory, local

pytestmark = pytest.mark.django_db

SLOTS_PER_DAY = 34  # 08:00 to 16:30 in 15-minute slots.
GIVEN_NAMES = ["Hùng", "Lan", "Minh", "Hương", "Dũng", "Thảo", "Quảng", "Định", "Khai", "Yến"]


def agenda_at_scale(
    *,
    slug: str = "so-ket-quy-mo-lon",
    host_code: str = "BKHCN-QML",
    items: int = 300,
    registrations: int = 3000,
    papers: int = 0,
) -> tuple[Conference, str]:
    """Build a published conference with a published agenda; return it and one speaker's personal link.

    Items run in three rooms at once over three days, each with two speakers of its own
    and a chair; the first `papers` items present an accepted paper. Rows go in with
    bulk_create; the agenda is published once with agenda_publish.
    """
    conference = ConferenceFactory(
        published=True,
        slug=slug,
        host=OrganizationFactory(name=f"Bộ Khoa học và Công nghệ ({slug})", code=host_code),
        title_vi="Hội nghị sơ kết 5 năm thực hiện Quyết định số 19/2014/QĐ-TTg",
        starts_at=local(2021, 4, 8, 8, 0),
        ends_at=local(2021, 4, 10, 17, 0),
        venue_name="Hội trường Bộ Khoa học và Công nghệ",
        venue_address="113 Trần Duy Hưng, Hà Nội",
    )
    rooms = Room.objects.bulk_create(
        [Room(conference=conference, name=f"Phòng {n}01", position=n) for n in range(1, 4)]
    )
    names = [
        f"Nguyễn Văn {GIVEN_NAMES[n % 10]} {slug} {n}" for n in range(max(registrations, 2 * items + 30))
    ]
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=name,
                position="Giám đốc Sở",
                email=f"{slug}-{n}@example.gov.vn",
                search_name=fold(name),
                sort_key=vietnamese_name_sort_key(name),
            )
            for n, name in enumerate(names)
        ]
    )
    token, token_hash = token_new()
    Registration.objects.bulk_create(
        [
            Registration(conference=conference, person=person, token_hash=token_hash if n == 0 else None)
            for n, person in enumerate(people[:registrations])
        ]
    )
    accepted = Paper.objects.bulk_create(
        [
            Paper(
                conference=conference,
                title=f"Tham luận số {n + 1} về áp dụng TCVN ISO 9001:2015",
                status=Paper.Status.ACCEPTED,
            )
            for n in range(papers)
        ]
    )
    rows = []
    for n in range(items):
        slot = n // 3
        day, minute = divmod(slot, SLOTS_PER_DAY)
        starts_at = local(2021, 4, 8 + day, 8, 0) + datetime.timedelta(minutes=15 * minute)
        rows.append(
            AgendaItem(
                conference=conference,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(minutes=15),
                room=rooms[n % 3],
                kind=AgendaItem.Kind.PAPER if n < papers else AgendaItem.Kind.REPORT,
                title=f"Tham luận số {n + 1}: kết quả xây dựng, áp dụng hệ thống quản lý chất lượng tại Sở",
                description="Đánh giá 5 năm thực hiện Quyết định số 19/2014/QĐ-TTg, giai đoạn 2015 - 2020.",
                presenter_text=f"Sở Khoa học và Công nghệ tỉnh thử nghiệm {n}",
                chair=people[2 * items + n % 30],
                paper=accepted[n] if n < papers else None,
                position=n,
            )
        )
    created = AgendaItem.objects.bulk_create(rows)
    AgendaItem.speakers.through.objects.bulk_create(
        [
            AgendaItem.speakers.through(agendaitem_id=item.pk, person_id=people[2 * n + k].pk)
            for n, item in enumerate(created)
            for k in (0, 1)
        ]
    )
    agenda_publish(conference=conference)
    return conference, f"/dai-bieu/{token}/chuong-trinh.ics"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def large():
    return agenda_at_scale()


def n_events(data: bytes) -> int:
    return len(Calendar.from_ical(data).walk("VEVENT"))


@pytest.mark.parametrize(
    "url", ["/api/v1/conferences/so-ket-quy-mo-lon/agenda/", "/hoi-nghi/so-ket-quy-mo-lon/chuong-trinh.json"]
)
def test_agenda_json_query_count_is_fixed_for_300_items(client, large, url, django_assert_max_num_queries):
    # Built: the current version's identity (ETag, Last-Modified), then its items as stored.
    with django_assert_max_num_queries(2):
        built = client.get(url)
    # Kept: the version's identity only.
    with django_assert_max_num_queries(1):
        kept = client.get(url)

    assert built.status_code == 200
    assert len(json.loads(built.content)["items"]) == 300
    assert kept.content == built.content


@pytest.mark.parametrize(
    "url",
    ["/api/v1/conferences/so-ket-quy-mo-lon/agenda.ics", "/hoi-nghi/so-ket-quy-mo-lon/chuong-trinh.ics"],
)
def test_agenda_ics_query_count_is_fixed_for_300_items(client, large, url, django_assert_max_num_queries):
    # Built: the version's identity, the version, the versions before it (for cancelled items).
    with django_assert_max_num_queries(3):
        built = client.get(url)
    # Kept: the version's identity only.
    with django_assert_max_num_queries(1):
        cached = client.get(url)

    assert n_events(built.content) == 300
    assert cached.content == built.content


def test_agenda_page_query_count_is_fixed_for_300_items(client, large, django_assert_max_num_queries):
    # Built: the current version's identity, then the version with its conference.
    with django_assert_max_num_queries(2):
        built = client.get("/hoi-nghi/so-ket-quy-mo-lon/chuong-trinh/")
    # Kept: the version's identity only.
    with django_assert_max_num_queries(1):
        cached = client.get("/hoi-nghi/so-ket-quy-mo-lon/chuong-trinh/")

    assert built.content.decode().count('<td class="time">') == 300
    assert cached.content.decode().count('<td class="time">') == 300


def test_other_agenda_reads_have_a_fixed_query_count_for_300_items(
    client, large, django_assert_max_num_queries
):
    conference, personal_url = large
    # Registration, version, earlier versions.
    with django_assert_max_num_queries(3):
        personal = client.get(personal_url)
    # Conference, agenda version, awards.
    with django_assert_max_num_queries(3):
        detail = client.get(f"/hoi-nghi/{conference.slug}/")
    # Conference, versions.
    with django_assert_max_num_queries(2):
        history = client.get(f"/hoi-nghi/{conference.slug}/chuong-trinh/lich-su/")
    # Conference, count, page.
    with django_assert_max_num_queries(3):
        versions = client.get(f"/api/v1/conferences/{conference.slug}/agenda/versions/")

    assert n_events(personal.content) == 1
    assert detail.content.decode().count('<td class="time">') == 300
    assert re.findall(r'id="v(\d+)"', history.content.decode()) == ["1"]
    assert versions.json()["count"] == 1
