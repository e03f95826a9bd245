"""The published agenda as JSON, iCalendar and PDF, on the public pages and over the API."""

import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar
from pypdf import PdfReader
from rest_framework.authtoken.models import Token

from conferences.models import AgendaVersion
from conferences.services.agenda import agenda_item_delete, agenda_item_move, agenda_item_update
from conferences.services.agenda_publishing import agenda_publish
from core.tokens import token_new
from tests.factories import (
    MODEL_CASE,
    AgendaItemFactory,
    ConferenceRoleFactory,
    PersonFactory,
    RegistrationFactory,
    RoomFactory,
    local,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
PAPER_TITLE = "Tham luận của Sở Khoa học và Công nghệ tỉnh Quảng Ninh"


@pytest.fixture(autouse=True)
def _settings(settings):
    # Each test's exports are cached in memory, not in the file cache shared with earlier runs.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SITE_URL = "https://hoinghi.example.vn"
    settings.AGENDA_NOTIFY_ALL = False  # No PDF attachment rendered on each republication.


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def conference_kwargs():
    return MODEL_CASE | {"venue_name": "Hội trường tầng 1", "venue_address": "113 Trần Duy Hưng, Hà Nội"}


@pytest.fixture
def people():
    return {
        "chair": PersonFactory(full_name="Lê Xuân Định"),
        "director": PersonFactory(full_name="Phạm Văn Hùng"),
        "other": PersonFactory(full_name="Trần Thị Mai"),
    }


@pytest.fixture
def items(conference, people):
    room = RoomFactory(conference=conference, name="Phòng 301")
    opening = AgendaItemFactory(
        conference=conference,
        starts_at=local(2021, 4, 9, 8, 0),
        ends_at=local(2021, 4, 9, 8, 15),
        title="Khai mạc hội nghị",
        kind="opening",
        room=room,
        presenter_text="Ban Tổ chức",
        chair=people["chair"],
    )
    paper = AgendaItemFactory(
        conference=conference,
        starts_at=local(2021, 4, 9, 8, 15),
        ends_at=local(2021, 4, 9, 8, 35),
        title=PAPER_TITLE,
        kind="paper",
        room=room,
        presenter_text="Giám đốc Sở",
        description="Kết quả chuyển đổi 228 cơ quan sang TCVN ISO 9001:2015",
    )
    paper.speakers.set([people["director"]])
    report = AgendaItemFactory(
        conference=conference,
        starts_at=local(2021, 4, 9, 8, 35),
        ends_at=local(2021, 4, 9, 9, 0),
        title="Báo cáo của Bộ Nội vụ",
        kind="report",
        room=room,
    )
    report.speakers.set([people["other"]])
    return {"opening": opening, "paper": paper, "report": report}


@pytest.fixture
def v1(conference, items):
    return agenda_publish(conference=conference)


def events(data: bytes) -> dict[str, dict]:
    """The calendar's events by SUMMARY, each as {property: value}."""
    found = {}
    for event in Calendar.from_ical(data).walk("VEVENT"):
        found[str(event["summary"])] = {
            "uid": str(event["uid"]),
            "start": event["dtstart"].dt,
            "end": event["dtend"].dt,
            "stamp": event["dtstamp"].dt,
            "sequence": int(event["sequence"]),
            "status": str(event["status"]),
            "location": str(event.get("location", "")),
            "description": str(event.get("description", "")),
        }
    return found


# JSON ---------------------------------------------------------------------------------------------


def test_agenda_json_is_the_current_version_with_its_items_exactly(client, conference, items, v1, people):
    response = client.get("/hoi-nghi/so-ket-19/chuong-trinh.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data == {
        "conference": {"slug": "so-ket-19", "title": "Mid-term review of Decision 19"},
        "version": 1,
        "published_at": timezone.localtime(v1.published_at).isoformat(),
        "items": v1.items,
    }
    assert data["items"][1] == {
        "id": items["paper"].pk,
        "kind": "paper",
        "title": PAPER_TITLE,
        "description": "Kết quả chuyển đổi 228 cơ quan sang TCVN ISO 9001:2015",
        "start": "2021-04-09T08:15:00+07:00",
        "end": "2021-04-09T08:35:00+07:00",
        "date": "2021-04-09",
        "start_label": "08:15",
        "end_label": "08:35",
        "room": "Phòng 301",
        "presenter": "Giám đốc Sở",
        "organization": "",
        "chair": None,
        "speakers": [{"id": people["director"].pk, "name": "Phạm Văn Hùng"}],
        "paper": None,
        "sequence": 0,
    }
    assert [item["title"] for item in data["items"]] == [
        "Khai mạc hội nghị",
        PAPER_TITLE,
        "Báo cáo của Bộ Nội vụ",
    ]


def test_agenda_json_title_follows_the_language(conference, v1):
    response = Client(HTTP_ACCEPT_LANGUAGE="vi").get("/hoi-nghi/so-ket-19/chuong-trinh.json")

    assert response.json()["conference"]["title"] == "Hội nghị sơ kết Quyết định 19"
    assert response["ETag"].startswith(f'"{conference.pk}-v1-vi-')


def test_api_agenda_json_is_the_same_as_the_pages(client, v1):
    page = client.get("/hoi-nghi/so-ket-19/chuong-trinh.json")
    api = client.get("/api/v1/conferences/so-ket-19/agenda/")

    assert api.status_code == 200
    assert api.json() == page.json()
    assert api["ETag"] == page["ETag"]


def test_api_agenda_is_404_in_the_error_format_before_publishing(client, conference, items):
    response = client.get("/api/v1/conferences/so-ket-19/agenda/")

    assert response.status_code == 404
    assert response.json() == {
        "message": "The agenda has not been published yet.",
        "code": "not_found",
        "errors": {},
    }
    assert not response.has_header("ETag")


def test_api_agenda_is_404_for_an_unknown_conference(client):
    response = client.get("/api/v1/conferences/khong-co/agenda/")

    assert response.status_code == 404
    assert response.json() == {"message": "No such conference.", "code": "not_found", "errors": {}}


def test_draft_agenda_is_hidden_from_the_public_and_shown_to_its_organizers(client, items):
    conference = items["opening"].conference
    conference.status = "draft"
    conference.save()
    agenda_publish(conference=conference)
    organizer = ConferenceRoleFactory(conference=conference).user
    token = Token.objects.create(user=organizer)

    anonymous = client.get("/api/v1/conferences/so-ket-19/agenda/")
    page = client.get("/hoi-nghi/so-ket-19/chuong-trinh.json")
    as_organizer = client.get("/api/v1/conferences/so-ket-19/agenda/", HTTP_AUTHORIZATION=f"Token {token}")

    assert anonymous.status_code == 404
    assert anonymous.json() == {"message": "No such conference.", "code": "not_found", "errors": {}}
    assert page.status_code == 404
    assert as_organizer.status_code == 200
    assert as_organizer.json()["version"] == 1
    # A draft's agenda must not be kept by a shared cache.
    assert as_organizer["Cache-Control"] == "no-cache, private"


# Conditional requests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/hoi-nghi/so-ket-19/chuong-trinh.json",
        "/hoi-nghi/so-ket-19/chuong-trinh.ics",
        "/api/v1/conferences/so-ket-19/agenda/",
        "/api/v1/conferences/so-ket-19/agenda.ics",
    ],
)
def test_repeated_conditional_requests_get_304_until_a_new_version(
    client, conference, items, v1, url, django_assert_num_queries
):
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200
    assert first["Last-Modified"] == http_date(v1.published_at.timestamp())
    assert first["Cache-Control"] == "no-cache, public"

    # One small query decides the 304: nothing else is read.
    with django_assert_num_queries(1):
        by_etag = client.get(url, HTTP_IF_NONE_MATCH=etag)
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert (by_etag.status_code, by_date.status_code, again.status_code) == (304, 304, 304)
    assert by_etag.content == b""
    assert by_etag["ETag"] == etag

    agenda_item_move(item=items["report"], starts_at=local(2021, 4, 9, 9, 30))
    v2 = agenda_publish(conference=conference)
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert after.status_code == 200
    assert after["ETag"] != etag
    assert after["ETag"].startswith(f'"{conference.pk}-v2-en-')
    assert after["Last-Modified"] == http_date(v2.published_at.timestamp())
    assert client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_etag_changes_when_the_conference_is_edited_after_publishing(client, conference, v1):
    etag = client.get("/hoi-nghi/so-ket-19/chuong-trinh.ics")["ETag"]
    conference.venue_name = "Hội trường tầng 2"
    conference.save()

    response = client.get("/hoi-nghi/so-ket-19/chuong-trinh.ics", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "Phòng 301, Hội trường tầng 2, 113 Trần Duy Hưng, Hà Nội" in events(response.content)[
        "Khai mạc hội nghị"
    ]["location"].replace("\\", "")


# iCalendar ---------------------------------------------------------------------------------------------


def test_agenda_ics_has_one_event_per_item_in_utc(client, conference, items, v1, people):
    response = client.get("/hoi-nghi/so-ket-19/chuong-trinh.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="chuong-trinh-so-ket-19-v1.ics"'
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["prodid"]) == "-//hoinghi//Agenda//VI"
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]) == "Mid-term review of Decision 19"
    assert str(calendar["x-wr-timezone"]) == "Asia/Ho_Chi_Minh"
    found = events(response.content)
    assert list(found) == ["Khai mạc hội nghị", PAPER_TITLE, "Báo cáo của Bộ Nội vụ"]
    # 08:00 in Hà Nội is 01:00 UTC.
    assert found["Khai mạc hội nghị"] == {
        "uid": f"agenda-item-{items['opening'].pk}@hoinghi.example.vn",
        "start": datetime.datetime(2021, 4, 9, 1, 0, tzinfo=UTC),
        "end": datetime.datetime(2021, 4, 9, 1, 15, tzinfo=UTC),
        "stamp": v1.published_at.astimezone(UTC).replace(microsecond=0),
        "sequence": 0,
        "status": "CONFIRMED",
        "location": "Phòng 301, Hội trường tầng 1, 113 Trần Duy Hưng, Hà Nội",
        "description": "Presented by: Ban Tổ chức\nChaired by: Lê Xuân Định",
    }
    assert found[PAPER_TITLE]["description"] == (
        "Presented by: Giám đốc Sở\nSpeakers: Phạm Văn Hùng\n"
        "Kết quả chuyển đổi 228 cơ quan sang TCVN ISO 9001:2015"
    )


