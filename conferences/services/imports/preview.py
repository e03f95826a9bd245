"""What importing a file would do: the agencies and contacts to create, to update, and the errors."""

import unicodedata
from dataclasses import dataclass, field

from conferences.models import Organization
from conferences.services.imports.matching import Agency, Contact, Matcher, Row, chunks
from conferences.services.imports.reading import RowError, Sheet


@dataclass
class RowSummary:
    """What importing one row does."""

    row: int
    action: str  # "create", "update" or "unchanged"
    name: str
    kind: str
    province: str
    parent: str
    changes: list[str] = field(default_factory=list)  # Labels of the fields an update changes.
    contact: str = ""


@dataclass
class ImportPreview:
    to_create: list[RowSummary]
    to_update: list[RowSummary]
    unchanged: list[RowSummary]
    errors: list[RowError]
    counts: dict[str, int]
    ignored_columns: list[str]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "create": self.counts["create"],
            "update": self.counts["update"],
            "unchanged": self.counts["unchanged"],
            "people_create": self.counts["people_create"],
            "people_update": self.counts["people_update"],
            "rows": self.counts["rows"],
            "ignored_columns": self.ignored_columns,
            "errors": [error.as_dict() for error in self.errors],
        }


def _marks(text: str) -> int:
    return sum(1 for ch in unicodedata.normalize("NFD", text) if unicodedata.combining(ch) or ch in "đĐ")


FIELD_LABELS = {
    "name": Organization._meta.get_field("name").verbose_name,
    "short_name": Organization._meta.get_field("short_name").verbose_name,
    "code": Organization._meta.get_field("code").verbose_name,
    "kind": Organization._meta.get_field("kind").verbose_name,
    "province": Organization._meta.get_field("province").verbose_name,
    "parent": Organization._meta.get_field("parent").verbose_name,
    "contact_emails": Organization._meta.get_field("contact_emails").verbose_name,
    "phone": Organization._meta.get_field("phone").verbose_name,
    "address": Organization._meta.get_field("address").verbose_name,
}


@dataclass
class Plan:
    preview: ImportPreview
    creates: list[Agency]
    updates: list[Organization]
    update_fields: set[str]
    rows: list[Row]
    new_people: list[Contact]
    changed_people: list[Contact]


def _apply_row(row: Row, organization: Organization) -> list[str]:
    """Copy the row's non-empty values onto the organization; return the fields that changed."""
    values = row.values
    wanted: dict[str, object] = {}
    name = values["name"]
    # Never trade a spelling with its diacritics for a bare one ("Quảng Ninh" for "Quang Ninh").
    if name != organization.name and _marks(name) >= _marks(organization.name):
        wanted["name"] = name
    for key in ("short_name", "address", "phone"):
        if values.get(key):
            wanted[key] = values[key]
    if values.get("code"):
        wanted["code"] = values["code"].upper()
    if row.kind:
        wanted["kind"] = row.kind
    if row.province is not None:
        wanted["province_id"] = row.province.pk
    if row.emails:
        wanted["contact_emails"] = row.emails
    changed = [key for key, value in wanted.items() if getattr(organization, key) != value]
    for key in changed:
        setattr(organization, key, wanted[key])
    parent = row.agency.parent
    if (
        row.has_parent
        and parent is not None
        and (parent.existing_id is None or parent.existing_id != organization.parent_id)
    ):
        organization.parent_id = parent.existing_id  # A new parent's id is set once it exists.
        changed.append("parent_id")
    return [key.removesuffix("_id") for key in changed]


def _summary(
    row: Row, action: str, organization: Organization, changes: list[str], labels: dict
) -> RowSummary:
    parent = row.agency.parent
    province = labels["provinces"].get(organization.province_id)
    return RowSummary(
        row=row.number,
        action=action,
        name=organization.name,
        kind=labels["kinds"][organization.kind],
        province=province.name if province else "",
        parent=parent.name if parent is not None else "",
        changes=[labels["fields"][key] for key in changes],
        contact=(row.contact.name or row.contact.email) if row.contact else "",
    )


def plan_import(sheet: Sheet) -> Plan:
    matcher = Matcher(sheet)
    matcher.match()
    stored_ids = [row.agency.existing_id for row in matcher.rows if row.agency.existing_id is not None]
    labels = {
        "provinces": {province.pk: province for province in matcher.provinces.values()},
        "kinds": {kind.value: str(kind.label) for kind in Organization.Kind},
        "fields": {key: str(label) for key, label in FIELD_LABELS.items()},
    }
    stored: dict[int, Organization] = {}
    for chunk in chunks(stored_ids):
        stored.update(Organization.objects.in_bulk(chunk))

    creates, updates, update_fields = [], [], set()
    to_create, to_update, unchanged = [], [], []
    new_people, changed_people = [], []
    for row in matcher.rows:
        if row.number in matcher.bad_rows:
            continue  # Reported; an import with errors writes nothing anyway.
        agency = row.agency
        if agency.existing_id is None:
            organization = Organization(
                name=row.values["name"],
                short_name=row.values.get("short_name", ""),
                code=row.values.get("code", "").upper(),
                kind=row.kind or Organization.Kind.OTHER,
                province=row.province,
                contact_emails=row.emails,
                address=row.values.get("address", ""),
                phone=row.values.get("phone", ""),
            )
            # bulk_create() skips save(), which derives the folded name.
            organization.search_name = matcher.fold(organization.name)
            agency.organization = organization
            creates.append(agency)
            to_create.append(_summary(row, "create", organization, [], labels))
        else:
            organization = stored[agency.existing_id]
            agency.organization = organization
            changes = _apply_row(row, organization)
            if changes:
                updates.append(organization)
                update_fields.update(changes)
                to_update.append(_summary(row, "update", organization, changes, labels))
            else:
                unchanged.append(_summary(row, "unchanged", organization, [], labels))
        contact = row.contact
        if contact is not None and (contact.person is not None or contact.name):
            if contact.person is None:
                new_people.append(contact)
            elif _contact_changes(contact, agency):
                changed_people.append(contact)

    errors = sorted(matcher.errors, key=lambda error: error.row)
    counts = {
        "rows": len(sheet.rows),
        "create": len(to_create),
        "update": len(to_update),
        "unchanged": len(unchanged),
        "people_create": len(new_people),
        "people_update": len(changed_people),
        "errors": len(errors),
    }
    preview = ImportPreview(
        to_create=to_create,
        to_update=to_update,
        unchanged=unchanged,
        errors=errors,
        counts=counts,
        ignored_columns=sheet.ignored,
    )
    return Plan(preview, creates, updates, update_fields, matcher.rows, new_people, changed_people)


def _contact_changes(contact: Contact, agency: Agency) -> list[str]:
    person = contact.person
    changes = []
    if contact.name and contact.name != person.full_name and _marks(contact.name) >= _marks(person.full_name):
        changes.append("full_name")
    if contact.position and contact.position != person.position:
        changes.append("position")
    if contact.phone and contact.phone != person.phone:
        changes.append("phone")
    if agency.existing_id is None or person.organization_id != agency.existing_id:
        changes.append("organization")
    contact.changes = changes
    return changes
