"""The organizers' agenda API: items and their actions, the check, publishing."""

import datetime

import pytest
from rest_framework.test import APIClient

from conferences.models import AgendaItem, AgendaVersion, Paper
from conferences.services.agenda_publishing import agenda_publish
from notifications.models import Notification
from tests.factories import (
    MODEL_CASE,
    AgendaItemFactory,
    ConferenceFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    RegistrationFactory,
    RoomFactory,
    UserFactory,
    local,
)
from tests.factories import agenda_item_build as add

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    # Messages are asserted in English; DRF ships Vietnamese translations of its own.
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def conference_kwargs():
    return MODEL_CASE | {"slug": "so-ket-qd19"}


ITEMS = "/api/v1/conferences/so-ket-qd19/agenda/items/"
CHECK = "/api/v1/conferences/so-ket-qd19/agenda/check/"
PUBLISH = "/api/v1/conferences/so-ket-qd19/agenda/publish/"


def item_url(item, action: str = "") -> str:
    return f"{ITEMS}{item.pk}/{action}"


# Access ------------------------------------------------------------------------------------------------


def test_anonymous_gets_401(client, conference):
    response = client.get(ITEMS)

    assert response.status_code == 401
    assert response.json() == {
        "message": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "errors": {},
    }


def test_another_user_gets_403_and_changes_nothing(client, conference):
    item = add(conference, (9, 0), (9, 15), "Khai mạc")
    client.force_login(UserFactory())

    responses = [
        client.get(ITEMS),
        client.post(ITEMS, {"title": "X", "starts_at": "2021-04-09T09:00", "ends_at": "2021-04-09T09:15"}),
        client.patch(item_url(item), {"title": "Đã sửa"}, format="json"),
        client.delete(item_url(item)),
        client.get(CHECK),
        client.post(PUBLISH),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    assert responses[0].json() == {
        "message": "Only the organizers of this conference can edit its agenda.",
        "code": "permission_denied",
        "errors": {},
    }
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Khai mạc"]
    assert AgendaVersion.objects.count() == 0


def test_a_draft_conference_is_not_found_for_another_user(client):
    ConferenceFactory(slug="ban-nhap")
    client.force_login(UserFactory())

    response = client.get("/api/v1/conferences/ban-nhap/agenda/items/")

    assert response.status_code == 404
    assert response.json() == {"message": "No such conference.", "code": "not_found", "errors": {}}


def test_an_item_of_another_conference_is_not_found(organizer_client):
    elsewhere = add(ConferenceFactory(), (9, 0), (9, 15), "Khai mạc")

    response = organizer_client.get(f"{ITEMS}{elsewhere.pk}/")

    assert response.status_code == 404


def test_a_superuser_can_read_any_agenda_and_staff_status_cannot(client, conference):
    # Staff status only opens the admin (issue 9.3): it was enough to read any working agenda.
    add(conference, (9, 0), (9, 15), "Khai mạc")
    client.force_login(UserFactory(is_staff=True))
    assert client.get(ITEMS).status_code == 403
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(ITEMS)

    assert response.status_code == 200
    assert [item["title"] for item in response.json()] == ["Khai mạc"]


# Reading -----------------------------------------------------------------------------------------------


def test_list_returns_the_working_items_in_time_order_with_their_details(
    organizer_client, conference, room_a
):
    department = OrganizationFactory(
        name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", short_name="Sở KH&CN QN"
    )
    speaker = PersonFactory(full_name="Nguyễn Văn Hùng", position="Giám đốc")
    chair = PersonFactory(full_name="Lê Xuân Định", position="Thứ trưởng")
    paper = PaperFactory(conference=conference, title="Áp dụng ISO 9001:2015", status=Paper.Status.ACCEPTED)
    talk = add(
        conference,
        (9, 5),
        (9, 20),
        "Tham luận Quảng Ninh",
        kind=AgendaItem.Kind.PAPER,
        room=room_a,
        presenting_organization=department,
        chair=chair,
        paper=paper,
        speakers=[speaker],
    )
    opening = add(conference, (8, 0), (8, 15), "Khai mạc", kind=AgendaItem.Kind.OPENING)

    response = organizer_client.get(ITEMS)

    assert response.status_code == 200
    data = response.json()
    assert [item["id"] for item in data] == [opening.pk, talk.pk]
    talk.refresh_from_db()
    assert data[1] == {
        "id": talk.pk,
        "kind": "paper",
        "title": "Tham luận Quảng Ninh",
        "description": "",
        "starts_at": "2021-04-09T09:05:00+07:00",
        "ends_at": "2021-04-09T09:20:00+07:00",
        "room": {"id": room_a.pk, "name": "Phòng A"},
        "presenter_text": "",
        "presenting_organization": {
            "id": department.pk,
            "name": "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
            "short_name": "Sở KH&CN QN",
        },
        "chair": {"id": chair.pk, "full_name": "Lê Xuân Định", "position": "Thứ trưởng"},
        "speakers": [{"id": speaker.pk, "full_name": "Nguyễn Văn Hùng", "position": "Giám đốc"}],
        "paper": {"id": paper.pk, "title": "Áp dụng ISO 9001:2015", "status": "accepted"},
        "position": talk.position,
        "updated_at": data[1]["updated_at"],
    }


def test_list_of_300_items_takes_six_queries(
    organizer_client, conference, room_a, django_assert_max_num_queries
):
    people = [PersonFactory() for _ in range(5)]
    for n in range(300):
        start = local(2021, 4, 9, 8, 0) + datetime.timedelta(minutes=n)
        item = AgendaItemFactory(
            conference=conference, starts_at=start, ends_at=start, room=room_a, chair=people[0]
        )
        item.speakers.set(people[n % 5 : n % 5 + 2])

    with django_assert_max_num_queries(6):
        response = organizer_client.get(ITEMS)

    assert response.status_code == 200
    assert len(response.json()) == 300


def test_retrieve_returns_one_item(organizer_client, conference):
    item = add(conference, (9, 0), (9, 15), "Khai mạc")

    response = organizer_client.get(item_url(item))

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["title"]) == (item.pk, "Khai mạc")