def test_ics_uids_stay_and_sequence_grows_for_changed_items_and_removed_items_are_cancelled(
    client, conference, items, v1
):
    first = events(client.get("/api/v1/conferences/so-ket-19/agenda.ics").content)
    agenda_item_move(item=items["paper"], starts_at=local(2021, 4, 9, 9, 0))
    agenda_item_delete(item=items["report"])
    agenda_publish(conference=conference)

    second = events(client.get("/api/v1/conferences/so-ket-19/agenda.ics").content)

    for title in ("Khai mạc hội nghị", PAPER_TITLE, "Báo cáo của Bộ Nội vụ"):
        assert second[title]["uid"] == first[title]["uid"]
    assert {title: event["sequence"] for title, event in first.items()} == {
        "Khai mạc hội nghị": 0,
        PAPER_TITLE: 0,
        "Báo cáo của Bộ Nội vụ": 0,
    }
    assert {title: (event["sequence"], event["status"]) for title, event in second.items()} == {
        "Khai mạc hội nghị": (0, "CONFIRMED"),
        PAPER_TITLE: (1, "CONFIRMED"),
        "Báo cáo của Bộ Nội vụ": (1, "CANCELLED"),
    }
    assert second[PAPER_TITLE]["start"] == datetime.datetime(2021, 4, 9, 2, 0, tzinfo=UTC)
    # The cancelled event keeps the time it had when it was last published.
    assert second["Báo cáo của Bộ Nội vụ"]["start"] == datetime.datetime(2021, 4, 9, 1, 35, tzinfo=UTC)


