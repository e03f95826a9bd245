"""The proceedings (kỷ yếu) and the book of abstracts, from the same inputs and the same code.

A paper that exists only as an uploaded PDF gets as many empty placeholder pages as it has
pages, carrying the running header, the page number, its bookmark and its table-of-contents
anchor; pypdf then lays each uploaded page under its placeholder (scaled into the space between
header and page number), so its own fonts are kept and every page reference stays right.

A large book is laid out in parts over two processes (`render_book_in_chunks`): its body (agenda,
papers, annexes) in chunks that break at page breaks, without headers, page numbers or
bookmarks, since a chunk cannot know the page it starts on; then one front document: cover,
foreword and table of contents, followed by one near-empty page per body page carrying that
page's titles, hidden. Those titles set the running header, make the bookmarks and are the
targets of the table of contents' `target-counter`, so WeasyPrint numbers and heads every page
as in one document, and each body page is laid under its front page as a form XObject. The
PDF/A variant and small books are laid out as one document.
"""

import base64
import datetime
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from conferences.documents.joining import lay_pages_under, lay_under
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
        "short_title": conference.short_title or _short_title(conference.title_vi),
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
        "show_front": True,
        "show_body": True,
        "show_papers_part": True,
        "papers": papers,
        "awards": inputs.awards,
        "award_decisions": _award_decisions(inputs.awards),
        "participant_groups": inputs.participant_groups,
        "participant_count": sum(len(g.people) for g in inputs.participant_groups),
    }


def _readers(inputs: BookInputs) -> dict:
    if inputs.kind != Proceedings.Kind.BOOK:
        return {}
    return {paper.pk: _uploaded_reader(paper) for paper in inputs.papers if paper.pdf}


def _html(context: dict) -> str:
    with translation.override("vi"):
        return render_to_string("documents/proceedings.html", context)


def render_book(inputs: BookInputs, *, variant: str, version: int, chunks: int | None = None) -> RenderedBook:
    """Lay out and write the book of inputs.kind in this variant; uploaded papers' pages laid in.

    A book of PARALLEL_MIN_PAPERS papers or more (or with `chunks` given) is laid out in chunks
    over RENDER_WORKERS processes; the PDF/A variant and the book of abstracts in one piece.
    """
    may_split = variant != Proceedings.Variant.PDFA and inputs.kind == Proceedings.Kind.BOOK
    if may_split and (chunks or len(inputs.papers) >= PARALLEL_MIN_PAPERS):
        return render_book_in_chunks(inputs, variant=variant, version=version, chunks=chunks)
    readers = _readers(inputs)
    html = _html(book_context(inputs, variant=variant, version=version, readers=readers))
    document = render_document(html, stylesheet=STYLESHEET)
    placeholders = _placeholder_pages(document)
    options = {"pdf_variant": PDFA_VARIANT} if variant == Proceedings.Variant.PDFA else {}
    pdf = document.write_pdf(**options)
    pages = len(document.pages)
    if placeholders:
        pdf = _lay_in_uploaded_pages(pdf, placeholders, readers)
    return RenderedBook(pdf=pdf, pages=pages)


# A book in chunks over processes ----------------------------------------------------------------

# Below this many papers one process lays the book out faster than two start up.
PARALLEL_MIN_PAPERS = 30
RENDER_WORKERS = 2
# Chunks per process: more than one, so a process that started late or drew short chunks takes more.
CHUNKS_PER_WORKER = 2


def _blocks(context: dict) -> list[tuple[str, object, int]]:
    """The body's parts in order, each (kind, item, weight); a page break stands between any two.

    The weight estimates layout work (characters to lay out), to cut chunks of equal work.
    """
    blocks: list[tuple[str, object, int]] = []
    if context["agenda_days"]:
        blocks.append(("agenda", None, 150 * sum(len(day["items"]) for day in context["agenda_days"])))
    blocks.append(("papers_part", None, 100))
    for paper in context["papers"]:
        weight = (
            len(paper["abstract"])
            + len(paper.get("body_html", ""))
            + 3000 * len(paper.get("figure_images", []))
        )
        blocks.append(("paper", paper, weight + 500 * len(paper["placeholder_pages"])))
    if context["awards"]:
        blocks.append(("awards", None, 400 * len(context["awards"])))
    if context["participant_groups"]:
        blocks.append(("participants", None, 120 * context["participant_count"]))
    return blocks


