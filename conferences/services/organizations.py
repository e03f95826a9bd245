from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conferences.models import Organization, Person, Province
from conferences.services.common import validated_save
from core.text import fold, nfc


def province_upsert(*, code: str, name: str, kind: str) -> Province:
    province, _created = Province.objects.update_or_create(
        code=code.strip(), defaults={"name": nfc(name), "kind": kind}
    )
    return province


@transaction.atomic
def organization_create(
    *,
    name: str,
    kind: str = Organization.Kind.OTHER,
    short_name: str = "",
    code: str = "",
    parent: Organization | None = None,
    province: Province | None = None,
    contact_emails: Iterable[str] = (),
    address: str = "",
    phone: str = "",
    language: str = "vi",
) -> Organization:
    organization = Organization(
        name=nfc(name),
        kind=kind,
        short_name=nfc(short_name),
        code=code.strip().upper(),
        parent=parent,
        province=province,
        # Organization.clean() checks the addresses and stores them trimmed and lower-case.
        contact_emails=list(contact_emails),
        address=nfc(address),
        phone=nfc(phone),
        language=language,
    )
    # search_name is derived in save(); set it first so uniqueness is validated on it.
    organization.search_name = fold(organization.name)
    return validated_save(organization)


@transaction.atomic
def organization_update(*, organization: Organization, **fields) -> Organization:
    if "code" in fields:
        fields["code"] = (fields["code"] or "").strip().upper()
    if "phone" in fields:
        fields["phone"] = nfc(fields["phone"] or "")
    if fields.get("parent") is not None and organization.pk:
        # An agency may not end up above itself: walk up from the new parent.
        ancestor = fields["parent"]
        while ancestor is not None:
            if ancestor.pk == organization.pk:
                raise ValidationError({"parent": _("An organization cannot be placed under itself.")})
            ancestor = ancestor.parent
    if "contact_emails" in fields:
        fields["contact_emails"] = list(fields["contact_emails"] or [])
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.search_name = fold(organization.name)
    return validated_save(organization)


@transaction.atomic
def person_create(
    *,
    full_name: str,
    position: str = "",
    organization: Organization | None = None,
    email: str = "",
    phone: str = "",
    language: str = "vi",
    user=None,
) -> Person:
    person = Person(
        full_name=nfc(full_name),
        position=nfc(position),
        organization=organization,
        email=(email or "").strip().lower(),
        phone=nfc(phone or ""),
        language=language,
        user=user,
    )
    return validated_save(person)
