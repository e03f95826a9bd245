import pytest
from rest_framework.test import APIClient

from conferences.models import Review, ReviewAssignment, ReviewerInvitation
from conferences.services.reviews import review_submit
from tests.conferences.review_helpers import assign, criteria_make, paper_make, reviewer_make
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

AGENCY = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
AUTHOR = "Nguyễn Văn Tác Giả"


@pytest.fixture
def api(organizer):
    client = APIClient()
    client.force_authenticate(organizer)
    return client


@pytest.fixture
def setup(conference):
    criteria_make(conference)
    paper = paper_make(conference, organization=OrganizationFactory(name=AGENCY), author_name=AUTHOR)
    first, second = (
        reviewer_make(conference, full_name="Lê Văn Một"),
        reviewer_make(conference, full_name="Lê Văn Hai"),
    )
    assign(paper, first, second)
    return paper, first, second


def _as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_reviewer_reads_the_paper_blind_in_json(conference, setup):
    paper, first, _second = setup
    url = f"/api/v1/conferences/{conference.slug}/papers/{paper.pk}/reviews/"

    data = _as(first).get(url).json()

    assert data["paper"]["title"] == paper.title
    assert (data["paper"]["authors"], data["paper"]["agency"], data["paper"]["file_name"]) == (
        None,
        None,
        None,
    )
    assert AGENCY not in str(data) and AUTHOR not in str(data)
    assert (data["own"], data["reviews"]) == (None, [])


def test_a_reviewer_saves_then_submits_and_then_sees_the_others(conference, setup):
    paper, first, second = setup
    review_submit(
        paper=paper,
        reviewer=second,
        recommendation="reject",
        scores={"noi-dung": 1, "trinh-bay": 1},
        comment="Yếu",
    )
    url = f"/api/v1/conferences/{conference.slug}/papers/{paper.pk}/reviews/"
    client = _as(first)

    draft = client.post(url, {"scores": {"noi-dung": 7}, "submit": False}, format="json")
    assert draft.status_code == 200 and draft.json()["status"] == "draft"
    assert client.get(url).json()["reviews"] == []

    bad = client.put(
        url,
        {"scores": {"noi-dung": 70, "trinh-bay": 1}, "recommendation": "accept", "submit": True},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"]["scores"] == ["noi-dung: Enter a whole number from 0 to 10."]

    done = client.put(
        url,
        {"scores": {"noi-dung": 7, "trinh-bay": 3}, "recommendation": "accept", "submit": True},
        format="json",
    )
    assert done.json()["status"] == "submitted"
    data = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["own"]["status"] == "submitted" and data["paper"]["id"] == paper.pk
    assert [{k: v for k, v in r.items() if k != "submitted_at"} for r in data["reviews"]] == [
        {
            "label": "Reviewer 2",
            "reviewer": None,
            "scores": {"noi-dung": 1, "trinh-bay": 1},
            "comment": "Yếu",
            "confidential_comment": None,
            "recommendation": "reject",
            "recommendation_label": "Reject",
            "status": "submitted",
        }
    ]
    assert "Lê Văn Hai" not in str(data)


def test_a_reviewer_cannot_review_a_paper_not_assigned(conference, setup):
    other = paper_make(conference)
    response = _as(setup[1]).post(
        f"/api/v1/conferences/{conference.slug}/papers/{other.pk}/reviews/",
        {"submit": False},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # The same answer as reading its reviews: the paper is not there for this reviewer.
    assert response.status_code == 404
    assert response.json()["message"] == "This paper is not assigned to you."


def test_organizers_read_every_review_with_confidential_comments(api, conference, setup):
    paper, first, _second = setup
    review_submit(
        paper=paper, reviewer=first, recommendation="accept", scores={"noi-dung": 9, "trinh-bay": 5}
    )
    Review.objects.filter(reviewer=first).update(confidential_comment="Chỉ ban tổ chức đọc")

    data = api.get(f"/api/v1/conferences/{conference.slug}/papers/{paper.pk}/reviews/").json()

    assert sorted(data) == ["own", "paper", "reviews"]
    assert data["own"] is None
    assert (data["paper"]["id"], data["paper"]["blind"], data["paper"]["agency"]) == (paper.pk, False, AGENCY)
    assert [(r["label"], r["reviewer"], r["status"], r["confidential_comment"]) for r in data["reviews"]] == [
        ("Lê Văn Một", first.pk, "submitted", "Chỉ ban tổ chức đọc")
    ]


def test_the_schema_gives_the_reviews_endpoint_one_object_shape(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    get = schema["paths"]["/api/v1/conferences/{conference_slug}/papers/{id}/reviews/"]["get"]
    ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]

    assert component["type"] == "object"
    assert sorted(component["properties"]) == ["own", "paper", "reviews"]


def test_reviewers_endpoint_lists_invites_and_removes(api, conference, setup, run_commit_tasks):
    url = f"/api/v1/conferences/{conference.slug}/reviewers/"
    assert sorted(r["name"] for r in api.get(url).json()) == ["Lê Văn Hai", "Lê Văn Một"]

    with run_commit_tasks():
        created = api.post(url, {"email": "moi@soqn.gov.vn", "full_name": "Phạm Mới"}, format="json")
    assert created.status_code == 201
    assert ReviewerInvitation.objects.get().email == "moi@soqn.gov.vn"

    assert api.delete(f"{url}{setup[2].pk}/").status_code == 204
    assert [r["name"] for r in api.get(url).json()] == ["Lê Văn Một"]


def test_assignment_endpoints(api, conference, setup):
    paper, first, second = setup
    url = f"/api/v1/conferences/{conference.slug}/review-assignments/"
    extra = paper_make(conference)

    assert api.post(url, {"papers": [extra.pk], "reviewers": [first.pk]}, format="json").status_code == 201
    assert len(api.get(url).json()) == 3
    assert [a["paper"] for a in _as(second).get(url).json()] == [paper.pk]
    assert (
        _as(second).post(url, {"papers": [extra.pk], "reviewers": [second.pk]}, format="json").status_code
        == 403
    )

    result = api.post(f"{url}auto-assign/").json()
    assert result["created"] == 1 and result["short"] == []
    assignment = ReviewAssignment.objects.get(paper=extra, reviewer=first)
    assert api.delete(f"{url}{assignment.pk}/").status_code == 204
    assert not ReviewAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_schema_documents_the_review_endpoints(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "reviewers/",
        "review-assignments/",
        "review-assignments/auto-assign/",
        "papers/{id}/reviews/",
    ):
        assert f"/api/v1/conferences/{{conference_slug}}/{path}" in schema["paths"], path
