"""Sending invitations: the document number, the letter, the RSVP link and the planned reminders.

A send is decided in a short transaction (invitation_send: number, count,
status, audit entry); the letter PDF is rendered and the e-mails written by a
worker afterwards (invitation_letter_send), so no request renders a PDF or holds
the invitation locked while one renders.
"""

import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.documents.invitation_letter import invitation_letter_filename, render_invitation_letter
from conferences.enums import NoticeKind
from conferences.models import AuditEntry, Conference, DocumentKind, Invitation, InvitationLink, Job
from conferences.selectors.invitations import invitation_drafts_matching
from conferences.selectors.notices import (
    invitation_letter_key,
    invitation_letter_written,
    invitation_notice_prefix,
    invitation_reminder_prefix,
)
from conferences.services.audit import audit_record
from conferences.services.documents import document_number_allocate
from conferences.services.jobs import job_advance, job_create, job_finish, job_start
from conferences.services.notices import conference_notify, organization_recipients, person_recipient
from core.exceptions import ApplicationError
from core.tokens import token_new
from notifications.selectors import notifications_with_key_prefix
from notifications.services import Attachment, Recipient, notification_cancel_waiting


def rsvp_url(token: str) -> str:
    return settings.SITE_URL + reverse("conferences:rsvp", kwargs={"token": token})


def rsvp_link_expiry(conference: Conference) -> datetime.datetime:
    deadline = conference.rsvp_deadline or conference.starts_at
    return deadline + datetime.timedelta(days=settings.RSVP_LINK_GRACE_DAYS)


def invitation_link_create(*, invitation: Invitation) -> str:
    """Make a new RSVP link for the invitation and return its URL (the token is not kept)."""
    token, token_hash = token_new()
    InvitationLink.objects.create(
        invitation=invitation, token_hash=token_hash, expires_at=rsvp_link_expiry(invitation.conference)
    )
    return rsvp_url(token)


def invitation_links_revoke(*, invitation: Invitation) -> int:
    return InvitationLink.objects.filter(invitation=invitation, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def invitation_recipients(invitation: Invitation) -> list[Recipient]:
    if invitation.organization_id:
        return organization_recipients(invitation.organization)
    if invitation.person.email:
        return [person_recipient(invitation.person)]
    return []


@transaction.atomic
def invitation_send(*, invitation: Invitation, actor=None, hold: bool | None = None) -> Invitation:
    """Number the letter and count the send; a worker then writes the e-mail with the letter.

    The invitation is locked only while its number, send count and status are
    decided; the letter is rendered and the e-mail (with a new RSVP link) and its
    reminders are written by invitation_letter_send, in a task sent when this
    transaction commits. Sending again writes a new e-mail with a new link
    (earlier links keep working until they expire); the document number stays.
    Reminders of an earlier send are cancelled and planned again with the new link.
    Return the invitation as it now stands.
    """
    from conferences.tasks import send_invitation_letter

    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("conference__host", "organization", "person", "document")
        .get(pk=invitation.pk)
    )
    conference = invitation.conference
    if invitation.status == Invitation.Status.REVOKED:
        raise ApplicationError(_("This invitation has been revoked."))
    if conference.status == Conference.Status.CLOSED:
        raise ApplicationError(_("The conference is closed."))
    if not invitation_recipients(invitation):
        raise ApplicationError(
            _("%(name)s has no e-mail address to send the invitation to.")
            % {"name": invitation.invitee_name},
            fields={"contact_emails": [_("Add an e-mail address for this agency.")]},
        )
    now = timezone.now()
    if invitation.document_id is None:
        invitation.document = document_number_allocate(
            issuer=conference.host, kind=DocumentKind.INVITATION, issued_on=timezone.localdate(now)
        )
    invitation.send_count += 1
    invitation.sent_at = now
    if invitation.status == Invitation.Status.DRAFT:
        invitation.status = Invitation.Status.SENT
    invitation.save()
    # The earlier send's reminders carry its link: they stop now, the new send plans its own.
    reminders_cancel(invitation=invitation)
    if actor is not None:
        audit_record(
            action=AuditEntry.Action.INVITATION_SENT,
            target=invitation,
            conference=conference,
            actor=actor,
            data={"send": invitation.send_count, "document": invitation.document.formatted},
        )
    transaction.on_commit(partial(send_invitation_letter.delay, invitation.pk, invitation.send_count, hold))
    return invitation


