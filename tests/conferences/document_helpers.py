"""Looking inside WeasyPrint's layout of a document: the tables as they were laid out on the pages."""

from django.template.loader import render_to_string
from django.utils import translation

from conferences.documents.rendering import STYLESHEET, render_document


def grid_tables(template_name: str, context: dict) -> list[tuple[str, list[float]]]:
    """Each table.grid piece on each page: its table-layout and its columns' widths as fractions."""
    from weasyprint.formatting_structure.boxes import TableBox

    with translation.override("vi"):
        html = render_to_string(template_name, context)
    document = render_document(html, stylesheet=STYLESHEET)
    tables = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, TableBox) and "grid" in (box.element.get("class") or "").split():
                total = sum(box.column_widths)
                tables.append((box.style["table_layout"], [round(w / total, 3) for w in box.column_widths]))
    return tables


def laid_in_chunks(pdf: bytes) -> bool:
    """Whether the PDF's pages are chunks laid under a page frame (documents/joining.py)."""
    import io

    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return "/HnUnder0" in page["/Resources"].get_object().get("/XObject", {})
