import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import Award, Certificate, Conference, Organization, Person, Registration
from core.exceptions import ApplicationError

# Crockford-style alphabet: no 0/O or 1/I/L to misread when typed from paper.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _verification_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


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
    # The highest serial so far, not a count: a deleted certificate must not free its serial for reuse.
    last_serial = Certificate.objects.filter(conference=conference).aggregate(m=Max("serial"))["m"]
    sequence = int(last_serial.rsplit("-", 1)[-1]) + 1 if last_serial else 1
    recipient_name = recipient_person.full_name if recipient_person else recipient_organization.name
    certificate = Certificate(
        conference=conference,
        kind=kind,
        recipient_person=recipient_person,
        recipient_organization=recipient_organization,
        recipient_name=recipient_name,
        registration=registration,
        award=award,
        serial=f"{timezone.localtime(conference.starts_at).year}-{conference.pk:03d}-{sequence:05d}",
        verification_code=_verification_code(),
        issued_at=timezone.now(),
    )
    certificate.full_clean(exclude=["file"])
    certificate.save()
    return certificate


def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    if not reason.strip():
        raise ValidationError({"revocation_reason": _("Give a reason for revoking the certificate.")})
    updated = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revocation_reason=reason.strip()
    )
    if not updated:
        raise ApplicationError(_("This certificate is already revoked."))
    certificate.refresh_from_db()
    return certificate
