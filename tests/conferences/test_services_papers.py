from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.models import CallForPapers, ConferenceRole, Paper, PaperRevision
from conferences.services.paper_decisions import paper_decide
from conferences.services.papers import paper_revise, paper_submit
from core.exceptions import ApplicationError
from tests.factories import (
    ConferenceRoleFactory,
    PaperFactory,
    PersonFactory,
    ReviewCriterionFactory,
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


def test_paper_submit_creates_ordered_authors_and_revision_1(conference):
    director, deputy, expert = PersonFactory(), PersonFactory(), PersonFactory()

    paper = paper_submit(
        conference=conference,
        title="Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh",
        abstract="Tóm tắt",
        authors=[deputy, director, expert],
        presenter=director,
    )

    paper.refresh_from_db()
    assert paper.status == Paper.Status.SUBMITTED
    assert paper.submitted_at is not None
    assert list(paper.authorships.values_list("person", "order", "is_presenter")) == [
        (deputy.pk, 1, False),
        (director.pk, 2, True),
        (expert.pk, 3, False),
    ]
    assert list(paper.revisions.values_list("number", "title", "abstract")) == [
        (1, "Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh", "Tóm tắt")
    ]


def test_paper_submit_needs_an_author(conference):
    with pytest.raises(ValidationError) as excinfo:
        paper_submit(conference=conference, title="Tham luận", authors=[])

    assert list(excinfo.value.message_dict) == ["authors"]
    assert Paper.objects.count() == 0


def test_paper_submit_refuses_an_author_listed_twice(conference):
    author = PersonFactory()

    with pytest.raises(ValidationError) as excinfo:
        paper_submit(conference=conference, title="Tham luận", authors=[author, author])

    assert list(excinfo.value.message_dict) == ["authors"]


def test_paper_submit_refuses_a_presenter_who_is_not_an_author(conference):
    with pytest.raises(ValidationError) as excinfo:
        paper_submit(
            conference=conference, title="Tham luận", authors=[PersonFactory()], presenter=PersonFactory()
        )

    assert list(excinfo.value.message_dict) == ["presenter"]
    assert Paper.objects.count() == 0


def test_paper_revise_adds_revision_2_and_keeps_revision_1(conference):
    paper = paper_submit(conference=conference, title="Bản đầu", body="Nội dung 1", authors=[PersonFactory()])

    revision = paper_revise(paper=paper, title="Bản sửa", body="Nội dung 2")

    paper.refresh_from_db()
    assert revision.number == 2
    assert (paper.title, paper.body) == ("Bản sửa", "Nội dung 2")
    assert list(PaperRevision.objects.filter(paper=paper).values_list("number", "title", "body")) == [
        (1, "Bản đầu", "Nội dung 1"),
        (2, "Bản sửa", "Nội dung 2"),
    ]


def test_paper_revise_returns_a_paper_asked_for_revision_to_submitted(conference):
    CallForPapers.objects.filter(conference=conference).update(
        revision_closes_at=timezone.now() + timedelta(days=7)
    )
    paper = paper_submit(conference=conference, title="Bản đầu", authors=[PersonFactory()])
    paper_decide(paper=paper, status=Paper.Status.REVISION_REQUESTED)

    paper_revise(paper=paper, title="Bản sửa")

    paper.refresh_from_db()
    assert paper.status == Paper.Status.SUBMITTED


def test_paper_revise_refuses_an_accepted_paper(conference):
    paper = paper_submit(conference=conference, title="Bản đầu", authors=[PersonFactory()])
    paper_decide(paper=paper, status=Paper.Status.ACCEPTED)

    with pytest.raises(ApplicationError):
        paper_revise(paper=paper, title="Bản sửa")

    assert paper.revisions.count() == 1


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
