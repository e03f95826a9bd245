"""Content negotiation for API endpoints that answer with a file (PDF, iCalendar, an HTML page).

DRF refuses with 406 any request whose Accept header none of the view's renderers
matches. A file endpoint lists the renderer of its file type, so that a client asking
exactly for `application/pdf` (or `text/calendar`, or anything, `*/*`) is served, and a
client asking only for another type is told 406. The view builds the file itself as an
HttpResponse: the renderer only takes part in the negotiation.
"""

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response


class FileRenderer(BaseRenderer):
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Files are built by their views; errors are sent as JSON by FileEndpointMixin.
        raise NotImplementedError(f"{type(self).__name__} only negotiates; the view builds the file.")


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class CalendarRenderer(FileRenderer):
    media_type = "text/calendar"
    format = "ics"


class CsvRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XlsxRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


class HtmlFileRenderer(FileRenderer):
    media_type = "text/html"
    format = "html"


class FileEndpointMixin:
    """For API views (or viewset actions) whose renderer_classes name the file type they serve.

    An error is data, not a file: it goes out as JSON (the API's one error shape) even when
    the client asked only for the file's type, or for a type the endpoint does not serve (406).
    """

    def finalize_response(self, request, response, *args, **kwargs):
        negotiated = getattr(request, "accepted_renderer", None)
        if isinstance(response, Response) and (negotiated is None or isinstance(negotiated, FileRenderer)):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
