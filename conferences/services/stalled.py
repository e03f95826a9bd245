"""Work a task was sent for but never did (the broker lost it, a worker died for good): sent again.

Publishing an agenda, sending an invitation (one, or many as a job), importing agencies,
generating certificates and building the proceedings decide in the request and leave the slow
half to a task sent on commit. A task
that never runs would leave the page saying "being prepared" for ever; beat runs this sweep,
and every such task is safe to run twice, so sending one again that is merely slow costs
nothing.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from conferences.models import AgendaVersion, Invitation
from conferences.selectors.notices import invitation_letter_key
from notifications.selectors import key_prefixes_with_notices

# How far back the sweep looks for invitations: older sends are the organizers' to send again.
LETTER_LOOKBACK = datetime.timedelta(days=2)
# At most this many invitations are looked at per sweep, newest first, so a sweep stays short.
LETTER_BATCH = 200
# An import runs in one transaction of seconds to minutes: one running this long lost its worker.
IMPORT_RUNNING_LIMIT = datetime.timedelta(hours=1)


def stalled_work_redispatch(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send again the tasks of agenda versions, letters, and sending, import, certificate and proceedings
    jobs stalled too long."""
    from conferences.tasks import prepare_agenda_version, send_invitation_letter

    now = now or timezone.now()
    stalled_before = now - datetime.timedelta(seconds=settings.STALLED_WORK_SECONDS)
    versions = list(
        AgendaVersion.objects.filter(prepared_at__isnull=True, published_at__lt=stalled_before).values_list(
            "pk", flat=True
        )
    )
    for version_id in versions:
        prepare_agenda_version.delay(version_id)
    candidates = (
        Invitation.objects.filter(
            send_count__gt=0, sent_at__lt=stalled_before, sent_at__gte=now - LETTER_LOOKBACK
        )
        .exclude(status=Invitation.Status.REVOKED)
        .order_by("-sent_at")
        .values_list("pk", "send_count")[:LETTER_BATCH]
    )
    # "<key>|" is how the e-mails of one send begin (the outbox appends "|<address>" per row).
    prefixes = {f"{invitation_letter_key(pk, send)}|": (pk, send) for pk, send in candidates}
    written = key_prefixes_with_notices(prefixes=list(prefixes))
    missing = [pk_send for prefix, pk_send in prefixes.items() if prefix not in written]
    for invitation_id, send in missing:
        # Held for approval whatever the first request asked: an organizer sees it before it goes.
        send_invitation_letter.delay(invitation_id, send, True)
    from conferences.services.certificate_generation import certificate_jobs_resume
    from conferences.services.imports.jobs import import_jobs_resume
    from conferences.services.invitation_sending import invitation_jobs_resume
    from conferences.services.proceedings import proceedings_jobs_resume

    jobs = certificate_jobs_resume(stalled_before=stalled_before)
    builds = proceedings_jobs_resume(stalled_before=stalled_before)
    sends = invitation_jobs_resume(stalled_before=stalled_before)
    imports = import_jobs_resume(
        stalled_before=stalled_before, running_before=min(stalled_before, now - IMPORT_RUNNING_LIMIT)
    )
    return {
        "agenda_versions": len(versions),
        "letters": len(missing),
        "certificate_jobs": jobs,
        "proceedings_jobs": builds,
        "invitation_jobs": sends,
        "import_jobs": imports,
    }