def test_cancelled_item_keeps_its_sequence_in_later_versions(client, conference, items, v1):
    agenda_item_delete(item=items["report"])
    agenda_publish(conference=conference)
    agenda_item_update(item=items["opening"], title="Khai mạc")
    agenda_publish(conference=conference)

    third = events(client.get("/hoi-nghi/so-ket-19/chuong-trinh.ics").content)

    assert third["Báo cáo của Bộ Nội vụ"]["sequence"] == 1
    assert third["Báo cáo của Bộ Nội vụ"]["status"] == "CANCELLED"
    assert third["Khai mạc"]["sequence"] == 1


def test_agenda_ics_is_built_once_per_version(client, conference, v1, monkeypatch):
    from conferences.exports import agenda as agenda_exports

    built = []
    original = agenda_exports.agenda_calendar
    monkeypatch.setattr(agenda_exports, "agenda_calendar", lambda **kw: built.append(1) or original(**kw))

    first = client.get("/hoi-nghi/so-ket-19/chuong-trinh.ics")
    second = client.get("/api/v1/conferences/so-ket-19/agenda.ics")

    assert second.content == first.content
    assert len(built) == 1


# The delegate's own calendar ---------------------------------------------------------------------------


def _registration_link(conference, person) -> str:
    token, token_hash = token_new()
    RegistrationFactory(conference=conference, person=person, token_hash=token_hash)
    return f"/dai-bieu/{token}/chuong-trinh.ics"


