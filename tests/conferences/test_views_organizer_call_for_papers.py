"""The organizers' settings page of the call for papers."""

import pytest
from django.urls import reverse

from conferences.models import CallForPapers, PaperTopic, ReviewCriterion
from tests.factories import UserFactory, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference_kwargs():
    return {"starts_at": local(2031, 4, 9, 8, 0)}


def post_data(**changes) -> dict:
    data = {
        "opens_at": "2031-03-01T08:00",
        "closes_at": "2031-04-05T17:00",
        "eligibility": "any_delegate",
        "title_max_length": "250",
        "abstract_max_length": "2000",
        "file_kinds": ["pdf"],
        "max_file_mb": "8",
        "blind_review": "on",
        "reviewers_per_paper": "3",
        "disagreement_margin": "25",
        "revision_closes_at": "",
        "topics": "Điều 4\nĐiều 5\n",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "50",
        "criteria-0-code": "noi-dung",
        "criteria-0-label": "Nội dung",
        "criteria-0-max_score": "10",
        "criteria-0-weight": "2",
        "criteria-1-code": "",
        "criteria-1-label": "",
        "criteria-1-max_score": "",
        "criteria-1-weight": "",
    }
    return {**data, **changes}


def test_organizer_saves_the_call_in_vietnam_time(organizer_client, conference):
    url = reverse("conferences:organizer-call-for-papers", kwargs={"slug": conference.slug})

    assert organizer_client.get(url).status_code == 200
    response = organizer_client.post(url, post_data())

    assert response.status_code == 302
    call = CallForPapers.objects.get(conference=conference)
    conference.refresh_from_db()
    assert conference.paper_deadline == local(2031, 4, 5, 17, 0)
    assert (call.opens_at, call.eligibility, call.file_kinds, call.max_file_mb) == (
        local(2031, 3, 1, 8, 0),
        "any_delegate",
        ["pdf"],
        8,
    )
    assert list(PaperTopic.objects.values_list("label", flat=True)) == ["Điều 4", "Điều 5"]
    assert list(ReviewCriterion.objects.values_list("code", "weight")) == [("noi-dung", 2)]


def test_page_shows_the_services_message_next_to_the_field(organizer_client, conference):
    url = reverse("conferences:organizer-call-for-papers", kwargs={"slug": conference.slug})

    response = organizer_client.post(url, post_data(closes_at="2031-04-10T08:00"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "The call must close before the conference starts." in response.content.decode()
    conference.refresh_from_db()
    assert conference.paper_deadline is None


def test_page_is_for_organizers_only(client, conference):
    client.force_login(UserFactory())
    url = reverse("conferences:organizer-call-for-papers", kwargs={"slug": conference.slug})

    assert client.get(url).status_code in (403, 404)
    assert client.post(url, post_data()).status_code in (403, 404)
    assert CallForPapers.objects.get(conference=conference).max_file_mb == 10
