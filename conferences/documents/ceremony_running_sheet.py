"""The running sheet of the awards ceremony for the master of ceremonies: batch by batch, in reading order."""

from django.conf import settings
from django.utils import timezone

from conferences.documents.rendering import render_pdf
from conferences.models import CeremonyBatch, Conference


def ceremony_running_sheet_context(*, conference: Conference, batches: list[CeremonyBatch]) -> dict:
    host = conference.host
    items = {batch.agenda_item_id: batch.agenda_item for batch in batches if batch.agenda_item_id}
    item = next(iter(items.values()), None)
    decisions = {}
    for batch in batches:
        for award in batch.awards.all():
            decisions.setdefault(award.decision_id, award.decision)
    return {
        "conference": conference,
        "issuer": host,
        "parent_body": host.parent.name if host.parent_id else "",
        "document_number": "",
        "issued_on": timezone.localdate(),
        "place": settings.DOCUMENT_PLACE,
        "agenda_item": item,
        "agenda_starts_at": timezone.localtime(item.starts_at) if item else None,
        "decisions": list(decisions.values()),
        "batches": batches,
        "total": sum(len(batch.awards.all()) for batch in batches),
    }


def render_ceremony_running_sheet(*, conference: Conference, batches: list[CeremonyBatch]) -> bytes:
    """`batches` from selectors.ceremony.ceremony_running_order (awards prefetched in reading order)."""
    return render_pdf(
        "documents/ceremony_running_sheet.html",
        ceremony_running_sheet_context(conference=conference, batches=batches),
    )


def ceremony_running_sheet_filename(conference: Conference) -> str:
    return f"kich-ban-trao-thuong-{conference.slug}.pdf"