def invitation_letter_send(*, invitation_id: int, send: int, hold: bool | None = None) -> int:
    """Write the e-mails of one send: the letter, a new RSVP link, the reminders (the worker's half).

    Run by the task invitation_send sends on commit. The letter renders before
    any lock is taken; the link and the e-mails are then written in one short
    transaction, so a link exists only with the e-mail that carries it. A send
    written already (the task ran twice) writes nothing. Return how many
    e-mails were written.
    """
    invitation = (
        Invitation.objects.select_related("conference__host__parent", "organization", "person", "document")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status == Invitation.Status.REVOKED:
        return 0  # Deleted or revoked since: nothing to send.
    if invitation_letter_written(invitation_id=invitation_id, send=send):
        return 0
    recipients = invitation_recipients(invitation)
    if not recipients:
        return 0  # The addresses were removed since; sending again names the reason.
    letter = Attachment(
        filename=invitation_letter_filename(invitation),
        content=render_invitation_letter(invitation),
        content_type="application/pdf",
    )
    with transaction.atomic():
        # Locked while the e-mails are written (no rendering here): a second run of this send waits,
        # then finds them; a revocation meanwhile is seen.
        current = Invitation.objects.select_for_update().get(pk=invitation_id)
        if current.status == Invitation.Status.REVOKED or invitation_letter_written(
            invitation_id=invitation_id, send=send
        ):
            return 0
        context = {
            "invitation": invitation,
            "conference": invitation.conference,
            "rsvp_url": invitation_link_create(invitation=invitation),
        }
        rows = conference_notify(
            conference=invitation.conference,
            recipients=recipients,
            kind=NoticeKind.INVITATION,
            context=context,
            idempotency_key=invitation_letter_key(invitation_id, send),
            attachments=[letter],
            hold=hold,
        )
        if current.send_count == send and current.status == Invitation.Status.SENT:
            # The latest send plans the reminders; an answer or a later send since means none.
            reminders_cancel(invitation=invitation)
            _plan_reminders(invitation, recipients, context, timezone.now())
    return len(rows)


def _plan_reminders(invitation, recipients, context, now) -> None:
    """Reminders are outbox rows due before the deadline; answering cancels them."""
    deadline = invitation.conference.rsvp_deadline
    if deadline is None:
        return
    for days in sorted(set(settings.RSVP_REMINDER_DAYS), reverse=True):
        due = deadline - datetime.timedelta(days=days)
        if due <= now:
            continue
        conference_notify(
            conference=invitation.conference,
            recipients=recipients,
            kind=NoticeKind.INVITATION_REMINDER,
            context={**context, "days_left": days},
            # The deadline is in the key: a moved deadline plans new reminders, not the cancelled ones.
            idempotency_key=(
                f"{invitation_reminder_prefix(invitation.pk)}{days}d:v{invitation.send_count}:{deadline:%Y%m%d%H%M}"
            ),
            not_before=due,
            hold=False,
        )


def reminders_cancel(*, invitation: Invitation) -> int:
    """Cancel the reminders still waiting for this invitation (it was answered, sent again or revoked)."""
    return notification_cancel_waiting(key_prefix=invitation_reminder_prefix(invitation.pk))


def rsvp_deadline_changed(*, conference: Conference) -> None:
    """Follow a moved RSVP deadline: links live until the new one, reminders are planned again.

    The links' expiry moves in one statement, in the caller's transaction; the
    reminders (a new link and e-mails per waiting invitation) are planned by a
    task sent on commit, so a deadline moved for hundreds of agencies costs the
    request one UPDATE.
    """
    from conferences.tasks import replan_rsvp_reminders

    InvitationLink.objects.filter(invitation__conference=conference, revoked_at__isnull=True).update(
        expires_at=rsvp_link_expiry(conference)
    )
    deadline = conference.rsvp_deadline.isoformat() if conference.rsvp_deadline else None
    transaction.on_commit(partial(replan_rsvp_reminders.delay, conference.pk, deadline))


def rsvp_reminders_replan(*, conference_id: int, deadline: datetime.datetime | None) -> int:
    """Plan the reminders of every invitation still waiting for an answer, for this deadline.

    Return how many invitations got new reminders. A task of an older deadline
    (moved again since) does nothing; an invitation whose reminders for this
    deadline exist already is left alone, so running twice plans once.
    """
    conference = Conference.objects.select_related("host").filter(pk=conference_id).first()
    if conference is None or conference.rsvp_deadline != deadline:
        return 0
    waiting = list(
        Invitation.objects.filter(conference=conference, status=Invitation.Status.SENT).values_list(
            "pk", flat=True
        )
    )
    return sum(_replan_one(invitation_id=pk, deadline=deadline) for pk in waiting)


@transaction.atomic
def _replan_one(*, invitation_id: int, deadline: datetime.datetime | None) -> bool:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("conference__host", "organization", "person", "document")
        .get(pk=invitation_id)
    )
    if invitation.status != Invitation.Status.SENT:
        return False
    stamp = f"{deadline:%Y%m%d%H%M}" if deadline else ""
    planned = notifications_with_key_prefix(prefix=invitation_reminder_prefix(invitation.pk), waiting=True)
    if deadline and any(
        row.idempotency_key.split("|", 1)[0].endswith(f":v{invitation.send_count}:{stamp}") for row in planned
    ):
        return False
    reminders_cancel(invitation=invitation)
    now = timezone.now()
    recipients = invitation_recipients(invitation)
    if not recipients or deadline is None or deadline <= now:
        return False
    context = {
        "invitation": invitation,
        "conference": invitation.conference,
        "rsvp_url": invitation_link_create(invitation=invitation),
    }
    _plan_reminders(invitation, recipients, context, now)
    return True


