"""What the API shows of a conference: the list, the detail with its rooms."""

from rest_framework import serializers

from conferences.api.serializers.organizations import OrganizationSummarySerializer
from conferences.models import Conference, Room


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "capacity"]


class ConferenceListSerializer(serializers.ModelSerializer):
    host = OrganizationSummarySerializer(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:conference-detail", lookup_field="slug")

    class Meta:
        model = Conference
        fields = [
            "url",
            "slug",
            "title_vi",
            "title_en",
            "kind",
            "status",
            "starts_at",
            "ends_at",
            "venue_name",
            "host",
        ]


class ConferenceDetailSerializer(ConferenceListSerializer):
    rooms = RoomSerializer(many=True, read_only=True)
    chair = serializers.StringRelatedField()

    class Meta(ConferenceListSerializer.Meta):
        fields = [
            *ConferenceListSerializer.Meta.fields,
            "legal_basis",
            "description",
            "review_period_start",
            "review_period_end",
            "venue_address",
            "rsvp_deadline",
            "paper_deadline",
            "capacity",
            "chair",
            "rooms",
            "published_at",
        ]
