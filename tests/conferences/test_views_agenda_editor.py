"""The organizer's agenda editor page: access, every edit, checks, publishing and the notices it writes."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from conferences.models import AgendaItem, AgendaVersion, Paper
from conferences.services.agenda_publishing import agenda_change_notify, agenda_publish
from notifications.models import Notification
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    ConferenceRoleFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    local,
)
from tests.factories import agenda_item_build as add

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    # Feedback is asserted in English, the source language of the messages.
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def conference_kwargs():
    # Friday 9 April 2021, 08:00-12:00.
    return {"publish": True, "starts_at": local(2021, 4, 9, 8, 0)}


def editor_url(conference) -> str:
    return f"/to-chuc/{conference.slug}/chuong-trinh/"


def item_url(item, action: str = "") -> str:
    return f"/to-chuc/{item.conference.slug}/chuong-trinh/{item.pk}/{action}"


def when(date: str, time: str, name: str) -> dict:
    return {f"{name}_0": date, f"{name}_1": time}


def item_data(**fields) -> dict:
    data = {
        **when("2021-04-09", "09:05", "starts_at"),
        **when("2021-04-09", "09:20", "ends_at"),
        "kind": "paper",
        "title": "Tham luận của Sở KH&CN tỉnh Quảng Ninh",
        "description": "",
        "presenter_text": "",
    }
    return data | fields


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def agenda_notices():
    return Notification.objects.filter(kind="agenda_change")


# Access ------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page_and_changes_nothing(client, conference):
    item = add(conference, (9, 0), (9, 15), "Khai mạc")

    for url in (editor_url(conference), item_url(item), item_url(item, "xoa/"), item_url(item, "doi-gio/")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/dang-nhap/?next={url}"
    response = client.post(item_url(item, "xoa/"))

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_another_user_gets_404_for_a_draft_and_403_once_published(client):
    draft = ConferenceFactory()
    published = ConferenceFactory(published=True)
    client.force_login(UserFactory())

    assert client.get(editor_url(draft)).status_code == 404
    assert client.get(editor_url(published)).status_code == 403


def test_another_user_cannot_add_publish_or_delete(client, conference):
    item = add(conference, (9, 0), (9, 15), "Khai mạc")
    client.force_login(UserFactory())

    assert client.post(editor_url(conference), item_data()).status_code == 403
    assert client.post(f"{editor_url(conference)}cong-bo/").status_code == 403
    assert client.post(item_url(item, "xoa/")).status_code == 403

    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Khai mạc"]
    assert AgendaVersion.objects.count() == 0


def test_organizer_of_another_conference_gets_403(client, conference):
    other = ConferenceFactory(published=True)
    client.force_login(ConferenceRoleFactory(conference=other).user)

    assert client.get(editor_url(conference)).status_code == 403


def test_a_superuser_can_open_any_editor_and_staff_status_cannot(client, conference):
    # Staff status only opens the admin (issue 9.3): it was enough to edit any agenda.
    client.force_login(UserFactory(is_staff=True))
    assert client.get(editor_url(conference)).status_code == 403

    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(editor_url(conference)).status_code == 200


def test_an_item_of_another_conference_is_not_found(client, conference, organizer):
    elsewhere = add(ConferenceFactory(published=True), (9, 0), (9, 15), "Khai mạc")
    client.force_login(organizer)

    response = client.get(f"/to-chuc/{conference.slug}/chuong-trinh/{elsewhere.pk}/")

    assert response.status_code == 404


# The page ----------------------------------------------------------------------------------------------


def test_editor_lists_the_working_items_by_day_with_their_details(client, organizer, room_a):
    conference = organizer.conference_roles.get().conference
    conference.ends_at = local(2021, 4, 10, 12, 0)
    conference.save()
    speaker = PersonFactory(full_name="Nguyễn Văn Hùng")
    chair = PersonFactory(full_name="Lê Xuân Định")
    paper = PaperFactory(
        conference=conference, title="Áp dụng TCVN ISO 9001:2015", status=Paper.Status.ACCEPTED
    )
    closing = add(conference, (11, 0), (11, 30), "Bế mạc", kind=AgendaItem.Kind.CLOSING)
    closing.starts_at, closing.ends_at = local(2021, 4, 10, 11, 0), local(2021, 4, 10, 11, 30)
    closing.save()
    talk = add(
        conference,
        (9, 5),
        (9, 20),
        "Tham luận Quảng Ninh",
        kind=AgendaItem.Kind.PAPER,
        room=room_a,
        chair=chair,
        paper=paper,
        presenter_text="Sở KH&CN tỉnh Quảng Ninh",
        speakers=[speaker],
    )
    opening = add(conference, (8, 0), (8, 15), "Khai mạc", kind=AgendaItem.Kind.OPENING)
    client.force_login(organizer)

    response = client.get(editor_url(conference))

    assert response.status_code == 200
    days = response.context["days"]
    assert [day["date"] for day in days] == [datetime.date(2021, 4, 9), datetime.date(2021, 4, 10)]
    assert [[row["item"] for row in day["rows"]] for day in days] == [[opening, talk], [closing]]
    html = response.content.decode()
    row = html[html.index(f'id="item-{talk.pk}"') :]
    row = row[: row.index("</tr>")]
    for text in (
        "09:05 - 09:20",
        "Paper",
        "Phòng A",
        "Tham luận Quảng Ninh",
        "Chair: Lê Xuân Định",
        "Sở KH&amp;CN tỉnh Quảng Ninh",
        "Nguyễn Văn Hùng",
        "Áp dụng TCVN ISO 9001:2015",
    ):
        assert text in row
    assert "Publish version 1" in html
    assert "Not published yet" in html


def test_editor_shows_errors_in_red_and_warnings_naming_the_items(client, conference, organizer, room_a):
    first = add(conference, (9, 0), (9, 30), "Báo cáo sơ kết", room=room_a)
    second = add(conference, (9, 15), (9, 45), "Tham luận", room=room_a, speakers=[PersonFactory()])
    client.force_login(organizer)

    response = client.get(editor_url(conference))

    assert [(e["code"], e["named_items"]) for e in response.context["errors"]] == [
        ("room_conflict", [first, second])
    ]
    assert [(w["code"], w["named_items"]) for w in response.context["warnings"]] == [
        ("speaker_not_registered", [second])
    ]
    html = response.content.decode()
    assert 'class="check-errors" role="alert"' in html
    assert "Phòng A is used twice at once: 09:00-09:30 Báo cáo sơ kết and 09:15-09:45 Tham luận." in html
    assert f'<a href="#item-{first.pk}">Báo cáo sơ kết</a>' in html
    assert 'class="check-warnings"' in html
    assert f'<tr id="item-{first.pk}" class="kind-other flag-error">' in html
    assert "Fix the errors below first." in html


def test_editor_of_300_items_takes_a_fixed_number_of_queries(
    client, conference, organizer, room_a, django_assert_max_num_queries
):
    people = [PersonFactory() for _ in range(5)]
    for person in people:
        RegistrationFactory(conference=conference, person=person)
    for n in range(300):
        start = local(2021, 4, 9, 8, 0) + datetime.timedelta(minutes=n // 2)
        item = AgendaItemFactory(conference=conference, starts_at=start, ends_at=start, room=room_a)
        item.speakers.set([people[n % 5]])
    client.force_login(organizer)

    with django_assert_max_num_queries(15):
        response = client.get(editor_url(conference))

    assert response.status_code == 200
    assert response.context["item_count"] == 300


# Adding and editing ------------------------------------------------------------------------------------


def test_organizer_adds_an_item_with_every_field(client, conference, organizer, room_a):
    speaker = PersonFactory(full_name="Nguyễn Văn Hùng")
    RegistrationFactory(conference=conference, person=speaker)
    chair = PersonFactory(full_name="Lê Xuân Định")
    conference.chair = chair
    conference.save()
    department = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    paper = PaperFactory(
        conference=conference, status=Paper.Status.ACCEPTED, presenting_organization=department
    )
    client.force_login(organizer)

    response = client.post(
        editor_url(conference),
        item_data(
            description="Kết quả chuyển đổi sang TCVN ISO 9001:2015",
            presenter_text="Giám đốc Sở",
            room=room_a.pk,
            presenting_organization=department.pk,
            chair=chair.pk,
            speakers=[speaker.pk],
            paper=paper.pk,
        ),
    )

    item = AgendaItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{editor_url(conference)}#item-{item.pk}"
    assert message_texts(response) == ["“Tham luận của Sở KH&CN tỉnh Quảng Ninh” was added to the agenda."]
    item.refresh_from_db()
    assert (item.starts_at, item.ends_at) == (local(2021, 4, 9, 9, 5), local(2021, 4, 9, 9, 20))
    assert item.kind == AgendaItem.Kind.PAPER
    assert item.title == "Tham luận của Sở KH&CN tỉnh Quảng Ninh"
    assert item.description == "Kết quả chuyển đổi sang TCVN ISO 9001:2015"
    assert item.presenter_text == "Giám đốc Sở"
    assert (item.room, item.presenting_organization, item.chair, item.paper) == (
        room_a,
        department,
        chair,
        paper,
    )
    assert list(item.speakers.all()) == [speaker]


def test_adding_an_item_that_ends_before_it_starts_keeps_what_was_typed(client, conference, organizer):
    client.force_login(organizer)

    response = client.post(
        editor_url(conference),
        item_data(title="Báo cáo tổng hợp", **when("2021-04-09", "08:50", "ends_at")),
    )

    assert response.status_code == 400
    assert response.context["item_form"].errors == {
        "ends_at": ["An agenda item cannot end before it starts."]
    }
    html = response.content.decode()
    assert 'value="Báo cáo tổng hợp"' in html
    assert 'value="08:50"' in html
    assert AgendaItem.objects.count() == 0


def test_adding_an_item_without_a_title_or_start_names_the_fields(client, conference, organizer):
    client.force_login(organizer)

    response = client.post(editor_url(conference), item_data(title="", starts_at_0="", starts_at_1=""))

    assert response.status_code == 400
    assert sorted(response.context["item_form"].errors) == ["starts_at", "title"]
    assert AgendaItem.objects.count() == 0


def test_a_paper_not_accepted_cannot_be_chosen(client, conference, organizer):
    submitted = PaperFactory(conference=conference, status=Paper.Status.SUBMITTED)
    client.force_login(organizer)

    response = client.post(editor_url(conference), item_data(paper=submitted.pk))

    assert response.status_code == 400
    assert list(response.context["item_form"].errors) == ["paper"]
    assert AgendaItem.objects.count() == 0


def test_organizer_edits_an_item(client, conference, organizer, room_a, room_b):
    hung = PersonFactory(full_name="Nguyễn Văn Hùng")
    lan = PersonFactory(full_name="Trần Thị Lan")
    for person in (hung, lan):
        RegistrationFactory(conference=conference, person=person)
    item = add(conference, (9, 0), (9, 15), "Tham luận", room=room_a, speakers=[hung])
    client.force_login(organizer)

    page = client.get(item_url(item))
    response = client.post(
        item_url(item),
        item_data(
            title="Tham luận (đã sửa)",
            kind="report",
            room=room_b.pk,
            speakers=[hung.pk, lan.pk],
            **when("2021-04-09", "10:00", "starts_at"),
            **when("2021-04-09", "10:30", "ends_at"),
        ),
    )

    assert page.status_code == 200
    assert page.context["form"].initial["title"] == "Tham luận"
    assert page.context["form"].initial["speakers"] == [hung.pk]
    assert response.status_code == 302
    assert response["Location"] == f"{editor_url(conference)}#item-{item.pk}"
    item.refresh_from_db()
    assert item.title == "Tham luận (đã sửa)"
    assert item.kind == AgendaItem.Kind.REPORT
    assert (item.starts_at, item.ends_at, item.room) == (
        local(2021, 4, 9, 10, 0),
        local(2021, 4, 9, 10, 30),
        room_b,
    )
    assert set(item.speakers.all()) == {hung, lan}


def test_editing_with_an_error_keeps_the_input_and_the_item(client, conference, organizer):
    item = add(conference, (9, 0), (9, 15), "Tham luận")
    client.force_login(organizer)

    response = client.post(
        item_url(item),
        item_data(title="Tiêu đề mới", **when("2021-04-09", "08:00", "ends_at")),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"ends_at": ["An agenda item cannot end before it starts."]}
    assert 'value="Tiêu đề mới"' in response.content.decode()
    item.refresh_from_db()
    assert (item.title, item.ends_at) == ("Tham luận", local(2021, 4, 9, 9, 15))


def test_editing_keeps_a_speaker_whose_registration_was_cancelled(client, conference, organizer):
    former = PersonFactory(full_name="Lê Văn Nam")
    RegistrationFactory(conference=conference, person=former, status="cancelled")
    outsider = PersonFactory()
    item = add(conference, (9, 0), (9, 15), "Tham luận", speakers=[former])
    client.force_login(organizer)

    kept = client.post(item_url(item), item_data(speakers=[former.pk]))
    refused = client.post(item_url(item), item_data(speakers=[outsider.pk]))

    assert kept.status_code == 302
    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["speakers"]
    assert list(item.speakers.all()) == [former]


# Row actions -------------------------------------------------------------------------------------------


def test_delete_asks_first_and_then_deletes(client, conference, organizer):
    item = add(conference, (9, 0), (9, 15), "Khai mạc")
    client.force_login(organizer)

    confirm = client.get(item_url(item, "xoa/"))
    assert confirm.status_code == 200
    assert "Delete “Khai mạc”?" in confirm.content.decode()
    assert AgendaItem.objects.filter(pk=item.pk).exists()

    response = client.post(item_url(item, "xoa/"))

    assert response.status_code == 302
    assert response["Location"] == editor_url(conference)
    assert message_texts(response) == ["“Khai mạc” was removed from the agenda."]
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_duplicate_copies_an_item_without_its_paper(client, conference, organizer, room_a):
    speaker = PersonFactory()
    paper = PaperFactory(conference=conference, status=Paper.Status.ACCEPTED)
    item = add(conference, (9, 0), (9, 15), "Tham luận", room=room_a, paper=paper, speakers=[speaker])
    client.force_login(organizer)

    response = client.post(item_url(item, "nhan-ban/"))

    copy = AgendaItem.objects.exclude(pk=item.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"{editor_url(conference)}#item-{copy.pk}"
    assert (copy.title, copy.starts_at, copy.ends_at, copy.room) == (
        "Tham luận",
        local(2021, 4, 9, 9, 0),
        local(2021, 4, 9, 9, 15),
        room_a,
    )
    assert copy.paper is None
    assert list(copy.speakers.all()) == [speaker]
    item.refresh_from_db()
    assert item.paper == paper


def test_duplicate_is_post_only(client, conference, organizer):
    item = add(conference, (9, 0), (9, 15), "Khai mạc")
    client.force_login(organizer)

    assert client.get(item_url(item, "nhan-ban/")).status_code == 405
    assert AgendaItem.objects.count() == 1


def test_move_keeps_the_length_and_changes_the_room(client, conference, organizer, room_a, room_b):
    item = add(conference, (9, 5), (9, 20), "Tham luận", room=room_a)
    client.force_login(organizer)

    page = client.get(item_url(item, "doi-gio/"))
    response = client.post(
        item_url(item, "doi-gio/"), {**when("2021-04-09", "09:35", "starts_at"), "room": room_b.pk}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    assert message_texts(response) == ["“Tham luận” now starts at 09:35."]
    item.refresh_from_db()
    assert (item.starts_at, item.ends_at, item.room) == (
        local(2021, 4, 9, 9, 35),
        local(2021, 4, 9, 9, 50),
        room_b,
    )


def test_move_without_a_room_keeps_the_room(client, conference, organizer, room_a):
    item = add(conference, (9, 5), (9, 20), "Tham luận", room=room_a)
    client.force_login(organizer)

    client.post(item_url(item, "doi-gio/"), {**when("2021-04-09", "10:00", "starts_at"), "room": ""})

    item.refresh_from_db()
    assert (item.starts_at, item.ends_at, item.room) == (
        local(2021, 4, 9, 10, 0),
        local(2021, 4, 9, 10, 15),
        room_a,
    )


def test_move_without_a_time_is_refused_and_keeps_the_input(client, conference, organizer):
    item = add(conference, (9, 5), (9, 20), "Tham luận")
    client.force_login(organizer)

    response = client.post(item_url(item, "doi-gio/"), {**when("2021-04-09", "", "starts_at")})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["starts_at"]
    assert 'value="2021-04-09"' in response.content.decode()
    item.refresh_from_db()
    assert item.starts_at == local(2021, 4, 9, 9, 5)


def test_reorder_swaps_items_that_start_together(client, conference, organizer):
    first = add(conference, (9, 0), (9, 15), "Tham luận 1", position=0)
    second = add(conference, (9, 0), (9, 15), "Tham luận 2", position=1)
    third = add(conference, (9, 0), (9, 15), "Tham luận 3", position=2)
    later = add(conference, (10, 0), (10, 15), "Bế mạc", position=3)
    client.force_login(organizer)

    page = client.get(editor_url(conference))
    response = client.post(item_url(first, "sap-xep/"), {"direction": "down"})

    rows = [row for day in page.context["days"] for row in day["rows"]]
    assert [(r["can_go_up"], r["can_go_down"]) for r in rows] == [
        (False, True),
        (True, True),
        (True, False),
        (False, False),
    ]
    assert response.status_code == 302
    assert response["Location"] == f"{editor_url(conference)}#item-{first.pk}"
    ordered = AgendaItem.objects.filter(conference=conference).order_by("starts_at", "position", "id")
    assert list(ordered) == [second, first, third, later]


def test_reorder_past_the_end_changes_nothing(client, conference, organizer):
    first = add(conference, (9, 0), (9, 15), "Tham luận 1", position=0)
    second = add(conference, (9, 0), (9, 15), "Tham luận 2", position=1)
    client.force_login(organizer)

    response = client.post(item_url(first, "sap-xep/"), {"direction": "up"})

    assert message_texts(response) == ["This item cannot move further in that direction."]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (0, 1)


def test_quick_fill_puts_accepted_papers_in_back_to_back_slots(client, conference, organizer, room_b):
    author = PersonFactory(full_name="Nguyễn Văn Hùng")
    first = PaperFactory(conference=conference, title="ISO ở Quảng Ninh", status=Paper.Status.ACCEPTED)
    first.authorships.create(person=author, order=1, is_presenter=True)
    second = PaperFactory(conference=conference, title="ISO ở Hải Phòng", status=Paper.Status.ACCEPTED)
    PaperFactory(conference=conference, status=Paper.Status.SUBMITTED)
    client.force_login(organizer)

    response = client.post(
        f"{editor_url(conference)}dien-tu-tham-luan/",
        {**when("2021-04-09", "10:00", "fill-starts_at"), "fill-slot_minutes": "20", "fill-room": room_b.pk},
    )

    assert response.status_code == 302
    assert message_texts(response) == ["2 papers were put on the agenda."]
    items = list(AgendaItem.objects.order_by("starts_at"))
    assert [(i.paper, i.kind, i.starts_at, i.ends_at, i.room) for i in items] == [
        (first, "paper", local(2021, 4, 9, 10, 0), local(2021, 4, 9, 10, 20), room_b),
        (second, "paper", local(2021, 4, 9, 10, 20), local(2021, 4, 9, 10, 40), room_b),
    ]
    assert list(items[0].speakers.all()) == [author]


def test_quick_fill_with_a_bad_slot_length_keeps_the_input(client, conference, organizer):
    PaperFactory(conference=conference, status=Paper.Status.ACCEPTED)
    client.force_login(organizer)

    response = client.post(
        f"{editor_url(conference)}dien-tu-tham-luan/",
        {**when("2021-04-09", "10:40", "fill-starts_at"), "fill-slot_minutes": "0", "fill-room": ""},
    )

    assert response.status_code == 400
    assert list(response.context["fill_form"].errors) == ["slot_minutes"]
    html = response.content.decode()
    assert 'value="10:40"' in html
    assert 'name="fill-slot_minutes" value="0"' in html
    assert AgendaItem.objects.count() == 0


# Publishing --------------------------------------------------------------------------------------------


def publish(client, conference):
    return client.post(f"{editor_url(conference)}cong-bo/")


def publish_and_prepare(client, conference, capture):
    """Publish, then run what the commit sends: the worker's task that writes the change notices."""
    with capture(execute=True):
        return publish(client, conference)


