import datetime

from django.db import transaction

from conferences.models import DocumentNumber, DocumentSequence, Organization
from core.exceptions import ApplicationError


@transaction.atomic
def document_number_allocate(*, issuer: Organization, kind: str, issued_on: datetime.date) -> DocumentNumber:
    """Take the next number for issuer, kind and year: never duplicated, never skipped.

    The sequence row is locked for the rest of the caller's transaction, so two
    organizers issuing at the same moment queue up instead of reading the same
    last number; if the caller rolls back, the number is not used up.
    """
    if not issuer.code:
        raise ApplicationError(
            "The issuing organization has no document code.",
            fields={"issuer": ["Set the organization's document code, e.g. BKHCN."]},
        )
    DocumentSequence.objects.get_or_create(issuer=issuer, kind=kind, year=issued_on.year)
    sequence = DocumentSequence.objects.select_for_update().get(issuer=issuer, kind=kind, year=issued_on.year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return DocumentNumber.objects.create(
        issuer=issuer, kind=kind, year=issued_on.year, number=sequence.last_number, issued_on=issued_on
    )
