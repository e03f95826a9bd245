"""A long document laid out in chunks, over this process and the helpers a worker process keeps.

A chunk starts on a page of its own, so a document that is cut into chunks breaks its pages at
those places whether it is cut or not (the agenda starts each day on a page, the running sheet
each batch): its pages are the same whichever process laid each chunk out, and in what order.
The chunks carry no page numbers, as a chunk cannot know the page it starts on; a frame of as many
empty pages, with the numbers and the metadata, is laid over them (`joining.lay_pages_under`).
The first chunk alone carries the document's heading (`continued` is set on the others), the
last alone what closes it (`to_be_continued` on the others).
"""

from conferences.documents.joining import lay_pages_under
from conferences.documents.rendering import render_document, render_html, render_pdf
from conferences.documents.workers import run_chunks

STYLESHEET = "css/documents.css"
CHUNK_WORKERS = 2


def render_pdf_in_chunks(template_name: str, contexts: list[dict], *, title: str) -> bytes:
    """One document from `contexts`, one per chunk in reading order, of a template of templates/documents/."""
    last = len(contexts) - 1
    htmls = [
        render_html(
            template_name,
            {**context, "unnumbered": True, "continued": number > 0, "to_be_continued": number < last},
        )
        for number, context in enumerate(contexts)
    ]
    chunks = run_chunks(
        htmls, handler="conferences.documents.chunks:render_chunk", workers=CHUNK_WORKERS, kept_only=True
    )
    pages = sum(count for _pdf, count in chunks)
    frame = render_pdf("documents/page_frame.html", {"title": title, "pages": range(pages)})
    return lay_pages_under(frame, [pdf for pdf, _count in chunks])


def render_chunk(html: str) -> tuple[bytes, int]:
    """One chunk (in a helper process, or this one): its PDF and its number of pages."""
    document = render_document(html, stylesheet=STYLESHEET)
    return document.write_pdf(), len(document.pages)
