"""The proceedings over the API: organizers start a build (a job) and list and download every build."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.jobs import JobSerializer
from conferences.api.serializers.proceedings import ProceedingsBuildSerializer, ProceedingsSerializer
from conferences.exports.proceedings_files import proceedings_file_response
from conferences.selectors.proceedings import proceedings_get, proceedings_list
from conferences.services.proceedings import proceedings_build
from core.api import ERRORS

MESSAGE = gettext_lazy("Only the organizers of this conference can build its proceedings.")


class ProceedingsView(OrganizedConferenceMixin, APIView):
    organizer_message = MESSAGE

    @extend_schema(
        summary=gettext_lazy("List the proceedings builds"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). Every stored build, newest first, "
            "with its version, input hash and download address; older builds stay downloadable."
        ),
        responses={200: ProceedingsSerializer(many=True), **ERRORS},
    )
    def get(self, request, conference_slug: str):
        builds = proceedings_list(conference=self.conference)
        return Response(ProceedingsSerializer(builds, many=True, context={"request": request}).data)

    @extend_schema(
        summary=gettext_lazy("Build the proceedings"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). kind: book or abstracts; variant: "
            "standard, pdfa (PDF/A-3b) or print (crop marks and bleed). Unchanged inputs: 200 with the "
            "stored build. Otherwise 202 with the job building it (follow links.self); while one is running "
            "for the same kind and variant, that job."
        ),
        request=ProceedingsBuildSerializer,
        responses={200: ProceedingsSerializer, 202: JobSerializer, **ERRORS},
    )
    def post(self, request, conference_slug: str):
        serializer = ProceedingsBuildSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        started = proceedings_build(
            conference=self.conference, user=request.user, **serializer.validated_data
        )
        if started.job is None:
            return Response(ProceedingsSerializer(started.proceedings, context={"request": request}).data)
        return Response(JobSerializer(started.job).data, status=status.HTTP_202_ACCEPTED)


class ProceedingsDownloadView(OrganizedConferenceMixin, APIView):
    organizer_message = MESSAGE

    @extend_schema(
        summary=gettext_lazy("Download a proceedings build"),
        description=gettext_lazy("Permissions: the conference's organizers (or a superuser). The PDF."),
        responses={(200, "application/pdf"): bytes, **ERRORS},
    )
    def get(self, request, conference_slug: str, pk: int):
        build = proceedings_get(conference=self.conference, pk=pk)
        if build is None:
            raise NotFound(_("No such build of the proceedings."))
        return proceedings_file_response(build)
