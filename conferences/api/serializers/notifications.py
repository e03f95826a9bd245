"""What the API shows of a notice in the outbox, and what organizers send to act on notices."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from core.api_fields import DateTimeField
from notifications.selectors import notification_state_choices

MAX_BULK_IDS = 1000


class DeliveryAttemptSerializer(serializers.Serializer):
    time = DateTimeField(source="started_at")
    outcome = serializers.CharField()
    code = serializers.IntegerField(source="smtp_code", allow_null=True)
    response = serializers.CharField()
    worker = serializers.CharField()


class NotificationListSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:notification-detail")
    conference = serializers.SerializerMethodField()
    kind = serializers.CharField()
    channel = serializers.CharField()
    state = serializers.ChoiceField(choices=notification_state_choices())
    recipient_name = serializers.CharField()
    recipient_address = serializers.CharField()
    subject = serializers.CharField()
    attempts = serializers.IntegerField()
    sent_at = DateTimeField(allow_null=True)
    next_attempt_at = DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    resent_from = serializers.UUIDField(source="resent_from_id", allow_null=True)
    created_at = DateTimeField()

    def get_conference(self, notification) -> str | None:
        """The conference's slug, from the scopes the view resolved for this user."""
        return self.context.get("slugs_by_scope", {}).get(notification.scope)


class NotificationDetailSerializer(NotificationListSerializer):
    language = serializers.CharField()
    body_text = serializers.CharField()
    body_html = serializers.CharField()
    not_before = DateTimeField(allow_null=True)
    smtp_response = serializers.CharField()
    updated_at = DateTimeField()
    attachments = serializers.SerializerMethodField()
    delivery_log = DeliveryAttemptSerializer(source="delivery_attempts", many=True, read_only=True)
    preview_url = serializers.HyperlinkedIdentityField(view_name="api:notification-preview")

    def get_attachments(self, notification) -> list[str]:
        return [attachment.filename for attachment in notification.attachments.all()]


class NotificationIdsSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), allow_empty=False, max_length=MAX_BULK_IDS)


NotificationCountsSerializer = inline_serializer(
    "NotificationCounts",
    {state: serializers.IntegerField() for state, _label in notification_state_choices()},
)


NotificationApproveResultSerializer = inline_serializer(
    "NotificationApproveResult", {"approved": serializers.IntegerField()}
)
NotificationCancelResultSerializer = inline_serializer(
    "NotificationCancelResult", {"cancelled": serializers.IntegerField()}
)
