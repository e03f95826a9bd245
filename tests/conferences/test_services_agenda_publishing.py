"""The checks that gate publishing, the changelog between versions, and publishing itself (services)."""

import pytest
from django.utils import translation

from conferences.models import AgendaItem, AgendaVersion, Paper, Registration
from conferences.selectors.agenda import agenda_item_list
from conferences.services.agenda import agenda_item_move, agenda_item_update, agenda_items_reorder
from conferences.services.agenda_publishing import (
    agenda_changelog,
    agenda_check,
    agenda_publish,
    item_snapshot,
)
from core.exceptions import ApplicationError
from notifications.models import Notification
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    PaperFactory,
    PersonFactory,
    RegistrationFactory,
    RoomFactory,
    local,
)
from tests.factories import agenda_item_build as add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The check messages are asserted in English, their source language.
    with translation.override("en"):
        yield


@pytest.fixture
def conference_kwargs():
    # 9 April 2021, 08:00-12:00, one day.
    return {"starts_at": local(2021, 4, 9, 8, 0)}


def snapshot(conference) -> list[dict]:
    return [item_snapshot(item) for item in agenda_item_list(conference=conference)]


def codes(entries: list[dict]) -> list[str]:
    return [entry["code"] for entry in entries]


# Checks: errors ----------------------------------------------------------------------------------------


def test_check_finds_a_room_used_twice_at_once(conference):
    room = RoomFactory(conference=conference, name="Phòng A")
    report = add(conference, (9, 0), (9, 30), "Báo cáo sơ kết", room=room)
    paper = add(conference, (9, 15), (9, 45), "Tham luận Quảng Ninh", room=room)

    check = agenda_check(conference=conference)

    assert check.errors == [
        {
            "code": "room_conflict",
            "message": "Phòng A is used twice at once: 09:00-09:30 Báo cáo sơ kết and "
            "09:15-09:45 Tham luận Quảng Ninh.",
            "items": [report.pk, paper.pk],
        }
    ]
    assert not check.ok


def test_check_allows_one_item_to_start_when_the_other_ends_in_the_same_room(conference):
    room = RoomFactory(conference=conference, name="Phòng A")
    add(conference, (9, 0), (9, 30), "Báo cáo sơ kết", room=room)
    add(conference, (9, 30), (9, 45), "Tham luận Quảng Ninh", room=room)

    check = agenda_check(conference=conference)

    assert check.errors == []
    assert check.ok


def test_check_finds_a_speaker_in_two_places_at_once(conference):
    speaker = PersonFactory(full_name="Nguyễn Văn Hùng")
    RegistrationFactory(conference=conference, person=speaker)
    first = add(
        conference, (9, 0), (9, 30), "Báo cáo", room=RoomFactory(conference=conference), speakers=[speaker]
    )
    second = add(
        conference, (9, 20), (9, 40), "Tọa đàm", room=RoomFactory(conference=conference), speakers=[speaker]
    )

    check = agenda_check(conference=conference)

    assert check.errors == [
        {
            "code": "speaker_conflict",
            "message": "Nguyễn Văn Hùng is in two places at once: 09:00-09:30 Báo cáo and "
            "09:20-09:40 Tọa đàm.",
            "items": [first.pk, second.pk],
        }
    ]


def test_check_finds_an_item_outside_the_conferences_days(conference):
    add(conference, (9, 0), (9, 30), "Khai mạc")
    late = add(conference, (9, 0), (9, 30), "Tham quan", day=10)

    check = agenda_check(conference=conference)

    assert check.errors == [
        {
            "code": "outside_days",
            "message": "09:00-09:30 Tham quan is outside the conference's days.",
            "items": [late.pk],
        }
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Paper.Status.SUBMITTED, ["paper_not_accepted"]),
        (Paper.Status.WITHDRAWN, ["paper_not_accepted"]),
        (Paper.Status.ACCEPTED, []),
    ],
)
def test_check_refuses_a_linked_paper_that_is_not_accepted(conference, status, expected):
    paper = PaperFactory(conference=conference, status=status)
    item = add(conference, (9, 0), (9, 15), "Tham luận", paper=paper)

    check = agenda_check(conference=conference)

    assert codes(check.errors) == expected
    if expected:
        assert check.errors[0]["items"] == [item.pk]
        assert check.errors[0]["message"] == "09:00-09:15 Tham luận presents a paper that is not accepted."


