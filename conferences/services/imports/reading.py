"""Read a CSV or XLSX file of agencies into rows of text keyed by column.

Headings are matched without accents, case or punctuation, in Vietnamese or
English; cells come back in NFC with spaces folded; rows keep the numbers the
spreadsheet shows, so an error can point at the cell to correct.

Files come from outside: a workbook is parsed with XML entities refused
(openpyxl uses defusedxml when it is installed), damaged XML is a message,
not a 500, and neither a sheet that numbers its second row 16,000,000 nor a
CSV file of empty lines is read further than MAX_SHEET_ROWS rows.
"""

import csv
import datetime
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.text import fold, nfc

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000  # Agencies in one file.
# Rows read, empty or not: the agencies, a title and headings above them, some empty rows. Empty rows
# cost time too: a sheet may number its second row 16,000,000, a CSV file may be 19 MiB of line breaks.
MAX_SHEET_ROWS = 60_000
MAX_SHEET_COLUMNS = 64  # Columns read; one cell in column XFD would make every row 16,384 wide.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024  # A workbook's parts once unzipped: no zip bomb is unpacked.
EXTENSIONS = ("csv", "xlsx")
HEADING_SEARCH_ROWS = 10  # Rows with text looked through for the heading row.


# Columns -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # The Vietnamese heading of the import template.
    aliases: tuple[str, ...]  # Other headings accepted, compared without accents, case or punctuation.
    max_length: int | None = None


COLUMNS = (
    Column("name", "Tên cơ quan", ("name", "tên", "tên đơn vị", "cơ quan", "đơn vị", "agency"), 255),
    Column("short_name", "Tên viết tắt", ("short_name", "viết tắt"), 100),
    Column("code", "Mã", ("code", "mã cơ quan", "ký hiệu"), 20),
    Column("kind", "Loại", ("kind", "loại cơ quan", "type")),
    Column("province", "Tỉnh", ("province", "tỉnh/thành phố", "tỉnh thành", "mã tỉnh")),
    Column("parent", "Cơ quan cấp trên", ("parent", "đơn vị cấp trên", "cơ quan chủ quản")),
    Column("emails", "Email", ("e-mail", "emails", "contact_emails", "thư điện tử")),
    Column("phone", "Điện thoại", ("phone", "số điện thoại", "sđt"), 32),
    Column("address", "Địa chỉ", ("address",), 255),
    Column("contact_name", "Người liên hệ", ("contact_name", "họ tên người liên hệ"), 200),
    Column("contact_position", "Chức vụ", ("contact_position", "chức vụ người liên hệ", "position"), 200),
    Column("contact_email", "Email người liên hệ", ("contact_email", "e-mail người liên hệ"), 254),
    Column("contact_phone", "Điện thoại người liên hệ", ("contact_phone",), 32),
)
PHONE_KEYS = ("phone", "contact_phone")


_NOT_KEY = re.compile(r"[^0-9a-z]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")  # Zero-width characters pasted from the web.


def compare_key(text: str) -> str:
    """Return text folded for comparing headings and labels: "Tỉnh/Thành phố" -> "tinh thanh pho"."""
    return " ".join(_NOT_KEY.sub(" ", fold(text)).split())


@cache
def _column_by_key() -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in COLUMNS:
        for alias in (column.key, column.header, *column.aliases):
            assert index.setdefault(compare_key(alias), column) is column, f"heading {alias!r} is ambiguous"
    return index


def column_help() -> list[tuple[str, list[str]]]:
    """Return each column's heading and the other headings accepted, for the upload page."""
    return [(column.header, list(dict.fromkeys([column.key, *column.aliases]))) for column in COLUMNS]


@dataclass(frozen=True)
class RowError:
    row: int  # As the spreadsheet numbers it: the heading is row 1.
    column: str  # The heading as written in the file; "" for the file as a whole.
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


# Reading the file --------------------------------------------------------------------------------------


@dataclass
class Sheet:
    headings: dict[str, str]  # column key -> heading as written
    rows: list[tuple[int, dict[str, str]]]  # (row number, column key -> text), blank rows left out
    errors: list[RowError]
    ignored: list[str]


def file_bytes(file: BinaryIO | bytes) -> bytes:
    data = file if isinstance(file, bytes) else file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ApplicationError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    if not data.strip():
        raise ApplicationError(_("The file is empty."), code="empty_file")
    return data


def _file_format(data: bytes, filename: str) -> str:
    extension = PurePath(filename or "").suffix.lower().lstrip(".")
    if data[:4] == b"PK\x03\x04":  # A zip archive, whatever its name says.
        return "xlsx"
    if extension == "xls":
        raise ApplicationError(
            _("Old Excel files (.xls) cannot be read: save the file as .xlsx or .csv."),
            code="unsupported_file",
        )
    if extension in {"", "csv", "txt"}:
        return "csv"
    if extension == "xlsx":
        raise ApplicationError(
            _("The file could not be read as an Excel workbook (.xlsx)."), code="unreadable_file"
        )
    raise ApplicationError(
        _("Unsupported file type “.%(extension)s”: upload a .csv or .xlsx file.") % {"extension": extension},
        code="unsupported_file",
    )


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), UTF-16 with a BOM, or Windows-1258 (Vietnamese)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Windows-1258 writes tones as combining marks; NFC later composes them.
        return data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            _("The file is neither UTF-8 nor Windows-1258 text: save it as “CSV UTF-8”."),
            code="unreadable_file",
        ) from exc


def _csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel writes ";" or tabs in some locales; the heading line tells which.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # A record is a spreadsheet row even when a quoted cell spans several lines.
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise ApplicationError(
            _("The CSV file is malformed: %(error)s") % {"error": exc}, code="unreadable_file"
        ) from exc


