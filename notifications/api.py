"""The organizers' outbox over the API: list, read, approve, cancel, resend and preview notices.

Every row is read through the selectors, which limit it to the conferences the
user organizes; the writes are the outbox services.
"""

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from conferences.models import Conference
from conferences.selectors.conferences import organized_conference_get
from notifications.kinds import KINDS
from notifications.models import DeliveryAttempt, Notification
from notifications.selectors import (
    notification_counts,
    notification_get_for_user,
    notification_ids_for_user,
    notification_list,
    user_organizes_any_conference,
)
from notifications.services.outbox import notification_approve, notification_cancel, notification_resend

MAX_BULK_IDS = 1000

# The preview is the recipient's HTML served from this site: the sandbox gives it an opaque
# origin and no scripts, so nothing in a body can act as the organizer who opens it.
PREVIEW_CSP = "sandbox; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; font-src data:"


# Serializers -----------------------------------------------------------------------------------------


class ErrorResponseSerializer(serializers.Serializer):
    message = serializers.CharField()
    extra = serializers.DictField()


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    time = serializers.DateTimeField(source="started_at")
    code = serializers.IntegerField(source="smtp_code", allow_null=True)

    class Meta:
        model = DeliveryAttempt
        fields = ["time", "outcome", "code", "response", "worker"]


class NotificationListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:notification-detail")
    conference = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "url",
            "conference",
            "kind",
            "channel",
            "state",
            "recipient_name",
            "recipient_address",
            "subject",
            "attempts",
            "sent_at",
            "next_attempt_at",
            "last_error",
            "resent_from",
            "created_at",
        ]


class NotificationDetailSerializer(NotificationListSerializer):
    attachments = serializers.SlugRelatedField(slug_field="filename", many=True, read_only=True)
    delivery_log = DeliveryAttemptSerializer(source="delivery_attempts", many=True, read_only=True)
    preview_url = serializers.HyperlinkedIdentityField(view_name="api:notification-preview")

    class Meta(NotificationListSerializer.Meta):
        fields = [
            *NotificationListSerializer.Meta.fields,
            "language",
            "body_text",
            "body_html",
            "not_before",
            "smtp_response",
            "updated_at",
            "attachments",
            "delivery_log",
            "preview_url",
        ]


class NotificationFilterSerializer(serializers.Serializer):
    conference = serializers.SlugField(required=False, help_text=_("Only this conference's notices (slug)."))
    kind = serializers.ChoiceField(choices=sorted(KINDS), required=False)
    state = serializers.ChoiceField(choices=Notification.State.choices, required=False)
    recipient = serializers.CharField(
        required=False, max_length=254, help_text=_("Part of the recipient's address or name.")
    )


class NotificationIdsSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), allow_empty=False, max_length=MAX_BULK_IDS)


class NotificationCountsQuerySerializer(serializers.Serializer):
    conference = serializers.SlugField(help_text=_("The conference's slug."))


NotificationCountsSerializer = inline_serializer(
    "NotificationCounts", {state: serializers.IntegerField() for state in Notification.State.values}
)
ERRORS = dict.fromkeys((400, 401, 403, 404), ErrorResponseSerializer)


def _bulk_result(name: str, key: str):
    return inline_serializer(name, {key: serializers.IntegerField()})


def preview_html(notification: Notification) -> str:
    """The body as the recipient's mail program shows it: the HTML part, or else the text in <pre>."""
    if notification.body_html:
        return notification.body_html
    return format_html(
        '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
        '<body><pre style="white-space: pre-wrap">{}</pre></body></html>',
        notification.language,
        notification.subject,
        notification.body_text,
    )


# Permissions and views -------------------------------------------------------------------------------


class IsOrganizer(BasePermission):
    """Staff, or a user who organizes a conference; which rows they reach is up to the selectors."""

    message = _("Only a conference's organizers can manage its notices.")

    def has_permission(self, request, view) -> bool:
        return user_organizes_any_conference(user=request.user)


@extend_schema_view(
    list=extend_schema(
        summary=_("List notices"),
        parameters=[NotificationFilterSerializer],
        responses={200: NotificationListSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("Read a notice with its delivery log"),
        responses={200: NotificationDetailSerializer, **ERRORS},
    ),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The outbox of the conferences the user organizes (superusers: every notice)."""

    permission_classes = [IsOrganizer]
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notification_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action in {"retrieve", "resend"}:
            return NotificationDetailSerializer
        return NotificationListSerializer

    def get_object(self) -> Notification:
        try:
            return notification_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        except Notification.DoesNotExist as exc:
            raise NotFound(_("No such notice.")) from exc

    def _organized_conference(self, slug: str) -> Conference:
        try:
            return organized_conference_get(
                user=self.request.user,
                slug=slug,
                message=_("Only the organizers of this conference can see its notices."),
            )
        except Conference.DoesNotExist as exc:
            raise NotFound(_("No such conference.")) from exc

    def _permitted_ids(self) -> list:
        serializer = NotificationIdsSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return notification_ids_for_user(user=self.request.user, ids=serializer.validated_data["ids"])

    def list(self, request, *args, **kwargs):
        filters = NotificationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        queryset = notification_list(
            user=request.user,
            conference=self._organized_conference(data["conference"]) if data.get("conference") else None,
            kind=data.get("kind"),
            state=data.get("state"),
            recipient=data.get("recipient"),
        )
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary=_("Release held notices for delivery"),
        request=NotificationIdsSerializer,
        responses={200: _bulk_result("NotificationApproveResult", "approved"), **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def approve(self, request):
        return Response({"approved": notification_approve(ids=self._permitted_ids())})

    @extend_schema(
        summary=_("Cancel notices not yet sent"),
        request=NotificationIdsSerializer,
        responses={200: _bulk_result("NotificationCancelResult", "cancelled"), **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def cancel(self, request):
        return Response({"cancelled": notification_cancel(ids=self._permitted_ids())})

    @extend_schema(
        summary=_("Send a sent or failed notice again, as a new notice"),
        request=None,
        responses={201: NotificationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        copy = notification_resend(notification=self.get_object())
        serializer = self.get_serializer(notification_get_for_user(user=request.user, pk=copy.pk))
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("The notice as its recipient sees it"),
        responses={(200, "text/html"): OpenApiTypes.STR, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        response = HttpResponse(preview_html(self.get_object()), content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = PREVIEW_CSP
        patch_cache_control(response, private=True, no_store=True)
        return response

    @extend_schema(
        summary=_("Count one conference's notices by state"),
        parameters=[
            OpenApiParameter(
                "conference", OpenApiTypes.STR, required=True, description=_("The conference's slug.")
            )
        ],
        responses={200: NotificationCountsSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"])
    def counts(self, request):
        query = NotificationCountsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        conference = self._organized_conference(query.validated_data["conference"])
        return Response(notification_counts(conference=conference))
