"""The agenda (Chương trình) of a published version as a Decree 30 document.

An agenda of LONG_AGENDA_ITEMS items or more starts each day on a page of its own, and is laid
out day by day in chunks (`render_agenda_pdf`): over this process and the helper a Celery worker
keeps (`workers.keep_helpers`), or one after the other where there is none. The chunks carry no
page numbers, as a chunk cannot know the page it starts on; a document of as many empty pages
with the numbers and the metadata is laid over them (`joining.lay_pages_under`). The pages are
the same whichever way the chunks ran.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from conferences.documents.joining import lay_pages_under
from conferences.documents.rendering import render_document, render_html, render_pdf
from conferences.models import AgendaVersion

TEMPLATE = "documents/agenda.html"
STYLESHEET = "css/documents.css"
# From this many items an agenda is laid out in chunks of days: a 200-item one took 1.5 s of CPU in
# one piece, and below about a hundred the cutting and joining cost more than the second core saves.
LONG_AGENDA_ITEMS = 100
CHUNK_WORKERS = 2


def agenda_context(version: AgendaVersion) -> dict:
    conference = version.conference
    host = conference.host
    days: dict[str, list[dict]] = {}
    for item in version.items:
        days.setdefault(item["date"], []).append(item)
    day_per_page = len(version.items) >= LONG_AGENDA_ITEMS
    return {
        "conference": conference,
        "version": version,
        "issuer": host,
        "parent_body": host.parent.name if host.parent_id else "",
        "document_number": "",
        "issued_on": timezone.localdate(version.published_at),
        "place": settings.DOCUMENT_PLACE,
        "starts_at": timezone.localtime(conference.starts_at),
        # With a single room the room column would repeat one name on every line.
        "show_rooms": len({item["room"] for item in version.items}) > 1,
        "days": [
            {
                "date": datetime.date.fromisoformat(date),
                "items": items,
                "new_page": day_per_page and number > 0,
            }
            for number, (date, items) in enumerate(sorted(days.items()))
        ],
        "day_per_page": day_per_page,
        "show_heading": True,
        "show_closing": True,
        "unnumbered": False,
    }


def render_agenda_pdf(version: AgendaVersion) -> bytes:
    context = agenda_context(version)
    from conferences.documents.workers import consecutive_runs, run_chunks

    runs = consecutive_runs(context["days"], CHUNK_WORKERS, weight=lambda day: len(day["items"]))
    if not context["day_per_page"] or len(runs) < 2:
        return render_pdf(TEMPLATE, context)

    htmls = [
        render_html(
            TEMPLATE,
            {
                **context,
                "days": run,
                "show_heading": number == 0,
                "show_closing": number == len(runs) - 1,
                "unnumbered": True,
            },
        )
        for number, run in enumerate(runs)
    ]
    chunks = run_chunks(
        htmls,
        handler="conferences.documents.agenda:render_agenda_chunk",
        workers=CHUNK_WORKERS,
        kept_only=True,
    )
    pages = sum(count for _pdf, count in chunks)
    frame = render_pdf("documents/page_frame.html", {"title": _title(version), "pages": range(pages)})
    return lay_pages_under(frame, [pdf for pdf, _count in chunks])


def render_agenda_chunk(html: str) -> tuple[bytes, int]:
    """One chunk of a long agenda (in a helper process, or this one): its PDF and its number of pages."""
    document = render_document(html, stylesheet=STYLESHEET)
    return document.write_pdf(), len(document.pages)


def _title(version: AgendaVersion) -> str:
    return f"Chương trình – {version.conference.title_vi}"