def _chunk_context(context: dict, run: list) -> dict:
    kinds = {kind for kind, _item, _weight in run}
    return {
        **context,
        "show_front": False,
        "body_chunk": True,
        "agenda_days": context["agenda_days"] if "agenda" in kinds else [],
        "show_papers_part": "papers_part" in kinds,
        "papers": [item for kind, item, _weight in run if kind == "paper"],
        "awards": context["awards"] if "awards" in kinds else [],
        "participant_groups": context["participant_groups"] if "participants" in kinds else [],
    }


def render_body_chunk(html: str) -> tuple[bytes, list[list[str]]]:
    """Lay out and write one chunk of the body (in a pool process); return its PDF and each page's anchors."""
    document = render_document(html, stylesheet=STYLESHEET)
    return document.write_pdf(), [list(page.anchors) for page in document.pages]


def _marks(context: dict) -> dict[str, dict]:
    """Anchor -> the title it opens: the parts' and papers' titles the front pages carry, hidden."""
    marks = {
        "agenda": {"part": True, "title": "Chương trình hội nghị"},
        "papers": {"part": True, "title": context["papers_title"]},
        "annex-awards": {"part": True, "title": "Phụ lục: Khen thưởng"},
        "annex-participants": {"part": True, "title": "Phụ lục: Danh sách đại biểu"},
    }
    for paper in context["papers"]:
        marks[f"paper-{paper['pk']}"] = {"part": False, "title": paper["title"]}
    return {anchor: {**mark, "anchor": anchor} for anchor, mark in marks.items()}


def render_book_in_chunks(
    inputs: BookInputs,
    *,
    variant: str,
    version: int,
    chunks: int | None = None,
    workers: int = RENDER_WORKERS,
) -> RenderedBook:
    """The book laid out in chunks over `workers` processes, then numbered, headed and joined (see above)."""
    from conferences.documents.workers import consecutive_runs, run_chunks

    readers = _readers(inputs)
    context = book_context(inputs, variant=variant, version=version, readers=readers)
    runs = [
        run
        for run in consecutive_runs(
            _blocks(context), chunks or workers * CHUNKS_PER_WORKER, weight=lambda block: block[2]
        )
        if run
    ]
    htmls = [_html(_chunk_context(context, run)) for run in runs]
    rendered = run_chunks(
        htmls, handler="conferences.documents.proceedings:render_body_chunk", workers=workers
    )
    marks = _marks(context)
    body_anchors = [anchors for _pdf, page_anchors in rendered for anchors in page_anchors]
    stamp_pages, seen = [], set()
    for anchors in body_anchors:  # A section's anchor is on every page it spans: its first one opens it.
        stamp_pages.append([marks[a] for a in anchors if a in marks and a not in seen])
        seen.update(anchors)
    front = render_document(
        _html({**context, "show_body": False, "stamp_pages": stamp_pages}), stylesheet=STYLESHEET
    )
    first_body_page = len(front.pages) - len(body_anchors)
    if first_body_page < 1:
        raise RuntimeError("The front document of the book lost pages.")
    placeholders = {}
    for index, anchors in enumerate(body_anchors):
        for anchor in anchors:
            if anchor.startswith("upload-"):
                _prefix, paper_id, page_number = anchor.split("-")
                placeholders[first_body_page + index] = (int(paper_id), int(page_number))
    uploaded = {index: readers[paper].pages[number] for index, (paper, number) in placeholders.items()}
    pdf = lay_pages_under(
        front.write_pdf(),
        [pdf for pdf, _anchors in rendered],
        first_body_page,
        uploaded,
        place=_uploaded_matrix,
    )
    return RenderedBook(pdf=pdf, pages=len(front.pages))


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
    from pypdf import PdfReader, PdfWriter

    # The catalog is cloned (outline, XMP metadata, output intent): bookmarks and PDF/A marks stay.
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for index, (paper_id, page_number) in placeholders.items():
        source = readers[paper_id].pages[page_number]
        target = writer.pages[index]
        lay_under(writer, target, [(source, _uploaded_matrix(target, source))])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _uploaded_matrix(target, source) -> tuple[float, ...]:
    """The uploaded page scaled into the space between the placeholder's header and page number."""
    width, height = float(target.mediabox.width), float(target.mediabox.height)
    src_box = source.mediabox
    src_width, src_height = float(src_box.width), float(src_box.height)
    available = height - _HEADER_BAND - _FOOTER_BAND
    scale = min(width / src_width, available / src_height)
    dx = (width - src_width * scale) / 2 - float(src_box.left) * scale
    dy = _FOOTER_BAND + (available - src_height * scale) / 2 - float(src_box.bottom) * scale
    return (scale, 0, 0, scale, dx, dy)
