"""Agencies over the API: list and read for any signed-in user; create, change and import for staff.

Agencies are shared by every conference, so writing them is not tied to
organizing one: staff, or users with the matching model permission, may.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from conferences.api.filters import OrganizationFilterSerializer
from conferences.api.permissions import CanEditOrganizations
from conferences.api.serializers.organizations import (
    ImportReportSerializer,
    OrganizationImportSerializer,
    OrganizationSerializer,
    OrganizationWriteSerializer,
)
from conferences.models import Organization
from conferences.selectors.organizations import organization_search
from conferences.services.imports import import_commit, import_preview
from conferences.services.organizations import organization_create, organization_update
from core.api import ERRORS


@extend_schema_view(
    list=extend_schema(
        summary=_("List agencies"),
        parameters=[OrganizationFilterSerializer],
        responses={200: OrganizationSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary=_("Read an agency"), responses={200: OrganizationSerializer, **ERRORS}),
    create=extend_schema(
        summary=_("Create an agency"),
        request=OrganizationWriteSerializer,
        responses={201: OrganizationSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Change an agency's fields"),
        request=OrganizationWriteSerializer,
        responses={200: OrganizationSerializer, **ERRORS},
    ),
)
class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Agencies: ministries, provincial People's Committees, departments and the units under them."""

    lookup_value_regex = r"\d+"

    permission_classes = [CanEditOrganizations]
    filter_backends: list = []
    # PATCH only: a PUT that leaves out a field would not clear it, which is what PUT promises.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Organization.objects.select_related("province", "parent")

    def get_serializer_class(self):
        if self.action in {"create", "partial_update"}:
            return OrganizationWriteSerializer
        return OrganizationSerializer

    def list(self, request, *args, **kwargs):
        filters = OrganizationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        queryset = organization_search(
            query=data.get("q", ""), kind=data.get("kind", ""), province_code=data.get("province", "")
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            OrganizationSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def _read(self, organization: Organization, status_code: int = status.HTTP_200_OK) -> Response:
        organization = self.get_queryset().get(pk=organization.pk)
        serializer = OrganizationSerializer(organization, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = OrganizationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = organization_create(**serializer.validated_data)
        return self._read(organization, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        organization = self.get_object()
        serializer = OrganizationWriteSerializer(organization, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data:
            organization = organization_update(organization=organization, **serializer.validated_data)
        return self._read(organization)

    @extend_schema(
        summary=_("Import agencies and contacts from a CSV or XLSX file"),
        description=_(
            "With dry_run the file is checked and the report returned, writing nothing. Without it the "
            "file is imported in one transaction, or, if any row is wrong, not at all: the answer is then "
            "400 with the same errors under extra.errors."
        ),
        request={"multipart/form-data": OrganizationImportSerializer},
        parameters=[
            OpenApiParameter(
                "dry_run", OpenApiTypes.BOOL, description=_("Check the file and report, writing nothing.")
            )
        ],
        responses={200: ImportReportSerializer, **ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request):
        # Not request.data.copy(): that deep-copies the upload, which fails for one spooled to disk.
        data = {"file": request.data.get("file")}
        dry_run = request.data.get("dry_run", request.query_params.get("dry_run"))
        if dry_run is not None:
            data["dry_run"] = dry_run
        serializer = OrganizationImportSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if serializer.validated_data["dry_run"]:
            report = import_preview(file=upload, filename=upload.name).as_dict()
            return Response({"dry_run": True, **report})
        # A wrong row raises ApplicationError: 400 with extra.errors, and nothing written.
        result = import_commit(file=upload, filename=upload.name, actor=request.user)
        return Response(
            {"dry_run": False, **result.counts, "ignored_columns": result.ignored_columns, "errors": []}
        )
