"""Jobs: long work a worker does in units, watched by the organizer as it progresses.

Every change is one conditional UPDATE, so workers that run chunks of the same job
at once (two pool processes, a chunk redelivered after its worker died) never
lose a count, never count past the total and never move a finished job back.
"""

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from conferences.models import Conference, Job

ERROR_MAX_CHARS = 2000


def job_create(*, conference: Conference | None, kind: str, total: int, params: dict, user=None) -> Job:
    """Record a queued job of `total` units; the caller sends its tasks when its transaction commits."""
    return Job.objects.create(
        conference=conference,
        kind=kind,
        total=total,
        params=params,
        created_by=user if user is not None and user.is_authenticated else None,
    )


def job_start(*, job_id: int) -> bool:
    """Mark a queued job running; False when it is already running, finished or gone."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=now, updated_at=now
        )
    )


def job_advance(*, job_id: int, by: int) -> int:
    """Count `by` more units done, never past the total (one UPDATE; concurrent chunks add up).

    Return the number of rows changed (0 when the job is gone or `by` is 0).
    """
    if by <= 0:
        return 0
    return Job.objects.filter(pk=job_id).update(
        done=Least(F("done") + by, F("total")), updated_at=timezone.now()
    )


def job_finish(*, job_id: int, result: dict | None = None) -> bool:
    """Mark a running (or still queued) job done with every unit counted; False if it was finished before.

    A unit another job did (two jobs over the same certificates) counts as done here too.
    """
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            status=Job.Status.DONE,
            done=F("total"),
            result=result or {},
            finished_at=now,
            updated_at=now,
            started_at=Coalesce(F("started_at"), Value(now)),
        )
    )


def job_fail(*, job_id: int, error: str) -> bool:
    """Mark an unfinished job failed and keep the error; False if it had already finished."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            status=Job.Status.FAILED, error=(error or "?")[:ERROR_MAX_CHARS], finished_at=now, updated_at=now
        )
    )
