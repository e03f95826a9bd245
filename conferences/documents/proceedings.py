"""The proceedings (kỷ yếu) and the book of abstracts, from the same inputs and the same code.

One HTML document, laid out once by the shared renderer, because the table of contents
needs the real page numbers (``target-counter``). A paper that exists only as an uploaded
PDF gets as many empty placeholder pages as it has pages, carrying the running header, the
page number, its bookmark and its table-of-contents anchor; pypdf then lays each uploaded
page under its placeholder (scaled into the space between header and page number), so its
own fonts are kept and every page reference stays right.
"""

import base64
import datetime
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from conferences.documents.rendering import render_document
from conferences.models import Proceedings
from conferences.selectors.proceedings import BookInputs
from core.markdown import markdown_to_html

STYLESHEET = "css/proceedings.css"
PDFA_VARIANT = "pdf/a-3b"
# The band kept free for the running header at the top and the page number at the bottom (points).
_HEADER_BAND = 62
_FOOTER_BAND = 56
_SHORT_TITLE_CHARS = 90


@dataclass(frozen=True)
class RenderedBook:
    pdf: bytes
    pages: int


def _short_title(title: str) -> str:
    if len(title) <= _SHORT_TITLE_CHARS:
        return title
    return title[: _SHORT_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _uploaded_reader(paper):
    from pypdf import PdfReader

    with paper.pdf.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def _figure_src(figure) -> str:
    # A data: URL, which the restricted fetcher serves without reading any file or network.
    with figure.image.open("rb") as handle:
        data = handle.read()
    mime = "image/jpeg" if figure.image.name.endswith(".jpg") else "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _agenda_days(version) -> list[dict]:
    days: dict[str, list[dict]] = {}
    for item in version.items:
        days.setdefault(item["date"], []).append(item)
    return [
        {"date": datetime.date.fromisoformat(date), "items": items} for date, items in sorted(days.items())
    ]


def _award_decisions(awards) -> list[dict]:
    decisions: dict[int, dict] = {}
    for award in awards:
        decision = award.decision
        entry = decisions.setdefault(
            decision.pk,
            {
                "number": decision.document.formatted,
                "signed_on": decision.signed_on,
                "subject": decision.subject,
                "awards": [],
            },
        )
        entry["awards"].append(award)
    return list(decisions.values())


def book_context(inputs: BookInputs, *, variant: str, version: int, readers: dict) -> dict:
    conference = inputs.conference
    abstracts_only = inputs.kind == Proceedings.Kind.ABSTRACTS
    papers = []
    for paper in inputs.papers:
        entry = {
            "pk": paper.pk,
            "title": paper.title,
            "authors": paper.authors,
            "agencies": paper.agencies,
            "abstract": paper.abstract,
            "placeholder_pages": [],
        }
        if paper.pk in readers:
            entry["placeholder_pages"] = range(len(readers[paper.pk].pages))
        elif not abstracts_only:
            # Sanitised HTML (markdown_to_html runs nh3: no raw HTML, images or unsafe links).
            entry["body_html"] = markdown_to_html(paper.body)
            entry["figure_images"] = [{"src": _figure_src(f), "caption": f.caption} for f in paper.figures]
        papers.append(entry)
    book_title = "Kỷ yếu" if not abstracts_only else "Tóm tắt tham luận"
    return {
        "conference": conference,
        "book_title": book_title,
        "subject": f"{book_title} {conference.title_vi}",
        "short_title": _short_title(conference.title_vi),
        "starts_on": timezone.localdate(conference.starts_at),
        "ends_on": timezone.localdate(conference.ends_at),
        "built_on": timezone.localdate(),
        "version": version,
        "print_variant": variant == Proceedings.Variant.PRINT,
        "abstracts_only": abstracts_only,
        "foreword_html": "" if abstracts_only else markdown_to_html(conference.proceedings_foreword),
        "agenda": inputs.agenda,
        "agenda_days": _agenda_days(inputs.agenda) if inputs.agenda and not abstracts_only else [],
        "show_rooms": bool(inputs.agenda) and len({i["room"] for i in inputs.agenda.items}) > 1,
        "papers_title": "Các tham luận" if not abstracts_only else "Tóm tắt các tham luận",
        "papers": papers,
        "awards": inputs.awards,
        "award_decisions": _award_decisions(inputs.awards),
        "participant_groups": inputs.participant_groups,
        "participant_count": sum(len(g.people) for g in inputs.participant_groups),
    }


def render_book(inputs: BookInputs, *, variant: str, version: int) -> RenderedBook:
    """Lay out and write the book of inputs.kind in this variant; uploaded papers' pages laid in."""
    readers = {}
    if inputs.kind == Proceedings.Kind.BOOK:
        readers = {paper.pk: _uploaded_reader(paper) for paper in inputs.papers if paper.pdf}
    with translation.override("vi"):
        html = render_to_string(
            "documents/proceedings.html",
            book_context(inputs, variant=variant, version=version, readers=readers),
        )
    document = render_document(html, stylesheet=STYLESHEET)
    placeholders = _placeholder_pages(document)
    options = {"pdf_variant": PDFA_VARIANT} if variant == Proceedings.Variant.PDFA else {}
    pdf = document.write_pdf(**options)
    pages = len(document.pages)
    if placeholders:
        pdf = _lay_in_uploaded_pages(pdf, placeholders, readers)
    return RenderedBook(pdf=pdf, pages=pages)


def _placeholder_pages(document) -> dict[int, tuple[int, int]]:
    """Page index -> (paper id, page of its uploaded PDF), read from the placeholders' anchors."""
    found = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("upload-"):
                _prefix, paper_id, page_number = anchor.split("-")
                found[index] = (int(paper_id), int(page_number))
    return found


def _lay_in_uploaded_pages(pdf: bytes, placeholders: dict[int, tuple[int, int]], readers: dict) -> bytes:
    from pypdf import PdfReader, PdfWriter, Transformation

    # The catalog is cloned (outline, XMP metadata, output intent): bookmarks and PDF/A marks stay.
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for index, (paper_id, page_number) in placeholders.items():
        target = writer.pages[index]
        source = readers[paper_id].pages[page_number]
        width, height = float(target.mediabox.width), float(target.mediabox.height)
        src_box = source.mediabox
        src_width, src_height = float(src_box.width), float(src_box.height)
        available = height - _HEADER_BAND - _FOOTER_BAND
        scale = min(width / src_width, available / src_height)
        dx = (width - src_width * scale) / 2 - float(src_box.left) * scale
        dy = _FOOTER_BAND + (available - src_height * scale) / 2 - float(src_box.bottom) * scale
        # Under the placeholder's own drawing: the running header and page number stay on top.
        target.merge_transformed_page(source, Transformation().scale(scale).translate(dx, dy), over=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