# Checks: warnings --------------------------------------------------------------------------------------


def test_check_warns_of_more_than_two_hours_without_a_break(conference):
    first = add(conference, (8, 0), (9, 0), "Khai mạc")
    add(conference, (9, 0), (10, 0), "Báo cáo")
    last = add(conference, (10, 0), (10, 30), "Tham luận")

    check = agenda_check(conference=conference)

    assert check.errors == []
    assert check.warnings == [
        {
            "code": "no_break",
            "message": "No break for over two hours from 08:00.",
            "items": [first.pk, last.pk],
        }
    ]
    assert check.ok  # A warning does not block publishing.


def test_check_is_content_with_a_break_inside_two_hours(conference):
    add(conference, (8, 0), (9, 0), "Khai mạc")
    add(conference, (9, 0), (9, 15), "Giải lao", kind=AgendaItem.Kind.BREAK)
    add(conference, (9, 15), (10, 30), "Báo cáo")

    assert agenda_check(conference=conference).warnings == []


def test_check_warns_of_a_speaker_without_a_registration(conference):
    registered = PersonFactory(full_name="Trần Thị Lan")
    cancelled = PersonFactory(full_name="Lê Văn Nam")
    never = PersonFactory(full_name="Phạm Minh Đức")
    RegistrationFactory(conference=conference, person=registered)
    RegistrationFactory(conference=conference, person=cancelled, status=Registration.Status.CANCELLED)
    item = add(conference, (9, 0), (9, 30), "Tọa đàm", speakers=[registered, cancelled, never])

    check = agenda_check(conference=conference)

    assert check.errors == []
    assert sorted(entry["message"] for entry in check.warnings) == [
        "Lê Văn Nam speaks at 09:00-09:30 Tọa đàm but is not registered.",
        "Phạm Minh Đức speaks at 09:00-09:30 Tọa đàm but is not registered.",
    ]
    assert {tuple(entry["items"]) for entry in check.warnings} == {(item.pk,)}


def test_check_of_300_items_takes_a_fixed_number_of_queries(conference, django_assert_max_num_queries):
    rooms = [RoomFactory(conference=conference) for _ in range(3)]
    people = [PersonFactory() for _ in range(10)]
    for n in range(300):
        start = local(2021, 4, 9, 8, 0) + n // 3 * (local(2021, 4, 9, 8, 1) - local(2021, 4, 9, 8, 0))
        item = AgendaItemFactory(conference=conference, starts_at=start, ends_at=start, room=rooms[n % 3])
        item.speakers.set([people[n % 10]])

    with django_assert_max_num_queries(3):
        check = agenda_check(conference=conference)

    assert check.errors == []


# Changelog ---------------------------------------------------------------------------------------------


def test_changelog_lists_an_added_item(conference):
    before = snapshot(conference)
    item = add(
        conference, (9, 0), (9, 15), "Khai mạc", room=RoomFactory(conference=conference, name="Phòng A")
    )

    changes = agenda_changelog(before, snapshot(conference))

    assert changes == [
        {
            "type": "added",
            "item": item.pk,
            "title": "Khai mạc",
            "after": {
                "date": "2021-04-09",
                "start": "09:00",
                "end": "09:15",
                "room": "Phòng A",
                "speakers": [],
                "presenter": "",
            },
        }
    ]


def test_changelog_lists_a_removed_item(conference):
    item = add(conference, (9, 0), (9, 15), "Khai mạc")
    keep = add(conference, (9, 15), (9, 30), "Báo cáo")
    before = snapshot(conference)
    item_pk = item.pk
    item.delete()

    changes = agenda_changelog(before, snapshot(conference))

    assert changes == [
        {
            "type": "removed",
            "item": item_pk,
            "title": "Khai mạc",
            "before": {
                "date": "2021-04-09",
                "start": "09:00",
                "end": "09:15",
                "room": "",
                "speakers": [],
                "presenter": "",
            },
        }
    ]
    assert keep.pk not in {change["item"] for change in changes}