def _too_many_rows() -> ApplicationError:
    return ApplicationError(
        _(
            "The sheet runs to more than %(limit)d rows, counting empty ones: delete the empty rows "
            "at its end or split it into smaller files."
        )
        % {"limit": MAX_SHEET_ROWS},
        code="too_many_rows",
    )


def _capped(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    """Pass rows on until one numbered past MAX_SHEET_ROWS, then refuse the file."""
    for number, cells in rows:
        if number > MAX_SHEET_ROWS:
            raise _too_many_rows()
        yield number, cells


def _unreadable_workbook(exc: BaseException) -> ApplicationError:
    from defusedxml import DefusedXmlException

    causes = []
    while exc is not None and len(causes) < 10:  # openpyxl wraps what the XML parser raised.
        causes.append(exc)
        exc = exc.__cause__ or exc.__context__
    if any(isinstance(cause, DefusedXmlException) for cause in causes):
        message = _(
            "The workbook declares XML entities or a DTD, which are not accepted: "
            "open it in Excel and save it again."
        )
    elif any(isinstance(cause, ParseError) for cause in causes):
        message = _("The workbook is damaged (its XML cannot be read): open it in Excel and save it again.")
    else:
        message = _("The file could not be read as an Excel workbook (.xlsx).")
    return ApplicationError(message, code="unreadable_file")


# What a damaged or hostile workbook raises while it is read: broken XML or zip data, entities,
# references to shared strings or styles that are not there, numbers that are no date.
_WORKBOOK_ERRORS = (
    ParseError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    OverflowError,
)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    from openpyxl import load_workbook  # Slow to import: only when a workbook is read.
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable_workbook(exc) from exc
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ApplicationError(
            _("The workbook unpacks to more than %(size)d MB: split it into smaller files.")
            % {"size": MAX_UNZIPPED_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Workbook contains no default style" and the like.
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *_WORKBOOK_ERRORS) as exc:
        raise _unreadable_workbook(exc) from exc
    try:
        sheet = workbook.active or workbook.worksheets[0]
        # The size the sheet declares, when it declares one, refuses a huge sheet before any row is read.
        if (sheet.max_row or 0) > MAX_SHEET_ROWS:
            raise _too_many_rows()
        # Some programs write too small a size; without one every row is read (up to MAX_SHEET_ROWS).
        sheet.reset_dimensions()
        # Read-only sheets yield empty tuples for missing rows, so the count is the row number.
        rows = sheet.iter_rows(min_row=1, max_col=MAX_SHEET_COLUMNS, values_only=True)
        yield from enumerate(rows, start=1)
    except _WORKBOOK_ERRORS as exc:
        raise _unreadable_workbook(exc) from exc
    finally:
        workbook.close()


def _cell_text(value, key: str) -> str:
    if value is None or value == "":  # Most cells of most rows: skip the cleaning below.
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and key in PHONE_KEYS:
        # A number cell cannot keep the leading zero of a Vietnamese phone number (0912 345 678).
        text = str(value)
        return text if text.startswith("84") else f"0{text}"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = nfc(value if isinstance(value, str) else str(value))
    if _INVISIBLE.search(text):
        text = " ".join(_INVISIBLE.sub("", text).split())
    # nfc() keeps line breaks (Alt+Enter in a cell), but no column here spans lines.
    return " ".join(text.split()) if "\n" in text or "\r" in text else text


def _heading_row(rows: Iterator[tuple[int, list]]) -> tuple[int, list]:
    """Return the first row naming the agencies' column (a title may sit above it).

    Failing that, the first row with text: it is then reported as lacking that column.
    """
    first, seen = None, 0
    for number, cells in rows:
        texts = [text for cell in cells if (text := _cell_text(cell, ""))]
        if not texts:
            continue
        first = first or (number, cells)
        if any(_column_by_key().get(compare_key(text)) is COLUMNS[0] for text in texts):
            return number, cells
        seen += 1
        if seen >= HEADING_SEARCH_ROWS:
            break
    if first is None:
        raise ApplicationError(_("The file is empty."), code="empty_file")
    return first


def read_sheet(data: bytes, filename: str) -> Sheet:
    rows = _capped(_xlsx_rows(data) if _file_format(data, filename) == "xlsx" else _csv_rows(data))
    errors: list[RowError] = []
    by_key = _column_by_key()
    header_row, cells = _heading_row(rows)
    positions: dict[int, str] = {}
    headings: dict[str, str] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        heading = _cell_text(cell, "")
        if not heading:
            continue
        column = by_key.get(compare_key(heading))
        if column is None:
            ignored.append(heading)
        elif column.key in headings:
            message = _("The columns “%(first)s” and “%(second)s” mean the same thing; keep one.") % {
                "first": headings[column.key],
                "second": heading,
            }
            errors.append(RowError(header_row, heading, message))
        else:
            positions[position] = column.key
            headings[column.key] = heading
    if "name" not in headings:
        message = _("No column holds the agencies' names: head one “%(vi)s” or “%(en)s”.") % {
            "vi": COLUMNS[0].header,
            "en": COLUMNS[0].key,
        }
        errors.append(RowError(header_row, "", message))

    records: list[tuple[int, dict[str, str]]] = []
    for number, cells in rows:
        values = {
            key: _cell_text(cells[position], key)
            for position, key in positions.items()
            if position < len(cells)
        }
        if not any(values.values()):
            continue
        if len(records) >= MAX_ROWS:
            raise ApplicationError(
                _("The file has more than %(limit)d rows: split it into smaller files.")
                % {"limit": MAX_ROWS},
                code="too_many_rows",
            )
        records.append((number, values))
    return Sheet(headings=headings, rows=records, errors=errors, ignored=ignored)
