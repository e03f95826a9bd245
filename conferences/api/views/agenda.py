"""The published agenda over the API: the current version as JSON, ICS and PDF, and the versions.

Read-only and public for published conferences; organizers (and superusers) also
reach their drafts. JSON, ICS and PDF carry ETag and Last-Modified and answer
conditional requests with 304 (see conferences.exports.agenda).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api import schema as api_schema
from conferences.api.serializers.agenda import (
    AgendaJsonSerializer,
    AgendaVersionDetailSerializer,
    AgendaVersionListSerializer,
)
from conferences.exports.agenda import (
    agenda_export_view,
    agenda_ics_response,
    agenda_json_response,
    agenda_pdf_response,
)
from conferences.models import AgendaVersion, Conference
from conferences.selectors.agenda_versions import agenda_version_get, agenda_version_list
from conferences.selectors.conferences import conference_get_for_user, conference_list_for_user
from core.api import ErrorResponseSerializer
from core.renderers import CalendarRenderer, FileEndpointMixin, PdfRenderer

# Errors are JSON whatever type the endpoint serves (core.renderers.FileEndpointMixin).
NOT_FOUND = {(404, "application/json"): ErrorResponseSerializer}


def _not_published(request, slug: str) -> NotFound:
    """404 for a conference the user cannot see, or one with no published agenda yet (told apart)."""
    if conference_list_for_user(user=request.user).filter(slug=slug).exists():
        return NotFound(_("The agenda has not been published yet."))
    return NotFound(_("No such conference."))


# The site's export views, with the API's 404 (conference or agenda missing, told apart).
_agenda_json = agenda_export_view(agenda_json_response, missing=_not_published)
_agenda_ics = agenda_export_view(agenda_ics_response, missing=_not_published)
_agenda_pdf = agenda_export_view(agenda_pdf_response, missing=_not_published)


class _ExportView(FileEndpointMixin, APIView):
    who_may_call = api_schema.PUBLISHED_OR_ORGANIZERS
    # The body is built here, not by a renderer; the renderer names the type for negotiation,
    # and errors come back as JSON.
    renderer_classes = [JSONRenderer]


class AgendaView(_ExportView):
    """The current published agenda as JSON: the items exactly as frozen in the version."""

    @extend_schema(summary=_("The current agenda"), responses={200: AgendaJsonSerializer, **NOT_FOUND})
    def get(self, request, conference_slug: str):
        return _agenda_json(request, conference_slug)


class AgendaIcsView(_ExportView):
    renderer_classes = [CalendarRenderer]

    @extend_schema(
        summary=_("The current agenda as an iCalendar file"),
        responses={(200, "text/calendar"): OpenApiTypes.STR, **NOT_FOUND},
    )
    def get(self, request, conference_slug: str):
        return _agenda_ics(request, conference_slug)


class AgendaPdfView(_ExportView):
    renderer_classes = [PdfRenderer]

    @extend_schema(
        summary=_("The current agenda as a PDF (Chương trình)"),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **NOT_FOUND},
    )
    def get(self, request, conference_slug: str):
        return _agenda_pdf(request, conference_slug)


class _ConferenceAgendaMixin:
    who_may_call = api_schema.PUBLISHED_OR_ORGANIZERS

    def get_conference(self) -> Conference:
        if not hasattr(self, "_conference"):
            try:
                slug = self.kwargs["conference_slug"]
                self._conference = conference_get_for_user(slug=slug, user=self.request.user)
            except Conference.DoesNotExist as exc:
                raise NotFound(_("No such conference.")) from exc
        return self._conference

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "conference": self.get_conference()}


@extend_schema(summary=_("The published versions of the agenda, newest first"))
class AgendaVersionListView(_ConferenceAgendaMixin, generics.ListAPIView):
    serializer_class = AgendaVersionListSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AgendaVersion.objects.none()
        return agenda_version_list(self.get_conference())


class AgendaVersionDetailView(_ConferenceAgendaMixin, APIView):
    @extend_schema(
        summary=_("One published version of the agenda, with its changes"),
        responses={200: AgendaVersionDetailSerializer, **NOT_FOUND},
    )
    def get(self, request, conference_slug: str, number: int):
        version = agenda_version_get(self.get_conference(), number)
        if version is None:
            raise NotFound(_("No such version."))
        serializer = AgendaVersionDetailSerializer(
            version, context={"request": request, "conference": self.get_conference()}
        )
        return Response(serializer.data)