def test_changelog_lists_a_retimed_item_with_both_times(conference):
    speaker = PersonFactory(full_name="Nguyễn Văn Hùng")
    item = add(conference, (9, 5), (9, 20), "Tham luận", speakers=[speaker])
    before = snapshot(conference)
    agenda_item_move(item=item, starts_at=local(2021, 4, 9, 9, 35))

    changes = agenda_changelog(before, snapshot(conference))

    assert changes == [
        {
            "type": "retimed",
            "item": item.pk,
            "title": "Tham luận",
            "before": {
                "date": "2021-04-09",
                "start": "09:05",
                "end": "09:20",
                "room": "",
                "speakers": ["Nguyễn Văn Hùng"],
                "presenter": "",
            },
            "after": {
                "date": "2021-04-09",
                "start": "09:35",
                "end": "09:50",
                "room": "",
                "speakers": ["Nguyễn Văn Hùng"],
                "presenter": "",
            },
        }
    ]


def test_changelog_lists_items_moved_in_the_order_of_those_starting_together(conference):
    first = add(conference, (9, 0), (9, 15), "Tham luận 1")
    second = add(conference, (9, 0), (9, 15), "Tham luận 2")
    agenda_items_reorder(conference=conference, item_ids=[first.pk, second.pk])
    before = snapshot(conference)
    agenda_items_reorder(conference=conference, item_ids=[second.pk, first.pk])

    changes = agenda_changelog(before, snapshot(conference))

    assert changes == [
        {"type": "moved", "item": second.pk, "title": "Tham luận 2"},
        {"type": "moved", "item": first.pk, "title": "Tham luận 1"},
    ]


def test_changelog_lists_a_room_change(conference):
    room_a = RoomFactory(conference=conference, name="Phòng A")
    room_b = RoomFactory(conference=conference, name="Phòng B")
    item = add(conference, (9, 0), (9, 15), "Tham luận", room=room_a)
    before = snapshot(conference)
    agenda_item_update(item=item, room=room_b)

    changes = agenda_changelog(before, snapshot(conference))

    assert [(c["type"], c["item"], c["before"]["room"], c["after"]["room"]) for c in changes] == [
        ("room_changed", item.pk, "Phòng A", "Phòng B")
    ]


def test_changelog_lists_a_speaker_change(conference):
    hung = PersonFactory(full_name="Nguyễn Văn Hùng")
    lan = PersonFactory(full_name="Trần Thị Lan")
    item = add(conference, (9, 0), (9, 15), "Tham luận", speakers=[hung])
    before = snapshot(conference)
    agenda_item_update(item=item, speakers=[lan])

    changes = agenda_changelog(before, snapshot(conference))

    assert [(c["type"], c["before"]["speakers"], c["after"]["speakers"]) for c in changes] == [
        ("speakers_changed", ["Nguyễn Văn Hùng"], ["Trần Thị Lan"])
    ]


def test_changelog_lists_a_retime_and_a_room_change_of_one_item_separately(conference):
    room_a = RoomFactory(conference=conference, name="Phòng A")
    room_b = RoomFactory(conference=conference, name="Phòng B")
    item = add(conference, (9, 5), (9, 20), "Tham luận", room=room_a)
    before = snapshot(conference)
    agenda_item_move(item=item, starts_at=local(2021, 4, 9, 9, 35), room=room_b)

    changes = agenda_changelog(before, snapshot(conference))

    assert [c["type"] for c in changes] == ["retimed", "room_changed"]


def test_changelog_of_an_unchanged_agenda_is_empty(conference):
    add(conference, (9, 0), (9, 15), "Khai mạc")
    add(conference, (9, 15), (9, 30), "Báo cáo")

    assert agenda_changelog(snapshot(conference), snapshot(conference)) == []


