from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conferences.models import Certificate
from conferences.selectors.certificates import certificate_issuer
from conferences.services.certificates import REASON_MAX_CHARS
from core.api_fields import DateField, DateTimeField, ModelSerializer


class CertificateSerializer(ModelSerializer):
    """A certificate as its conference's organizers see it."""

    is_valid = serializers.BooleanField(read_only=True)
    has_file = serializers.SerializerMethodField()
    verify_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "serial",
            "kind",
            "recipient_name",
            "recipient_person",
            "recipient_organization",
            "registration",
            "award",
            "verification_code",
            "issued_at",
            "is_valid",
            "revoked_at",
            "revocation_reason",
            "has_file",
            "verify_url",
        ]
        read_only_fields = fields

    def get_has_file(self, certificate: Certificate) -> bool:
        return bool(certificate.file)


class CertificateFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Certificate.Kind.choices, required=False)
    revoked = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=gettext_lazy("Words of the holder's name, with or without accents."),
    )
    # The first name of `q`, kept so clients written against it keep working.
    search = serializers.CharField(
        required=False, max_length=200, help_text=gettext_lazy("The same as q (its older name).")
    )


class CertificateGenerateSerializer(serializers.Serializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Certificate.Kind.choices),
        allow_empty=False,
        max_length=len(Certificate.Kind.choices),
    )


class CertificateReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_CHARS)


class IssuerSerializer(serializers.Serializer):
    name = serializers.CharField()
    decision = serializers.CharField(
        help_text=gettext_lazy('The award decision\'s number, e.g. "456/QĐ-BKHCN"; empty for other kinds.')
    )
    signed_on = DateField(allow_null=True)


class CertificateVerificationSerializer(serializers.Serializer):
    """What anyone holding the code may read: enough to tell a genuine certificate, nothing more."""

    serial = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    holder = serializers.CharField(source="recipient_name")
    conference = serializers.SerializerMethodField()
    issued_at = DateTimeField()
    issuer = serializers.SerializerMethodField()
    valid = serializers.BooleanField(source="is_valid")
    revoked_at = DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "title_en": {"type": "string"},
                "starts_at": {"type": "string", "format": "date-time"},
            },
        }
    )
    def get_conference(self, certificate: Certificate) -> dict:
        conference = certificate.conference
        return {
            "title": conference.title_vi,
            "title_en": conference.title_en,
            "starts_at": conference.starts_at,
        }

    @extend_schema_field(IssuerSerializer)
    def get_issuer(self, certificate: Certificate) -> dict:
        return IssuerSerializer(certificate_issuer(certificate)).data
