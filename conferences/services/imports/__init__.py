"""Import agencies and their contact people from a CSV or XLSX file.

import_preview() reads and checks a file and says what importing it would do,
writing nothing; import_commit() checks it again and writes all of it in one
transaction, or nothing at all if any row is wrong. Rows are matched to the
agencies already stored by folded name (accents, case and spacing ignored), so
importing the same list twice updates instead of duplicating.

reading: the file to rows of text; matching: each row to its agency and
parent, with the row errors; preview: what changes; writing: the writes.
"""

from dataclasses import dataclass
from typing import BinaryIO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conferences.models import AuditEntry
from conferences.services.audit import audit_record
from conferences.services.imports.preview import ImportPreview, RowSummary, plan_import
from conferences.services.imports.reading import (
    COLUMNS,
    EXTENSIONS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    Column,
    RowError,
    column_help,
    file_bytes,
    read_sheet,
)
from conferences.services.imports.writing import write_plan
from core.exceptions import ApplicationError

__all__ = [
    "COLUMNS",
    "EXTENSIONS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "Column",
    "ImportPreview",
    "ImportResult",
    "RowError",
    "RowSummary",
    "column_help",
    "import_commit",
    "import_preview",
    "user_may_import_organizations",
]


@dataclass
class ImportResult:
    counts: dict[str, int]
    ignored_columns: list[str]
    audit_entry: AuditEntry


# Services ----------------------------------------------------------------------------------------------


def import_preview(*, file: BinaryIO | bytes, filename: str) -> ImportPreview:
    """Read and check a file of agencies; say what importing it would create and update. Writes nothing."""
    sheet = read_sheet(file_bytes(file), filename)
    return plan_import(sheet).preview


def import_commit(*, file: BinaryIO | bytes, filename: str, actor=None) -> ImportResult:
    """Import a file of agencies and contacts: all of it in one transaction, or nothing if a row is wrong.

    Raises ApplicationError with extra["errors"] (row, column, message) when any row is wrong.
    """
    sheet = read_sheet(file_bytes(file), filename)
    try:
        with transaction.atomic():
            plan = plan_import(sheet)
            preview = plan.preview
            if preview.errors:
                count = len(preview.errors)
                raise ApplicationError(
                    ngettext(
                        "The file has %(count)d error; nothing was imported.",
                        "The file has %(count)d errors; nothing was imported.",
                        count,
                    )
                    % {"count": count},
                    code="invalid_rows",
                    extra={"errors": [error.as_dict() for error in preview.errors]},
                )
            write_plan(plan)
            counts = {key: value for key, value in preview.counts.items() if key != "errors"}
            entry = audit_record(
                action=AuditEntry.Action.ORGANIZATIONS_IMPORTED,
                object_type="organization",
                actor=actor,
                data={"file": filename, **counts},
            )
    except IntegrityError as exc:
        # Only another writer between the checks and the writes gets here: the checks cover the constraints.
        raise ApplicationError(
            _("The agencies changed while the file was being imported; nothing was imported. Try again."),
            code="conflict",
        ) from exc
    return ImportResult(counts=counts, ignored_columns=sheet.ignored, audit_entry=entry)


def user_may_import_organizations(user) -> bool:
    """Agencies are shared by every conference: staff, or users allowed to add agencies, import them."""
    return bool(user.is_authenticated and (user.is_staff or user.has_perm("conferences.add_organization")))