# Publishing --------------------------------------------------------------------------------------------


def test_publish_freezes_version_one_without_notices(conference):
    RegistrationFactory(conference=conference)
    item = add(conference, (9, 0), (9, 15), "Khai mạc")

    version = agenda_publish(conference=conference)

    version.refresh_from_db()
    assert version.number == 1
    assert version.changelog == []
    assert [entry["id"] for entry in version.items] == [item.pk]
    assert version.items[0]["start_label"] == "09:00"
    assert version.items[0]["sequence"] == 0
    assert Notification.objects.count() == 0


def test_publish_is_refused_while_the_checks_find_errors(conference):
    room = RoomFactory(conference=conference, name="Phòng A")
    add(conference, (9, 0), (9, 30), "Báo cáo", room=room)
    add(conference, (9, 15), (9, 45), "Tham luận", room=room)

    with pytest.raises(ApplicationError) as excinfo:
        agenda_publish(conference=conference)

    assert excinfo.value.message == "The agenda has errors that must be fixed before publishing."
    assert codes(excinfo.value.extra["errors"]) == ["room_conflict"]
    assert AgendaVersion.objects.count() == 0


def test_publish_of_an_empty_agenda_is_refused(conference):
    with pytest.raises(ApplicationError) as excinfo:
        agenda_publish(conference=conference)

    assert excinfo.value.message == "The agenda is empty."
    assert AgendaVersion.objects.count() == 0


def test_publish_with_nothing_changed_is_refused(conference):
    add(conference, (9, 0), (9, 15), "Khai mạc")
    agenda_publish(conference=conference)

    with pytest.raises(ApplicationError) as excinfo:
        agenda_publish(conference=conference)

    assert excinfo.value.message == "Nothing has changed since version 1."
    assert AgendaVersion.objects.count() == 1


def test_publish_bumps_the_sequence_of_changed_items_only(conference):
    moved = add(conference, (9, 0), (9, 15), "Tham luận")
    kept = add(conference, (10, 0), (10, 15), "Bế mạc")
    agenda_publish(conference=conference)
    agenda_item_move(item=moved, starts_at=local(2021, 4, 9, 9, 30))

    version = agenda_publish(conference=conference)

    assert version.number == 2
    assert {entry["id"]: entry["sequence"] for entry in version.items} == {moved.pk: 1, kept.pk: 0}
    assert [(c["type"], c["item"]) for c in version.changelog] == [("retimed", moved.pk)]


# Known gaps in agenda_changelog (see the report's proposed patch) -----------------------------------------


def test_publish_accepts_a_change_of_description_only(conference):
    item = add(conference, (9, 0), (9, 15), "Khai mạc")
    agenda_publish(conference=conference)
    agenda_item_update(item=item, description="Đồng chí Thứ trưởng phát biểu khai mạc.")

    version = agenda_publish(conference=conference)

    assert version.number == 2


def test_changelog_does_not_move_items_that_kept_their_time(conference):
    early = add(conference, (9, 0), (9, 15), "Tham luận 1")
    middle = add(conference, (9, 15), (9, 30), "Tham luận 2")
    before = snapshot(conference)
    agenda_item_move(item=early, starts_at=local(2021, 4, 9, 9, 45))

    changes = agenda_changelog(before, snapshot(conference))

    assert [(c["type"], c["item"]) for c in changes] == [("retimed", early.pk)]
    assert middle.pk not in {c["item"] for c in changes}


# Publishing: the worker's half ----------------------------------------------------------------------------


@pytest.fixture
def pdf_renders(monkeypatch, settings):
    """Count the agenda PDF renders (each still renders), with a cache of this test's own."""
    from conferences.documents import agenda as agenda_document

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    renders = []
    real = agenda_document.render_agenda_pdf

    def counting(version):
        renders.append(version.number)
        return real(version)

    monkeypatch.setattr(agenda_document, "render_agenda_pdf", counting)
    return renders


