"""The agenda (Chương trình) of a published version as a Decree 30 document.

An agenda of LONG_AGENDA_ITEMS items or more starts each day on a page of its own, and is laid
out in chunks of days (documents/chunks.py) over this process and the helper a Celery worker
keeps; in one piece where there is none.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from conferences.documents.chunks import CHUNK_WORKERS, render_pdf_in_chunks
from conferences.documents.rendering import render_pdf
from conferences.documents.workers import consecutive_runs
from conferences.models import AgendaVersion

TEMPLATE = "documents/agenda.html"
# From this many items an agenda is laid out in chunks of days: a 200-item one took 1.5 s of CPU in
# one piece, and below about a hundred the cutting and joining cost more than the second core saves.
LONG_AGENDA_ITEMS = 100


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
    }


def render_agenda_pdf(version: AgendaVersion) -> bytes:
    context = agenda_context(version)
    if not context["day_per_page"]:
        return render_pdf(TEMPLATE, context)
    runs = consecutive_runs(context["days"], CHUNK_WORKERS, weight=lambda day: len(day["items"]))
    title = f"Chương trình – {version.conference.title_vi}"
    return render_pdf_in_chunks(TEMPLATE, context, [{"days": run} for run in runs], title=title)
