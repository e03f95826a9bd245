"""The proceedings over the API and on the organizer's page: jobs, the list, downloads, permissions."""

import pytest

from conferences.models import Job, Proceedings
from tests.conferences.proceedings_helpers import accepted_paper, publish_agenda_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def papers(conference):
    made = [accepted_paper(conference, title=f"Tham luận số {n}") for n in (1, 2)]
    publish_agenda_of(conference, made)
    return made


def url(conference, rest: str = "") -> str:
    return f"/api/v1/conferences/{conference.slug}/proceedings/{rest}"


def test_post_builds_as_a_job_then_unchanged_inputs_answer_the_stored_book(
    organizer_client, conference, papers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = organizer_client.post(url(conference), {"kind": "book", "variant": "pdfa"})
    assert response.status_code == 202, response.json()
    assert len(callbacks) == 1
    job = response.json()
    assert job["kind"] == "proceedings"

    status = organizer_client.get(job["links"]["self"]).json()
    assert status["status"] == "done" and status["percent"] == 100
    build = Proceedings.objects.get()
    assert (build.kind, build.variant, build.version, build.job_id) == ("book", "pdfa", 1, job["id"])
    assert status["links"]["result"].endswith(f"/{build.pk}/tep.pdf")

    again = organizer_client.post(url(conference), {"kind": "book", "variant": "pdfa"})
    assert again.status_code == 200
    assert again.json()["id"] == build.pk and again.json()["input_hash"] == build.input_hash
    assert Job.objects.count() == 1

    listed = organizer_client.get(url(conference))
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["version"] == 1 and row["pages"] == build.pages
    download = organizer_client.get(row["download"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert f"ky-yeu-{conference.slug}-v1-pdfa.pdf" in download["Content-Disposition"]


def test_the_build_task_goes_to_the_documents_queue(organizer_client, conference, papers, monkeypatch):
    from conferences.tasks import build_proceedings
    from config.celery import app

    sent = []
    monkeypatch.setattr(build_proceedings, "delay", lambda *args: sent.append(args))
    route = app.amqp.router.route({}, build_proceedings.name)
    assert route["queue"].name == "documents"
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = organizer_client.post(url(conference), {"kind": "abstracts"})
    assert response.status_code == 202 and sent == [(response.json()["id"],)]
    # A second click while it waits joins the same job.
    second = organizer_client.post(url(conference), {"kind": "abstracts"})
    assert second.status_code == 202 and second.json()["id"] == response.json()["id"]


def test_bad_kind_or_variant_is_a_400_naming_the_field(organizer_client, conference):
    response = organizer_client.post(url(conference), {"kind": "novel", "variant": "pdfa"})
    assert response.status_code == 400 and "kind" in str(response.json())
    response = organizer_client.post(url(conference), {"variant": "a0-poster"})
    assert response.status_code == 400 and "variant" in str(response.json())
    assert not Job.objects.exists()


def test_only_organizers_build_list_or_download(client, conference, papers):
    assert client.get(url(conference)).status_code in (401, 403)
    client.force_login(UserFactory(password=None))
    assert client.get(url(conference)).status_code in (403, 404)
    assert client.post(url(conference), {}).status_code in (403, 404)
    assert client.get(url(conference, "1/download/")).status_code in (403, 404)
    assert not Job.objects.exists()


def test_organizer_page_builds_saves_the_foreword_and_lists_downloads(
    organizer_client, conference, papers, django_capture_on_commit_callbacks
):
    page = f"/to-chuc/{conference.slug}/ky-yeu/"
    response = organizer_client.post(page + "loi-noi-dau/", {"foreword": "Kính gửi **đại biểu**."})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.proceedings_foreword == "Kính gửi **đại biểu**."

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(page + "tao/", {"kind": "book", "variant": "standard"})
    assert response.status_code == 302
    build = Proceedings.objects.get()
    shown = organizer_client.get(page)
    assert shown.status_code == 200
    content = shown.content.decode()
    assert f"/to-chuc/{conference.slug}/ky-yeu/{build.pk}/tep.pdf" in content
    assert "job-progress" in content
    download = organizer_client.get(f"{page}{build.pk}/tep.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"

    bad = organizer_client.post(page + "tao/", {"kind": "book", "variant": "a0-poster"})
    assert bad.status_code == 302 and Proceedings.objects.count() == 1


def test_organizer_page_has_a_fixed_number_of_queries(
    organizer_client, conference, papers, django_assert_max_num_queries
):
    for version in range(1, 6):
        Proceedings.objects.create(
            conference=conference, version=version, input_hash=f"{version}", file="x.pdf", pages=1, size=1
        )
    with django_assert_max_num_queries(12):
        assert organizer_client.get(f"/to-chuc/{conference.slug}/ky-yeu/").status_code == 200
