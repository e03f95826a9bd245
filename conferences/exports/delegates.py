"""The reception desk's delegate list as CSV and XLSX files.

The column titles are Vietnamese whatever the page's language: the list is a
working document of the Vietnamese reception desk, like the letters. Values
typed by agencies on the RSVP page are untrusted: a cell that a spreadsheet
would run as a formula ("=HYPERLINK(...)") is written as text, and control
characters stored before they were refused are left out (an XLSX file cannot
hold them at all).
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import astuple, dataclass

from django.utils import timezone

from conferences.models import Registration
from core.text import without_controls

COLUMNS = ("STT", "Họ và tên", "Chức vụ", "Cơ quan", "Tỉnh/thành phố", "Email", "Điện thoại", "Điểm danh")
# Width of each XLSX column, in characters.
WIDTHS = (6, 28, 30, 45, 18, 30, 16, 18)
SHEET_TITLE = "Danh sách đại biểu"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE = re.compile(r"^\+?[\d\s.()-]+$")


@dataclass(frozen=True)
class DelegateRow:
    number: int
    full_name: str
    position: str
    organization: str
    province: str
    email: str
    phone: str
    checked_in: str


def delegate_rows(registrations: Iterable[Registration]) -> list[DelegateRow]:
    """One row per registration, numbered from 1 (the selector has already sorted and joined them)."""
    rows = []
    for number, registration in enumerate(registrations, start=1):
        organization = registration.organization
        checked_in = registration.checked_in_at
        rows.append(
            DelegateRow(
                number=number,
                # As the agency named the delegate for this conference (see Registration).
                full_name=registration.display_name,
                position=registration.display_position,
                organization=organization.name if organization else "",
                province=organization.province.name if organization and organization.province else "",
                email=registration.person.email,
                phone=registration.display_phone,
                checked_in=timezone.localtime(checked_in).strftime("%H:%M %d/%m/%Y") if checked_in else "",
            )
        )
    return rows


def spreadsheet_text(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula; phone numbers such as +84 ... stay as they are."""
    value = without_controls(value)
    if value.startswith(_FORMULA_START) and not _PHONE.match(value):
        return "'" + value
    return value


def delegates_csv(rows: list[DelegateRow]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads the Vietnamese letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.number, *(spreadsheet_text(value) for value in astuple(row)[1:])])
    return buffer.getvalue().encode("utf-8-sig")


def delegates_xlsx(rows: list[DelegateRow], *, title: str = "") -> bytes:
    """One sheet: a bold, frozen header row over the delegates; every value but the number is text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([row.number, *(without_controls(value) for value in astuple(row)[1:])])
    for cells in sheet.iter_rows(min_row=2, min_col=2):
        for cell in cells:
            # openpyxl stores a string that starts with "=" as a formula; these are names, not formulas.
            cell.data_type = "s"
            cell.number_format = "@"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    if title:
        workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(slug: str, extension: str, on: datetime.date | None = None) -> str:
    """danh-sach-dai-bieu-<slug>-<yyyy-mm-dd>.<extension>"""
    on = on or timezone.localdate()
    return f"danh-sach-dai-bieu-{slug}-{on.isoformat()}.{extension}"
