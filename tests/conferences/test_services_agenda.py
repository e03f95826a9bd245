import pytest
from django.core.exceptions import ValidationError

from conferences.models import AgendaItem
from conferences.services.agenda import agenda_item_create
from tests.factories import ConferenceFactory, PaperFactory, PersonFactory, RoomFactory, local

pytestmark = pytest.mark.django_db


def test_agenda_item_create_appends_positions_and_sets_speakers():
    conference = ConferenceFactory()
    speaker = PersonFactory()

    first = agenda_item_create(
        conference=conference,
        starts_at=local(2021, 4, 9, 8, 0),
        ends_at=local(2021, 4, 9, 8, 15),
        title="Khai mạc",
    )
    second = agenda_item_create(
        conference=conference,
        starts_at=local(2021, 4, 9, 8, 15),
        ends_at=local(2021, 4, 9, 8, 30),
        title="Tham luận",
        speakers=[speaker],
    )

    assert (first.position, second.position) == (0, 1)
    assert list(second.speakers.all()) == [speaker]


def test_agenda_item_create_refuses_room_and_paper_of_another_conference():
    conference = ConferenceFactory()

    with pytest.raises(ValidationError) as excinfo:
        agenda_item_create(
            conference=conference,
            starts_at=local(2021, 4, 9, 8, 0),
            ends_at=local(2021, 4, 9, 8, 15),
            title="Tham luận",
            room=RoomFactory(),
            paper=PaperFactory(),
        )

    assert sorted(excinfo.value.message_dict) == ["paper", "room"]
    assert AgendaItem.objects.count() == 0


def test_agenda_item_shift_swaps_only_among_items_that_start_together():
    from conferences.services.agenda import agenda_item_shift

    conference = ConferenceFactory()
    first, second = (
        agenda_item_create(
            conference=conference,
            starts_at=local(2021, 4, 9, 8, 0),
            ends_at=local(2021, 4, 9, 8, 15),
            title=title,
        )
        for title in ("Khai mạc", "Tuyên bố lý do")
    )

    agenda_item_shift(item=second, direction="up")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (0, 1)
    with pytest.raises(ValidationError) as excinfo:
        agenda_item_shift(item=second, direction="up")
    assert "direction" in excinfo.value.message_dict
