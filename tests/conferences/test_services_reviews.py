import pytest
from django.core.exceptions import ValidationError

from conferences.models import ConferenceRole, Paper, Review
from conferences.services.reviews import review_save, review_submit
from core.exceptions import ApplicationError
from tests.conferences.review_helpers import assign, paper_make, reviewer_make
from tests.factories import ConferenceRoleFactory, ReviewCriterionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(conference):
    return reviewer_make(conference)


@pytest.fixture
def criteria(conference):
    return [
        ReviewCriterionFactory(conference=conference, code="noi-dung", max_score=10, position=1),
        ReviewCriterionFactory(conference=conference, code="trinh-bay", max_score=5, position=2),
    ]


@pytest.fixture
def paper(conference, reviewer):
    paper = paper_make(conference)
    assign(paper, reviewer)
    return paper


def test_review_save_refuses_a_reviewer_the_paper_is_not_assigned_to(conference, criteria, paper):
    other = reviewer_make(conference)
    organizer = ConferenceRoleFactory(conference=conference, role=ConferenceRole.Role.ORGANIZER).user

    for user in (other, organizer, UserFactory()):
        with pytest.raises(ApplicationError) as excinfo:
            review_submit(
                paper=paper, reviewer=user, recommendation="accept", scores={"noi-dung": 8, "trinh-bay": 4}
            )
        assert excinfo.value.message == "This paper is not assigned to you for review."

    assert Review.objects.count() == 0


def test_review_submit_stores_scores_and_moves_paper_under_review(conference, reviewer, criteria, paper):
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
    assert (review.recommendation, review.comment, review.status) == ("minor_revision", "Tốt", "submitted")
    assert review.submitted_at is not None
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
def test_review_submit_validates_scores_against_criteria(reviewer, criteria, paper, scores, expected):
    with pytest.raises(ValidationError) as excinfo:
        review_submit(paper=paper, reviewer=reviewer, recommendation="accept", scores=scores)

    assert excinfo.value.message_dict == {"scores": expected}
    assert Review.objects.count() == 0


def test_review_save_keeps_a_partial_draft_but_checks_its_ranges(reviewer, criteria, paper):
    draft = review_save(
        paper=paper, reviewer=reviewer, scores={"noi-dung": 7}, comment="Chưa xong", submit=False
    )

    draft.refresh_from_db()
    paper.refresh_from_db()
    assert (draft.status, draft.scores, draft.recommendation, draft.submitted_at) == (
        "draft",
        {"noi-dung": 7},
        "",
        None,
    )
    assert paper.status == Paper.Status.SUBMITTED
    with pytest.raises(ValidationError) as excinfo:
        review_save(paper=paper, reviewer=reviewer, scores={"trinh-bay": 6}, submit=False)
    assert excinfo.value.message_dict == {"scores": ["trinh-bay: Enter a whole number from 0 to 5."]}
    draft.refresh_from_db()
    assert draft.scores == {"noi-dung": 7}


def test_review_save_needs_a_recommendation_to_submit(reviewer, criteria, paper):
    with pytest.raises(ValidationError) as excinfo:
        review_save(paper=paper, reviewer=reviewer, scores={"noi-dung": 7, "trinh-bay": 2}, submit=True)

    assert excinfo.value.message_dict == {"recommendation": ["Choose a recommendation to submit the review."]}
    assert Review.objects.count() == 0


def test_a_submitted_review_stays_submitted_when_edited(reviewer, criteria, paper):
    first = review_submit(
        paper=paper, reviewer=reviewer, recommendation="reject", scores={"noi-dung": 2, "trinh-bay": 1}
    )
    submitted_at = first.submitted_at

    review_save(
        paper=paper,
        reviewer=reviewer,
        scores={"noi-dung": 9, "trinh-bay": 5},
        recommendation="accept",
        confidential_comment="Nên chấp nhận",
        submit=False,
    )

    stored = Review.objects.get(paper=paper)
    assert stored.pk == first.pk
    assert (stored.status, stored.recommendation, stored.scores) == (
        "submitted",
        "accept",
        {"noi-dung": 9, "trinh-bay": 5},
    )
    assert stored.confidential_comment == "Nên chấp nhận"
    assert stored.submitted_at == submitted_at
    # Once submitted, an edit may not drop a score.
    with pytest.raises(ValidationError):
        review_save(
            paper=paper, reviewer=reviewer, scores={"noi-dung": 9}, recommendation="accept", submit=False
        )


@pytest.mark.parametrize("status", ["accepted", "rejected", "revision_requested", "withdrawn"])
def test_review_save_refuses_a_decided_or_withdrawn_paper(reviewer, criteria, paper, status):
    Paper.objects.filter(pk=paper.pk).update(status=status)

    with pytest.raises(ApplicationError) as excinfo:
        review_save(paper=paper, reviewer=reviewer, scores={}, submit=False)

    assert excinfo.value.message == "This paper is decided or withdrawn: its reviews can no longer change."
    assert Review.objects.count() == 0


def test_review_submit_accepts_boundary_scores(reviewer, criteria, paper):
    review = review_submit(
        paper=paper, reviewer=reviewer, recommendation="accept", scores={"noi-dung": 0, "trinh-bay": 5}
    )

    review.refresh_from_db()
    assert review.scores == {"noi-dung": 0, "trinh-bay": 5}


def test_review_submit_refuses_an_unknown_recommendation(reviewer, criteria, paper):
    with pytest.raises(ValidationError) as excinfo:
        review_submit(
            paper=paper, reviewer=reviewer, recommendation="maybe", scores={"noi-dung": 5, "trinh-bay": 5}
        )

    assert list(excinfo.value.message_dict) == ["recommendation"]
    assert Review.objects.count() == 0