def test_personal_ics_has_only_the_items_where_the_delegate_speaks_or_chairs(
    client, conference, items, people, v1
):
    chair_url = _registration_link(conference, people["chair"])
    director_url = _registration_link(conference, people["director"])
    listener_url = _registration_link(conference, PersonFactory())

    chair = client.get(chair_url)
    director = client.get(director_url)
    listener = client.get(listener_url)

    assert chair.status_code == 200
    assert chair["Content-Type"] == "text/calendar; charset=utf-8"
    assert chair["Content-Disposition"] == 'inline; filename="chuong-trinh-so-ket-19-ca-nhan.ics"'
    assert "private" in chair["Cache-Control"]
    assert list(events(chair.content)) == ["Khai mạc hội nghị"]
    assert list(events(director.content)) == [PAPER_TITLE]
    assert events(director.content)[PAPER_TITLE]["uid"] == (
        f"agenda-item-{items['paper'].pk}@hoinghi.example.vn"
    )
    assert list(events(listener.content)) == []
    assert str(Calendar.from_ical(director.content)["x-wr-calname"]) == (
        "Mid-term review of Decision 19: my agenda"
    )


def test_personal_ics_cancels_an_item_the_delegate_no_longer_speaks_at(client, conference, items, people, v1):
    url = _registration_link(conference, people["director"])
    agenda_item_update(item=items["paper"], speakers=[people["other"]])
    agenda_publish(conference=conference)

    found = events(client.get(url).content)

    assert {title: (e["sequence"], e["status"]) for title, e in found.items()} == {
        PAPER_TITLE: (1, "CANCELLED")
    }


def test_personal_ics_before_publishing_is_an_empty_calendar(client, conference, items, people):
    url = _registration_link(conference, people["chair"])

    response = client.get(url)

    assert response.status_code == 200
    assert events(response.content) == {}


def test_personal_ics_with_a_wrong_token_is_404(client, conference, v1):
    assert client.get("/dai-bieu/khong-phai-ma-that/chuong-trinh.ics").status_code == 404


# PDF ---------------------------------------------------------------------------------------------------


