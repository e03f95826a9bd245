"""Large documents (award decision, running sheet, invitation letter) rendered by a worker, served stored.

document_request runs in the request: it hashes the document's inputs (documents/stored.py, a few
milliseconds) and returns the stored file of that hash, or the job rendering it, starting one when
none runs (the conference row is locked only while the job row is written, never while a PDF is
made). The task (conferences.tasks.render_document, on the ``documents`` queue) reads the inputs
again, renders, stores the file under their hash and deletes the files of older hashes. It can run
twice: the unique (conference, kind, subject, hash) row is written once and a second file is deleted.
"""

import datetime
import functools
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conferences.documents.stored import document_render, document_source
from conferences.models import Conference, Job, RenderedDocument
from conferences.selectors.rendered_documents import rendered_document_stored
from conferences.services.jobs import job_create, job_fail, job_finish, job_start

logger = logging.getLogger(__name__)

# A render takes seconds; a job that has not moved for this long is taken for dead and started again.
DOCUMENT_STALE_AFTER = datetime.timedelta(minutes=3)
# What a client is told to wait before asking again (Retry-After, the page's refresh).
RETRY_AFTER_SECONDS = 2


@dataclass(frozen=True)
class DocumentReady:
    """The stored file of the current inputs (job None), or the job rendering it (document None).

    filename is None only when the subject is not in the conference (the caller answers 404).
    """

    document: RenderedDocument | None
    job: Job | None
    filename: str | None


def _active_job(conference: Conference, kind: str, subject_id: int, input_hash: str) -> Job | None:
    """The job of these inputs that still runs, or failed lately (the page reloading itself must not
    start a render every few seconds for a document that fails: it tries again after a while)."""
    return (
        Job.objects.filter(
            conference=conference,
            kind=Job.Kind.DOCUMENT,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.FAILED],
            updated_at__gte=timezone.now() - DOCUMENT_STALE_AFTER,
            params__document=kind,
            params__subject_id=subject_id,
            params__input_hash=input_hash,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def document_request(*, conference: Conference, kind: str, subject_id: int = 0, user=None) -> DocumentReady:
    """The stored PDF of the document's current inputs, or the one job that renders it."""
    source = document_source(conference=conference, kind=kind, subject_id=subject_id)
    if source is None:
        return DocumentReady(document=None, job=None, filename=None)
    lookup = {"conference": conference, "kind": kind, "subject_id": source.subject_id}
    stored = rendered_document_stored(**lookup, input_hash=source.input_hash)
    if stored is not None:
        return DocumentReady(document=stored, job=None, filename=source.filename)
    with transaction.atomic():
        # Two requests at once: the second waits here and then finds the first one's job.
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        job = _active_job(locked, kind, source.subject_id, source.input_hash)
        if job is None:
            job = job_create(
                conference=locked,
                kind=Job.Kind.DOCUMENT,
                total=1,
                params={"document": kind, "subject_id": source.subject_id, "input_hash": source.input_hash},
                user=user,
            )
            transaction.on_commit(functools.partial(_dispatch, job.pk))
    # A worker that already finished (an eager task in development) leaves the file ready now.
    stored = rendered_document_stored(**lookup, input_hash=source.input_hash)
    if stored is not None:
        return DocumentReady(document=stored, job=None, filename=source.filename)
    job.refresh_from_db()
    return DocumentReady(document=None, job=job, filename=source.filename)


def _dispatch(job_id: int) -> None:
    from conferences.tasks import render_document

    render_document.delay(job_id)  # Routed to the documents queue (CELERY_TASK_ROUTES).


def document_render_run(*, job_id: int) -> RenderedDocument | None:
    """Render and store the job's document (in the worker); the stored one if its inputs were rendered."""
    job = Job.objects.filter(pk=job_id, kind=Job.Kind.DOCUMENT).select_related("conference").first()
    if job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
        return None
    job_start(job_id=job_id)
    conference, kind = job.conference, job.params["document"]
    try:
        # The inputs as they are now: an edit made since the request is in the PDF, under its own hash.
        source = document_source(conference=conference, kind=kind, subject_id=job.params["subject_id"])
        if source is None:  # The decision or invitation was deleted meanwhile.
            job_fail(job_id=job_id, error="The document's subject no longer exists.")
            return None
        lookup = {"conference": conference, "kind": kind, "subject_id": source.subject_id}
        stored = rendered_document_stored(**lookup, input_hash=source.input_hash)
        if stored is None:
            stored = _store(job, lookup, source.input_hash, document_render(source))
    except Exception as exc:  # The requester sees the error on the job.
        logger.exception("Document job %s failed", job_id)
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        return None
    job_finish(job_id=job_id, result={"url": _url(stored), "document": stored.pk, "size": stored.size})
    return stored


def _store(job: Job, lookup: dict, input_hash: str, pdf: bytes) -> RenderedDocument:
    field = RenderedDocument._meta.get_field("file")
    draft = RenderedDocument(**lookup)
    name = field.storage.save(field.generate_filename(draft, "document.pdf"), ContentFile(pdf))
    try:
        with transaction.atomic():
            stored = RenderedDocument.objects.create(
                **lookup, input_hash=input_hash, file=name, size=len(pdf), job=job
            )
            older = list(RenderedDocument.objects.filter(**lookup).exclude(pk=stored.pk))
            RenderedDocument.objects.filter(pk__in=[row.pk for row in older]).delete()
            old_names = [row.file.name for row in older]
            transaction.on_commit(lambda: [field.storage.delete(old) for old in old_names])
            return stored
    except IntegrityError:  # The same inputs were stored by a second delivery of the task meanwhile.
        field.storage.delete(name)
        return RenderedDocument.objects.get(**lookup, input_hash=input_hash)


def _url(document: RenderedDocument) -> str:
    """Where the document is asked for again, on the organizer's pages."""
    slug = document.conference.slug
    if document.kind == RenderedDocument.Kind.AWARD_DECISION:
        return reverse(
            "conferences:organizer-award-decision-pdf", kwargs={"slug": slug, "pk": document.subject_id}
        )
    if document.kind == RenderedDocument.Kind.RUNNING_SHEET:
        return reverse("conferences:organizer-ceremony-running-sheet", kwargs={"slug": slug})
    return reverse(
        "conferences:organizer-invitation-letter", kwargs={"slug": slug, "pk": document.subject_id}
    )
