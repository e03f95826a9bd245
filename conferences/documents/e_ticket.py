"""The delegate's e-ticket: one A6 page with the check-in QR code, the ticket code, who and where."""

import segno
from django.utils import timezone
from django.utils.safestring import mark_safe

from conferences.documents.rendering import render_pdf
from conferences.models import Registration
from conferences.selectors.agenda_versions import agenda_current_version
from core.ticket_codes import ticket_code_display


def _qr_svg(url: str) -> str:
    """The personal page's address as an inline SVG QR code (segno's own markup)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=4, omitsize=True, lineclass=None)
    return mark_safe(svg)


def _rooms(registration: Registration) -> list[str]:
    """The rooms of the published agenda items the delegate speaks at, in agenda order."""
    version = agenda_current_version(registration.conference)
    rooms: list[str] = []
    for item in version.items if version else []:
        speaks = any(speaker["id"] == registration.person_id for speaker in item.get("speakers", []))
        if speaks and item.get("room") and item["room"] not in rooms:
            rooms.append(item["room"])
    return rooms


def e_ticket_context(registration: Registration, *, delegate_url: str) -> dict:
    conference = registration.conference
    return {
        "registration": registration,
        "conference": conference,
        "starts_at": timezone.localtime(conference.starts_at),
        "ends_at": timezone.localtime(conference.ends_at),
        "rooms": _rooms(registration),
        "ticket_code": ticket_code_display(registration.ticket_code),
        "qr_svg": _qr_svg(delegate_url),
    }


def render_e_ticket(registration: Registration, *, delegate_url: str) -> bytes:
    """The e-ticket PDF; `delegate_url` is the personal page its QR code opens."""
    return render_pdf("documents/e_ticket.html", e_ticket_context(registration, delegate_url=delegate_url))


def e_ticket_filename(registration: Registration) -> str:
    return f"ve-{registration.conference.slug}-{registration.ticket_code}.pdf"
