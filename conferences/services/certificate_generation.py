"""Certificates in bulk: who gets which, issuing the missing ones, rendering them as a resumable job.

certificates_generate decides and issues in one short transaction under the
conference's row lock (rows only, no rendering), records a Job, and when that
commits sends one task per chunk of CHUNK_SIZE certificates, so every worker
process renders at once. A chunk renders only the certificates that still have
no file, so a chunk redelivered after its worker was killed resumes rather than
duplicating; a second run after a failure picks up what is still missing.

Who gets what:
- attendance: every confirmed registration that has checked in;
- speaker: every speaker of a "paper" item on the current published agenda version
  (the frozen items, not the draft organizers are editing), once per person;
- award: every award of the conference's award decisions, one certificate each.
A person or award that ever had a certificate of the kind, even a revoked one, gets
none from generation: revocation is deliberate, and certificate_reissue replaces one.
"""

import functools
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.enums import NoticeKind
from conferences.models import (
    AgendaItem,
    AuditEntry,
    Award,
    Certificate,
    Conference,
    Job,
    Registration,
)
from conferences.selectors.agenda_versions import agenda_current_version
from conferences.selectors.jobs import job_active
from conferences.services.audit import audit_record
from conferences.services.certificates import (
    CertificateSpec,
    certificate_issue,
    certificate_revoke,
    certificates_issue_many,
)
from conferences.services.jobs import job_advance, job_create, job_fail, job_finish, job_start
from conferences.services.notices import conference_notify, organization_recipients, person_recipient
from conferences.services.rsvp import delegate_notice_url
from core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

# About a second of rendering per chunk; 1,000 certificates make ten tasks for the worker processes.
CHUNK_SIZE = 100


def render_pdfs(certificate_ids: list[int]) -> list[tuple[Certificate, bytes]]:
    """Each certificate with its one-page PDF, rendered together (the documents layer, loaded lazily)."""
    from conferences.documents.certificates import render_certificate_pdfs
    from conferences.selectors.certificates import certificates_for_rendering

    certificates = list(certificates_for_rendering(ids=certificate_ids))
    return list(zip(certificates, render_certificate_pdfs(certificates), strict=True))


# Deciding and issuing --------------------------------------------------------------------------------


def _kinds_cleaned(kinds) -> list[str]:
    known = [kind.value for kind in Certificate.Kind]
    chosen = [kind for kind in known if kind in set(kinds or [])]
    unknown = sorted(set(kinds or []) - set(known))
    if unknown:
        raise ValidationError({"kinds": _("Unknown kind of certificate: %(kind)s.") % {"kind": unknown[0]}})
    if not chosen:
        raise ValidationError({"kinds": _("Choose at least one kind of certificate.")})
    return chosen


def _attendance_specs(conference: Conference) -> list[CertificateSpec]:
    had = Certificate.objects.filter(
        conference=conference, kind=Certificate.Kind.ATTENDANCE, registration__isnull=False
    ).values("registration_id")
    registrations = (
        Registration.objects.filter(
            conference=conference, status=Registration.Status.CONFIRMED, checked_in_at__isnull=False
        )
        .exclude(pk__in=had)
        .select_related("person")
        .order_by("person__sort_key", "pk")
    )
    return [
        CertificateSpec(kind=Certificate.Kind.ATTENDANCE, recipient_person=r.person, registration=r)
        for r in registrations
    ]


def _speaker_specs(conference: Conference) -> list[CertificateSpec]:
    version = agenda_current_version(conference)
    if version is None:
        return []
    speaker_ids: list[int] = []
    for item in version.items:
        if item.get("kind") == AgendaItem.Kind.PAPER:
            speaker_ids += [s["id"] for s in item.get("speakers", []) if s["id"] not in speaker_ids]
    had = set(
        Certificate.objects.filter(
            conference=conference, kind=Certificate.Kind.SPEAKER, recipient_person_id__in=speaker_ids
        ).values_list("recipient_person_id", flat=True)
    )
    registrations = {
        r.person_id: r
        for r in Registration.objects.filter(
            conference=conference, person_id__in=speaker_ids, status=Registration.Status.CONFIRMED
        ).select_related("person")
    }
    from conferences.models import Person

    people = Person.objects.in_bulk([pk for pk in speaker_ids if pk not in had])
    return [
        CertificateSpec(
            kind=Certificate.Kind.SPEAKER, recipient_person=people[pk], registration=registrations.get(pk)
        )
        for pk in speaker_ids
        if pk in people
    ]


