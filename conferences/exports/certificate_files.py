"""A stored certificate PDF as a download, for the organizer's page, the delegate's page and the API."""

from django.http import FileResponse, Http404

from conferences.models import Certificate


def certificate_file_response(certificate: Certificate) -> FileResponse:
    """The certificate's PDF as an attachment named by its serial; 404 while it has no file."""
    if not certificate.file:
        raise Http404
    try:
        handle = certificate.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=f"{certificate.serial}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
