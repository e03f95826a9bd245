"""The running sheet of the awards ceremony for the master of ceremonies: batch by batch, in reading order.

A sheet of LONG_SHEET_AWARDS recipients or more starts each batch on a page of its own, and is
laid out in chunks of batches (documents/chunks.py).
"""

from django.conf import settings
from django.utils import timezone

from conferences.documents.chunks import CHUNK_WORKERS, render_pdf_in_chunks
from conferences.documents.rendering import render_pdf
from conferences.documents.workers import consecutive_runs
from conferences.models import CeremonyBatch, Conference

TEMPLATE = "documents/ceremony_running_sheet.html"
# From this many recipients the sheet is laid out in chunks: 200 took about 1 s of CPU in one piece.
LONG_SHEET_AWARDS = 100


def ceremony_running_sheet_context(*, conference: Conference, batches: list[CeremonyBatch]) -> dict:
    host = conference.host
    items = {batch.agenda_item_id: batch.agenda_item for batch in batches if batch.agenda_item_id}
    item = next(iter(items.values()), None)
    total = sum(len(batch.awards.all()) for batch in batches)
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
        "batch_count": len(batches),
        "first_position": batches[0].position if batches else None,
        "total": total,
        "batch_per_page": total >= LONG_SHEET_AWARDS,
    }


def render_ceremony_running_sheet(*, conference: Conference, batches: list[CeremonyBatch]) -> bytes:
    """`batches` from selectors.ceremony.ceremony_running_order (awards prefetched in reading order)."""
    context = ceremony_running_sheet_context(conference=conference, batches=batches)
    if not context["batch_per_page"]:
        return render_pdf(TEMPLATE, context)
    runs = consecutive_runs(batches, CHUNK_WORKERS, weight=lambda batch: len(batch.awards.all()) + 1)
    title = f"Kịch bản trao thưởng – {conference.title_vi}"
    return render_pdf_in_chunks(TEMPLATE, context, [{"batches": run} for run in runs], title=title)


def ceremony_running_sheet_filename(conference: Conference) -> str:
    return f"kich-ban-trao-thuong-{conference.slug}.pdf"
