import pytest
from django.core.exceptions import ValidationError

from conferences.models import ConferenceRole, Paper, Review
from conferences.services.papers import paper_decide, review_submit
from core.exceptions import ApplicationError
from tests.factories import (
    ConferenceRoleFactory,
    PaperFactory,
    ReviewCriterionFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference_kwargs():
    return {"starts_at": local(2021, 4, 9, 8, 0)}


@pytest.fixture
def reviewer(conference):
    return ConferenceRoleFactory(conference=conference, role=ConferenceRole.Role.REVIEWER).user


@pytest.fixture
def criteria(conference):
    return [
        ReviewCriterionFactory(conference=conference, code="noi-dung", max_score=10, position=1),
        ReviewCriterionFactory(conference=conference, code="trinh-bay", max_score=5, position=2),
    ]


def test_paper_decide_refuses_a_withdrawn_paper():
    paper = PaperFactory(status=Paper.Status.WITHDRAWN)

    with pytest.raises(ApplicationError):
        paper_decide(paper=paper, status=Paper.Status.ACCEPTED)

    paper.refresh_from_db()
    assert paper.status == Paper.Status.WITHDRAWN


def test_paper_decide_refuses_a_status_that_is_not_a_decision():
    with pytest.raises(ValidationError) as excinfo:
        paper_decide(paper=PaperFactory(), status=Paper.Status.DRAFT)

    assert list(excinfo.value.message_dict) == ["status"]


def test_review_submit_requires_the_reviewer_role(conference, criteria):
    paper = PaperFactory(conference=conference)
    organizer = ConferenceRoleFactory(conference=conference, role=ConferenceRole.Role.ORGANIZER).user

    for user in (UserFactory(), organizer):
        with pytest.raises(ApplicationError) as excinfo:
            review_submit(
                paper=paper, reviewer=user, recommendation="accept", scores={"noi-dung": 8, "trinh-bay": 4}
            )
        assert excinfo.value.message == "You are not a reviewer for this conference."

    assert Review.objects.count() == 0


def test_review_submit_refuses_a_reviewer_of_another_conference(criteria):
    paper = PaperFactory(conference=criteria[0].conference)
    other_reviewer = ConferenceRoleFactory(role=ConferenceRole.Role.REVIEWER).user

    with pytest.raises(ApplicationError):
        review_submit(paper=paper, reviewer=other_reviewer, recommendation="accept", scores={})


def test_review_submit_stores_scores_and_moves_paper_under_review(conference, reviewer, criteria):
    paper = PaperFactory(conference=conference, status=Paper.Status.SUBMITTED)

    review = review_submit(
        paper=paper,
        reviewer=reviewer,
        recommendation="minor_revision",
        scores={"noi-dung": 8, "trinh-bay": 5},
        comment="Tốt",
    )

    review.refresh_from_db()
    paper.refresh_from_db()
    assert review.scores == {"noi-dung": 8, "trinh-bay": 5}
    assert (review.recommendation, review.comment) == ("minor_revision", "Tốt")
    assert paper.status == Paper.Status.UNDER_REVIEW


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"noi-dung": 8, "trinh-bay": 4, "do-dai": 3}, ["do-dai: Unknown criterion."]),
        ({"noi-dung": 11, "trinh-bay": 4}, ["noi-dung: Enter a whole number from 0 to 10."]),
        ({"noi-dung": -1, "trinh-bay": 4}, ["noi-dung: Enter a whole number from 0 to 10."]),
        ({"noi-dung": 8, "trinh-bay": 4.5}, ["trinh-bay: Enter a whole number from 0 to 5."]),
        ({"noi-dung": True, "trinh-bay": 4}, ["noi-dung: Enter a whole number from 0 to 10."]),
        ({"noi-dung": 8}, ["trinh-bay: This score is required."]),
    ],
    ids=["unknown", "above-max", "negative", "not-integer", "boolean", "missing"],
)
def test_review_submit_validates_scores_against_criteria(conference, reviewer, criteria, scores, expected):
    paper = PaperFactory(conference=conference)

    with pytest.raises(ValidationError) as excinfo:
        review_submit(paper=paper, reviewer=reviewer, recommendation="accept", scores=scores)

    assert excinfo.value.message_dict == {"scores": expected}
    assert Review.objects.count() == 0


def test_review_submit_accepts_boundary_scores(conference, reviewer, criteria):
    paper = PaperFactory(conference=conference)

    review = review_submit(
        paper=paper, reviewer=reviewer, recommendation="accept", scores={"noi-dung": 0, "trinh-bay": 5}
    )

    assert review.scores == {"noi-dung": 0, "trinh-bay": 5}


def test_second_review_submit_replaces_the_first(conference, reviewer, criteria):
    paper = PaperFactory(conference=conference)
    first = review_submit(
        paper=paper, reviewer=reviewer, recommendation="reject", scores={"noi-dung": 2, "trinh-bay": 1}
    )

    second = review_submit(
        paper=paper, reviewer=reviewer, recommendation="accept", scores={"noi-dung": 9, "trinh-bay": 5}
    )

    assert second.pk == first.pk
    assert Review.objects.filter(paper=paper).count() == 1
    stored = Review.objects.get(paper=paper)
    assert (stored.recommendation, stored.scores) == ("accept", {"noi-dung": 9, "trinh-bay": 5})


def test_review_submit_refuses_an_unknown_recommendation(conference, reviewer, criteria):
    with pytest.raises(ValidationError) as excinfo:
        review_submit(
            paper=PaperFactory(conference=conference),
            reviewer=reviewer,
            recommendation="maybe",
            scores={"noi-dung": 5, "trinh-bay": 5},
        )

    assert list(excinfo.value.message_dict) == ["recommendation"]
