"""The papers and their reviews as CSV and XLSX files, for the organizers' file of the conference.

Like the delegate list, the column titles are Vietnamese whatever the page's
language (a working document of a Vietnamese conference), times are in
Asia/Ho_Chi_Minh, and text typed by delegates or reviewers is never read as a
formula (delegates.spreadsheet_text in CSV, string cells in XLSX). Scores stay
numbers, so the spreadsheet can sort and sum them.
"""

import csv
import datetime
import io
import zoneinfo
from collections.abc import Sequence

from django.utils import timezone, translation

from conferences.exports.delegates import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, spreadsheet_text
from conferences.models import ReviewCriterion
from conferences.selectors.paper_reports import PaperReportRow, ReviewReportRow
from core.text import without_controls

__all__ = ["CSV_CONTENT_TYPE", "XLSX_CONTENT_TYPE"]

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

PAPER_COLUMNS = (
    "Mã",
    "Tiêu đề",
    "Chủ đề",
    "Cơ quan",
    "Tác giả",
    "Người trình bày",
    "Trạng thái",
    "Nộp lúc",
    "Quyết định lúc",
    "Số phiên bản",
    "Điểm trung bình có trọng số (0-100)",
    "Độ chênh",
    "Đã chấm",
    "Được giao",
)
PAPER_WIDTHS = (7, 50, 25, 40, 45, 25, 18, 17, 17, 10, 14, 10, 9, 9)
REVIEW_COLUMNS_BEFORE = ("Mã tham luận", "Tiêu đề", "Người phản biện", "Cơ quan người phản biện")
REVIEW_COLUMNS_AFTER = (
    "Điểm có trọng số (0-100)",
    "Khuyến nghị",
    "Nhận xét cho tác giả",
    "Nhận xét kín cho ban tổ chức",
    "Trạng thái",
    "Gửi lúc",
)


def _time(value: datetime.datetime | None) -> str:
    return value.astimezone(HANOI).strftime("%H:%M %d/%m/%Y") if value else ""


def _authors(row: PaperReportRow) -> str:
    names = []
    for authorship in row.authors:
        person = authorship.person
        agency = person.organization.name if person.organization_id else ""
        names.append(f"{person.full_name} ({agency})" if agency else person.full_name)
    return "; ".join(names)


def paper_table(rows: Sequence[PaperReportRow]) -> tuple[tuple[str, ...], list[list]]:
    """The papers list: column titles and one row per paper (numbers as numbers, the rest as text)."""
    table = []
    with translation.override("vi"):
        for row in rows:
            paper, stats = row.paper, row.stats
            table.append(
                [
                    paper.pk,
                    paper.title,
                    paper.topic.label if paper.topic_id else "",
                    paper.presenting_organization.name if paper.presenting_organization_id else "",
                    _authors(row),
                    row.presenter,
                    str(paper.get_status_display()),
                    _time(paper.submitted_at),
                    _time(paper.decided_at),
                    paper.revision_count,
                    stats.mean,
                    stats.spread,
                    stats.done,
                    stats.assigned,
                ]
            )
    return PAPER_COLUMNS, table


def review_table(
    rows: Sequence[ReviewReportRow], criteria: Sequence[ReviewCriterion]
) -> tuple[tuple[str, ...], list[list]]:
    """The reviews list: a column per criterion (its label and maximum), then the weighted score and texts."""
    columns = (
        *REVIEW_COLUMNS_BEFORE,
        *(
            f"{criterion.label} (tối đa {criterion.max_score}, hệ số {criterion.weight})"
            for criterion in criteria
        ),
        *REVIEW_COLUMNS_AFTER,
    )
    table = []
    with translation.override("vi"):
        for row in rows:
            review = row.review
            scores = review.scores or {}
            table.append(
                [
                    review.paper_id,
                    review.paper.title,
                    row.reviewer_name,
                    row.reviewer_agency,
                    *(scores.get(criterion.code) for criterion in criteria),
                    row.weighted_score,
                    str(review.get_recommendation_display()),
                    review.comment,
                    review.confidential_comment,
                    str(review.get_status_display()),
                    _time(review.submitted_at),
                ]
            )
    return columns, table


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def table_csv(columns: Sequence[str], table: list[list]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads the Vietnamese letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for values in table:
        writer.writerow(
            [
                value if _is_number(value) else spreadsheet_text("" if value is None else str(value))
                for value in values
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def table_xlsx(
    columns: Sequence[str],
    table: list[list],
    *,
    sheet_title: str,
    title: str = "",
    widths: Sequence[int] = (),
) -> bytes:
    """One sheet: a bold, frozen header row; numbers stay numbers, every other value is a string cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in table:
        sheet.append(
            [
                value if _is_number(value) or value is None else without_controls(str(value))
                for value in values
            ]
        )
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                # openpyxl stores a string that starts with "=" as a formula; these are texts, not formulas.
                cell.data_type = "s"
                cell.number_format = "@"
    for index, width in enumerate(widths or [18] * len(columns), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    if title:
        workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def papers_export(rows: Sequence[PaperReportRow], extension: str, *, title: str = "") -> bytes:
    columns, table = paper_table(rows)
    if extension == "csv":
        return table_csv(columns, table)
    return table_xlsx(columns, table, sheet_title="Tham luận", title=title, widths=PAPER_WIDTHS)


def reviews_export(
    rows: Sequence[ReviewReportRow], criteria: Sequence[ReviewCriterion], extension: str, *, title: str = ""
) -> bytes:
    columns, table = review_table(rows, criteria)
    if extension == "csv":
        return table_csv(columns, table)
    widths = (10, 45, 25, 35, *(14 for _ in criteria), 14, 22, 50, 50, 12, 17)
    return table_xlsx(columns, table, sheet_title="Phản biện", title=title, widths=widths)


def export_filename(kind: str, slug: str, extension: str, on: datetime.date | None = None) -> str:
    """<kind>-<slug>-<yyyy-mm-dd>.<extension>, e.g. tham-luan-so-ket-19-2021-04-09.xlsx"""
    on = on or timezone.localdate()
    return f"{kind}-{slug}-{on.isoformat()}.{extension}"
