"""The call for papers' settings: validation, topics and criteria, the audit entry."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.models import AuditEntry, CallForPapers, PaperTopic, Review, ReviewCriterion
from conferences.selectors.papers import CallState, call_for_papers_get, call_state
from conferences.services.call_for_papers import call_for_papers_update
from conferences.services.papers import paper_submit
from tests.conferences.paper_helpers import delegate_with_link, open_call_kwargs, submission
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference_kwargs():
    return open_call_kwargs()


def test_update_writes_the_settings_the_deadline_and_an_audit_entry(conference, organizer):
    closes = conference.starts_at - datetime.timedelta(days=2)

    call_for_papers_update(
        conference=conference,
        user=organizer,
        closes_at=closes,
        max_file_mb=5,
        file_kinds=["docx", "pdf"],
        topics=["Điều 4", "Điều 5"],
        criteria=[{"code": "noi-dung", "label": "Nội dung", "max_score": 10, "weight": 2}],
    )

    call = CallForPapers.objects.get(conference=conference)
    conference.refresh_from_db()
    assert (call.max_file_mb, call.file_kinds, conference.paper_deadline) == (5, ["pdf", "docx"], closes)
    assert list(PaperTopic.objects.filter(conference=conference).values_list("label", "position")) == [
        ("Điều 4", 0),
        ("Điều 5", 1),
    ]
    assert list(ReviewCriterion.objects.values_list("code", "max_score", "weight")) == [("noi-dung", 10, 2)]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CALL_FOR_PAPERS_CHANGED)
    assert (entry.actor, entry.conference) == (organizer, conference)
    assert set(entry.data) == {"closes_at", "max_file_mb", "topics", "criteria"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"opens_at": "later", "closes_at": "sooner"}, "closes_at", "The call must close after it opens."),
        ({"closes_at": "after-start"}, "closes_at", "The call must close before the conference starts."),
        (
            {"revision_closes_at": "sooner"},
            "revision_closes_at",
            "The revision round must close after the call closes.",
        ),
        ({"file_kinds": []}, "file_kinds", "Choose one or more of: pdf, docx."),
        ({"file_kinds": ["exe"]}, "file_kinds", "Choose one or more of: pdf, docx."),
        ({"max_file_mb": 500}, "max_file_mb", "Ensure this value is less than or equal to 50."),
        ({"topics": ["Điều 4", "dieu 4"]}, "topics", "The topic “dieu 4” is listed twice."),
        (
            {"criteria": [{"code": "a", "label": "A", "max_score": 5, "weight": 1}] * 2},
            "criteria",
            "The criterion code “a” is used twice.",
        ),
    ],
)
def test_update_refuses_bad_settings_with_a_field_message(conference, changes, field, message):
    now = timezone.now()
    times = {
        "later": now + datetime.timedelta(days=3),
        "sooner": now + datetime.timedelta(days=1),
        "after-start": conference.starts_at + datetime.timedelta(hours=1),
    }
    changes = {
        key: times.get(value, value) if isinstance(value, str) else value for key, value in changes.items()
    }

    with pytest.raises(ValidationError) as excinfo:
        call_for_papers_update(conference=conference, **changes)

    assert excinfo.value.message_dict[field] == [message]
    assert not AuditEntry.objects.exists()


def test_topics_and_criteria_in_use_cannot_be_removed(conference):
    call_for_papers_update(
        conference=conference,
        topics=["Điều 4"],
        criteria=[{"code": "noi-dung", "label": "Nội dung", "max_score": 10, "weight": 1}],
    )
    registration, _token = delegate_with_link(conference)
    paper = paper_submit(**submission(registration, topic=PaperTopic.objects.get()))
    Review.objects.create(paper=paper, reviewer=UserFactory(), scores={"noi-dung": 7})

    with pytest.raises(ValidationError) as topic_error:
        call_for_papers_update(conference=conference, topics=["Điều 5"])
    with pytest.raises(ValidationError) as criterion_error:
        call_for_papers_update(conference=conference, criteria=[])

    assert topic_error.value.message_dict == {
        "topics": ["Papers were sent under “Điều 4”: that topic cannot be removed."]
    }
    assert criterion_error.value.message_dict == {
        "criteria": ["Reviews already score “noi-dung”: that criterion cannot be removed."]
    }
    assert PaperTopic.objects.get().label == "Điều 4" and ReviewCriterion.objects.count() == 1


def test_call_state_is_open_from_opening_until_the_deadline(conference):
    call = call_for_papers_get(conference)
    deadline = conference.paper_deadline
    call.opens_at = deadline - datetime.timedelta(days=2)

    assert call_state(call, call.opens_at - datetime.timedelta(seconds=1)).state == CallState.NOT_YET_OPEN
    assert call_state(call, call.opens_at).state == CallState.OPEN
    assert call_state(call, deadline).state == CallState.CLOSED
    call.conference.paper_deadline = None
    assert call_state(call).state == CallState.NOT_ANNOUNCED


def test_public_page_shows_the_call_open_until_its_vietnamese_time(client, host):
    from tests.factories import conference_build, local

    conference = conference_build(
        host, publish=True, starts_at=local(2031, 4, 9, 8, 0), paper_deadline=local(2031, 4, 5, 17, 0)
    )

    html = client.get(conference.get_absolute_url()).content.decode()

    assert "17 giờ 00" in html and "ngày 05 tháng 4 năm 2031" in html
    assert "thứ Bảy" in html