def being_written(number: int, conference) -> str:
    return (
        f"Version {number} published; its change notices are being written. "
        f'<a href="/to-chuc/{conference.slug}/thong-bao/">Open the outbox</a>'
    )


def test_a_room_conflict_blocks_publishing(client, conference, organizer, room_a):
    add(conference, (9, 0), (9, 30), "Báo cáo sơ kết", room=room_a)
    add(conference, (9, 15), (9, 45), "Tham luận", room=room_a)
    client.force_login(organizer)

    response = publish(client, conference)

    assert response.status_code == 302
    assert message_texts(response) == [
        "The agenda has errors that must be fixed before publishing.<ul><li>Phòng A is used twice at once: "
        "09:00-09:30 Báo cáo sơ kết and 09:15-09:45 Tham luận.</li></ul>"
    ]
    assert AgendaVersion.objects.count() == 0


def test_publish_version_one_reports_no_notices(client, conference, organizer):
    RegistrationFactory(conference=conference)
    add(conference, (9, 0), (9, 15), "Khai mạc")
    client.force_login(organizer)

    response = publish(client, conference)

    version = AgendaVersion.objects.get()
    assert (version.number, version.published_by) == (1, organizer)
    assert message_texts(response) == [
        f'Version 1 published; 0 notices written. <a href="/to-chuc/{conference.slug}/thong-bao/">'
        "Open the outbox</a>"
    ]
    page = client.get(editor_url(conference))
    assert "Published: version 1." in page.content.decode()
    assert "Publish version 2" in page.content.decode()
    assert f'href="/hoi-nghi/{conference.slug}/chuong-trinh/"' in page.content.decode()
    assert agenda_notices().count() == 0


