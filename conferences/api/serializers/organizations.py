"""What the API shows and takes of an agency, and the import report."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from conferences.models import Organization, Province
from conferences.services.imports import MAX_FILE_BYTES
from core.api_fields import ModelSerializer, PrimaryKeyRelatedField


class OrganizationSummarySerializer(ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "code", "kind"]


class ProvinceSerializer(ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name"]


class OrganizationSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organization-detail")
    parent = OrganizationSummarySerializer(read_only=True, allow_null=True)
    province = ProvinceSerializer(read_only=True, allow_null=True)

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
    parent = PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
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
