"""/api/v1/conferences/{slug}/rooms/, people/ and audit-log/: organizers of that conference only."""

import pytest
from rest_framework.test import APIClient

from conferences.models import AuditEntry, Room
from conferences.services.audit import audit_record
from tests.factories import (
    AgendaItemFactory,
    ConferenceRoleFactory,
    PersonFactory,
    RegistrationFactory,
    RoomFactory,
    UserFactory,
    conference_build,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(organizer):
    client = APIClient()
    client.force_authenticate(organizer)
    return client


@pytest.fixture
def other_organizer(host):
    other = conference_build(host, title_vi="Hội nghị khác")
    return ConferenceRoleFactory(conference=other, user__password=None).user


def urls(conference) -> dict:
    base = f"/api/v1/conferences/{conference.slug}"
    return {"rooms": f"{base}/rooms/", "people": f"{base}/people/", "audit": f"{base}/audit-log/"}


@pytest.mark.parametrize("name", ["rooms", "people", "audit"])
def test_only_the_conferences_organizers_read_it(name, conference, api, other_organizer):
    url = urls(conference)[name]
    assert api.get(url).status_code == 200
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    stranger = APIClient()
    stranger.force_authenticate(other_organizer)
    # A draft of another conference is not even seen.
    assert stranger.get(url).status_code == 404
    assert api.get(url.replace(conference.slug, "khong-co")).status_code == 404


def test_an_organizer_of_another_published_conference_is_refused(conference, other_organizer):
    from conferences.services.conferences import conference_publish

    conference_publish(conference=conference)
    stranger = APIClient()
    stranger.force_authenticate(other_organizer)
    response = stranger.post(urls(conference)["rooms"], {"name": "Phòng 9"}, format="json")
    assert response.status_code == 403
    assert not Room.objects.filter(name="Phòng 9").exists()


def test_rooms_add_rename_reorder_remove_through_the_services(conference, api, organizer):
    url = urls(conference)["rooms"]
    first = api.post(url, {"name": "Hội trường A", "capacity": 200}, format="json")
    assert first.status_code == 201, first.content
    second = api.post(url, {"name": "Phòng 201"}, format="json").json()
    assert [room["name"] for room in api.get(url).json()] == ["Hội trường A", "Phòng 201"]
    renamed = api.patch(f"{url}{second['id']}/", {"name": "Phòng 202", "capacity": 40}, format="json")
    assert renamed.json() == {"id": second["id"], "name": "Phòng 202", "capacity": 40, "position": 2}
    order = api.post(f"{url}reorder/", {"rooms": [second["id"], first.json()["id"]]}, format="json")
    assert [room["name"] for room in order.json()] == ["Phòng 202", "Hội trường A"]
    assert api.delete(f"{url}{second['id']}/").status_code == 204
    assert list(Room.objects.filter(conference=conference).values_list("name", flat=True)) == ["Hội trường A"]
    actions = set(
        AuditEntry.objects.filter(conference=conference, actor=organizer).values_list("action", flat=True)
    )
    assert {"room.added", "room.renamed", "rooms.reordered", "room.removed"} <= actions


def test_rooms_refuse_bad_input_naming_the_field(conference, api, room_a):
    url = urls(conference)["rooms"]
    duplicate = api.post(url, {"name": "phong a"}, format="json")
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()["errors"]
    assert "name" in api.post(url, {"capacity": 3}, format="json").json()["errors"]
    assert "capacity" in api.post(url, {"name": "X", "capacity": -1}, format="json").json()["errors"]
    assert (
        "rooms" in api.post(f"{url}reorder/", {"rooms": [room_a.pk, 10**20]}, format="json").json()["errors"]
    )
    AgendaItemFactory(conference=conference, room=room_a)
    used = api.delete(f"{url}{room_a.pk}/")
    assert used.status_code == 400
    assert "room" in used.json()["errors"]
    assert api.patch(f"{url}999999/", {"name": "Y"}, format="json").status_code == 404


def test_people_are_those_of_the_conference_only(conference, api):
    delegate = PersonFactory(full_name="Nguyễn Văn Hòa")
    RegistrationFactory(conference=conference, person=delegate)
    PersonFactory(full_name="Nguyễn Văn Hòa Khác")  # tied to no conference of the organizer
    response = api.get(urls(conference)["people"], {"q": "hoa"})
    assert [row["id"] for row in response.json()["results"]] == [delegate.pk]


def test_audit_log_filters_by_action_actor_and_dates(conference, api, organizer):
    other = UserFactory()
    audit_record(action=AuditEntry.Action.ROOM_ADDED, conference=conference, actor=organizer)
    removed = audit_record(action=AuditEntry.Action.ROOM_REMOVED, conference=conference, actor=other)
    url = urls(conference)["audit"]
    by_action = api.get(url, {"action": "room.removed"}).json()["results"]
    assert [row["id"] for row in by_action] == [removed.pk]
    assert by_action[0]["actor"] == {"id": other.pk, "name": other.username}
    assert api.get(url, {"actor": organizer.pk}).json()["count"] == 1
    assert api.get(url, {"since": "2000-01-01T00:00:00Z"}).json()["count"] == 2
    assert api.get(url, {"until": "2000-01-01T00:00:00Z"}).json()["count"] == 0
    bad = api.get(url, {"since": "0205-03-15T09:00:00Z", "action": "nope"})
    assert bad.status_code == 400
    assert {"since", "action"} <= set(bad.json()["errors"])
    backwards = api.get(url, {"since": "2030-01-01T00:00:00Z", "until": "2020-01-01T00:00:00Z"})
    assert "until" in backwards.json()["errors"]


@pytest.mark.parametrize("name", ["rooms", "people", "audit"])
def test_lists_take_the_same_queries_for_2_and_20_rows(name, conference, api, django_assert_num_queries):
    def grow(count):
        for _n in range(count):
            person = PersonFactory()
            RegistrationFactory(conference=conference, person=person)
            RoomFactory(conference=conference)
            audit_record(action=AuditEntry.Action.ROOM_ADDED, conference=conference, actor=UserFactory())

    url = urls(conference)[name]
    grow(2)
    api.get(url)  # warms what is cached per process (content types, translations)
    with django_assert_num_queries(QUERIES[name]):
        assert api.get(url).status_code == 200
    grow(18)
    with django_assert_num_queries(QUERIES[name]):
        assert api.get(url).status_code == 200


QUERIES = {"rooms": 3, "people": 4, "audit": 4}
