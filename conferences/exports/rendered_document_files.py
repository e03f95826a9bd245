"""A document a worker rendered, served from storage (organizer pages and the API)."""

from django.http import FileResponse, Http404

from conferences.models import RenderedDocument


def rendered_document_response(document: RenderedDocument, *, filename: str, inline: bool) -> FileResponse:
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:  # Deleted by a newer render between the lookup and here.
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
