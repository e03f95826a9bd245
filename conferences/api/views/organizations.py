"""Agencies over the API: list and read for any signed-in user; create, change and import for staff.

Agencies are shared by every conference, so writing them is not tied to
organizing one: staff, or users with the matching model permission, may.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from conferences.api.serializers.conferences import OrganizationSummarySerializer
from conferences.models import Organization, Province
from conferences.selectors.organizations import organization_search
from conferences.services.imports import (
    MAX_FILE_BYTES,
    import_commit,
    import_preview,
    user_may_import_organizations,
)
from conferences.services.organizations import organization_create, organization_update
from core.api import ERRORS

# Serializers ---------------------------------------------------------------------------------------------


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name"]


class OrganizationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organization-detail")
    parent = OrganizationSummarySerializer(read_only=True)
    province = ProvinceSerializer(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "url",
            "name",
            "short_name",
            "code",
            "kind",
            "parent",
            "province",
            "contact_emails",
            "address",
            "phone",
            "language",
            "created_at",
            "updated_at",
        ]


class OrganizationWriteSerializer(serializers.Serializer):
    """The fields a client may set; the services normalise and validate them."""

    name = serializers.CharField(max_length=255)
    short_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Organization.Kind.choices, required=False)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    province = serializers.SlugRelatedField(
        slug_field="code", queryset=Province.objects.all(), required=False, allow_null=True
    )
    contact_emails = serializers.ListField(child=serializers.EmailField(), required=False, max_length=20)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    language = serializers.CharField(max_length=8, required=False)

    def validate_language(self, value: str) -> str:
        if value not in dict(settings.LANGUAGES):
            raise serializers.ValidationError(
                _("Choose one of: %(languages)s.") % {"languages": ", ".join(dict(settings.LANGUAGES))}
            )
        return value

    def validate_code(self, value: str) -> str:
        return value.strip().upper()

    def validate_parent(self, parent: Organization | None) -> Organization | None:
        organization = self.instance
        ancestor = parent
        # The chain is short (ministry, province, department, unit): one query per level.
        while organization is not None and ancestor is not None:
            if ancestor.pk == organization.pk:
                raise serializers.ValidationError(
                    _("An agency cannot be its own parent, directly or through others.")
                )
            ancestor = ancestor.parent
        return parent


class OrganizationFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=200, help_text=_("Words of the name, with or without accents.")
    )
    kind = serializers.ChoiceField(choices=Organization.Kind.choices, required=False)
    province = serializers.CharField(
        required=False, max_length=8, help_text=_("The province's code, e.g. 22.")
    )


class OrganizationImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("A .csv (UTF-8) or .xlsx file; the first row holds the headings.")
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text=_("Check the file and report, writing nothing.")
    )

    def validate_file(self, file):
        if file.size > MAX_FILE_BYTES:
            raise serializers.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return file


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        help_text=_("The row as the spreadsheet numbers it (the headings are row 1).")
    )
    column = serializers.CharField(help_text=_("The column's heading as written in the file."))
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    create = serializers.IntegerField()
    update = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    people_create = serializers.IntegerField()
    people_update = serializers.IntegerField()
    ignored_columns = serializers.ListField(child=serializers.CharField())
    errors = ImportRowErrorSerializer(many=True)


# Permissions and views -------------------------------------------------------------------------------------


class CanEditOrganizations(BasePermission):
    """Reading needs an account; writing needs staff or the model permission for the action."""

    message = _("Only staff can change agencies.")
    PERMISSIONS = {"create": "add", "import_file": "add", "partial_update": "change", "update": "change"}

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if view.action == "import_file":
            return user_may_import_organizations(user)
        needed = self.PERMISSIONS.get(view.action)
        return bool(user.is_staff or (needed and user.has_perm(f"conferences.{needed}_organization")))


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
