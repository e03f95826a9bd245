"""Rooms, the people of a conference and its audit log, as organizers read and write them over the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from conferences.api.serializers.organizations import OrganizationSummarySerializer
from conferences.models import AuditEntry, Conference, Organization, Person, Room
from conferences.selectors.people import PEOPLE_ORDERINGS
from core.api_fields import (
    DateTimeField,
    IdField,
    ModelSerializer,
    OptionalEmailField,
    PositionField,
    PrimaryKeyRelatedField,
)

# Rooms --------------------------------------------------------------------------------------------------


class RoomDetailSerializer(ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "capacity", "position"]


class RoomWriteSerializer(ModelSerializer):
    capacity = PositionField(required=False, allow_null=True, min_value=1)

    class Meta:
        model = Room
        fields = ["name", "capacity"]


class RoomOrderSerializer(serializers.Serializer):
    rooms = serializers.ListField(
        child=IdField(),
        max_length=500,
        help_text=_("Every room of the conference, each once, in the new order."),
    )


# People -------------------------------------------------------------------------------------------------


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=_('Words of the name, with or without accents: "quang ninh" finds "Quảng Ninh".'),
    )


class PeopleFilterSerializer(SearchQuerySerializer):
    organization = IdField(required=False, help_text=_("Only this agency's people."))
    ordering = serializers.ChoiceField(choices=list(PEOPLE_ORDERINGS), required=False)


class PersonListSerializer(ModelSerializer):
    organization = OrganizationSummarySerializer(read_only=True, allow_null=True)
    email = OptionalEmailField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "position", "email", "phone", "organization"]


# The audit log ------------------------------------------------------------------------------------------


class AuditFilterSerializer(SearchQuerySerializer):
    action = serializers.ChoiceField(choices=AuditEntry.Action.choices, required=False)
    actor = IdField(required=False, help_text=_("Only what this account did (its id)."))
    since = DateTimeField(required=False, help_text=_("From this time on (included)."))
    until = DateTimeField(required=False, help_text=_("Before this time."))

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["until"] <= attrs["since"]:
            raise serializers.ValidationError({"until": _("The end must come after the start.")})
        return attrs


class AuditActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class AuditEntrySerializer(ModelSerializer):
    actor = AuditActorSerializer(read_only=True, allow_null=True)
    time = DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "time", "action", "actor", "object_type", "object_id", "data"]


# The proceedings' foreword, the revision round, reviewer conflicts --------------------------------------


class ForewordSerializer(serializers.Serializer):
    foreword = serializers.CharField(
        allow_blank=True,
        max_length=Conference._meta.get_field("proceedings_foreword").max_length,
        help_text=_("Markdown, printed at the front of the proceedings (Lời nói đầu)."),
    )


class RevisionRoundClosedSerializer(serializers.Serializer):
    locked = serializers.IntegerField(help_text=_("How many papers were locked and accepted now."))


class ReviewerConflictWriteSerializer(serializers.Serializer):
    organization = PrimaryKeyRelatedField(queryset=Organization.objects.all())
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class ReviewerConflictSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField(source="reviewer_id")
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    reason = serializers.CharField()
    dropped = serializers.IntegerField(help_text=_("Open assignments to the agency's papers dropped now."))
