import dataclasses
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import AuditEntry, Award, Certificate, Conference, Organization, Person, Registration
from conferences.services.audit import audit_record
from core.exceptions import ApplicationError
from core.text import nfc

# Crockford-style alphabet: no 0/O or 1/I/L to misread when typed from paper.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# The field holds 255 characters; the verify page shows the reason in a sentence.
REASON_MAX_CHARS = 255


def _verification_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


def _next_sequence(conference: Conference) -> int:
    """The next serial's number; the caller holds the conference's row lock."""
    # The highest serial so far, not a count: a deleted certificate must not free its serial for reuse.
    last_serial = Certificate.objects.filter(conference=conference).aggregate(m=Max("serial"))["m"]
    return int(last_serial.rsplit("-", 1)[-1]) + 1 if last_serial else 1


def _serial(conference: Conference, sequence: int) -> str:
    return f"{timezone.localtime(conference.starts_at).year}-{conference.pk:03d}-{sequence:05d}"


def _unsaved(
    *,
    conference: Conference,
    kind: str,
    sequence: int,
    recipient_person: Person | None,
    recipient_organization: Organization | None,
    registration: Registration | None,
    award: Award | None,
    now,
) -> Certificate:
    recipient_name = recipient_person.full_name if recipient_person else recipient_organization.name
    return Certificate(
        conference=conference,
        kind=kind,
        recipient_person=recipient_person,
        recipient_organization=recipient_organization,
        recipient_name=recipient_name,
        registration=registration,
        award=award,
        award_decision_id=award.decision_id if award else None,
        serial=_serial(conference, sequence),
        verification_code=_verification_code(),
        issued_at=now,
    )


@transaction.atomic
def certificate_issue(
    *,
    conference: Conference,
    kind: str,
    recipient_person: Person | None = None,
    recipient_organization: Organization | None = None,
    registration: Registration | None = None,
    award: Award | None = None,
) -> Certificate:
    """Issue a certificate with a serial that runs per conference and a random verification code."""
    if recipient_person is None and recipient_organization is None:
        raise ValidationError({"recipient_person": _("Name a recipient.")})
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if kind != Certificate.Kind.AWARD and registration is not None:
        existing = Certificate.objects.filter(
            conference=conference, kind=kind, registration=registration, revoked_at__isnull=True
        ).first()
        if existing:
            return existing
    certificate = _unsaved(
        conference=conference,
        kind=kind,
        sequence=_next_sequence(conference),
        recipient_person=recipient_person,
        recipient_organization=recipient_organization,
        registration=registration,
        award=award,
        now=timezone.now(),
    )
    certificate.full_clean(exclude=["file"])
    certificate.save()
    return certificate


@dataclasses.dataclass(frozen=True)
class CertificateSpec:
    """Who a certificate goes to, decided before issuing it."""

    kind: str
    recipient_person: Person | None = None
    recipient_organization: Organization | None = None
    registration: Registration | None = None
    award: Award | None = None


def certificates_issue_many(*, conference: Conference, specs: list[CertificateSpec]) -> list[Certificate]:
    """Issue many certificates at once, serials following each other: the bulk form of certificate_issue.

    Takes the conference's row lock (as certificate_issue does, so the two never hand out one
    serial twice) and writes the rows in one INSERT; the caller has already checked who
    lacks a certificate under the same lock. The database's constraints stay the last word.
    """
    if not specs:
        return []
    if any(spec.recipient_person is None and spec.recipient_organization is None for spec in specs):
        raise ValidationError({"recipient_person": _("Name a recipient.")})
    with transaction.atomic():
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        first, now = _next_sequence(conference), timezone.now()
        rows = [
            _unsaved(
                conference=conference,
                kind=spec.kind,
                sequence=first + offset,
                recipient_person=spec.recipient_person,
                recipient_organization=spec.recipient_organization,
                registration=spec.registration,
                award=spec.award,
                now=now,
            )
            for offset, spec in enumerate(specs)
        ]
        return Certificate.objects.bulk_create(rows)


def certificate_revoke(*, certificate: Certificate, reason: str, user=None) -> Certificate:
    """Revoke a valid certificate with the reason verification shows; refuse one already revoked."""
    reason = nfc(reason or "", multiline=False)
    if not reason:
        raise ValidationError({"revocation_reason": _("Give a reason for revoking the certificate.")})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError(
            {"revocation_reason": _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX_CHARS}}
        )
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revocation_reason=reason
        )
        if not updated:
            raise ApplicationError(_("This certificate is already revoked."), code="already_revoked")
        certificate.refresh_from_db()
        audit_record(
            action=AuditEntry.Action.CERTIFICATE_REVOKED,
            target=certificate,
            conference=certificate.conference,
            actor=user,
            data={"serial": certificate.serial, "reason": reason},
        )
    return certificate