def _award_specs(conference: Conference) -> list[CertificateSpec]:
    awards = (
        Award.objects.filter(decision__conference=conference, certificate__isnull=True)
        .select_related("recipient_person", "recipient_organization")
        .order_by("decision__signed_on", "decision_id", "ceremony_order")
    )
    persons = [a.recipient_person_id for a in awards if a.recipient_person_id]
    registrations = {
        r.person_id: r
        for r in Registration.objects.filter(
            conference=conference, person_id__in=persons, status=Registration.Status.CONFIRMED
        )
    }
    # The registration links an award to its holder's page; one person's second award of this
    # conference goes without it (one valid certificate per kind and registration).
    linked = set(
        Certificate.objects.filter(
            conference=conference, kind=Certificate.Kind.AWARD, revoked_at__isnull=True
        ).values_list("registration_id", flat=True)
    )
    specs = []
    for award in awards:
        registration = registrations.get(award.recipient_person_id)
        if registration is not None and registration.pk in linked:
            registration = None
        if registration is not None:
            linked.add(registration.pk)
        specs.append(
            CertificateSpec(
                kind=Certificate.Kind.AWARD,
                recipient_person=award.recipient_person,
                recipient_organization=award.recipient_organization,
                registration=registration,
                award=award,
            )
        )
    return specs


_SPECS = {
    Certificate.Kind.ATTENDANCE: _attendance_specs,
    Certificate.Kind.SPEAKER: _speaker_specs,
    Certificate.Kind.AWARD: _award_specs,
}


def certificates_generate(*, conference: Conference, kinds: list[str], user) -> Job:
    """Issue the missing certificates of these kinds and start the job that renders every one without a file.

    While a job of this conference is still queued or running (and moving), that job is
    returned and nothing new starts: two clicks make one job.
    """
    kinds = _kinds_cleaned(kinds)
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        active = job_active(conference=locked, kind=Job.Kind.CERTIFICATES)
        if active is not None:
            return active
        specs = [spec for kind in kinds for spec in _SPECS[kind](locked)]
        issued = certificates_issue_many(conference=locked, specs=specs)
        pending = list(
            Certificate.objects.filter(conference=locked, kind__in=kinds, revoked_at__isnull=True, file="")
            .order_by("serial")
            .values_list("pk", flat=True)
        )
        job = job_create(
            conference=locked,
            kind=Job.Kind.CERTIFICATES,
            total=len(pending),
            params={"kinds": kinds, "ids": pending},
            user=user,
        )
        audit_record(
            action=AuditEntry.Action.CERTIFICATES_GENERATED,
            target=job,
            conference=locked,
            actor=user,
            data={"kinds": kinds, "issued": len(issued), "to_render": len(pending)},
        )
        if not pending:
            job_finish(job_id=job.pk, result=_result(job.pk, conference=locked))
        else:
            transaction.on_commit(functools.partial(_dispatch, job.pk, pending))
    job.refresh_from_db()
    return job


def _dispatch(job_id: int, ids: list[int]) -> None:
    from conferences.tasks import render_certificate_chunk

    for start in range(0, len(ids), CHUNK_SIZE):
        render_certificate_chunk.delay(job_id, ids[start : start + CHUNK_SIZE])


def _replacement_issue(*, certificate: Certificate, user, reason: str) -> tuple[Certificate, Certificate]:
    """Revoke `certificate` with the reason and issue its replacement; the caller renders and audits it.

    An award certificate hands its award over to the replacement (an award has one
    certificate); the revoked one keeps its holder, kind and serial for verification.
    """
    old = certificate_revoke(certificate=certificate, reason=reason, user=user)
    award = old.award
    if award is not None:
        Certificate.objects.filter(pk=old.pk).update(award=None)
    new = certificate_issue(
        conference=old.conference,
        kind=old.kind,
        recipient_person=old.recipient_person,
        recipient_organization=old.recipient_organization,
        registration=old.registration,
        award=award,
    )
    return old, new


