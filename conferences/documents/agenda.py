"""The agenda (Chương trình) of a published version as a Decree 30 document."""

import datetime

from django.conf import settings
from django.utils import timezone

from conferences.documents.rendering import render_pdf
from conferences.models import AgendaVersion


def agenda_context(version: AgendaVersion) -> dict:
    conference = version.conference
    host = conference.host
    days: dict[str, list[dict]] = {}
    for item in version.items:
        days.setdefault(item["date"], []).append(item)
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
            {"date": datetime.date.fromisoformat(date), "items": items}
            for date, items in sorted(days.items())
        ],
    }


def render_agenda_pdf(version: AgendaVersion) -> bytes:
    return render_pdf("documents/agenda.html", agenda_context(version))
