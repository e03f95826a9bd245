"""Match each row of a file to the agency it describes: one already stored, or one to create.

A row's parent is named, not numbered: it may be an agency already stored or
one on an earlier row of the same file. Two agencies may share a name under
different parents (the database allows it), so a row that names no parent
means "the agency with this name", and a row that names one picks it out.
"""

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from conferences.models import Organization, Person, Province
from conferences.services.imports.reading import COLUMNS, RowError, Sheet, compare_key
from core.text import fold

BATCH_SIZE = 500  # Rows per INSERT or UPDATE, and ids per IN (...) list.
CONTACT_KEYS = ("contact_name", "contact_position", "contact_email", "contact_phone")

# Vietnamese ways of writing each kind, besides the value and its label in each language.
KIND_ALIASES = {
    Organization.Kind.MINISTRY: ("Bộ",),
    Organization.Kind.MINISTERIAL_AGENCY: ("Cơ quan ngang Bộ", "ministerial-level agency"),
    Organization.Kind.PROVINCIAL_COMMITTEE: (
        "UBND tỉnh",
        "UBND thành phố",
        "UBND tỉnh/thành phố",
        "Ủy ban nhân dân tỉnh",
        "Ủy ban nhân dân thành phố",
    ),
    Organization.Kind.DEPARTMENT: ("Sở",),
    Organization.Kind.OTHER: ("Khác",),
}
KIND_HINT = "Bộ, Cơ quan ngang Bộ, UBND tỉnh, Sở, Khác"
PROVINCE_PREFIXES = ("tinh ", "thanh pho ", "tp ")

_EMAIL_SEPARATORS = re.compile(r"[;,\s]+")


@cache
def _kind_by_key() -> dict[str, str]:
    index: dict[str, str] = {}
    for kind in Organization.Kind:
        names = [kind.value, *KIND_ALIASES[kind]]
        for language in ("vi", "en"):
            with translation.override(language):
                names.append(str(kind.label))
        for name in names:
            index[compare_key(name)] = kind.value
    return index


@dataclass(eq=False)
class Agency:
    """An agency a row describes or names as a parent: one already stored, or one to create."""

    name: str
    existing_id: int | None = None
    stored_parent_id: int | None = None
    parent: "Agency | None" = None  # The parent it will have after the import.
    depth: int = 0  # New agencies are created parents first, one level at a time.
    organization: Organization | None = None


@dataclass
class Contact:
    row: int
    name: str
    position: str
    email: str
    phone: str
    person: Person | None = None
    changes: list[str] = field(default_factory=list)


@dataclass
class Row:
    number: int
    values: dict[str, str]
    agency: Agency
    kind: str = ""
    province: Province | None = None
    emails: list[str] = field(default_factory=list)
    has_parent: bool = False
    contact: Contact | None = None