def _reissue_recorded(
    *, replaced: list[tuple[Certificate, Certificate]], conference: Conference, user
) -> Job:
    """The job that renders the replacements, an audit entry per replacement, the chunks sent on commit."""
    ids = [new.pk for _old, new in replaced]
    job = job_create(
        conference=conference,
        kind=Job.Kind.CERTIFICATES,
        total=len(ids),
        params={
            "kinds": sorted({new.kind for _old, new in replaced}),
            "ids": ids,
            "reissue_of": [old.pk for old, _new in replaced],
        },
        user=user,
    )
    for old, new in replaced:
        audit_record(
            action=AuditEntry.Action.CERTIFICATE_REISSUED,
            target=new,
            conference=conference,
            actor=user,
            data={
                "serial": new.serial,
                "replaces": old.serial,
                "reason": old.revocation_reason,
                "job": job.pk,
            },
        )
    transaction.on_commit(functools.partial(_dispatch, job.pk, ids))
    return job


def certificate_reissue(*, certificate: Certificate, user, reason: str) -> Certificate:
    """Revoke a certificate with the reason and issue its replacement (new serial and code), rendered by
    a job."""
    with transaction.atomic():
        old, new = _replacement_issue(certificate=certificate, user=user, reason=reason)
        _reissue_recorded(replaced=[(old, new)], conference=old.conference, user=user)
    certificate.refresh_from_db()
    return new


def certificates_revoke_many(*, certificates: list[Certificate], reason: str, user) -> int:
    """Revoke each certificate still valid with the same reason; return how many this call revoked.

    One transaction: a reason the rule refuses (certificate_revoke) revokes none. A certificate
    revoked meanwhile (by another organizer) is left as it is.
    """
    revoked = 0
    with transaction.atomic():
        for certificate in certificates:
            try:
                certificate_revoke(certificate=certificate, reason=reason, user=user)
            except ApplicationError:
                continue
            revoked += 1
    return revoked


def certificates_reissue_many(
    *, conference: Conference, certificates: list[Certificate], reason: str, user
) -> Job | None:
    """Revoke each certificate still valid and issue its replacement, all rendered by one job (None: none).

    One transaction: a reason the rule refuses replaces none. A certificate revoked meanwhile is
    skipped, so a second submission of the same form replaces nothing twice.
    """
    with transaction.atomic():
        replaced = []
        for certificate in certificates:
            try:
                # A savepoint each: a replacement refused after its revocation undoes that revocation.
                with transaction.atomic():
                    replaced.append(_replacement_issue(certificate=certificate, user=user, reason=reason))
            except ApplicationError:
                continue
        if not replaced:
            return None
        return _reissue_recorded(replaced=replaced, conference=conference, user=user)


# Rendering (in the worker) ---------------------------------------------------------------------------


def _result(job_id: int, *, conference: Conference) -> dict:
    return {
        "url": reverse("conferences:organizer-certificates", kwargs={"slug": conference.slug}),
        "job": job_id,
    }


def certificate_chunk_render(*, job_id: int, certificate_ids: list[int]) -> int:
    """Render and store the chunk's certificates that have no file yet; return how many this run stored.

    Safe to run twice or at once for the same ids: a file is recorded only by the run whose
    conditional UPDATE finds the certificate still without one, and the job advances by what
    this run recorded, in the same transaction. The chunk that completes the job finishes it.
    """
    job = Job.objects.filter(pk=job_id).select_related("conference").first()
    if job is None:
        return 0
    job_start(job_id=job_id)
    todo = list(
        Certificate.objects.filter(pk__in=certificate_ids, file="", revoked_at__isnull=True)
        .order_by("serial")
        .values_list("pk", flat=True)
    )
    stored: list[int] = []
    if todo:
        try:
            rendered = render_pdfs(todo)
        except Exception as exc:  # A render error fails the job, with its text, for the organizer to see.
            logger.exception("Certificate job %s failed while rendering %s certificates", job_id, len(todo))
            job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
            return 0
        stored = _store(job_id, rendered)
    _notify_holders(certificate_ids)
    _finish_if_complete(job)
    return len(stored)


def _store(job_id: int, rendered: list[tuple[Certificate, bytes]]) -> list[int]:
    """Save each PDF and record it on its certificate unless another run got there first."""
    saved: list[tuple[Certificate, str]] = []
    field = Certificate._meta.get_field("file")
    for certificate, pdf in rendered:
        name = field.generate_filename(certificate, f"{certificate.serial}.pdf")
        saved.append((certificate, field.storage.save(name, ContentFile(pdf))))
    stored, lost = [], []
    with transaction.atomic():
        for certificate, name in saved:
            claimed = Certificate.objects.filter(pk=certificate.pk, file="").update(file=name)
            (stored if claimed else lost).append((certificate.pk, name))
        job_advance(job_id=job_id, by=len(stored))
    for _pk, name in lost:  # Stored by a run that was quicker: this copy is not needed.
        field.storage.delete(name)
    serials = {certificate.pk: certificate.serial for certificate, _name in saved}
    _unrecorded_copies_removed(field.storage, [(serials[pk], name) for pk, name in stored])
    return [pk for pk, _name in stored]


