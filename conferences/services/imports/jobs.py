"""Importing a file of agencies as a job: the request records it, a worker writes it.

The import itself stays all or nothing (import_commit, one transaction), so the
job moves from queued to running to done or failed, with no steps in between
that another connection could see; the organizer's page follows those states.
"""

import datetime
import functools
import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import Job
from conferences.services.imports import import_commit
from conferences.services.jobs import job_create, job_fail, job_finish, job_start
from core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

ERRORS_NAMED = 5  # Row errors quoted in a failed job's text; the preview lists every one.


def import_start(*, path: str, filename: str, actor) -> Job:
    """Record an import of the uploaded file at `path` as a job; a worker runs it once this commits.

    An import of the same file still queued or running is returned instead of a second one,
    so a double click imports once.
    """
    from conferences.tasks import import_organizations

    with transaction.atomic():
        running = (
            Job.objects.filter(
                kind=Job.Kind.ORGANIZATION_IMPORT,
                status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
                params__path=path,
            )
            .order_by("-pk")
            .first()
        )
        if running is not None:
            return running
        job = job_create(
            conference=None,
            kind=Job.Kind.ORGANIZATION_IMPORT,
            total=1,
            params={"path": path, "filename": filename},
            user=actor,
        )
        transaction.on_commit(functools.partial(import_organizations.delay, job.pk))
    return job


def import_job_run(*, job_id: int) -> bool:
    """Import the job's file (the worker's half of import_start); True when it was imported.

    Only the run that moves the job from queued to running imports: a task delivered twice
    does nothing the second time. The file is deleted once imported; a file that fails is
    kept, so its preview shows the errors again.
    """
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or not job_start(job_id=job_id):
        return False
    path, filename = job.params.get("path", ""), job.params.get("filename", "")
    try:
        with default_storage.open(path, "rb") as file:
            result = import_commit(file=file, filename=filename, actor=job.created_by)
    except FileNotFoundError:
        job_fail(job_id=job_id, error=_("The uploaded file is no longer here: upload it again."))
        return False
    except ApplicationError as exc:
        rows = (exc.extra or {}).get("errors") or []
        named = "; ".join(
            _("row %(row)s: %(message)s")
            % {"row": error.get("row", "?"), "message": error.get("message", "")}
            for error in rows[:ERRORS_NAMED]
        )
        job_fail(job_id=job_id, error=f"{exc.message} {named}".strip())
        return False
    except Exception as exc:  # Any other failure ends the job with its text, for the organizer to see.
        logger.exception("Import job %s failed", job_id)
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        return False
    default_storage.delete(path)
    job_finish(
        job_id=job_id,
        result={
            "url": reverse("conferences:organization-import"),
            "filename": filename,
            "counts": result.counts,
        },
    )
    return True


def import_jobs_resume(*, stalled_before: datetime.datetime, running_before: datetime.datetime) -> int:
    """Send again the task of imports that never started, or whose worker died while importing.

    A job still queued since before `stalled_before` lost its task: sending it again is safe,
    only the run that starts the job imports. A job running since before `running_before` (far
    longer than an import takes) lost its worker, whose transaction imported nothing; it is
    queued again so a new task can start it. Importing the same file twice updates what the
    first run wrote rather than duplicating it. Return how many jobs were sent again.
    """
    from conferences.tasks import import_organizations

    now = timezone.now()
    active = Job.objects.filter(kind=Job.Kind.ORGANIZATION_IMPORT)
    ids = list(
        active.filter(status=Job.Status.QUEUED, updated_at__lt=stalled_before).values_list("pk", flat=True)
    )
    for job_id in list(
        active.filter(status=Job.Status.RUNNING, updated_at__lt=running_before).values_list("pk", flat=True)
    ):
        # Conditional: a worker that finishes meanwhile keeps its result.
        if active.filter(pk=job_id, status=Job.Status.RUNNING).update(
            status=Job.Status.QUEUED, updated_at=now
        ):
            ids.append(job_id)
    # The next sweep waits a full period again before sending these a second time.
    active.filter(pk__in=ids, status=Job.Status.QUEUED).update(updated_at=now)
    for job_id in ids:
        import_organizations.delay(job_id)
    return len(ids)
