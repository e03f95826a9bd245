"""Building the proceedings (kỷ yếu) and the book of abstracts as jobs, and storing each build.

proceedings_build decides in the request: it gathers the inputs and hashes them; a stored
book of the same hash, kind and variant is returned at once (no job, no render). Otherwise it
records a Job and, when that commits, sends one task to the ``documents`` queue, so a long
render never waits in front of notices. The task renders, stores the file and records the
build; it can run twice: the unique (conference, kind, variant, hash) row is written once and
a second copy of the file is deleted.
"""

import functools
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import AuditEntry, Conference, Job, Paper, PaperFigure, Proceedings, Registration
from conferences.selectors.jobs import STALE_AFTER
from conferences.selectors.papers import call_for_papers_get, paper_edit_state
from conferences.selectors.proceedings import proceedings_input_hash, proceedings_inputs, proceedings_stored
from conferences.services.audit import audit_record
from conferences.services.jobs import job_create, job_fail, job_finish, job_start
from conferences.services.uploads import figure_inspect, stored_file_remember, stored_files_removed_on_error
from core.exceptions import ApplicationError
from core.text import nfc

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildStarted:
    """Either the stored book of unchanged inputs (job None) or the job that builds a new one."""

    proceedings: Proceedings | None
    job: Job | None


def _cleaned(kind: str, variant: str) -> tuple[str, str]:
    if kind not in Proceedings.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of book: %(kind)s.") % {"kind": kind}})
    if variant not in Proceedings.Variant.values:
        raise ValidationError({"variant": _("Unknown variant: %(variant)s.") % {"variant": variant}})
    return kind, variant