@pytest.fixture
def published_agenda(conference, organizer, room_a):
    """Version 1: a speaker's paper at 09:05 in room A, two other registered delegates."""
    hung = PersonFactory(full_name="Nguyễn Văn Hùng", email="hung@quangninh.gov.vn")
    lan = PersonFactory(full_name="Trần Thị Lan", email="lan@haiphong.gov.vn")
    nam = PersonFactory(full_name="Lê Văn Nam", email="nam@most.gov.vn")
    for person in (hung, lan, nam):
        RegistrationFactory(conference=conference, person=person)
    add(conference, (8, 0), (9, 0), "Khai mạc", room=room_a)
    talk = add(conference, (9, 5), (9, 20), "Tham luận Quảng Ninh", room=room_a, speakers=[hung])
    add(conference, (11, 0), (11, 30), "Bế mạc", room=room_a)
    agenda_publish(conference=conference, actor=organizer)
    return {"talk": talk, "hung": hung, "lan": lan, "nam": nam}


def test_publishing_a_move_tells_the_speaker_and_sends_everyone_else_the_pdf(
    client, conference, organizer, room_b, published_agenda, settings, django_capture_on_commit_callbacks
):
    settings.AGENDA_NOTIFY_ALL = True
    talk, hung = published_agenda["talk"], published_agenda["hung"]
    client.force_login(organizer)
    client.post(item_url(talk, "doi-gio/"), {**when("2021-04-09", "09:35", "starts_at"), "room": room_b.pk})

    response = publish_and_prepare(client, conference, django_capture_on_commit_callbacks)

    assert message_texts(response)[-1:] == [being_written(2, conference)]
    assert "3 change notices written." in client.get(editor_url(conference)).content.decode()
    version = AgendaVersion.objects.get(number=2)
    assert [(c["type"], c["item"]) for c in version.changelog] == [
        ("retimed", talk.pk),
        ("room_changed", talk.pk),
    ]
    personal = agenda_notices().get(recipient_ref=f"person:{hung.pk}")
    assert personal.recipient_address == "hung@quangninh.gov.vn"
    for text in ("09:05", "09:35", "Phòng A", "Phòng B", "Tham luận Quảng Ninh"):
        assert text in personal.body_text
    assert personal.attachments.count() == 0
    others = agenda_notices().exclude(recipient_ref=f"person:{hung.pk}").order_by("recipient_address")
    assert [n.recipient_address for n in others] == ["lan@haiphong.gov.vn", "nam@most.gov.vn"]
    for notice in others:
        assert "09:35" not in notice.body_text
        assert [(a.filename, a.content_type) for a in notice.attachments.all()] == [
            ("chuong-trinh-v2.pdf", "application/pdf")
        ]
        assert notice.attachments.get().file.read(5) == b"%PDF-"


