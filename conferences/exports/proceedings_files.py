"""A stored proceedings build as a download, for the organizer's page and the API."""

from django.http import FileResponse, Http404

from conferences.models import Proceedings


def proceedings_file_response(build: Proceedings) -> FileResponse:
    """The build's PDF as an attachment named by its kind, conference and version."""
    try:
        handle = build.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=build.download_name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
