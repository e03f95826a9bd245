"""The ceremony's running order and its steps: bad input refused, every press one step."""

import pytest
from django.core.exceptions import ValidationError

from conferences.models import Award, CeremonyBatch, CeremonyState
from conferences.services.ceremony import ceremony_advance, ceremony_batches_set, ceremony_reset
from core.exceptions import ApplicationError
from tests.conferences.ceremony_helpers import awards_item, model_decision, two_batches
from tests.factories import AgendaItemFactory, UserFactory, conference_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ceremony(conference):
    _decision, awards = model_decision(conference)
    item = awards_item(conference)
    two_batches(conference, awards, item)
    return awards, item


def test_batches_follow_the_list_order_and_tie_to_the_awards_item(conference, ceremony):
    awards, item = ceremony

    batches = list(CeremonyBatch.objects.filter(conference=conference).order_by("position"))

    assert [(b.position, b.title, b.agenda_item) for b in batches] == [
        (1, "Tập thể xuất sắc", item),
        (2, "Tập thể và cá nhân", item),
    ]
    assert sorted(Award.objects.filter(batch=batches[1]).values_list("pk", flat=True)) == [
        awards[1].pk,
        awards[2].pk,
    ]


def test_an_award_in_two_batches_is_refused(conference, ceremony):
    awards, _item = ceremony

    with pytest.raises(ValidationError) as caught:
        ceremony_batches_set(
            conference=conference,
            batches=[
                {"title": "A", "award_ids": [awards[0].pk]},
                {"title": "B", "award_ids": [awards[0].pk]},
            ],
        )

    assert caught.value.message_dict == {
        "batches": [f"Each award is called on stage once; in more than one batch: {awards[0].pk}."]
    }
    assert CeremonyBatch.objects.filter(conference=conference).count() == 2  # Unchanged.


def test_a_batch_of_another_conference_awards_is_refused(conference, host, ceremony):
    other = conference_build(host, slug="tong-ket-19")
    _decision, foreign = model_decision(other)

    with pytest.raises(ValidationError) as caught:
        ceremony_batches_set(conference=conference, batches=[{"title": "A", "award_ids": [foreign[0].pk]}])

    assert caught.value.message_dict == {
        "batches": [f"These are not awards of this conference's decisions: {foreign[0].pk}."]
    }
    assert Award.objects.get(pk=foreign[0].pk).batch is None


def test_an_agenda_item_not_of_kind_awards_is_refused(conference, ceremony):
    opening = AgendaItemFactory(conference=conference, kind="opening")

    with pytest.raises(ValidationError) as caught:
        ceremony_batches_set(conference=conference, agenda_item=opening, batches=[])

    assert caught.value.message_dict == {
        "agenda_item": ["Choose an agenda item of kind “Awards ceremony” of this conference."]
    }


def test_advance_moves_one_batch_each_press_and_refuses_past_the_end(conference, organizer, ceremony):
    first = ceremony_advance(conference=conference, user=organizer, direction=1)
    second = ceremony_advance(conference=conference, user=organizer, direction=1)
    with pytest.raises(ApplicationError) as caught:
        ceremony_advance(conference=conference, user=organizer, direction=1)

    assert (first.step, first.current_batch.position) == (2, 1)
    assert (second.step, second.current_batch.position) == (3, 2)
    assert caught.value.message == "The last batch is on stage: the ceremony is at its end."
    state = CeremonyState.objects.get(conference=conference)
    assert (state.step, state.current_batch.position, state.updated_by) == (3, 2, organizer)


def test_advance_back_from_the_first_batch_and_to_a_missing_position_are_refused(
    conference, organizer, ceremony
):
    ceremony_advance(conference=conference, user=organizer, direction=1)

    with pytest.raises(ApplicationError) as back:
        ceremony_advance(conference=conference, user=organizer, direction=-1)
    with pytest.raises(ApplicationError) as missing:
        ceremony_advance(conference=conference, user=organizer, to=3)
    with pytest.raises(ValidationError):
        ceremony_advance(conference=conference, user=organizer, direction=2)

    assert back.value.message == "The first batch is on stage: there is none before it."
    assert missing.value.message == "There is no batch at position 3."
    assert CeremonyState.objects.get(conference=conference).step == 2


def test_advance_without_a_running_order_says_so(conference, organizer):
    with pytest.raises(ApplicationError) as caught:
        ceremony_advance(conference=conference, user=organizer, direction=1)

    assert caught.value.message == "The ceremony has no running order yet."


def test_reset_takes_the_batch_off_the_stage_and_counts_a_step(conference, organizer, ceremony):
    ceremony_advance(conference=conference, user=organizer, to=2)

    state = ceremony_reset(conference=conference, user=organizer)

    assert (state.step, state.current_batch) == (3, None)


def test_setting_the_running_order_during_the_ceremony_keeps_the_position(conference, organizer, ceremony):
    awards, _item = ceremony
    ceremony_advance(conference=conference, user=organizer, to=2)

    ceremony_batches_set(
        conference=conference,
        batches=[
            {"title": "Một", "award_ids": [awards[2].pk]},
            {"title": "Hai", "award_ids": [awards[0].pk]},
            {"title": "Ba", "award_ids": [awards[1].pk]},
        ],
    )

    state = CeremonyState.objects.get(conference=conference)
    assert (state.step, state.current_batch.title) == (3, "Hai")


def test_a_deleted_user_leaves_the_state(conference, ceremony):
    user = UserFactory(password=None)
    ceremony_advance(conference=conference, user=user, direction=1)
    user.delete()

    assert CeremonyState.objects.get(conference=conference).updated_by is None
