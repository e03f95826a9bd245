from django.utils.translation import gettext_lazy
from rest_framework import serializers

from conferences.models import ApiToken
from conferences.services.api_tokens import DEFAULT_DAYS, MAX_DAYS
from core.api_fields import ModelSerializer


class ApiTokenSerializer(ModelSerializer):
    conference = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The slug of the one conference the token reaches; null: all of the user's."),
    )
    active = serializers.SerializerMethodField(help_text=gettext_lazy("Neither revoked nor expired."))

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "conference",
            "read_only",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, token: ApiToken) -> bool:
        return token.is_active()


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    secret = serializers.CharField(
        help_text=gettext_lazy(
            "The token itself: shown this once, never again. Send it as “Bearer <secret>”."
        )
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(
        required=False,
        default=DEFAULT_DAYS,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=gettext_lazy("How many days the token lasts, 1-365 (default 90)."),
    )
    conference = serializers.SlugField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy(
            "The slug of a conference you organize or review, to limit the token to it; null: all of yours."
        ),
    )
    read_only = serializers.BooleanField(required=False, default=False)