# Writing -----------------------------------------------------------------------------------------------


def test_create_adds_an_item(organizer_client, conference, room_a):
    speaker = PersonFactory()
    RegistrationFactory(conference=conference, person=speaker)
    paper = PaperFactory(conference=conference, status=Paper.Status.ACCEPTED)

    response = organizer_client.post(
        ITEMS,
        {
            "starts_at": "2021-04-09T09:05:00+07:00",
            "ends_at": "2021-04-09T09:20",
            "kind": "paper",
            "title": "Tham luận Quảng Ninh",
            "room": room_a.pk,
            "speakers": [speaker.pk],
            "paper": paper.pk,
        },
        format="json",
    )

    assert response.status_code == 201
    item = AgendaItem.objects.get()
    assert response.json()["id"] == item.pk
    assert (item.starts_at, item.ends_at) == (local(2021, 4, 9, 9, 5), local(2021, 4, 9, 9, 20))
    assert (item.kind, item.title, item.room, item.paper) == ("paper", "Tham luận Quảng Ninh", room_a, paper)
    assert list(item.speakers.all()) == [speaker]


def test_create_ending_before_it_starts_names_ends_at(organizer_client, conference):
    response = organizer_client.post(
        ITEMS,
        {"starts_at": "2021-04-09T09:05", "ends_at": "2021-04-09T09:00", "title": "Khai mạc"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "message": "Some fields are not valid.",
        "code": "invalid",
        "errors": {"ends_at": ["An agenda item cannot end before it starts."]},
    }
    assert AgendaItem.objects.count() == 0


def test_create_names_missing_and_foreign_fields(organizer_client, conference):
    foreign_room = RoomFactory()
    outsider = PersonFactory()

    response = organizer_client.post(
        ITEMS,
        {"starts_at": "2021-04-09T09:05", "room": foreign_room.pk, "speakers": [outsider.pk]},
        format="json",
    )

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["ends_at", "room", "speakers", "title"]
    assert AgendaItem.objects.count() == 0


def test_create_refuses_a_paper_that_is_not_accepted_or_already_placed(organizer_client, conference):
    submitted = PaperFactory(conference=conference, status=Paper.Status.SUBMITTED)
    placed = PaperFactory(conference=conference, status=Paper.Status.ACCEPTED)
    add(conference, (9, 0), (9, 15), "Tham luận", paper=placed)
    data = {"starts_at": "2021-04-09T10:00", "ends_at": "2021-04-09T10:15", "title": "Tham luận"}

    not_accepted = organizer_client.post(ITEMS, {**data, "paper": submitted.pk}, format="json")
    taken = organizer_client.post(ITEMS, {**data, "paper": placed.pk}, format="json")

    assert not_accepted.json()["errors"] == {"paper": ["Only an accepted paper can be put on the agenda."]}
    assert taken.json()["errors"] == {"paper": ["This paper already has a slot on the agenda."]}
    assert AgendaItem.objects.count() == 1


def test_patch_changes_only_the_fields_given(organizer_client, conference, room_a):
    hung, lan = PersonFactory(), PersonFactory()
    for person in (hung, lan):
        RegistrationFactory(conference=conference, person=person)
    item = add(conference, (9, 0), (9, 15), "Tham luận", room=room_a, speakers=[hung])

    response = organizer_client.patch(
        item_url(item), {"title": "Tham luận (đã sửa)", "speakers": [lan.pk, hung.pk]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["title"] == "Tham luận (đã sửa)"
    item.refresh_from_db()
    assert (item.title, item.room, item.starts_at) == ("Tham luận (đã sửa)", room_a, local(2021, 4, 9, 9, 0))
    assert set(item.speakers.all()) == {hung, lan}


def test_patch_without_speakers_keeps_them_and_an_empty_list_clears_them(organizer_client, conference):
    speaker = PersonFactory()
    RegistrationFactory(conference=conference, person=speaker)
    item = add(conference, (9, 0), (9, 15), "Tham luận", speakers=[speaker])

    organizer_client.patch(item_url(item), {"kind": "report"}, format="json")
    assert list(item.speakers.all()) == [speaker]
    organizer_client.patch(item_url(item), {"speakers": []}, format="json")
    assert list(item.speakers.all()) == []


def test_patch_ending_before_the_start_names_ends_at_and_changes_nothing(organizer_client, conference):
    item = add(conference, (9, 0), (9, 15), "Tham luận")

    response = organizer_client.patch(
        item_url(item), {"title": "Mới", "ends_at": "2021-04-09T08:30"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"ends_at": ["An agenda item cannot end before it starts."]}
    item.refresh_from_db()
    assert (item.title, item.ends_at) == ("Tham luận", local(2021, 4, 9, 9, 15))


def test_put_is_not_allowed(organizer_client, conference):
    item = add(conference, (9, 0), (9, 15), "Tham luận")

    response = organizer_client.put(item_url(item), {"title": "Mới"}, format="json")

    assert response.status_code == 405


def test_delete_removes_the_item(organizer_client, conference):
    item = add(conference, (9, 0), (9, 15), "Tham luận")

    response = organizer_client.delete(item_url(item))

    assert response.status_code == 204
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_duplicate_returns_the_copy(organizer_client, conference, room_a):
    item = add(conference, (9, 0), (9, 15), "Tham luận", room=room_a)

    response = organizer_client.post(item_url(item, "duplicate/"))

    assert response.status_code == 201
    copy = AgendaItem.objects.exclude(pk=item.pk).get()
    assert response.json()["id"] == copy.pk
    assert (copy.title, copy.starts_at, copy.room) == ("Tham luận", item.starts_at, room_a)


def test_move_keeps_the_length_and_optionally_changes_the_room(organizer_client, conference, room_a, room_b):
    item = add(conference, (9, 5), (9, 20), "Tham luận", room=room_a)

    kept_room = organizer_client.post(
        item_url(item, "move/"), {"starts_at": "2021-04-09T09:35"}, format="json"
    )
    item.refresh_from_db()
    assert (item.starts_at, item.ends_at, item.room) == (
        local(2021, 4, 9, 9, 35),
        local(2021, 4, 9, 9, 50),
        room_a,
    )
    new_room = organizer_client.post(
        item_url(item, "move/"), {"starts_at": "2021-04-09T10:00", "room": room_b.pk}, format="json"
    )

    assert (kept_room.status_code, new_room.status_code) == (200, 200)
    assert new_room.json()["room"] == {"id": room_b.pk, "name": "Phòng B"}
    item.refresh_from_db()
    assert (item.starts_at, item.ends_at, item.room) == (
        local(2021, 4, 9, 10, 0),
        local(2021, 4, 9, 10, 15),
        room_b,
    )


def test_move_without_a_start_names_starts_at(organizer_client, conference):
    item = add(conference, (9, 5), (9, 20), "Tham luận")

    response = organizer_client.post(item_url(item, "move/"), {}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["starts_at"]


def test_reorder_sets_the_order_of_items_that_start_together(organizer_client, conference):
    first = add(conference, (9, 0), (9, 15), "Tham luận 1", position=0)
    second = add(conference, (9, 0), (9, 15), "Tham luận 2", position=1)

    response = organizer_client.post(f"{ITEMS}reorder/", {"item_ids": [second.pk, first.pk]}, format="json")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [second.pk, first.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (0, 1)


def test_reorder_refuses_items_of_another_conference(organizer_client, conference):
    mine = add(conference, (9, 0), (9, 15), "Tham luận", position=4)
    theirs = add(ConferenceFactory(), (9, 0), (9, 15), "Tham luận khác")

    response = organizer_client.post(f"{ITEMS}reorder/", {"item_ids": [theirs.pk, mine.pk]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"item_ids": ["Some items are not in this conference's agenda."]}
    mine.refresh_from_db()
    assert mine.position == 4


def test_fill_from_papers_returns_the_new_items(organizer_client, conference, room_b):
    first = PaperFactory(conference=conference, status=Paper.Status.ACCEPTED)
    second = PaperFactory(conference=conference, status=Paper.Status.ACCEPTED)
    PaperFactory(conference=conference, status=Paper.Status.REJECTED)
    add(conference, (8, 0), (8, 15), "Khai mạc")

    response = organizer_client.post(
        f"{ITEMS}fill-from-papers/",
        {"starts_at": "2021-04-09T10:00", "slot_minutes": 20, "room": room_b.pk},
        format="json",
    )

    assert response.status_code == 201
    assert [(i["paper"]["id"], i["starts_at"], i["ends_at"]) for i in response.json()] == [
        (first.pk, "2021-04-09T10:00:00+07:00", "2021-04-09T10:20:00+07:00"),
        (second.pk, "2021-04-09T10:20:00+07:00", "2021-04-09T10:40:00+07:00"),
    ]
    assert AgendaItem.objects.filter(room=room_b, kind="paper").count() == 2


def test_fill_from_papers_names_a_bad_slot_length(organizer_client, conference):
    PaperFactory(conference=conference, status=Paper.Status.ACCEPTED)

    response = organizer_client.post(
        f"{ITEMS}fill-from-papers/", {"starts_at": "2021-04-09T10:00", "slot_minutes": 0}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["slot_minutes"]
    assert AgendaItem.objects.count() == 0


# Check and publish -------------------------------------------------------------------------------------


def test_check_lists_errors_and_warnings(organizer_client, conference, room_a):
    first = add(conference, (9, 0), (9, 30), "Báo cáo", room=room_a)
    second = add(conference, (9, 15), (9, 45), "Tham luận", room=room_a, speakers=[PersonFactory()])

    response = organizer_client.get(CHECK)

    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is False
    assert [(e["code"], e["items"]) for e in data["errors"]] == [("room_conflict", [first.pk, second.pk])]
    assert [(w["code"], w["items"]) for w in data["warnings"]] == [("speaker_not_registered", [second.pk])]


def test_publish_returns_the_new_version(organizer_client, conference, organizer):
    add(conference, (9, 0), (9, 15), "Khai mạc")

    response = organizer_client.post(PUBLISH)

    assert response.status_code == 201
    # The worker's task is sent when the request's transaction commits: the response does not wait for it.
    assert response.json() == {"number": 1, "changelog": [], "notices": 0, "prepared": False}
    version = AgendaVersion.objects.get()
    assert (version.number, version.published_by) == (1, organizer)


def test_publish_with_errors_is_refused_with_the_errors(organizer_client, conference, room_a):
    add(conference, (9, 0), (9, 30), "Báo cáo", room=room_a)
    add(conference, (9, 15), (9, 45), "Tham luận", room=room_a)

    response = organizer_client.post(PUBLISH)

    assert response.status_code == 400
    data = response.json()
    assert data["message"] == "The agenda has errors that must be fixed before publishing."
    assert (data["code"], data["errors"]) == ("agenda_has_errors", {})
    assert [e["code"] for e in data["extra"]["errors"]] == ["room_conflict"]
    assert data["extra"]["warnings"] == []
    assert AgendaVersion.objects.count() == 0


def test_publish_with_nothing_changed_is_refused(organizer_client, conference):
    add(conference, (9, 0), (9, 15), "Khai mạc")
    agenda_publish(conference=conference)

    response = organizer_client.post(PUBLISH)

    assert response.status_code == 400
    assert response.json() == {
        "message": "Nothing has changed since version 1.",
        "code": "unchanged",
        "errors": {},
    }
    assert AgendaVersion.objects.count() == 1


def test_publish_of_version_two_reports_the_changes_and_notices(
    organizer_client, conference, settings, django_capture_on_commit_callbacks
):
    settings.AGENDA_NOTIFY_ALL = False
    speaker = PersonFactory(email="hung@quangninh.gov.vn")
    RegistrationFactory(conference=conference, person=speaker)
    RegistrationFactory(conference=conference)
    item = add(conference, (9, 5), (9, 20), "Tham luận", speakers=[speaker])
    agenda_publish(conference=conference)
    organizer_client.post(item_url(item, "move/"), {"starts_at": "2021-04-09T09:35"}, format="json")

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(PUBLISH)

    assert response.status_code == 201
    data = response.json()
    assert (data["number"], data["notices"], data["prepared"]) == (2, 0, False)
    assert [(c["type"], c["item"], c["before"]["start"], c["after"]["start"]) for c in data["changelog"]] == [
        ("retimed", item.pk, "09:05", "09:35")
    ]
    progress = organizer_client.get(PUBLISH)
    assert progress.status_code == 200
    assert (progress.json()["number"], progress.json()["notices"], progress.json()["prepared"]) == (
        2,
        1,
        True,
    )
    assert progress.json()["changelog"] == data["changelog"]
    notice = Notification.objects.get(kind="agenda_change")
    assert notice.recipient_address == "hung@quangninh.gov.vn"


def test_schema_lists_the_agenda_editing_endpoints(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    paths = response.json()["paths"]
    for path in (
        "/api/v1/conferences/{conference_slug}/agenda/items/",
        "/api/v1/conferences/{conference_slug}/agenda/items/{id}/",
        "/api/v1/conferences/{conference_slug}/agenda/items/{id}/move/",
        "/api/v1/conferences/{conference_slug}/agenda/items/reorder/",
        "/api/v1/conferences/{conference_slug}/agenda/items/fill-from-papers/",
        "/api/v1/conferences/{conference_slug}/agenda/check/",
        "/api/v1/conferences/{conference_slug}/agenda/publish/",
    ):
        assert path in paths, path


# Dates and ids beyond what a client can mean ------------------------------------------------------------

YEAR_205 = "Enter a date between 1900 and 2100."


@pytest.mark.parametrize(
    "starts_at", ["0205-03-15T09:07:30", "0205-03-15T09:07:30+07:00", "9999-12-31T23:50"]
)
def test_move_to_a_year_outside_the_sane_range_is_a_400_naming_starts_at(
    organizer_client, conference, starts_at
):
    item = add(conference, (9, 5), (9, 20), "Tham luận")

    response = organizer_client.post(item_url(item, "move/"), {"starts_at": starts_at}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "message": "Some fields are not valid.",
        "code": "invalid",
        "errors": {"starts_at": [YEAR_205]},
    }
    item.refresh_from_db()
    assert item.starts_at == local(2021, 4, 9, 9, 5)


def test_an_item_of_year_205_is_refused_on_create_and_fill(organizer_client, conference):
    created = organizer_client.post(
        ITEMS,
        {"title": "X", "starts_at": "0205-04-09T09:00", "ends_at": "0205-04-09T09:15"},
        format="json",
    )
    filled = organizer_client.post(
        f"{ITEMS}fill-from-papers/", {"starts_at": "0205-04-09T09:00"}, format="json"
    )

    assert created.status_code == filled.status_code == 400
    assert created.json()["errors"] == {"starts_at": [YEAR_205], "ends_at": [YEAR_205]}
    assert filled.json()["errors"]["starts_at"] == [YEAR_205]
    assert AgendaItem.objects.count() == 0


@pytest.mark.parametrize("room", [2**63, str(2**63), -(2**63) - 1, 10**30])
def test_a_room_id_beyond_64_bits_is_a_400_naming_room(organizer_client, conference, room):
    item = add(conference, (9, 5), (9, 20), "Tham luận")

    response = organizer_client.post(
        item_url(item, "move/"), {"starts_at": "2021-04-09T10:00", "room": room}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["room"]
    assert response.json()["errors"]["room"][0].startswith("Invalid pk")


def test_speaker_ids_beyond_64_bits_are_a_400_naming_speakers(organizer_client, conference):
    response = organizer_client.post(
        ITEMS,
        {"title": "X", "starts_at": "2021-04-09T09:00", "ends_at": "2021-04-09T09:15", "speakers": [2**63]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["speakers"]
