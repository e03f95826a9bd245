"""Asking for a document a worker renders (services/rendered_documents.py), as a client does."""

from conferences.models import Job
from conferences.services.rendered_documents import document_render_run


def served(response) -> bytes:
    """The body of a stored document's response (a FileResponse streams it)."""
    return b"".join(response.streaming_content)


def rendered_get(client, url: str, **extra):
    """GET a document not rendered yet: 202 with its job; the worker's task runs; GET again: the PDF.

    The task runs here as the worker runs it (the test's transaction never commits, so the
    request's on-commit dispatch does not run it).
    """
    waiting = client.get(url, **extra)
    assert waiting.status_code == 202, (waiting.status_code, waiting.content[:300])
    assert waiting["Retry-After"]
    job = Job.objects.filter(kind=Job.Kind.DOCUMENT).order_by("-created_at", "-pk").first()
    assert job is not None and job.status == Job.Status.QUEUED
    assert document_render_run(job_id=job.pk) is not None, Job.objects.get(pk=job.pk).error
    return client.get(url, **extra)
