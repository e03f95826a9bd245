"""Award decisions (Quyết định khen thưởng) and their awards.

A decision is a numbered official document: its number comes from the same
numbering as invitation letters (document_number_allocate), e.g. 456/QĐ-BKHCN.
Its awards can be added, changed and removed until one of them is printed on a
certificate; from then on the decision is what a third party verifies against,
so it is frozen.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from conferences.models import (
    Award,
    AwardCategory,
    AwardDecision,
    Certificate,
    Conference,
    DocumentKind,
    Organization,
    Person,
)
from conferences.services.common import validated_save
from conferences.services.documents import document_number_allocate
from core.text import nfc

# Decree 30: the signer's name is printed without an academic title or degree before it.
_TITLE_BEFORE_NAME = re.compile(r"^(GS|PGS|TS|ThS|TSKH|KS|CN|BS)\.?\s", re.IGNORECASE)
# "KT. BỘ TRƯỞNG" (for the head), "TM. ..." (for a collective), "TL.", "TUQ.", "Q.".
_SIGNING_AUTHORITY = re.compile(r"^(KT|TM|TL|TUQ|Q)\.\s*\S", re.IGNORECASE)
DECISION_FIELDS = ("subject", "signed_on", "signing_authority", "signer_title", "signer_name")
AWARD_FIELDS = ("category", "citation", "recipient_organization", "recipient_person", "register_number")


def _check_signer(*, signer_name: str, signing_authority: str) -> None:
    errors = {}
    if _TITLE_BEFORE_NAME.match(signer_name):
        errors["signer_name"] = _("Write the signer's name without an academic title or degree before it.")
    if signing_authority and not _SIGNING_AUTHORITY.match(signing_authority):
        errors["signing_authority"] = _(
            'Write the signing authority as "KT.", "TM.", "TL.", "TUQ." or "Q." followed by the title, '
            'e.g. "KT. BỘ TRƯỞNG"; leave it empty when the head signs.'
        )
    if errors:
        raise ValidationError(errors)


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
    signer_name, signing_authority = nfc(signer_name), nfc(signing_authority)
    _check_signer(signer_name=signer_name, signing_authority=signing_authority)
    document = document_number_allocate(issuer=issuer, kind=DocumentKind.DECISION, issued_on=signed_on)
    return validated_save(
        AwardDecision(
            conference=conference,
            document=document,
            subject=nfc(subject),
            signed_on=signed_on,
            signing_authority=signing_authority,
            signer_title=nfc(signer_title),
            signer_name=signer_name,
        )
    )


def award_decision_is_frozen(decision: AwardDecision) -> bool:
    """Whether an award of the decision is printed on a certificate (revoked ones count: they were issued)."""
    return Certificate.objects.filter(award__decision=decision).exists()


def _refuse_if_frozen(decision: AwardDecision) -> None:
    if award_decision_is_frozen(decision):
        raise ValidationError(
            {"decision": _("Certificates were issued under this decision: its awards can no longer change.")}
        )


@transaction.atomic
def award_decision_update(*, decision: AwardDecision, **fields) -> AwardDecision:
    """Change the subject, date or signer of a decision; its number stays (and with it, its year)."""
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"award_decision_update() got unexpected fields {sorted(unknown)}")
    decision = AwardDecision.objects.select_for_update().select_related("document").get(pk=decision.pk)
    _refuse_if_frozen(decision)
    if "signed_on" in fields and fields["signed_on"].year != decision.document.year:
        raise ValidationError(
            {"signed_on": _("The decision's number belongs to %(year)d: keep the date in that year.")
             % {"year": decision.document.year}}
        )  # fmt: skip
    for name, value in fields.items():
        setattr(decision, name, nfc(value) if isinstance(value, str) else value)
    _check_signer(signer_name=decision.signer_name, signing_authority=decision.signing_authority)
    if "signed_on" in fields:
        decision.document.issued_on = decision.signed_on
        decision.document.save(update_fields=["issued_on"])
    return validated_save(decision)


def _check_recipient(recipient_organization, recipient_person) -> None:
    if (recipient_organization is None) == (recipient_person is None):
        raise ValidationError(
            {"recipient_organization": _("Name exactly one recipient: an organization or a person.")}
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
    """Add a recipient to a decision, last in its annex unless `ceremony_order` says otherwise."""
    _check_recipient(recipient_organization, recipient_person)
    # Lock the decision: two awards added at once must not take the same place, nor race a certificate.
    decision = AwardDecision.objects.select_for_update().get(pk=decision.pk)
    _refuse_if_frozen(decision)
    if ceremony_order is None:
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


@transaction.atomic
def award_update(*, award: Award, **fields) -> Award:
    """Change an award's recipient, category, citation or register number while its decision is not frozen."""
    unknown = set(fields) - set(AWARD_FIELDS)
    if unknown:
        raise TypeError(f"award_update() got unexpected fields {sorted(unknown)}")
    AwardDecision.objects.select_for_update().filter(pk=award.decision_id).first()
    award = Award.objects.get(pk=award.pk)
    _refuse_if_frozen(award.decision)
    for name, value in fields.items():
        if name == "citation":
            value = nfc(value)
        elif name == "register_number":
            value = value.strip()
        setattr(award, name, value)
    if "recipient_organization" in fields and "recipient_person" not in fields:
        award.recipient_person = None if award.recipient_organization else award.recipient_person
    if "recipient_person" in fields and "recipient_organization" not in fields:
        award.recipient_organization = None if award.recipient_person else award.recipient_organization
    _check_recipient(award.recipient_organization, award.recipient_person)
    return validated_save(award)


@transaction.atomic
def award_delete(*, award: Award) -> None:
    """Remove an award from its decision (and from the ceremony's running order)."""
    AwardDecision.objects.select_for_update().filter(pk=award.decision_id).first()
    _refuse_if_frozen(award.decision)
    Award.objects.filter(pk=award.pk).delete()


def award_category_create(**fields) -> AwardCategory:
    """A form of commendation (staff): name, the issuer line of its face, the face's paper size."""
    for name in ("name_vi", "name_en", "short_name", "issuer_title"):
        if isinstance(fields.get(name), str):
            fields[name] = nfc(fields[name])
    return validated_save(AwardCategory(**fields))
