"""Certificates over the API: organizers list, generate, revoke, reissue and download a conference's
certificates; anyone verifies one by its code (rate-limited per client, as the verify page)."""

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.certificates import (
    CertificateFilterSerializer,
    CertificateGenerateSerializer,
    CertificateReasonSerializer,
    CertificateSerializer,
    CertificateVerificationSerializer,
)
from conferences.api.serializers.jobs import JobSerializer
from conferences.api.throttling import CertificateGuessThrottle
from conferences.exports.certificate_files import certificate_file_response
from conferences.models import Certificate
from conferences.selectors.certificate_lists import certificate_get_for_conference, certificate_list
from conferences.selectors.certificates import certificate_get_by_code
from conferences.services.certificate_generation import certificate_reissue, certificates_generate
from conferences.services.certificates import certificate_revoke
from conferences.services.guess_limits import CERTIFICATE_CODES, guess_miss_record
from core.api import ERRORS, JSON_ERRORS, PUBLIC_ERRORS
from core.http import client_ip

PARAMETERS = [
    OpenApiParameter(
        "conference_slug",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=gettext_lazy("The conference's slug."),
    ),
]
ORGANIZERS = gettext_lazy("Permissions: the conference's organizers (or a superuser).")


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List a conference's certificates"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). By serial; filter by kind, "
            "revoked or not, and words of the holder's name (accent-insensitive)."
        ),
        parameters=[*PARAMETERS, CertificateFilterSerializer],
        responses={200: CertificateSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Read a certificate"),
        description=ORGANIZERS,
        parameters=PARAMETERS,
        responses={200: CertificateSerializer, **ERRORS},
    ),
)
class CertificateViewSet(OrganizedConferenceMixin, viewsets.GenericViewSet):
    serializer_class = CertificateSerializer
    lookup_value_regex = r"\d+"
    queryset = Certificate.objects.none()
    organizer_message = gettext_lazy("Only the organizers of this conference can manage its certificates.")

    def _certificate(self, pk) -> Certificate:
        certificate = (
            certificate_get_for_conference(conference=self.conference, pk=pk) if str(pk).isdigit() else None
        )
        if certificate is None:
            raise NotFound(_("No such certificate in this conference."))
        return certificate

    def list(self, request, conference_slug: str):
        filters = CertificateFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        queryset = certificate_list(
            conference=self.conference,
            kind=data.get("kind", ""),
            revoked=data.get("revoked"),
            q=data.get("q") or data.get("search", ""),
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(CertificateSerializer(page, many=True).data)

    def retrieve(self, request, conference_slug: str, pk=None):
        return Response(CertificateSerializer(self._certificate(pk)).data)

    @extend_schema(
        summary=gettext_lazy("Generate the missing certificates as a job"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). Issues the missing certificates "
            "of the kinds (attendance: confirmed delegates who checked in; speaker: speakers of papers on "
            "the published agenda; award: each award of the conference's decisions) and starts a job that "
            "renders every certificate of those kinds still without its PDF. Follow it at links.self. "
            "While a job is still running, that job is returned (202 either way)."
        ),
        parameters=PARAMETERS,
        request=CertificateGenerateSerializer,
        responses={202: JobSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "All kinds", value={"kinds": ["attendance", "speaker", "award"]}, request_only=True
            )
        ],
    )
    @action(detail=False, methods=["post"])
    def generate(self, request, conference_slug: str):
        serializer = CertificateGenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = certificates_generate(
            conference=self.conference, kinds=serializer.validated_data["kinds"], user=request.user
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary=gettext_lazy("Revoke a certificate"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). The reason is shown on the "
            "verification page; a certificate already revoked is refused (400)."
        ),
        parameters=PARAMETERS,
        request=CertificateReasonSerializer,
        responses={200: CertificateSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, conference_slug: str, pk=None):
        certificate = self._certificate(pk)
        serializer = CertificateReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certificate_revoke(
            certificate=certificate, reason=serializer.validated_data["reason"], user=request.user
        )
        return Response(CertificateSerializer(self._certificate(pk)).data)

    @extend_schema(
        summary=gettext_lazy("Revoke a certificate and issue its replacement"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). The replacement has a new serial "
            "and code; its PDF is rendered by a worker (has_file turns true). A revoked certificate is "
            "refused (400)."
        ),
        parameters=PARAMETERS,
        request=CertificateReasonSerializer,
        responses={201: CertificateSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reissue(self, request, conference_slug: str, pk=None):
        certificate = self._certificate(pk)
        serializer = CertificateReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new = certificate_reissue(
            certificate=certificate, user=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(CertificateSerializer(self._certificate(new.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Download a certificate's PDF"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). 404 until it is rendered."
        ),
        parameters=PARAMETERS,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **JSON_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def file(self, request, conference_slug: str, pk=None):
        certificate = self._certificate(pk)
        if not certificate.file:
            raise NotFound(_("This certificate has no file yet."))
        return certificate_file_response(certificate)


class CertificateVerifyView(APIView):
    """Anyone checks a certificate by its printed code; a wrong code counts toward the client's budget."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [CertificateGuessThrottle]

    @extend_schema(
        summary=gettext_lazy("Verify a certificate by its code"),
        description=gettext_lazy(
            "Public. The code as printed (case, spaces and dashes do not matter). Says whose certificate "
            "it is, of which kind and conference, who issued it, and whether it is valid or revoked (with "
            "the reason). An unknown or malformed code is a 404 and counts as a guess: a client that "
            "guesses too often is refused (429) for ten minutes, here and on the verify page alike."
        ),
        responses={200: CertificateVerificationSerializer, **PUBLIC_ERRORS},
    )
    def get(self, request, code: str):
        certificate = certificate_get_by_code(code=code)
        if certificate is None:
            guess_miss_record(limit=CERTIFICATE_CODES, client=client_ip(request))
            raise NotFound(_("No certificate has this code."))
        response = Response(CertificateVerificationSerializer(certificate).data)
        patch_cache_control(response, private=True, no_store=True)
        return response
