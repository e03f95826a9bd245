"""Building papers, reviewers and reviews for the review tests: one place to adapt when submission changes.

Papers are built directly with the models (the submission service's signature
is changing on another branch); reviewers through the role and a Person of
their agency, the way an accepted invitation leaves them.
"""

import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from conferences.models import (
    ConferenceRole,
    Paper,
    PaperAuthor,
    PaperRevision,
    Person,
    Review,
    ReviewAssignment,
    ReviewCriterion,
)
from conferences.services.review_figures import review_figures_refresh
from tests.factories import OrganizationFactory, PaperFactory, PersonFactory, UserFactory


def reviewer_make(conference, *, organization=None, full_name=None, **user_fields):
    """A user with the conference's reviewer role and a Person of `organization` (their own agency)."""
    user = UserFactory(password=None, **user_fields)
    ConferenceRole.objects.create(conference=conference, user=user, role=ConferenceRole.Role.REVIEWER)
    Person.objects.create(
        full_name=full_name or f"Trần Thị Phản Biện {user.pk}",
        email=user.email,
        organization=organization,
        user=user,
    )
    return user


def paper_make(
    conference,
    *,
    organization=None,
    author_name="Nguyễn Văn Tác Giả",
    author_organization=None,
    status=Paper.Status.SUBMITTED,
    title=None,
    body="",
    topic=None,
):
    """A submitted paper of `organization`, one author (of `author_organization`, else the same), v1."""
    organization = organization or OrganizationFactory()
    fields = {"title": title} if title else {}
    paper = PaperFactory(
        conference=conference,
        presenting_organization=organization,
        status=status,
        abstract="Tóm tắt tham luận",
        body=body,
        topic=topic,
        **fields,
    )
    author = PersonFactory(full_name=author_name, organization=author_organization or organization)
    PaperAuthor.objects.create(paper=paper, person=author, order=1, is_presenter=True)
    revision = PaperRevision.objects.create(
        paper=paper,
        number=1,
        title=paper.title,
        abstract=paper.abstract,
        body=body,
        authors=[
            {
                "person": author.pk,
                "full_name": author.full_name,
                "organization": organization.pk,
                "organization_name": organization.name,
                "is_presenter": True,
            }
        ],
    )
    Paper.objects.filter(pk=paper.pk).update(current_revision=revision)
    paper.current_revision = revision
    return paper


def assign(paper, *reviewers):
    """Assign directly (no eligibility checks), and store the figures as the assignment service does."""
    for reviewer in reviewers:
        ReviewAssignment.objects.create(paper=paper, reviewer=reviewer)
    review_figures_refresh(conference_id=paper.conference_id, paper_ids=[paper.pk])


def criteria_make(conference):
    return [
        ReviewCriterion.objects.create(
            conference=conference, code="noi-dung", label="Nội dung", max_score=10, weight=2, position=1
        ),
        ReviewCriterion.objects.create(
            conference=conference, code="trinh-bay", label="Trình bày", max_score=5, weight=1, position=2
        ),
    ]


def bulk_review_load(conference, *, papers=1000, reviewers=30, per_paper=3, seed=1):
    """Many papers, each given to `per_paper` reviewers with a submitted review: built with bulk_create."""
    rng = random.Random(seed)
    criteria_make(conference)
    agencies = [OrganizationFactory() for _ in range(20)]
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"pb{n}", email=f"pb{n}@example.gov.vn") for n in range(reviewers)
    )
    ConferenceRole.objects.bulk_create(
        ConferenceRole(conference=conference, user=u, role=ConferenceRole.Role.REVIEWER) for u in users
    )
    now = timezone.now()
    rows = Paper.objects.bulk_create(
        Paper(
            conference=conference,
            title=f"Tham luận số {n}",
            search_title=f"tham luan so {n}",  # bulk_create skips save(), which folds the title
            presenting_organization=agencies[n % len(agencies)],
            status=Paper.Status.UNDER_REVIEW,
            submitted_at=now,
        )
        for n in range(papers)
    )
    assignments, reviews = [], []
    for n, paper in enumerate(rows):
        for k in range(per_paper):
            user = users[(n * per_paper + k) % reviewers]
            assignments.append(ReviewAssignment(paper=paper, reviewer=user))
            reviews.append(
                Review(
                    paper=paper,
                    reviewer=user,
                    scores={"noi-dung": rng.randint(0, 10), "trinh-bay": rng.randint(0, 5)},
                    recommendation=rng.choice(list(Review.Recommendation.values)),
                    status=Review.Status.SUBMITTED,
                    submitted_at=now,
                )
            )
    ReviewAssignment.objects.bulk_create(assignments, batch_size=2000)
    Review.objects.bulk_create(reviews, batch_size=2000)
    review_figures_refresh(conference_id=conference.pk)
    return rows, users
