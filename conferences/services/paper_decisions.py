"""Decisions on papers, the notices that tell their authors, and the revision round that locks them.

A decision is decided briefly under the paper's row lock; the letters to the
authors are written into the outbox afterwards by a worker (one task per
batch, sent on commit), held there until an organizer approves them. An
accepted paper's final version is locked at once; a paper accepted with
revisions is locked when the call's revision round closes (beat, or an
organizer's button), and then counts as accepted.
"""

import datetime
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.enums import NoticeKind
from conferences.models import AuditEntry, CallForPapers, Conference, Paper, PaperRevision, Review
from conferences.selectors.paper_decisions import (
    paper_decision_key,
    paper_decision_prefix,
    paper_decisions_made,
)
from conferences.selectors.reviews import paper_ids_matching
from conferences.services.audit import audit_record
from conferences.services.notices import conference_notify, person_recipient
from conferences.services.rsvp import delegate_notice_url
from core.exceptions import ApplicationError
from notifications.selectors import notifications_with_key_prefix
from notifications.services import notification_cancel_waiting

DECISIONS = (Paper.Status.ACCEPTED, Paper.Status.REVISION_REQUESTED, Paper.Status.REJECTED)
# Papers that were never sent (drafts) or were taken back cannot be decided.
UNDECIDABLE = (Paper.Status.DRAFT, Paper.Status.WITHDRAWN)


def _latest_revision():
    return Subquery(PaperRevision.objects.filter(paper=OuterRef("pk")).order_by("-number").values("pk")[:1])


def _revision_deadline(conference: Conference, now: datetime.datetime) -> datetime.datetime:
    closes_at = (
        CallForPapers.objects.filter(conference=conference)
        .values_list("revision_closes_at", flat=True)
        .first()
    )
    if closes_at is None or closes_at <= now:
        raise ValidationError(
            {
                "status": _(
                    "Set a future closing time for the revision round in the call for papers settings "
                    "before asking for revisions."
                )
            }
        )
    return closes_at


def _decide(*, paper_id: int, status: str, user, note: str, now: datetime.datetime) -> Paper:
    """Decide one paper under its row lock; the caller holds the transaction and sends the notices."""
    paper = Paper.objects.select_for_update().get(pk=paper_id)
    if paper.status == Paper.Status.WITHDRAWN:
        raise ApplicationError(
            _("“%(title)s” was withdrawn and cannot be decided.") % {"title": paper.title},
            extra={"paper": paper.pk},
        )
    if paper.status == Paper.Status.DRAFT:
        raise ApplicationError(
            _("“%(title)s” has not been submitted and cannot be decided.") % {"title": paper.title},
            extra={"paper": paper.pk},
        )
    if paper.locked_at is not None:
        raise ApplicationError(
            _("The final version of “%(title)s” is locked: its decision can no longer change.")
            % {"title": paper.title},
            extra={"paper": paper.pk},
        )
    previous = paper.status
    paper.status, paper.decided_at, paper.updated_at = status, now, now
    fields = ["status", "decided_at", "updated_at"]
    if status == Paper.Status.ACCEPTED:
        # Locked at once, so the proceedings print exactly what was accepted.
        paper.final_revision_id = (
            paper.current_revision_id
            or PaperRevision.objects.filter(paper=paper)
            .order_by("-number")
            .values_list("pk", flat=True)
            .first()
        )
        paper.locked_at = now
        fields += ["final_revision", "locked_at"]
    paper.save(update_fields=fields)
    audit_record(
        action=AuditEntry.Action.PAPER_DECIDED,
        target=paper,
        conference=paper.conference,
        actor=user,
        data={"from": previous, "to": status, "note": note},
    )
    # A letter about an earlier decision that still waits for approval would contradict this one.
    notification_cancel_waiting(key_prefix=paper_decision_prefix(paper.pk))
    return paper


def _check_status(status: str) -> None:
    if status not in DECISIONS:
        raise ValidationError({"status": _("Choose accepted, revision requested or rejected.")})


def _send_notices_on_commit(paper_ids: list[int]) -> None:
    from conferences.tasks import write_paper_decision_notices

    transaction.on_commit(partial(write_paper_decision_notices.delay, paper_ids))


def paper_decide(*, paper: Paper, status: str, user=None, note: str = "") -> Paper:
    """Accept, ask for revisions or reject a paper; its authors' letter waits in the outbox for approval.

    Refused for a withdrawn or draft paper and once the final version is locked;
    asking for revisions needs the call's revision round to close in the future.
    """
    _check_status(status)
    now = timezone.now()
    with transaction.atomic():
        if status == Paper.Status.REVISION_REQUESTED:
            _revision_deadline(paper.conference, now)
        decided = _decide(paper_id=paper.pk, status=status, user=user, note=note, now=now)
        _send_notices_on_commit([decided.pk])
    return decided


def paper_decide_many(
    *,
    conference: Conference,
    status: str,
    paper_ids: list[int] | None = None,
    filters: dict | None = None,
    user=None,
) -> list[Paper]:
    """Decide several papers of one conference at once: all of them, or none if one cannot be.

    The papers are those of `paper_ids`, or, given `filters` (the ranking table's, as
    paper_ids_matching takes them), every paper the table shows with them, looked up here.
    """
    _check_status(status)
    if filters is not None:
        paper_ids = paper_ids_matching(conference=conference, **filters)
    wanted = sorted(set(paper_ids or []))
    now = timezone.now()
    with transaction.atomic():
        found = list(Paper.objects.filter(conference=conference, pk__in=wanted).values_list("pk", flat=True))
        if not wanted or len(found) != len(wanted):
            raise ValidationError({"papers": _("Choose papers of this conference.")})
        if status == Paper.Status.REVISION_REQUESTED:
            _revision_deadline(conference, now)
        # In id order, so two batches that share papers lock them in the same order.
        decided = [_decide(paper_id=pk, status=status, user=user, note="", now=now) for pk in wanted]
        _send_notices_on_commit(wanted)
    return decided


