from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from conferences.models import CallForPapers, Paper, ReviewAssignment, ReviewerConflict
from conferences.services.review_assignment import (
    review_assign,
    review_assign_many,
    review_auto_assign,
    review_unassign,
)
from conferences.services.reviews import review_submit
from core.exceptions import ApplicationError
from tests.conferences.review_helpers import assign, criteria_make, paper_make, reviewer_make
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    return [OrganizationFactory() for _ in range(4)]


def test_review_assign_refuses_own_agency_conflict_non_reviewer_and_decided_paper(
    conference, organizer, agencies
):
    quang_ninh, hai_phong = agencies[:2]
    reviewer = reviewer_make(conference, organization=quang_ninh)
    ReviewerConflict.objects.create(conference=conference, reviewer=reviewer, organization=hai_phong)
    own = paper_make(conference, organization=quang_ninh)
    co_authored = paper_make(conference, organization=agencies[2], author_organization=quang_ninh)
    conflicted = paper_make(conference, organization=hai_phong)
    decided = paper_make(conference, organization=agencies[3], status=Paper.Status.ACCEPTED)
    cases = [
        (own, reviewer, "A reviewer cannot review a paper of their own agency."),
        (co_authored, reviewer, "A reviewer cannot review a paper of their own agency."),
        (conflicted, reviewer, "The reviewer declared a conflict with this paper's agency."),
        (decided, reviewer, f"“{decided.title}” is not waiting for reviews (it is accepted)."),
    ]
    for paper, user, message in cases:
        with pytest.raises(ValidationError) as excinfo:
            review_assign(paper=paper, reviewer=user, assigned_by=organizer)
        (error,) = excinfo.value.message_dict["assignments"]
        assert error.endswith(message)
    stranger = UserFactory(password=None)
    with pytest.raises(ValidationError) as excinfo:
        review_assign(paper=conflicted, reviewer=stranger, assigned_by=organizer)
    assert excinfo.value.message_dict["assignments"][0].endswith(
        f"{stranger.username} is not a reviewer of this conference."
    )
    assert ReviewAssignment.objects.count() == 0


def test_review_assign_many_is_all_or_nothing(conference, organizer, agencies):
    a, b = (
        reviewer_make(conference, organization=agencies[0]),
        reviewer_make(conference, organization=agencies[1]),
    )
    fine = paper_make(conference, organization=agencies[2])
    own_of_a = paper_make(conference, organization=agencies[0])

    with pytest.raises(ValidationError):
        review_assign_many(
            conference=conference,
            paper_ids=[fine.pk, own_of_a.pk],
            reviewer_ids=[a.pk, b.pk],
            assigned_by=organizer,
        )
    assert ReviewAssignment.objects.count() == 0

    made = review_assign_many(
        conference=conference, paper_ids=[fine.pk], reviewer_ids=[a.pk, b.pk], assigned_by=organizer
    )
    assert len(made) == 2
    assert set(ReviewAssignment.objects.values_list("paper_id", "reviewer_id", "assigned_by_id")) == {
        (fine.pk, a.pk, organizer.pk),
        (fine.pk, b.pk, organizer.pk),
    }


def test_review_unassign_is_refused_once_a_review_is_submitted(conference, agencies):
    criteria_make(conference)
    reviewer = reviewer_make(conference)
    paper = paper_make(conference)
    assign(paper, reviewer)
    review_submit(
        paper=paper, reviewer=reviewer, recommendation="accept", scores={"noi-dung": 5, "trinh-bay": 5}
    )

    with pytest.raises(ApplicationError) as excinfo:
        review_unassign(paper=paper, reviewer=reviewer)

    assert excinfo.value.message == "The reviewer has submitted a review of this paper: it stays assigned."
    assert ReviewAssignment.objects.filter(paper=paper, reviewer=reviewer).exists()


def test_review_unassign_removes_an_open_assignment(conference):
    reviewer, paper = reviewer_make(conference), paper_make(conference)
    assign(paper, reviewer)

    review_unassign(paper=paper, reviewer=reviewer)

    assert not ReviewAssignment.objects.exists()


def test_review_auto_assign_honours_agencies_conflicts_and_balances_loads(conference, organizer):
    CallForPapers.objects.filter(conference=conference).update(reviewers_per_paper=2)
    agencies = [OrganizationFactory() for _ in range(6)]
    reviewers = [reviewer_make(conference, organization=agencies[i % 3]) for i in range(6)]
    ReviewerConflict.objects.create(conference=conference, reviewer=reviewers[0], organization=agencies[4])
    papers = [paper_make(conference, organization=agencies[i % 6]) for i in range(12)]
    withdrawn = paper_make(conference, organization=agencies[5], status=Paper.Status.WITHDRAWN)
    assign(papers[5], reviewers[1])  # kept

    result = review_auto_assign(conference=conference, assigned_by=organizer)

    pairs = set(ReviewAssignment.objects.values_list("paper_id", "reviewer_id"))
    assert (result.created, result.papers, result.complete, result.short) == (23, 12, 12, [])
    assert (papers[5].pk, reviewers[1].pk) in pairs
    assert not any(p == withdrawn.pk for p, _ in pairs)
    own = {r.pk: r.person.organization_id for r in reviewers}
    agency_of = {p.pk: p.presenting_organization_id for p in papers}
    assert all(own[r] != agency_of[p] for p, r in pairs)
    assert all(not (r == reviewers[0].pk and agency_of[p] == agencies[4].pk) for p, r in pairs)
    assert Counter(p for p, _ in pairs) == dict.fromkeys(agency_of, 2)
    loads = Counter(r for _, r in pairs)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert set(ReviewAssignment.objects.filter(source="automatic").values_list("assigned_by", flat=True)) == {
        organizer.pk
    }

    again = review_auto_assign(conference=conference, assigned_by=organizer)

    assert (again.created, again.complete, again.short) == (0, 12, [])
    assert set(ReviewAssignment.objects.values_list("paper_id", "reviewer_id")) == pairs


def test_review_auto_assign_reports_a_paper_left_short_and_why(conference, organizer):
    CallForPapers.objects.filter(conference=conference).update(reviewers_per_paper=2)
    agency, other = OrganizationFactory(), OrganizationFactory()
    reviewer_make(conference, organization=agency)
    outsider = reviewer_make(conference, organization=other)
    paper = paper_make(conference, organization=agency, title="Tham luận của Quảng Ninh")

    result = review_auto_assign(conference=conference, assigned_by=organizer)

    assert result.created == 1
    (short,) = result.short
    assert (short.paper_id, short.title, short.assigned, short.needed) == (paper.pk, paper.title, 1, 2)
    assert short.reason == (
        "Only 1 of the 2 reviewers may review it: "
        "the others are of its agency or declared a conflict with it."
    )
    assert list(ReviewAssignment.objects.values_list("reviewer_id", flat=True)) == [outsider.pk]