# Invitations per task: a few seconds of letters, so several workers share a big send.
SEND_CHUNK_SIZE = 50


def invitation_send_bulk(
    *,
    conference: Conference,
    invitation_ids: list[int] | None = None,
    filters: dict | None = None,
    actor=None,
) -> Job | None:
    """Queue the first sending of draft invitations as a job; the letters are made by workers.

    The drafts are those among `invitation_ids`, or, given `filters` instead, every draft the
    organizers' list shows with those filters, counted here again whatever the page showed.
    Bulk sends are held for approval in the outbox. Only drafts are sent, so queuing the same
    selection twice sends each invitation once. Return the job (None when no draft matched).
    """
    from conferences.tasks import send_invitations

    if filters is not None:
        drafts = invitation_drafts_matching(conference=conference, filters=filters)
    else:
        drafts = Invitation.objects.filter(
            conference=conference, pk__in=invitation_ids or [], status=Invitation.Status.DRAFT
        )
    ids = list(drafts.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return None
    job = job_create(
        conference=conference,
        kind=Job.Kind.INVITATIONS,
        total=len(ids),
        params={"invitation_ids": ids},
        user=actor,
    )
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    for start in range(0, len(ids), SEND_CHUNK_SIZE):
        chunk = ids[start : start + SEND_CHUNK_SIZE]
        transaction.on_commit(partial(send_invitations.delay, chunk, actor_id, job.pk))
    return job


def invitation_send_drafts(*, invitation_ids: list[int], actor=None, job_id: int | None = None) -> int:
    """Send each invitation that is still a draft (the worker's half of invitation_send_bulk).

    With a job, every invitation this run looks at counts one unit, whatever became of it
    (sent, left a draft for want of an address, revoked or sent meanwhile), so the count always
    reaches the total; a chunk delivered twice may count early, the total caps it. The run that
    completes the count finishes the job.
    """
    if job_id is not None and not Job.objects.filter(pk=job_id).exists():
        return 0  # The job was deleted (its conference with it): nothing is wanted any more.
    if job_id is not None:
        job_start(job_id=job_id)
    sent = 0
    for invitation_id in invitation_ids:
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(skip_locked=True)
                .filter(pk=invitation_id, status=Invitation.Status.DRAFT)
                .first()
            )
            if invitation is not None:
                try:
                    invitation_send(invitation=invitation, actor=actor, hold=True)
                except ApplicationError:
                    pass  # No address: the organizer sees it as a draft still, with the reason on send.
                else:
                    sent += 1
            # Else sent already (a task run twice), revoked, or being sent by another worker.
            if job_id is not None:
                job_advance(job_id=job_id, by=1)
    if job_id is not None:
        _finish_send_job(job_id)
    return sent


