"""Large documents a worker renders and a request serves stored: 202 and one job, then the stored PDF."""

import io

import pytest
from pypdf import PdfReader
from rest_framework.test import APIClient

from conferences.models import Award, Job, RenderedDocument
from conferences.services.awards import award_decision_update, award_update
from conferences.services.jobs import job_fail
from conferences.services.rendered_documents import document_render_run
from tests.conferences.ceremony_helpers import (
    PERSON,
    QUANG_NINH,
    QUANG_NINH_CITATION,
    model_decision,
    two_batches,
)
from tests.conferences.stored_document_helpers import rendered_get, served

pytestmark = pytest.mark.django_db

SLUG = "so-ket-19"


@pytest.fixture
def conference_kwargs():
    return {"publish": True, "slug": SLUG}


@pytest.fixture
def ceremony(conference):
    decision, awards = model_decision(conference)
    two_batches(conference, awards)
    return decision, awards


@pytest.fixture
def api(organizer) -> APIClient:
    client = APIClient()
    client.force_authenticate(organizer)
    return client


def decision_page(decision) -> str:
    return f"/to-chuc/{SLUG}/khen-thuong/{decision.pk}/quyet-dinh.pdf"


def decision_api(decision) -> str:
    return f"/api/v1/conferences/{SLUG}/award-decisions/{decision.pk}/document.pdf"


def text_of(response) -> str:
    """The PDF's text with its line breaks as spaces (a long name wraps)."""
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(served(response))).pages
    )


def document_jobs():
    return Job.objects.filter(kind=Job.Kind.DOCUMENT)


def test_decision_page_is_prepared_by_a_job_then_served_from_storage(organizer_client, conference, ceremony):
    decision, _awards = ceremony

    waiting = organizer_client.get(decision_page(decision), HTTP_ACCEPT_LANGUAGE="en")

    assert waiting.status_code == 202
    assert waiting["Content-Type"].startswith("text/html")
    assert "The document is being prepared" in waiting.content.decode()
    assert '<meta http-equiv="refresh"' in waiting.content.decode()
    [job] = document_jobs()
    assert (
        job.status == Job.Status.QUEUED
        and f'data-job-url="/api/v1/jobs/{job.pk}/"' in waiting.content.decode()
    )
    assert not RenderedDocument.objects.exists()  # Nothing was rendered in the request.

    stored = document_render_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["url"] == decision_page(decision)
    assert (stored.kind, stored.subject_id, stored.job_id) == ("award_decision", decision.pk, job.pk)
    served_now = organizer_client.get(decision_page(decision))
    assert served_now.status_code == 200 and served_now["Content-Type"] == "application/pdf"
    assert served_now["Content-Disposition"] == 'inline; filename="quyet-dinh-01-2021.pdf"'
    text = text_of(served_now)
    assert decision.document.formatted in text  # "01/QĐ-BKHCN"
    assert QUANG_NINH in text and PERSON in text
    # Unchanged inputs: served again, no new job.
    assert organizer_client.get(decision_page(decision)).status_code == 200
    assert document_jobs().count() == 1


def test_a_changed_decision_is_rendered_again_and_the_old_file_is_not_served(
    organizer_client, conference, ceremony, django_capture_on_commit_callbacks
):
    decision, awards = ceremony
    first = rendered_get(organizer_client, decision_page(decision))
    assert "Trần Văn Bình" not in text_of(first)
    old = RenderedDocument.objects.get()

    award_decision_update(decision=decision, signer_name="Trần Văn Bình")
    quang_ninh = Award.objects.get(pk=awards[0].pk)
    award_update(award=quang_ninh, citation="Đã có thành tích đặc biệt xuất sắc năm 2020")

    again = organizer_client.get(decision_page(decision))
    assert again.status_code == 202  # Not the old file: its inputs changed.
    assert document_jobs().count() == 2
    new_job = document_jobs().order_by("-pk").first()
    assert new_job.params["input_hash"] != old.input_hash

    with django_capture_on_commit_callbacks(execute=True):  # The old file goes when the new row commits.
        document_render_run(job_id=new_job.pk)

    new = organizer_client.get(decision_page(decision))
    text = text_of(new)
    assert "Trần Văn Bình" in text and "Đã có thành tích đặc biệt xuất sắc năm 2020" in text
    assert QUANG_NINH_CITATION not in text
    [row] = RenderedDocument.objects.all()
    assert row.pk != old.pk and row.input_hash == new_job.params["input_hash"]
    assert not old.file.storage.exists(old.file.name)  # The older hash's file is deleted.