@pytest.fixture
def two_days():
    """9-10 April 2021; a speaker and a chair who registered, one of each who did not, one without e-mail."""
    conference = ConferenceFactory(starts_at=local(2021, 4, 9, 8, 0), ends_at=local(2021, 4, 10, 17, 0))
    people = {
        name: PersonFactory(full_name=full_name, email=email)
        for name, full_name, email in [
            ("speaker", "Nguyễn Văn Hùng", "hung@quangninh.gov.vn"),
            ("chair", "Trần Thị Lan", "lan@haiphong.gov.vn"),
            ("guest_speaker", "Lê Văn Nam", "nam@most.gov.vn"),
            ("guest_chair", "Phạm Thị Hoa", "hoa@moha.gov.vn"),
            ("no_email", "Đỗ Văn Đông", ""),
            ("delegate", "Vũ Thị Yến", "yen@hanoi.gov.vn"),
        ]
    }
    for name in ("speaker", "chair", "delegate"):
        RegistrationFactory(conference=conference, person=people[name])
    talk = add(
        conference,
        (11, 20),
        (11, 35),
        "Tham luận Quảng Ninh",
        speakers=[people["speaker"], people["guest_speaker"]],
    )
    talk.chair = people["chair"]
    talk.save()
    panel = add(
        conference, (14, 0), (15, 0), "Tọa đàm", speakers=[people["no_email"]], chair=people["guest_chair"]
    )
    add(conference, (8, 0), (9, 0), "Khai mạc")
    return {"conference": conference, "talk": talk, "panel": panel, **people}


def agenda_notices():
    return Notification.objects.filter(kind="agenda_change")


def test_publish_returns_before_anything_is_rendered_or_written(
    two_days, pdf_renders, django_capture_on_commit_callbacks
):
    conference = two_days["conference"]
    agenda_publish(conference=conference)
    agenda_item_move(item=two_days["talk"], starts_at=local(2021, 4, 10, 11, 20))

    with django_capture_on_commit_callbacks() as callbacks:
        version = agenda_publish(conference=conference)

    assert AgendaVersion.objects.filter(pk=version.pk, number=2, prepared_at=None).exists()
    assert (pdf_renders, agenda_notices().count(), len(callbacks)) == ([], 0, 1)

    callbacks[0]()

    version.refresh_from_db()
    assert version.prepared_at is not None
    assert pdf_renders == [2]
    assert agenda_notices().count() == 4  # Three about the moved talk, one to the other delegate.


