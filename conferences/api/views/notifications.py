"""The organizers' outbox over the API: list, read, approve, cancel, resend and preview notices.

The outbox knows nothing of conferences: this side asks it for the notices in
the scopes of the conferences the user organizes, so a notice of any other
conference is a 404. The writes are the outbox services.
"""

from functools import cached_property

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from conferences.api.filters import NotificationCountsQuerySerializer, NotificationFilterSerializer
from conferences.api.permissions import IsOrganizer
from conferences.api.serializers.notifications import (
    NotificationApproveResultSerializer,
    NotificationCancelResultSerializer,
    NotificationCountsSerializer,
    NotificationDetailSerializer,
    NotificationIdsSerializer,
    NotificationListSerializer,
)
from conferences.models import Conference
from conferences.selectors.conferences import organized_conference_get
from conferences.selectors.notices import conference_notice_scope, organized_notice_scopes
from core.api import ERRORS, JSON_ERRORS
from core.renderers import FileEndpointMixin, HtmlFileRenderer
from notifications.selectors import (
    notification_counts,
    notification_get,
    notification_ids_in_scopes,
    notification_list,
    notification_preview_html,
)
from notifications.services import notification_approve, notification_cancel, notification_resend

# The preview is the recipient's HTML served from this site: the sandbox gives it an opaque
# origin and no scripts, so nothing in a body can act as the organizer who opens it.
# The notice's own HTML, shown alone or framed by the outbox page of this site (frame-ancestors).
PREVIEW_CSP = (
    "sandbox; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; font-src data:; "
    "frame-ancestors 'self'"
)


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
class NotificationViewSet(FileEndpointMixin, viewsets.GenericViewSet):
    """The outbox of the conferences the user organizes (a superuser: every notice)."""

    permission_classes = [IsOrganizer]
    # Its writes reach only notices of self.scopes, which a scoped API token narrows to its conference.
    token_scope_filtered = True
    filter_backends: list = []
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    @cached_property
    def scopes(self) -> dict[str, str]:
        """The scopes of the conferences the user organizes, each with the conference's slug."""
        return organized_notice_scopes(user=self.request.user)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        return {**context, "slugs_by_scope": self.scopes}

    def get_serializer_class(self):
        if self.action in {"retrieve", "resend"}:
            return NotificationDetailSerializer
        return NotificationListSerializer

    def get_object(self):
        try:
            return notification_get(pk=self.kwargs["pk"], scopes=self.scopes)
        except ObjectDoesNotExist as exc:
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
        return notification_ids_in_scopes(ids=serializer.validated_data["ids"], scopes=self.scopes)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def list(self, request, *args, **kwargs):
        filters = NotificationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        scopes = self.scopes
        if data.get("conference"):
            scopes = [conference_notice_scope(self._organized_conference(data["conference"]).pk)]
        queryset = notification_list(
            scopes=scopes,
            kind=data.get("kind"),
            state=data.get("state"),
            recipient=data.get("recipient") or data.get("q"),
        )
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary=_("Release held notices for delivery"),
        request=NotificationIdsSerializer,
        responses={200: NotificationApproveResultSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def approve(self, request):
        return Response({"approved": notification_approve(ids=self._permitted_ids())})

    @extend_schema(
        summary=_("Cancel notices not yet sent"),
        request=NotificationIdsSerializer,
        responses={200: NotificationCancelResultSerializer, **ERRORS},
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
        serializer = self.get_serializer(notification_get(pk=copy.pk, scopes=self.scopes))
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("The notice as its recipient sees it"),
        responses={(200, "text/html"): OpenApiTypes.STR, **JSON_ERRORS},
    )
    @action(detail=True, methods=["get"], renderer_classes=[HtmlFileRenderer])
    def preview(self, request, pk=None):
        response = HttpResponse(
            notification_preview_html(self.get_object()), content_type="text/html; charset=utf-8"
        )
        response["Content-Security-Policy"] = PREVIEW_CSP
        response["X-Frame-Options"] = "SAMEORIGIN"  # The outbox page frames it; other sites may not.
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
        return Response(notification_counts(scope=conference_notice_scope(conference.pk)))