def test_the_editor_shows_the_notices_being_written_then_their_count(
    client, conference, organizer, published_agenda, django_capture_on_commit_callbacks
):
    talk = published_agenda["talk"]
    client.force_login(organizer)
    client.post(item_url(talk, "doi-gio/"), {**when("2021-04-09", "09:35", "starts_at"), "room": ""})
    with django_capture_on_commit_callbacks() as callbacks:
        publish(client, conference)

    waiting = client.get(editor_url(conference)).content.decode()
    callbacks[0]()  # The worker builds the exports and writes the notices.
    done = client.get(editor_url(conference)).content.decode()

    being_written = "Its change notices are being written; reload the page to see how many."
    assert being_written in waiting and "change notices written" not in waiting
    assert being_written not in done and "3 change notices written." in done


def test_a_second_notify_or_publish_writes_nothing_new(
    client, conference, organizer, published_agenda, django_capture_on_commit_callbacks
):
    talk = published_agenda["talk"]
    client.force_login(organizer)
    client.post(item_url(talk, "doi-gio/"), {**when("2021-04-09", "09:35", "starts_at"), "room": ""})
    publish_and_prepare(client, conference, django_capture_on_commit_callbacks)
    written = set(agenda_notices().values_list("pk", flat=True))
    version_1, version_2 = AgendaVersion.objects.order_by("number")

    # Its return value counts the version's notices, old or new (see the report); the rows are what matter.
    agenda_change_notify(version=version_2, previous=version_1.items)
    response = publish(client, conference)

    assert len(written) == 3
    assert message_texts(response)[-1:] == ["Nothing has changed since version 2."]
    assert AgendaVersion.objects.count() == 2
    assert set(agenda_notices().values_list("pk", flat=True)) == written


