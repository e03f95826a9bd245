import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from conferences.models import (
    Award,
    AwardCategory,
    AwardDecision,
    Conference,
    DocumentKind,
    Organization,
    Person,
)
from conferences.services.common import validated_save
from conferences.services.documents import document_number_allocate
from core.text import nfc


@transaction.atomic
def award_decision_create(
    *,
    issuer: Organization,
    signed_on: datetime.date,
    subject: str,
    signer_title: str,
    signer_name: str,
    signing_authority: str = "",
    conference: Conference | None = None,
) -> AwardDecision:
    """Create an award decision with the next decision number (QĐ) of the issuer."""
    document = document_number_allocate(issuer=issuer, kind=DocumentKind.DECISION, issued_on=signed_on)
    return validated_save(
        AwardDecision(
            conference=conference,
            document=document,
            subject=nfc(subject),
            signed_on=signed_on,
            signing_authority=nfc(signing_authority),
            signer_title=nfc(signer_title),
            signer_name=nfc(signer_name),
        )
    )


@transaction.atomic
def award_create(
    *,
    decision: AwardDecision,
    category: AwardCategory,
    citation: str,
    recipient_organization: Organization | None = None,
    recipient_person: Person | None = None,
    ceremony_order: int | None = None,
    register_number: str = "",
) -> Award:
    if (recipient_organization is None) == (recipient_person is None):
        raise ValidationError(
            {"recipient_organization": _("Name exactly one recipient: an organization or a person.")}
        )
    if ceremony_order is None:
        # Lock the decision so two awards added at once do not take the same place on stage.
        AwardDecision.objects.select_for_update().get(pk=decision.pk)
        ceremony_order = (decision.awards.aggregate(m=Max("ceremony_order"))["m"] or 0) + 1
    return validated_save(
        Award(
            decision=decision,
            category=category,
            recipient_organization=recipient_organization,
            recipient_person=recipient_person,
            citation=nfc(citation),
            ceremony_order=ceremony_order,
            register_number=register_number.strip(),
        )
    )