def _active_job(conference: Conference, kind: str, variant: str) -> Job | None:
    return (
        Job.objects.filter(
            conference=conference,
            kind=Job.Kind.PROCEEDINGS,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            updated_at__gte=timezone.now() - STALE_AFTER,
            params__kind=kind,
            params__variant=variant,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def proceedings_build(*, conference: Conference, kind: str, variant: str, user) -> BuildStarted:
    """Return the stored book of unchanged inputs, or start (or join) the job that builds it."""
    kind, variant = _cleaned(kind, variant)
    input_hash = proceedings_input_hash(conference=conference, kind=kind)
    stored = proceedings_stored(conference=conference, kind=kind, variant=variant, input_hash=input_hash)
    if stored is not None:
        return BuildStarted(proceedings=stored, job=None)
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        active = _active_job(locked, kind, variant)
        if active is not None:  # Two clicks make one job.
            return BuildStarted(proceedings=None, job=active)
        job = job_create(
            conference=locked,
            kind=Job.Kind.PROCEEDINGS,
            total=1,
            params={"kind": kind, "variant": variant, "input_hash": input_hash},
            user=user,
        )
        # As certificate generation: a build that renders is recorded; a stored book returned is not.
        audit_record(
            action=AuditEntry.Action.PROCEEDINGS_BUILD_STARTED,
            target=job,
            conference=locked,
            actor=user,
            data={"kind": kind, "variant": variant, "input_hash": input_hash},
        )
        transaction.on_commit(functools.partial(_dispatch, job.pk))
    job.refresh_from_db()
    return BuildStarted(proceedings=None, job=job)


def proceedings_jobs_resume(*, stalled_before) -> int:
    """Send again the builds still queued or running that stopped moving before `stalled_before`.

    A broker that lost the task, or a worker that died for good, leaves a job that this
    sweep (beat) sends again. The task can run twice (one stored row per inputs), so a build
    that is merely slow costs at most a second render. Return how many jobs were sent again.
    """
    jobs = list(
        Job.objects.filter(
            kind=Job.Kind.PROCEEDINGS,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            updated_at__lt=stalled_before,
        ).values_list("pk", flat=True)
    )
    sent = 0
    for job_id in jobs:
        # Conditional: of two sweeps at once, one sends the job; the next sweep waits a full
        # period again. The task runs a running job too (proceedings_build_run).
        if Job.objects.filter(pk=job_id, updated_at__lt=stalled_before).update(updated_at=timezone.now()):
            _dispatch(job_id)
            sent += 1
    return sent


def _dispatch(job_id: int) -> None:
    from conferences.tasks import build_proceedings

    build_proceedings.delay(job_id)  # Routed to the documents queue (CELERY_TASK_ROUTES).


def _result(proceedings: Proceedings) -> dict:
    return {
        "url": proceedings_download_url(proceedings),
        "proceedings": proceedings.pk,
        "version": proceedings.version,
        "pages": proceedings.pages,
    }


def proceedings_download_url(proceedings: Proceedings) -> str:
    return reverse(
        "conferences:organizer-proceedings-download",
        kwargs={"slug": proceedings.conference.slug, "pk": proceedings.pk},
    )


def _version_for(conference: Conference, kind: str, input_hash: str) -> int:
    """The same inputs keep their version in every variant; new inputs take the next number."""
    same = Proceedings.objects.filter(conference=conference, kind=kind, input_hash=input_hash).first()
    if same is not None:
        return same.version
    latest = Proceedings.objects.filter(conference=conference, kind=kind).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def proceedings_build_run(*, job_id: int) -> Proceedings | None:
    """Render and store the job's book (in the worker); the stored one if these inputs were built already."""
    from conferences.documents.proceedings import render_book

    job = Job.objects.filter(pk=job_id, kind=Job.Kind.PROCEEDINGS).select_related("conference").first()
    if job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
        return None
    job_start(job_id=job_id)
    conference, kind, variant = job.conference, job.params["kind"], job.params["variant"]
    try:
        # The inputs as they are now: an edit made since the click is in the book. Hashed before
        # they are read: an edit in between makes a book newer than its hash, which the next
        # click rebuilds, never an old book under a new hash.
        input_hash = proceedings_input_hash(conference=conference, kind=kind)
        inputs = proceedings_inputs(conference=conference, kind=kind)
        stored = proceedings_stored(conference=conference, kind=kind, variant=variant, input_hash=input_hash)
        if stored is None:
            stored = _render_and_store(job, inputs, input_hash, render_book)
    except Exception as exc:  # The organizer sees the error on the job.
        logger.exception("Proceedings job %s failed", job_id)
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        return None
    job_finish(job_id=job_id, result=_result(stored))
    return stored


def _render_and_store(job: Job, inputs, input_hash: str, render_book) -> Proceedings:
    conference, kind, variant = job.conference, job.params["kind"], job.params["variant"]
    version = _version_for(conference, kind, input_hash)
    book = render_book(inputs, variant=variant, version=version)
    field = Proceedings._meta.get_field("file")
    draft = Proceedings(conference=conference, kind=kind, variant=variant)
    name = field.storage.save(field.generate_filename(draft, "book.pdf"), ContentFile(book.pdf))
    try:
        with transaction.atomic():
            Conference.objects.select_for_update().get(pk=conference.pk)
            return Proceedings.objects.create(
                conference=conference,
                kind=kind,
                variant=variant,
                # Taken again under the lock: a build of other inputs may have taken the number meanwhile.
                version=_version_for(conference, kind, input_hash),
                input_hash=input_hash,
                file=name,
                pages=book.pages,
                size=len(book.pdf),
                job=job,
                created_by=job.created_by,
            )
    except IntegrityError:  # Another run stored these inputs first: keep its file, drop this copy.
        field.storage.delete(name)
        return Proceedings.objects.get(
            conference=conference, kind=kind, variant=variant, input_hash=input_hash
        )


def conference_foreword_update(*, conference: Conference, foreword: str) -> Conference:
    """Set the proceedings' foreword (Markdown, sanitised when it is printed)."""
    conference.proceedings_foreword = nfc(foreword, multiline=True) or ""
    conference.full_clean(validate_unique=False, validate_constraints=False)
    Conference.objects.filter(pk=conference.pk).update(proceedings_foreword=conference.proceedings_foreword)
    return conference


FIGURE_MAX_BYTES = 10 * 1024 * 1024


def _figures_changeable(paper: Paper, registration: Registration | None) -> Paper:
    """The paper's row, locked, if its figures may change now; else an ApplicationError.

    A delegate's link changes the figures of the papers it sent, when paper_edit_state lets it
    change the paper: figures print with the locked final version, so never after the lock,
    and only while the text that refers to them may change. Without a link (the demo, the
    benchmarks, an organizer's import) no state is asked.
    """
    locked = Paper.objects.select_for_update().select_related("conference").get(pk=paper.pk)
    if registration is not None:
        if locked.registration_id != registration.pk:
            raise ApplicationError(_("Only the delegate who sent this paper can change its figures."))
        state = paper_edit_state(locked, call_for_papers_get(locked.conference))
        if not state.can_edit:
            raise ApplicationError(state.reason or _("This paper can no longer be changed."))
    return locked


def paper_figure_add(
    *, paper: Paper, upload, caption: str = "", registration: Registration | None = None
) -> PaperFigure:
    """Check an uploaded image (the upload checks of papers' files) and add it last to the paper's figures.

    The book prints a paper's figures after its text, numbered in order ("Hình 1", "Hình 2"...).
    With `registration`, the delegate's link that sent the paper (see _figures_changeable).
    The image is judged before anything is written; its file is deleted if the row is not.
    """
    inspected = figure_inspect(upload, max_bytes=FIGURE_MAX_BYTES)
    with stored_files_removed_on_error(), transaction.atomic():
        locked = _figures_changeable(paper, registration)
        last = locked.figures.aggregate(p=Max("position"))["p"]
        figure = PaperFigure(
            paper=locked,
            caption=nfc(caption, multiline=False) or "",
            position=0 if last is None else last + 1,
            width=inspected.width,
            height=inspected.height,
            sha256=inspected.sha256,
        )
        figure.full_clean(exclude=["image"])
        figure.image.save(f"figure{inspected.extension}", ContentFile(inspected.data), save=False)
        stored_file_remember(figure.image)
        figure.save()
    return figure


def paper_figure_remove(*, paper: Paper, figure_id: int, registration: Registration | None = None) -> None:
    """Remove one of the paper's figures; its file goes once the removal is committed.

    The figures after it move up one number in the book.
    """
    with transaction.atomic():
        locked = _figures_changeable(paper, registration)
        figure = PaperFigure.objects.filter(paper=locked, pk=figure_id).first()
        if figure is None:
            raise ApplicationError(_("This paper has no such figure."), extra={"figure": figure_id})
        storage, name = figure.image.storage, figure.image.name
        figure.delete()
        transaction.on_commit(functools.partial(storage.delete, name))