def test_agenda_pdf_is_the_current_version_rendered_once(client, conference, items, v1, monkeypatch):
    from conferences.documents import agenda as agenda_documents

    renders = []
    original = agenda_documents.render_agenda_pdf
    monkeypatch.setattr(
        agenda_documents, "render_agenda_pdf", lambda version: renders.append(1) or original(version)
    )

    response = client.get("/hoi-nghi/so-ket-19/chuong-trinh.pdf")
    again = client.get("/api/v1/conferences/so-ket-19/agenda.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="chuong-trinh-so-ket-19-v1.pdf"'
    assert again.content == response.content
    assert len(renders) == 1
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "CHƯƠNG TRÌNH" in text
    assert PAPER_TITLE in text
    assert "Phạm Văn Hùng" in text


def test_agenda_pdf_is_404_before_publishing(client, conference, items):
    assert client.get("/hoi-nghi/so-ket-19/chuong-trinh.pdf").status_code == 404
    assert client.get("/api/v1/conferences/so-ket-19/agenda.pdf").json() == {
        "message": "The agenda has not been published yet.",
        "code": "not_found",
        "errors": {},
    }


# Content negotiation ----------------------------------------------------------------------------------------

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EXPORTS = [
    ("/api/v1/conferences/so-ket-19/agenda.pdf", "application/pdf", "application/pdf"),
    ("/api/v1/conferences/so-ket-19/agenda.ics", "text/calendar", "text/calendar; charset=utf-8"),
    ("/api/v1/conferences/so-ket-19/agenda/", "application/json", "application/json"),
    ("/hoi-nghi/so-ket-19/chuong-trinh.pdf", "application/pdf", "application/pdf"),
    ("/hoi-nghi/so-ket-19/chuong-trinh.ics", "text/calendar", "text/calendar; charset=utf-8"),
    ("/hoi-nghi/so-ket-19/chuong-trinh.json", "application/json", "application/json"),
]


@pytest.mark.parametrize(("path", "media_type", "content_type"), EXPORTS)
def test_every_agenda_export_serves_a_client_that_asks_for_exactly_its_type(
    client, v1, path, media_type, content_type
):
    accepts = [media_type, f"{media_type.split('/')[0]}/*", "*/*", BROWSER_ACCEPT, f"{media_type}; q=0.5"]

    responses = [client.get(path, HTTP_ACCEPT=accept) for accept in accepts]

    assert [(r.status_code, r["Content-Type"]) for r in responses] == [(200, content_type)] * len(accepts)
    assert len({r.content for r in responses}) == 1


def test_personal_ics_serves_a_client_that_asks_for_text_calendar(client, conference, people, v1):
    response = client.get(_registration_link(conference, people["chair"]), HTTP_ACCEPT="text/calendar")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert list(events(response.content)) == ["Khai mạc hội nghị"]


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/api/v1/conferences/so-ket-19/agenda.pdf", "text/calendar"),
        ("/api/v1/conferences/so-ket-19/agenda.ics", "application/pdf"),
        ("/api/v1/conferences/so-ket-19/agenda.pdf", "application/json"),
    ],
)
def test_api_agenda_file_refuses_a_type_it_does_not_serve_with_a_json_406(client, v1, path, accept):
    response = client.get(path, HTTP_ACCEPT=accept)

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "message": "Could not satisfy the request Accept header.",
        "code": "not_acceptable",
        "errors": {},
    }


def test_api_agenda_pdf_asked_for_as_pdf_still_explains_a_404_in_json(client, conference, items):
    response = client.get("/api/v1/conferences/so-ket-19/agenda.pdf", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "message": "The agenda has not been published yet.",
        "code": "not_found",
        "errors": {},
    }


# Versions over the API ------------------------------------------------------------------------------------


@pytest.fixture
def v2(conference, items, v1):
    agenda_item_move(item=items["report"], starts_at=local(2021, 4, 9, 9, 30))
    agenda_item_delete(item=items["opening"])
    return agenda_publish(conference=conference)


def test_api_lists_versions_newest_first_without_reading_their_items(client, conference, v1, v2):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/conferences/so-ket-19/agenda/versions/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "number": 2,
            "published_at": timezone.localtime(v2.published_at).isoformat(),
            "changes": 2,
            "url": "http://testserver/api/v1/conferences/so-ket-19/agenda/versions/2/",
        },
        {
            "number": 1,
            "published_at": timezone.localtime(v1.published_at).isoformat(),
            "changes": 0,
            "url": "http://testserver/api/v1/conferences/so-ket-19/agenda/versions/1/",
        },
    ]
    version_table = AgendaVersion._meta.db_table
    reads = [q["sql"] for q in queries.captured_queries if f'FROM "{version_table}"' in q["sql"]]
    assert reads
    assert all(f'"{version_table}"."items"' not in sql for sql in reads)


def test_api_version_detail_has_its_changelog_in_words(client, conference, items, v1, v2):
    response = client.get("/api/v1/conferences/so-ket-19/agenda/versions/2/")

    assert response.status_code == 200
    data = response.json()
    assert data["number"] == 2
    assert data["items"] == v2.items
    assert [(c["type"], c["item"], c["text"]) for c in data["changelog"]] == [
        (
            "retimed",
            items["report"].pk,
            "Báo cáo của Bộ Nội vụ: moved from 08:35 to 09:30-09:55, Phòng 301",
        ),
        ("removed", v1.items[0]["id"], "Khai mạc hội nghị: removed (was at 08:00)"),
    ]


def test_api_version_detail_of_a_missing_version_is_404(client, v1):
    response = client.get("/api/v1/conferences/so-ket-19/agenda/versions/7/")

    assert response.status_code == 404
    assert response.json() == {"message": "No such version.", "code": "not_found", "errors": {}}
