"""A long document laid out in chunks, over this process and the helpers a worker process keeps.

A chunk starts on a page of its own, so a document that may be cut into chunks breaks its pages
at those places whether it is cut or not (the agenda starts each day on a page, the running sheet
each batch): its pages look the same whichever process laid each chunk out, or whether it was
laid out in one piece. It is, where no helper is kept (a web process): there the chunks would
only add the frame and the joining to the same work.

The chunks carry no page numbers, as a chunk cannot know the page it starts on; a frame of as many
empty pages, with the numbers and the metadata, is laid over them (`joining.lay_pages_under`).
The first chunk alone carries the document's heading (`continued` is set on the others), the
last alone what closes it (`to_be_continued` on the others).
"""

from conferences.documents.joining import lay_pages_under
from conferences.documents.rendering import render_document, render_html, render_pdf
from conferences.documents.workers import kept_helpers, run_chunks

STYLESHEET = "css/documents.css"
CHUNK_WORKERS = 2


def render_pdf_in_chunks(template_name: str, context: dict, chunks: list[dict], *, title: str) -> bytes:
    """A template of templates/documents/ as PDF, laid out over the kept helpers in `chunks`.

    Each chunk is what changes in `context` for it, in reading order; `title` is the document's,
    for its metadata.
    """
    if len(chunks) < 2 or not kept_helpers():
        return render_pdf(template_name, context)
    last = len(chunks) - 1
    htmls = [
        render_html(
            template_name,
            {
                **context,
                **chunk,
                "unnumbered": True,
                "continued": number > 0,
                "to_be_continued": number < last,
            },
        )
        for number, chunk in enumerate(chunks)
    ]
    rendered = run_chunks(
        htmls, handler="conferences.documents.chunks:render_chunk", workers=CHUNK_WORKERS, kept_only=True
    )
    pages = sum(count for _pdf, count in rendered)
    frame = render_pdf("documents/page_frame.html", {"title": title, "pages": range(pages)})
    return lay_pages_under(frame, [pdf for pdf, _count in rendered])


def render_chunk(html: str) -> tuple[bytes, int]:
    """One chunk (in a helper process, or this one): its PDF and its number of pages."""
    document = render_document(html, stylesheet=STYLESHEET)
    return document.write_pdf(), len(document.pages)