def test_without_notify_all_only_the_affected_speaker_is_told(
    client, conference, organizer, published_agenda, settings, django_capture_on_commit_callbacks
):
    settings.AGENDA_NOTIFY_ALL = False
    talk, hung = published_agenda["talk"], published_agenda["hung"]
    client.force_login(organizer)
    client.post(item_url(talk, "doi-gio/"), {**when("2021-04-09", "09:35", "starts_at"), "room": ""})

    response = publish_and_prepare(client, conference, django_capture_on_commit_callbacks)

    assert message_texts(response)[-1] == being_written(2, conference)
    assert "1 change notice written." in client.get(editor_url(conference)).content.decode()
    assert list(agenda_notices().values_list("recipient_ref", flat=True)) == [f"person:{hung.pk}"]


def test_heavy_editing_sends_nothing_until_publishing(
    client, conference, organizer, room_b, published_agenda, settings, django_capture_on_commit_callbacks
):
    settings.AGENDA_NOTIFY_ALL = False
    talk, hung = published_agenda["talk"], published_agenda["hung"]
    PaperFactory(conference=conference, status=Paper.Status.ACCEPTED)
    client.force_login(organizer)

    client.post(item_url(talk, "doi-gio/"), {**when("2021-04-09", "09:35", "starts_at"), "room": room_b.pk})
    client.post(item_url(talk, "doi-gio/"), {**when("2021-04-09", "09:50", "starts_at"), "room": ""})
    client.post(
        item_url(talk), item_data(title="Tham luận Quảng Ninh (sửa)", speakers=[hung.pk], room=room_b.pk)
    )
    client.post(item_url(talk, "nhan-ban/"))
    copy = AgendaItem.objects.exclude(pk=talk.pk).get(title="Tham luận Quảng Ninh (sửa)")
    client.post(item_url(copy, "xoa/"))
    client.post(
        editor_url(conference),
        item_data(
            title="Giải lao",
            kind="break",
            **when("2021-04-09", "10:00", "starts_at"),
            **when("2021-04-09", "10:15", "ends_at"),
        ),
    )
    client.post(
        f"{editor_url(conference)}dien-tu-tham-luan/",
        {**when("2021-04-09", "10:15", "fill-starts_at"), "fill-slot_minutes": "15", "fill-room": ""},
    )
    assert agenda_notices().count() == 0
    assert Notification.objects.count() == 0

    publish_and_prepare(client, conference, django_capture_on_commit_callbacks)

    assert AgendaVersion.objects.count() == 2
    assert list(agenda_notices().values_list("recipient_ref", flat=True)) == [f"person:{hung.pk}"]
