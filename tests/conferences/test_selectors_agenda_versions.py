"""The published agenda's pages and exports read a fixed number of rows whatever the agenda's size.

The reads are the selectors of conferences/selectors/agenda_versions.py, seen through the pages
and API endpoints that use them. A conference of 300 items (three rooms over three days) and
3,000 registered delegates, built by devtools.data.agenda_at_scale as for benchmarks/agenda.py.
"""

import json
import re

import pytest
from django.test import Client
from icalendar import Calendar

from devtools.data import agenda_at_scale

pytestmark = pytest.mark.django_db


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
    # Conference, agenda version, awards, call for papers.
    with django_assert_max_num_queries(4):
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