def test_the_worker_renders_once_and_a_second_run_writes_nothing(
    two_days, pdf_renders, django_capture_on_commit_callbacks, settings
):
    from conferences.tasks import prepare_agenda_version

    conference = two_days["conference"]
    agenda_publish(conference=conference)
    agenda_item_move(item=two_days["talk"], starts_at=local(2021, 4, 10, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):
        version = agenda_publish(conference=conference)
    rows = set(agenda_notices().values_list("pk", flat=True))
    files = sorted(
        (a.file.name for n in agenda_notices() for a in n.attachments.all()),
    )

    prepare_agenda_version.delay(version.pk)  # Delivered twice by the broker.
    AgendaVersion.objects.filter(pk=version.pk).update(prepared_at=None)  # A run cut short before its end.
    prepare_agenda_version.delay(version.pk)

    assert pdf_renders == [2]  # The PDF of the cut-short run came from the cache.
    assert set(agenda_notices().values_list("pk", flat=True)) == rows
    assert sorted(a.file.name for n in agenda_notices() for a in n.attachments.all()) == files
    assert len(set(files)) == 1  # Everyone's attachment is one stored file.
    storage_files = list((settings.MEDIA_ROOT / "notifications" / "attachments").rglob("*.pdf"))
    assert len(storage_files) == 1


def test_the_exports_are_in_the_cache_after_publishing(
    two_days, pdf_renders, django_capture_on_commit_callbacks
):
    from django.core.cache import cache
    from django.test import Client

    from conferences.selectors.agenda_versions import agenda_stamp

    conference = two_days["conference"]
    conference.status = conference.Status.PUBLISHED
    conference.save()
    conference.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        version = agenda_publish(conference=conference)

    stamp = agenda_stamp(version.published_at, conference.updated_at)
    cached = {
        key: cache.get(f"agenda:{key}:{version.pk}:{stamp}:{language}")
        for key, language in [("json", ""), ("ics", "vi"), ("ics", "en"), ("pdf", "")]
    }
    assert all(cached.values()), [key for key, value in cached.items() if not value]
    response = Client().get(f"/api/v1/conferences/{conference.slug}/agenda.pdf")
    assert response.status_code == 200
    assert response.content == cached["pdf"]
    assert pdf_renders == [1]  # The visitor's PDF is the worker's render.


@pytest.mark.django_db(transaction=True)
def test_the_pdf_renders_outside_any_transaction_with_the_conference_unlocked(monkeypatch, settings):
    from conferences.documents import agenda as agenda_document
    from conferences.models import Conference
    from tests.locking import unlocked_render_probe

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    conference = ConferenceFactory()
    RegistrationFactory(conference=conference)
    add(conference, (9, 0), (9, 15), "Khai mạc")
    render, seen = unlocked_render_probe(
        agenda_document.render_agenda_pdf, Conference, lambda version: version.conference_id
    )
    monkeypatch.setattr(agenda_document, "render_agenda_pdf", render)

    version = agenda_publish(conference=conference)

    assert seen == [False, "locked by the other connection"]
    version.refresh_from_db()
    assert version.prepared_at is not None


def test_a_move_to_another_day_at_the_same_time_names_the_days(
    two_days, pdf_renders, django_capture_on_commit_callbacks
):
    from conferences.exports.agenda import change_text

    conference, speaker = two_days["conference"], two_days["speaker"]
    agenda_publish(conference=conference)
    agenda_item_move(item=two_days["talk"], starts_at=local(2021, 4, 10, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):
        version = agenda_publish(conference=conference)

    [change] = version.changelog
    wording = "Tham luận Quảng Ninh: moved from 11:20 09/04/2021 to 11:20 10/04/2021-11:35"
    assert change_text(change) == wording
    personal = agenda_notices().get(recipient_ref=f"person:{speaker.pk}")
    assert personal.language == "vi"
    with translation.override("vi"):
        assert change_text(change) in personal.body_text
    assert "09/04/2021" in personal.body_text and "10/04/2021" in personal.body_text


def test_the_speakers_and_chair_of_a_changed_item_are_told_registered_or_not(
    two_days, pdf_renders, django_capture_on_commit_callbacks, settings
):
    settings.AGENDA_NOTIFY_ALL = True
    conference = two_days["conference"]
    agenda_publish(conference=conference)
    agenda_item_move(item=two_days["talk"], starts_at=local(2021, 4, 9, 11, 40))
    agenda_item_move(item=two_days["panel"], starts_at=local(2021, 4, 9, 15, 0))
    with django_capture_on_commit_callbacks(execute=True):
        agenda_publish(conference=conference)

    personal = {n.recipient_address: n for n in agenda_notices().filter(idempotency_key__contains=":person:")}
    assert sorted(personal) == [
        "hoa@moha.gov.vn",  # the panel's chair, not registered
        "hung@quangninh.gov.vn",  # the talk's speaker, registered
        "lan@haiphong.gov.vn",  # the talk's chair, registered
        "nam@most.gov.vn",  # the talk's other speaker, not registered
    ]
    assert "Tọa đàm" in personal["hoa@moha.gov.vn"].body_text
    assert "Tham luận Quảng Ninh" in personal["nam@most.gov.vn"].body_text
    assert all(n.attachments.count() == 0 for n in personal.values())
    everyone_else = agenda_notices().exclude(idempotency_key__contains=":person:")
    # Only registered people get the general notice; Đỗ Văn Đông has no address and gets nothing.
    assert [n.recipient_address for n in everyone_else] == ["yen@hanoi.gov.vn"]
    assert Registration.objects.filter(person=two_days["guest_speaker"]).count() == 0
