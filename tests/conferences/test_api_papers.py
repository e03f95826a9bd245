"""The papers API: the call's settings, delegates' papers by their link token, organizers' list and search."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from conferences.models import CallForPapers, Paper, PaperRevision, PaperTopic, Review
from conferences.services.papers import paper_submit
from tests import paper_files
from tests.conferences.paper_helpers import delegate_with_link, open_call_kwargs, submission
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Keep the throttles' counters in memory, not in the shared file cache of earlier runs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def conference_kwargs():
    return {**open_call_kwargs(), "publish": True}


@pytest.fixture
def api(organizer):
    client = APIClient()
    client.force_authenticate(organizer)
    return client


@pytest.fixture
def delegate(conference):
    return delegate_with_link(conference)


def delegate_client(token: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Delegate {token}")
    return client


def papers_url(conference, *rest) -> str:
    return "/".join([f"/api/v1/conferences/{conference.slug}/papers", *map(str, rest)]) + "/"


def new_paper(registration, **changes) -> dict:
    data = {k: v for k, v in submission(registration, **changes).items() if k != "registration"}
    data["topic"] = data["topic"].pk if data["topic"] else None
    data["authors"] = [
        {
            "full_name": a.full_name,
            "organization": a.organization.pk if a.organization else None,
            "email": a.email,
            "position": a.position,
        }
        for a in data["authors"]
    ]
    return data


def test_call_for_papers_is_public_once_published_and_changed_only_by_organizers(client, api, conference):
    url = f"/api/v1/conferences/{conference.slug}/call-for-papers/"
    public = client.get(url)
    assert public.status_code == 200
    assert (public.json()["state"], public.json()["file_kinds"]) == ("open", ["pdf", "docx"])

    refused = APIClient().patch(url, {"max_file_mb": 5}, format="json")
    assert refused.status_code in (401, 403)
    changed = api.patch(url, {"max_file_mb": 5, "topics": ["Điều 4", "Điều 5"]}, format="json")
    bad = api.patch(url, {"file_kinds": []}, format="json")

    assert changed.status_code == 200 and changed.json()["topics"] == ["Điều 4", "Điều 5"]
    assert CallForPapers.objects.get(conference=conference).max_file_mb == 5
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["file_kinds"]


def test_delegate_submits_a_paper_with_a_file_and_reads_it_back(conference, delegate):
    registration, token = delegate
    body = new_paper(registration)
    body["authors"] = json.dumps(body["authors"])
    body.pop("topic")
    body["file"] = paper_files.uploaded(paper_files.valid_pdf(), name="Tham luận.pdf")

    response = delegate_client(token).post(papers_url(conference), body, format="multipart")

    assert response.status_code == 201, response.json()
    paper = Paper.objects.get()
    data = response.json()
    assert (data["id"], data["status"], data["can_edit"], data["reviews"]) == (
        paper.pk,
        "submitted",
        True,
        [],
    )
    assert data["current_revision"]["file_name"] == "Tham luận.pdf"
    download = delegate_client(token).get(papers_url(conference, paper.pk, "file"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content if download.streaming else [download.content]).startswith(
        b"%PDF"
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (paper_files.pdf_with_javascript(), "a.pdf", "javascript"),
        (paper_files.encrypted_pdf(), "a.pdf", "encrypted"),
        (paper_files.executable_as_pdf(), "a.pdf", "not a pdf or word"),
        (paper_files.docx_with_macros(), "a.docx", "macro"),
        (b"", "a.pdf", "empty"),
        (b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10), "a.pdf", "larger than the limit of 1 mb"),
    ],
    ids=["javascript", "encrypted", "executable", "macros", "empty", "too-large"],
)
def test_api_refuses_a_bad_file_with_its_reason_and_stores_nothing(conference, delegate, data, name, message):
    CallForPapers.objects.filter(conference=conference).update(max_file_mb=1)
    registration, token = delegate
    body = new_paper(registration)
    body["authors"] = json.dumps(body["authors"])
    body.pop("topic")
    body["file"] = paper_files.uploaded(data, name=name)

    response = delegate_client(token).post(papers_url(conference), body, format="multipart")

    assert response.status_code == 400
    assert message in response.json()["errors"]["file"][0].lower()
    assert (Paper.objects.count(), PaperRevision.objects.count()) == (0, 0)


def test_delegate_sees_only_their_own_papers(conference, delegate):
    registration, token = delegate
    other, _other_token = delegate_with_link(conference, number=2)
    mine = paper_submit(**submission(registration))
    theirs = paper_submit(**submission(other, title="Của cơ quan khác"))
    client = delegate_client(token)

    listed = client.get(papers_url(conference))

    assert [p["id"] for p in listed.json()] == [mine.pk]
    for path in ([theirs.pk], [theirs.pk, "file"], [theirs.pk, "revisions"]):
        assert client.get(papers_url(conference, *path)).status_code == 404
    assert client.patch(papers_url(conference, theirs.pk), {"title": "x"}, format="json").status_code == 404
    assert client.post(papers_url(conference, theirs.pk, "withdraw"), {}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert (theirs.title, theirs.status) == ("Của cơ quan khác", Paper.Status.SUBMITTED)


def test_wrong_delegate_token_is_refused(conference):
    response = delegate_client("not-a-token").get(papers_url(conference))

    assert response.status_code == 401


def test_delegate_patch_makes_a_new_revision_and_withdraw_keeps_them(conference, delegate):
    registration, token = delegate
    paper = paper_submit(**submission(registration))
    client = delegate_client(token)

    changed = client.patch(papers_url(conference, paper.pk), {"title": "Tên mới"}, format="json")
    revisions = client.get(papers_url(conference, paper.pk, "revisions"))
    withdrawn = client.post(papers_url(conference, paper.pk, "withdraw"), {"reason": "Trùng"}, format="json")

    assert changed.status_code == 200 and changed.json()["revision_count"] == 2
    assert [(r["number"], r["title"]) for r in revisions.json()] == [
        (1, "Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh"),
        (2, "Tên mới"),
    ]
    assert withdrawn.json()["status"] == "withdrawn"
    assert PaperRevision.objects.filter(paper=paper).count() == 2


def test_author_reads_review_comments_only_after_the_decision(conference, delegate):
    registration, token = delegate
    paper = paper_submit(**submission(registration))
    Review.objects.create(
        paper=paper,
        reviewer=UserFactory(),
        comment="Cần bổ sung số liệu",
        confidential_comment="Bí mật",
        recommendation="minor_revision",
    )
    client = delegate_client(token)

    before = client.get(papers_url(conference, paper.pk)).json()
    from conferences.services.papers import paper_decide

    paper_decide(paper=paper, status=Paper.Status.ACCEPTED)
    after = client.get(papers_url(conference, paper.pk))

    assert before["reviews"] == []
    assert after.json()["reviews"] == [{"recommendation": "minor_revision", "comment": "Cần bổ sung số liệu"}]
    assert "Bí mật" not in after.content.decode() and "reviewer" not in after.content.decode()


def test_organizer_lists_with_filters_and_accent_insensitive_search_in_fixed_queries(conference, api):
    topic = PaperTopic.objects.create(conference=conference, label="Điều 4")
    for number in range(1, 6):
        registration, _token = delegate_with_link(conference, number=number)
        paper_submit(**submission(registration, title=f"Tham luận Quảng Ninh {number}", topic=topic))

    with CaptureQueriesContext(connection) as few:
        api.get(papers_url(conference))
    registration, _token = delegate_with_link(conference, number=9)
    paper_submit(**submission(registration, title="Báo cáo Hải Phòng", topic=topic))
    with CaptureQueriesContext(connection) as more:
        listed = api.get(papers_url(conference))
    found = api.get(papers_url(conference), {"q": "hai phong"})
    by_status = api.get(papers_url(conference), {"status": "withdrawn"})

    assert listed.json()["count"] == 6
    assert len(more) == len(few) <= 12
    assert [p["title"] for p in found.json()["results"]] == ["Báo cáo Hải Phòng"]
    assert by_status.json()["count"] == 0
    assert api.post(papers_url(conference), new_paper(registration), format="json").status_code == 403


def test_openapi_schema_has_the_papers_paths(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()

    for path in (
        "/api/v1/conferences/{conference_slug}/call-for-papers/",
        "/api/v1/conferences/{conference_slug}/papers/",
        "/api/v1/conferences/{conference_slug}/papers/{id}/",
        "/api/v1/conferences/{conference_slug}/papers/{id}/file/",
        "/api/v1/conferences/{conference_slug}/papers/{id}/revisions/",
        "/api/v1/conferences/{conference_slug}/papers/{id}/withdraw/",
    ):
        assert path in schema["paths"], path
    assert "delegateLink" in schema["components"]["securitySchemes"]