def invitation_jobs_resume(*, stalled_before: datetime.datetime) -> int:
    """Send again the drafts of unfinished sending jobs that stopped moving before `stalled_before`.

    A lost chunk leaves its invitations drafts and the job short of its total; the drafts
    among the job's invitations go out again (invitation_send_drafts sends only drafts, so
    one sent meanwhile is not sent twice, and the total caps the count). A job with no draft
    left is finished. Return how many jobs were resumed.
    """
    from conferences.tasks import send_invitations

    jobs = list(
        Job.objects.filter(
            kind=Job.Kind.INVITATIONS,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            updated_at__lt=stalled_before,
        )
    )
    for job in jobs:
        drafts = list(
            Invitation.objects.filter(
                pk__in=job.params.get("invitation_ids", []), status=Invitation.Status.DRAFT
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # What is no longer a draft was done, by a chunk or by hand; the drafts sent now count the rest.
        # The next sweep waits a full period again before sending these a second time.
        Job.objects.filter(pk=job.pk).update(
            done=Greatest(F("done"), job.total - len(drafts)), updated_at=timezone.now()
        )
        if not drafts:
            # Every invitation was sent, revoked or sent by hand meanwhile: nothing is left to count.
            _finish_send_job(job.pk, complete=True)
            continue
        for start in range(0, len(drafts), SEND_CHUNK_SIZE):
            send_invitations.delay(drafts[start : start + SEND_CHUNK_SIZE], job.created_by_id, job.pk)
    return len(jobs)


def _finish_send_job(job_id: int, *, complete: bool = False) -> None:
    job = Job.objects.select_related("conference").filter(pk=job_id).first()
    if job is None or (job.done < job.total and not complete):
        return
    outbox = reverse("conferences:outbox", kwargs={"slug": job.conference.slug})
    held = Invitation.objects.filter(
        pk__in=job.params.get("invitation_ids", []), status=Invitation.Status.DRAFT
    ).count()
    job_finish(
        job_id=job_id,
        result={
            # The letters wait for approval in the outbox: that is where the organizer goes next.
            "url": f"{outbox}?kind={NoticeKind.INVITATION}&state=held",
            "sent": job.total - held,
            "left_as_drafts": held,
        },
    )


@transaction.atomic
def invitation_remind(*, invitation: Invitation, actor=None) -> list:
    """Send a reminder now to an agency that has not answered (at most one a day)."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("conference__host")
        .get(pk=invitation.pk)
    )
    if invitation.status != Invitation.Status.SENT:
        raise ApplicationError(_("Only an invitation that was sent and not answered can be reminded."))
    recipients = invitation_recipients(invitation)
    if not recipients:
        raise ApplicationError(_("%(name)s has no e-mail address.") % {"name": invitation.invitee_name})
    today = timezone.localdate()
    key = f"{invitation_reminder_prefix(invitation.pk)}manual:{today.isoformat()}"
    already = list(notifications_with_key_prefix(prefix=key))
    if already:
        return already  # Reminded today already: no second e-mail, and no new link that nobody got.
    if actor is not None:
        audit_record(
            action=AuditEntry.Action.INVITATION_REMINDED,
            target=invitation,
            conference=invitation.conference,
            actor=actor,
        )
    return conference_notify(
        conference=invitation.conference,
        recipients=recipients,
        kind=NoticeKind.INVITATION_REMINDER,
        context={
            "invitation": invitation,
            "conference": invitation.conference,
            "rsvp_url": invitation_link_create(invitation=invitation),
        },
        idempotency_key=key,
        hold=False,
    )


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor=None, reason: str = "") -> Invitation:
    """Withdraw an invitation: its link stops working, waiting notices are cancelled."""
    from conferences.models import Registration

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == Invitation.Status.REVOKED:
        return invitation
    invitation.status = Invitation.Status.REVOKED
    invitation.save(update_fields=["status", "updated_at"])
    invitation_links_revoke(invitation=invitation)
    notification_cancel_waiting(key_prefix=invitation_notice_prefix(invitation.pk))
    Registration.objects.filter(invitation=invitation, status=Registration.Status.CONFIRMED).update(
        status=Registration.Status.CANCELLED, token_hash=None, updated_at=timezone.now()
    )
    audit_record(
        action=AuditEntry.Action.INVITATION_REVOKED,
        target=invitation,
        conference=invitation.conference,
        actor=actor,
        data={"reason": reason},
    )
    return invitation
