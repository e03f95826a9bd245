"""Reads of jobs: one for its watcher, the latest of a kind for a conference's page."""

import datetime

from django.db.models import Q
from django.utils import timezone

from conferences.models import Job
from conferences.selectors.conferences import conference_ids_organized_by, token_scope

# A job that has not moved for this long is taken for dead: a new one may start beside it.
STALE_AFTER = datetime.timedelta(minutes=15)


def job_get_for_user(*, pk: int, user) -> Job | None:
    """The job if the user started it or organizes its conference (superusers: any); else None."""
    if not user.is_authenticated:
        return None
    jobs = Job.objects.select_related("conference")
    scope = token_scope(user)
    if scope is not None:
        # A scoped token sees its conference's jobs only, not the user's other ones (nor imports).
        jobs = jobs.filter(conference_id=scope)
    if not user.is_superuser:
        organized = conference_ids_organized_by(user=user)
        jobs = jobs.filter(Q(created_by=user) | Q(conference_id__in=organized))
    return jobs.filter(pk=pk).first()


def job_latest(*, conference, kind: str) -> Job | None:
    """The conference's newest job of this kind (the one its page shows), or None."""
    return Job.objects.filter(conference=conference, kind=kind).order_by("-created_at", "-pk").first()


def job_active(*, conference, kind: str) -> Job | None:
    """A queued or running job of this kind that moved in the last STALE_AFTER, or None."""
    return (
        Job.objects.filter(
            conference=conference,
            kind=kind,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            updated_at__gte=timezone.now() - STALE_AFTER,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def job_percent(job: Job) -> int:
    """How far the job is, 0-100 (a finished job of no units is 100)."""
    if job.total == 0:
        return 100 if job.status == Job.Status.DONE else 0
    return min(100, job.done * 100 // job.total)


def job_latest_started_by(*, user, kind: str) -> Job | None:
    """The user's newest job of this kind (for work that belongs to no conference, such as imports)."""
    if not user.is_authenticated:
        return None
    return Job.objects.filter(created_by=user, kind=kind).order_by("-created_at", "-pk").first()