# The letters to the authors --------------------------------------------------------------------------------


def _recipients(paper: Paper) -> list:
    """The submitting delegate and every author with an e-mail address, each address once."""
    people = []
    if paper.registration_id and paper.registration.person_id:
        people.append(paper.registration.person)
    people += [authorship.person for authorship in paper.authorships.all()]
    seen, recipients = set(), []
    for person in people:
        address = (person.email or "").strip().lower()
        if address and address not in seen:
            seen.add(address)
            recipients.append(person_recipient(person))
    return recipients


def _comments_to_authors(paper: Paper) -> list[str]:
    # Only what reviewers wrote for the authors: never the confidential comment, never who wrote it.
    return [
        review.comment.strip()
        for review in paper.reviews.all()
        if review.status == Review.Status.SUBMITTED and review.comment.strip()
    ]


def paper_decision_notices_write(*, paper_ids: Iterable[int]) -> int:
    """Write the held letter about each paper's latest decision; return how many letters were written.

    Safe to run twice: a decision's letters carry the key `paper:<id>:decision:<n>`
    (n counts the paper's decisions), and the outbox writes a key once. A paper
    gone, undecided, or without an address is skipped.
    """
    papers = (
        Paper.objects.filter(pk__in=list(paper_ids), status__in=DECISIONS)
        .select_related("conference__host", "conference__call_for_papers", "registration__person")
        .prefetch_related("authorships__person", "reviews")
        .order_by("pk")
    )
    counts = paper_decisions_made(paper_ids=[paper.pk for paper in papers])
    written = 0
    for paper in papers:
        number = counts.get(paper.pk, 0)
        key = paper_decision_key(paper.pk, number)
        if not number or notifications_with_key_prefix(prefix=f"{key}|").exists():
            continue
        recipients = _recipients(paper)
        if not recipients:
            continue
        # Only the submitting delegate's letter carries their personal link (it can change the paper).
        submitter_address = paper.registration.person.email.strip().lower() if paper.registration_id else ""
        personal_url = delegate_notice_url(paper.registration) if paper.registration_id else ""
        groups = [
            ([r for r in recipients if r.address.strip().lower() == submitter_address], personal_url),
            ([r for r in recipients if r.address.strip().lower() != submitter_address], ""),
        ]
        with transaction.atomic():
            notification_cancel_waiting(key_prefix=paper_decision_prefix(paper.pk))
            call = getattr(paper.conference, "call_for_papers", None)
            rows = []
            for group, url in groups:
                if not group:
                    continue
                rows += conference_notify(
                    conference=paper.conference,
                    recipients=group,
                    kind=NoticeKind.PAPER_DECISION,
                    context={
                        "personal_url": url,
                        "conference": paper.conference,
                        "paper": paper,
                        "status": paper.status,
                        "accepted": paper.status == Paper.Status.ACCEPTED,
                        "revision_requested": paper.status == Paper.Status.REVISION_REQUESTED,
                        "rejected": paper.status == Paper.Status.REJECTED,
                        "revision_closes_at": call.revision_closes_at if call else None,
                        "comments": _comments_to_authors(paper),
                        "conference_url": settings.SITE_URL
                        + reverse("conferences:detail", kwargs={"slug": paper.conference.slug}),
                    },
                    idempotency_key=key,
                )
        written += len(rows)
    return written


# The revision round --------------------------------------------------------------------------------------


def revision_round_close(*, conference: Conference, now: datetime.datetime | None = None, user=None) -> int:
    """Lock the final version of the conference's papers asked for revisions; they become accepted.

    Called by beat once the call's revision round has closed, and by an
    organizer's button, which closes the round now (the closing time moves to
    now, so authors can no longer edit). Returns how many papers were locked;
    run again, or by two workers at once, it locks each paper once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        call = CallForPapers.objects.select_for_update().filter(conference=conference).first()
        if call is not None and (call.revision_closes_at is None or call.revision_closes_at > now):
            call.revision_closes_at = now
            call.save(update_fields=["revision_closes_at", "updated_at"])
        # skip_locked: a paper another worker is locking now is theirs (PostgreSQL; SQLite runs one writer).
        ids = list(
            Paper.objects.select_for_update(skip_locked=True)
            .filter(conference=conference, status=Paper.Status.REVISION_REQUESTED, locked_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        # Conditional: a row another run has locked in the meantime is not touched again.
        locked = Paper.objects.filter(
            pk__in=ids, status=Paper.Status.REVISION_REQUESTED, locked_at__isnull=True
        ).update(
            status=Paper.Status.ACCEPTED,
            final_revision=Coalesce(F("current_revision"), _latest_revision()),
            locked_at=now,
            updated_at=now,
        )
        audit_record(
            action=AuditEntry.Action.REVISION_ROUND_CLOSED,
            object_type="conference",
            conference=conference,
            actor=user,
            data={"papers": ids},
        )
    return locked


def revision_rounds_close_due(*, now: datetime.datetime | None = None) -> int:
    """Close every revision round whose time has passed and that still has papers to lock (beat)."""
    now = now or timezone.now()
    conferences = Conference.objects.filter(
        call_for_papers__revision_closes_at__lte=now,
        papers__status=Paper.Status.REVISION_REQUESTED,
        papers__locked_at__isnull=True,
    ).distinct()
    return sum(revision_round_close(conference=conference, now=now) for conference in conferences)