def test_two_requests_start_one_task(
    organizer_client, api, conference, ceremony, django_capture_on_commit_callbacks
):
    decision, _awards = ceremony

    with django_capture_on_commit_callbacks() as callbacks:
        page = organizer_client.get(decision_page(decision))
        first = api.get(decision_api(decision))
        second = api.get(decision_api(decision))

    assert (page.status_code, first.status_code, second.status_code) == (202, 202, 202)
    assert len(callbacks) == 1
    [job] = document_jobs()
    assert first.json()["id"] == second.json()["id"] == job.pk


def test_api_answers_202_with_the_job_then_the_pdf(
    api, conference, ceremony, django_capture_on_commit_callbacks
):
    decision, _awards = ceremony

    waiting = api.get(decision_api(decision), HTTP_ACCEPT="application/pdf")

    assert waiting.status_code == 202 and waiting["Content-Type"] == "application/json"
    body = waiting.json()
    assert body["kind"] == "document" and body["status"] == "queued"
    assert waiting["Location"] == body["links"]["self"] == f"/api/v1/jobs/{body['id']}/"
    assert int(waiting["Retry-After"]) > 0
    # The job's own address answers while it waits; the task (run as the worker does) finishes it.
    assert api.get(body["links"]["self"]).json()["status"] == "queued"
    with django_capture_on_commit_callbacks(execute=True):
        document_render_run(job_id=body["id"])
    done = api.get(body["links"]["self"]).json()
    assert done["status"] == "done" and done["links"]["result"].endswith("/quyet-dinh.pdf")

    pdf = api.get(decision_api(decision), HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Nguyễn Thị Minh Khai" in text_of(pdf)


def test_the_render_task_goes_to_the_documents_queue(api, conference, ceremony, monkeypatch):
    from django.test import TestCase

    from conferences.tasks import render_document
    from config.celery import app

    assert app.amqp.router.route({}, render_document.name)["queue"].name == "documents"
    sent = []
    monkeypatch.setattr(render_document, "delay", lambda *args: sent.append(args))
    decision, _awards = ceremony
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.get(decision_api(decision))
    assert response.status_code == 202 and sent == [(response.json()["id"],)]


def test_running_sheet_page_is_prepared_then_served(organizer_client, conference, ceremony):
    url = f"/to-chuc/{SLUG}/le-trao-thuong/kich-ban.pdf"

    response = rendered_get(organizer_client, url)

    assert response.status_code == 200
    text = text_of(response)
    assert QUANG_NINH in text and PERSON in text


def test_a_failed_render_is_not_started_again_on_every_reload(organizer_client, conference, ceremony):
    decision, _awards = ceremony
    organizer_client.get(decision_page(decision))
    [job] = document_jobs()
    job_fail(job_id=job.pk, error="RuntimeError: boom")

    again = organizer_client.get(decision_page(decision), HTTP_ACCEPT_LANGUAGE="en")

    assert again.status_code == 202 and document_jobs().count() == 1
    assert '<meta http-equiv="refresh"' not in again.content.decode()
    assert "could not be prepared" in again.content.decode()


def test_another_conference_decision_is_404(organizer_client, api, conference, ceremony):
    assert organizer_client.get(f"/to-chuc/{SLUG}/khen-thuong/999999/quyet-dinh.pdf").status_code == 404
    missing = api.get(f"/api/v1/conferences/{SLUG}/award-decisions/999999/document.pdf")
    assert missing.status_code == 404 and set(missing.json()) == {"message", "code", "errors"}
    assert not document_jobs().exists()