def _unrecorded_copies_removed(storage, recorded: list[tuple[str, str]]) -> None:
    """Delete every other file of each (serial, recorded name): copies no certificate points to.

    A worker killed after saving a file but before recording it leaves that file behind, and
    the run that resumes saves under the same name plus the storage's random suffix
    (SERIAL_ab12cd3.pdf); so the run that records a certificate's file removes the rest.
    One listing per folder.
    """
    by_folder: dict[str, list[tuple[str, str]]] = {}
    for serial, name in recorded:
        folder, _slash, base = name.rpartition("/")
        by_folder.setdefault(folder, []).append((serial, base))
    for folder, kept in by_folder.items():
        _dirs, files = storage.listdir(folder)
        for serial, keep in kept:
            for file in files:
                if file != keep and (file == f"{serial}.pdf" or file.startswith(f"{serial}_")):
                    storage.delete(f"{folder}/{file}")


def _finish_if_complete(job: Job) -> None:
    job.refresh_from_db(fields=["done", "total", "status", "params"])
    if job.status not in (Job.Status.QUEUED, Job.Status.RUNNING):
        return
    ids = job.params.get("ids", [])
    complete = (
        job.done >= job.total
        or not Certificate.objects.filter(pk__in=ids, file="", revoked_at__isnull=True).exists()
    )
    if complete:
        job_finish(job_id=job.pk, result=_result(job.pk, conference=job.conference))


def certificate_jobs_resume(*, stalled_before) -> int:
    """Send again the chunks of unfinished certificate jobs that stopped moving before `stalled_before`.

    Only the certificates still without a file go out again: a broker that lost a chunk, or a
    worker that died for good, leaves a job that this sweep (beat) completes. Return how many
    jobs were resumed.
    """
    jobs = list(
        Job.objects.filter(
            kind=Job.Kind.CERTIFICATES,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            updated_at__lt=stalled_before,
        ).select_related("conference")
    )
    for job in jobs:
        missing = list(
            Certificate.objects.filter(pk__in=job.params.get("ids", []), file="", revoked_at__isnull=True)
            .order_by("serial")
            .values_list("pk", flat=True)
        )
        # The next sweep waits a full period again before sending these a second time.
        Job.objects.filter(pk=job.pk).update(updated_at=timezone.now())
        if missing:
            _dispatch(job.pk, missing)
        else:
            _finish_if_complete(job)
    return len(jobs)


# Notices ---------------------------------------------------------------------------------------------


def _notify_holders(certificate_ids: list[int]) -> int:
    """Write the held notice of each stored, valid certificate to its holder (once: keyed per certificate)."""
    certificates = (
        Certificate.objects.filter(pk__in=certificate_ids, revoked_at__isnull=True)
        .exclude(file="")
        .select_related("conference__host", "recipient_person", "recipient_organization", "registration")
        .order_by("serial")
    )
    written = 0
    for certificate in certificates:
        written += certificate_notify(certificate=certificate)
    return written


def certificate_notify(*, certificate: Certificate) -> int:
    """Tell the holder their certificate is ready: a person by e-mail with their personal page, an agency
    at its contact addresses with the verify page. Held for the organizers' approval; once per certificate.
    """
    if certificate.recipient_person_id:
        person = certificate.recipient_person
        recipients = [person_recipient(person)] if person.email else []
    else:
        recipients = organization_recipients(certificate.recipient_organization)
    if not recipients:
        return 0
    verify_url = settings.SITE_URL + certificate.get_absolute_url()
    personal_url = delegate_notice_url(certificate.registration) if certificate.registration_id else ""
    rows = conference_notify(
        conference=certificate.conference,
        recipients=recipients,
        kind=NoticeKind.CERTIFICATE,
        context={
            "conference": certificate.conference,
            "certificate": certificate,
            "download_url": personal_url,
            "verify_url": verify_url,
        },
        idempotency_key=f"certificate:{certificate.pk}:issued",
    )
    return len(rows)