class Matcher:
    """Check every row against the file's earlier rows and the stored agencies; decide create or update.

    All lookups are dictionaries filled by a handful of queries up front, so the
    time grows with the rows, not with queries per row.
    """

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.errors: list[RowError] = list(sheet.errors)
        self.rows: list[Row] = []
        stored = Organization.objects.values_list("id", "name", "search_name", "parent_id", "code")
        self.stored_by_name: dict[str, list[int]] = defaultdict(list)
        self.stored_names: dict[int, str] = {}
        self.stored_parent: dict[int, int | None] = {}
        self.stored_codes: dict[str, int] = {}
        for pk, name, search_name, parent_id, code in stored.iterator(chunk_size=2000):
            self.stored_by_name[search_name].append(pk)
            self.stored_names[pk] = name
            self.stored_parent[pk] = parent_id
            if code:
                self.stored_codes[code] = pk
        self.provinces = self._province_index()
        self.province_of = _Memo(self._province)
        self.kind_of = _Memo(lambda text: _kind_by_key().get(compare_key(text), ""))
        self.agencies: dict[int, Agency] = {}  # Stored agencies met so far, by id.
        self.new_by_name: dict[str, list[Agency]] = defaultdict(list)
        self.rows_by_name: dict[str, list[Row]] = defaultdict(list)
        self.claimed: dict[int, int] = {}  # Stored agency id -> the row that updates it.
        self.codes: dict[str, tuple[int, Agency]] = {}
        self.contact_emails: dict[str, int] = {}
        # Rows with an error still count as agencies for the rows after them (as parents, or
        # duplicates), so one mistake is reported once, but they are left out of the counts.
        self.bad_rows: set[int] = set()
        # Parent names repeat on many rows: fold each text once.
        self.fold = _Memo(fold)
        self.rows_named: dict[str, list[int]] = defaultdict(list)  # Every row number by folded name.
        for number, values in sheet.rows:
            self.rows_named[self.fold(values.get("name", ""))].append(number)

    # Lookups

    @staticmethod
    def _province_index() -> dict[str, Province]:
        index: dict[str, Province] = {}
        for province in Province.objects.all():
            index[province.code] = province
            if province.code.isdigit():
                index[str(int(province.code))] = province
            index[compare_key(province.name)] = province
            index[compare_key(province.administrative_name)] = province
        return index

    def _province(self, value: str) -> Province | None:
        province = self.provinces.get(value) or self.provinces.get(compare_key(value))
        if province is None:
            key = compare_key(value)
            for prefix in PROVINCE_PREFIXES:
                if key.startswith(prefix) and (province := self.provinces.get(key[len(prefix) :])):
                    break
        return province

    def _stored(self, pk: int) -> Agency:
        agency = self.agencies.get(pk)
        if agency is None:
            parent_id = self.stored_parent[pk]
            agency = Agency(name=self.stored_names[pk], existing_id=pk, stored_parent_id=parent_id)
            self.agencies[pk] = agency
            agency.parent = self._stored(parent_id) if parent_id is not None else None
        return agency

    def _named(self, key: str) -> list[Agency]:
        """Every agency with this folded name: stored ones and those earlier rows create."""
        return [
            *(self._stored(pk) for pk in self.stored_by_name.get(key, ())),
            *self.new_by_name.get(key, ()),
        ]

    # Checks

    def error(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, self.sheet.headings.get(key, ""), message))
        self.bad_rows.add(row)

    def match(self) -> None:
        for number, values in self.sheet.rows:
            self._plan_row(number, values)
        if "name" in self.sheet.headings:
            self._plan_contacts()

    def _plan_row(self, number: int, values: dict[str, str]) -> None:
        for column in COLUMNS:
            value = values.get(column.key, "")
            if column.max_length and len(value) > column.max_length:
                self.error(
                    number,
                    column.key,
                    _("This is longer than %(limit)d characters.") % {"limit": column.max_length},
                )
        name = values.get("name", "")
        if not name and "name" in self.sheet.headings:
            self.error(number, "name", _("Enter the agency's name."))
        row = Row(number=number, values=values, agency=Agency(name=name))
        if kind := values.get("kind"):
            row.kind = self.kind_of(kind)
            if not row.kind:
                message = _("Unknown kind “%(value)s”: use one of %(choices)s (or %(values)s).") % {
                    "value": kind,
                    "choices": KIND_HINT,
                    "values": ", ".join(Organization.Kind.values),
                }
                self.error(number, "kind", message)
        if province := values.get("province"):
            row.province = self.province_of(province)
            if row.province is None:
                message = _("Unknown province “%(value)s”: give its name or code (e.g. Quảng Ninh or 22).")
                self.error(number, "province", message % {"value": province})
        if emails := values.get("emails"):
            row.emails = self._emails(number, "emails", emails)
        parent = self._parent(number, values.get("parent", ""))
        row.has_parent = bool(values.get("parent"))
        row.contact = self._contact(number, values)
        if name and (not row.has_parent or parent is not None):
            self._place(row, name, parent)

    def _emails(self, number: int, key: str, text: str) -> list[str]:
        emails: list[str] = []
        for email in _EMAIL_SEPARATORS.split(text.lower()):
            if not email or email in emails:
                continue
            try:
                validate_email(email)
            except ValidationError:
                self.error(number, key, _("“%(value)s” is not a valid e-mail address.") % {"value": email})
            else:
                emails.append(email)
        return emails

    def _parent(self, number: int, name: str) -> Agency | None:
        if not name:
            return None
        named_agencies = self._named(self.fold(name))
        candidates = named_agencies
        if len(candidates) > 1:
            candidates = [agency for agency in candidates if agency.parent is None]
        if len(candidates) == 1:
            return candidates[0]
        named = self.rows_named.get(self.fold(name), [])
        earlier = [n for n in named if n < number]
        later = [n for n in named if n > number]
        if named_agencies:
            message = _("Several agencies are named “%(value)s”, so it is not clear which is meant.")
        elif earlier:
            message = _(
                "The parent “%(value)s” on row %(row)d has errors of its own: correct that row first."
            )
        elif later:
            message = _("“%(value)s” is on row %(row)d, below this row: list parents before their units.")
        else:
            message = _("No agency is named “%(value)s”: add it on an earlier row or in the system first.")
        row = (earlier or later or [0])[0]
        self.error(number, "parent", message % {"value": name, "row": row})
        return None

    def _place(self, row: Row, name: str, parent: Agency | None) -> None:
        """Find the agency the row describes (stored, or new), or say whose duplicate it is."""
        key = self.fold(name)
        for earlier in self.rows_by_name[key]:
            if not row.has_parent or not earlier.has_parent or earlier.agency.parent is parent:
                message = _(
                    "This row repeats row %(row)d: the same agency (names compare without accents or case)."
                )
                self.error(row.number, "name", message % {"row": earlier.number})
                return
        stored = [self._stored(pk) for pk in self.stored_by_name.get(key, ())]
        agency = None
        if parent is not None:
            agency = next(
                (a for a in stored if parent.existing_id and a.stored_parent_id == parent.existing_id), None
            )
            # A stored top-level agency of this name is the one the file now places under a parent.
            agency = agency or next((a for a in stored if a.stored_parent_id is None), None)
        elif len(stored) == 1:
            agency = stored[0]
        elif stored:
            agency = next((a for a in stored if a.stored_parent_id is None), None)
            if agency is None:
                message = _(
                    "Several agencies are named “%(value)s”: fill in the parent column to say which one."
                )
                self.error(row.number, "name", message % {"value": name})
                return
        if agency is not None and agency.existing_id in self.claimed:
            message = _("This row and row %(row)d both describe “%(value)s”.")
            self.error(
                row.number, "name", message % {"row": self.claimed[agency.existing_id], "value": agency.name}
            )
            return
        if agency is None:
            agency = Agency(name=name)
            self.new_by_name[key].append(agency)
        if parent is not None:
            ancestor = parent
            while ancestor is not None:
                if ancestor is agency:
                    self.error(
                        row.number,
                        "parent",
                        _("An agency cannot be its own parent, directly or through others."),
                    )
                    return
                ancestor = ancestor.parent
            agency.parent = parent
        if agency.existing_id is None:
            agency.depth = parent.depth + 1 if parent is not None and parent.existing_id is None else 0
        else:
            self.claimed[agency.existing_id] = row.number
        row.agency = agency
        self.rows_by_name[key].append(row)
        self.rows.append(row)
        self._check_code(row)

    def _check_code(self, row: Row) -> None:
        code = row.values.get("code", "").upper()
        if not code:
            return
        owner = self.stored_codes.get(code)
        if owner is not None and owner != row.agency.existing_id:
            message = _("The code %(code)s already belongs to “%(name)s”.")
            self.error(row.number, "code", message % {"code": code, "name": self.stored_names[owner]})
        elif code in self.codes and self.codes[code][1] is not row.agency:
            message = _("The code %(code)s is also given on row %(row)d.")
            self.error(row.number, "code", message % {"code": code, "row": self.codes[code][0]})
        else:
            self.codes[code] = (row.number, row.agency)

    def _contact(self, number: int, values: dict[str, str]) -> Contact | None:
        if not any(values.get(key) for key in CONTACT_KEYS):
            return None
        email = ""
        if text := values.get("contact_email"):
            emails = self._emails(number, "contact_email", text)
            if len(emails) > 1:
                self.error(number, "contact_email", _("Give one e-mail address for the contact."))
            email = emails[0] if emails else ""
            if email in self.contact_emails:
                message = _("This e-mail is also given for the contact on row %(row)d.")
                self.error(number, "contact_email", message % {"row": self.contact_emails[email]})
            elif email:
                self.contact_emails[email] = number
        return Contact(
            row=number,
            name=values.get("contact_name", ""),
            position=values.get("contact_position", ""),
            email=email,
            phone=values.get("contact_phone", ""),
        )

    def _plan_contacts(self) -> None:
        """Match contacts to stored people: by e-mail, or by name within their agency when there is none."""
        contacts = [row.contact for row in self.rows if row.contact is not None]
        emails = [contact.email for contact in contacts if contact.email]
        by_email = {}
        for chunk in chunks(emails):
            by_email.update((person.email, person) for person in Person.objects.filter(email__in=chunk))
        agency_ids = [row.agency.existing_id for row in self.rows if row.contact and not row.contact.email]
        by_name = {}
        for chunk in chunks([pk for pk in agency_ids if pk is not None]):
            people = Person.objects.filter(organization_id__in=chunk, email="")
            by_name.update(((person.organization_id, person.search_name), person) for person in people)
        for row in self.rows:
            contact = row.contact
            if contact is None:
                continue
            if contact.email:
                contact.person = by_email.get(contact.email)
            elif contact.name and row.agency.existing_id is not None:
                contact.person = by_name.get((row.agency.existing_id, fold(contact.name)))
            if contact.person is None and not contact.name:
                self.error(row.number, "contact_name", _("Enter the contact's name."))


class _Memo(dict):
    """Call a function once per distinct argument."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value

    def __call__(self, key):
        return self[key]


def chunks(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
