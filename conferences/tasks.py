"""Celery tasks: thin wrappers that take ids, call a service and can safely run twice."""

import logging

from celery import shared_task
from celery.signals import worker_process_init

from conferences.services.agenda_publishing import agenda_version_prepare
from conferences.services.conferences import conference_close_finished
from conferences.services.invitation_sending import (
    invitation_letter_send,
    invitation_send_drafts,
    rsvp_reminders_replan,
)
from conferences.services.nomination_notices import nomination_decision_notify, nomination_received_notify
from conferences.services.paper_decisions import paper_decision_notices_write, revision_rounds_close_due
from conferences.services.papers import paper_received_notify
from conferences.services.rsvp import registration_confirmation_send
from conferences.services.stalled import stalled_work_redispatch

logger = logging.getLogger(__name__)


@worker_process_init.connect
def _documents_warm_up(**kwargs) -> None:
    """Each worker process loads WeasyPrint as it starts, so no task's first PDF waits for it.

    And starts the helpers it keeps for long documents' chunks (settings.DOCUMENT_RENDER_HELPERS).
    """
    from django.conf import settings

    from conferences.documents.rendering import documents_warm_up
    from conferences.documents.workers import keep_helpers

    try:
        documents_warm_up()
        keep_helpers(settings.DOCUMENT_RENDER_HELPERS)
    except Exception:  # A document that cannot render fails in its own task, with its own error.
        logger.exception("Could not warm up the PDF renderer.")


@shared_task
def close_finished_conferences() -> int:
    """Close published conferences that have ended (run by beat; idempotent)."""
    closed = conference_close_finished()
    if closed:
        logger.info("Closed %d finished conference(s).", closed)
    return closed


@shared_task(acks_late=True)
def send_invitations(
    invitation_ids: list[int], actor_id: int | None = None, job_id: int | None = None
) -> int:
    """Send the drafts among these invitations (letters are rendered here, not in the request)."""
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return invitation_send_drafts(invitation_ids=invitation_ids, actor=actor, job_id=job_id)


@shared_task(acks_late=True)
def prepare_agenda_version(version_id: int) -> int:
    """Build a just-published agenda version's exports and write its change notices (safe to run twice)."""
    return agenda_version_prepare(version_id=version_id)


@shared_task(acks_late=True)
def send_invitation_letter(invitation_id: int, send: int, hold: bool | None = None) -> int:
    """Render the letter of one send of an invitation and write its e-mails (safe to run twice)."""
    return invitation_letter_send(invitation_id=invitation_id, send=send, hold=hold)


@shared_task(acks_late=True)
def replan_rsvp_reminders(conference_id: int, deadline: str | None) -> int:
    """Plan the waiting invitations' reminders for a moved RSVP deadline (safe to run twice)."""
    import datetime

    when = datetime.datetime.fromisoformat(deadline) if deadline else None
    return rsvp_reminders_replan(conference_id=conference_id, deadline=when)


@shared_task
def redispatch_stalled_work() -> dict:
    """Send again the work stalled too long: agenda versions, letters, jobs (run by beat; idempotent)."""
    sent = stalled_work_redispatch()
    if any(sent.values()):
        logger.warning("Sent stalled work again: %s", sent)
    return sent


@shared_task(acks_late=True)
def send_reviewer_invitation(invitation_id: int, token: str) -> int:
    """Write the e-mail carrying a reviewer invitation's link (safe to run twice)."""
    from conferences.services.reviewers import reviewer_invitation_notify

    return reviewer_invitation_notify(invitation_id=invitation_id, token=token)


@shared_task(acks_late=True)
def write_paper_decision_notices(paper_ids: list[int]) -> int:
    """Write the held letters about these papers' latest decisions (safe to run twice)."""
    return paper_decision_notices_write(paper_ids=paper_ids)


@shared_task
def lock_revised_papers() -> int:
    """Lock the papers of every revision round that has closed; they become accepted (run by beat)."""
    locked = revision_rounds_close_due()
    if locked:
        logger.info("Locked the final version of %d revised paper(s).", locked)
    return locked


@shared_task(acks_late=True)
def build_review_summary(conference_id: int, stamp: str) -> bool:
    """Render the all-papers review summary PDF into the cache (safe to run twice)."""
    from conferences.exports.review_summary import review_summary_build

    return review_summary_build(conference_id=conference_id, stamp=stamp)


@shared_task(acks_late=True)
def send_paper_received(revision_id: int) -> int:
    """Write the confirmation of one revision of a paper to the outbox (safe to run twice)."""
    return paper_received_notify(revision_id=revision_id)


@shared_task(acks_late=True)
def render_certificate_chunk(job_id: int, certificate_ids: list[int]) -> int:
    """Render and store a chunk of a certificate job's PDFs that have no file yet (safe to run twice)."""
    from conferences.services.certificate_generation import certificate_chunk_render

    return certificate_chunk_render(job_id=job_id, certificate_ids=certificate_ids)


@shared_task(acks_late=True)
def send_registration_confirmation(registration_id: int, token_hash: str) -> int:
    """Render a new delegate's e-ticket and write their confirmation (safe to run twice)."""
    return registration_confirmation_send(registration_id=registration_id, token_hash=token_hash)


@shared_task(acks_late=True)
def send_nomination_received(nomination_id: int) -> int:
    """Write the receipt of a nomination to the agency that sent it (safe to run twice)."""
    return nomination_received_notify(nomination_id=nomination_id)


@shared_task(acks_late=True)
def write_nomination_decision_notices(nomination_ids: list[int]) -> int:
    """Write the held decision notices of these nominations to their agencies (safe to run twice)."""
    return sum(nomination_decision_notify(nomination_id=pk) for pk in nomination_ids)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def build_proceedings(job_id: int) -> int | None:
    """Render and store a proceedings build (on the documents queue; safe to run twice)."""
    from conferences.services.proceedings import proceedings_build_run

    built = proceedings_build_run(job_id=job_id)
    return built.pk if built else None


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def render_document(job_id: int) -> int | None:
    """Render and store a large document a request asked for (on the documents queue; safe to run twice)."""
    from conferences.services.rendered_documents import document_render_run

    stored = document_render_run(job_id=job_id)
    return stored.pk if stored else None


@shared_task(acks_late=True)
def import_organizations(job_id: int) -> bool:
    """Import the uploaded file of agencies of an import job (a second delivery does nothing)."""
    from conferences.services.imports.jobs import import_job_run

    return import_job_run(job_id=job_id)
