"""Signing in for a token; the conferences a user may see, and their set-up and team for organizers."""

from axes.helpers import get_cool_off
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api import schema as api_schema
from conferences.api.filters import ConferenceFilter
from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.conferences import (
    ConferenceCreateSerializer,
    ConferenceDetailSerializer,
    ConferenceListSerializer,
    ConferenceUpdateSerializer,
    TeamAddResultSerializer,
    TeamAddSerializer,
    TeamSerializer,
)
from conferences.api.throttling import ClientScopedRateThrottle
from conferences.api.views.agenda_items import CONFERENCE_SLUG
from conferences.models import Conference
from conferences.selectors.conferences import conference_list_for_user, user_is_organizer
from conferences.selectors.team import team_open_invitations, team_role_get, team_roles
from conferences.services.conferences import (
    conference_close,
    conference_create,
    conference_publish,
    conference_update,
    user_may_create_conference,
)
from conferences.services.team import team_member_add, team_member_withdraw
from core.api import ERRORS

MANAGE = _("Only the organizers of this conference can change it.")
MANAGE_TEAM = _("Only the organizers of this conference can manage its team.")


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=AuthTokenSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        summary=_("Obtain an API token"),
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes marks the request when this account or client is locked out (see
            # AXES_* settings); the credentials were then not even tried.
            if getattr(request, "axes_locked_out", False):
                raise Throttled(
                    wait=get_cool_off(request).total_seconds(),
                    detail=gettext("Too many failed sign-ins for this account or from your network."),
                )
            raise ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class ConferenceViewSet(viewsets.ModelViewSet):
    """Published conferences for everyone; organizers also see their drafts, create and change them."""

    who_may_call = {
        "list": api_schema.VISIBLE_CONFERENCES,
        "retrieve": api_schema.PUBLISHED_OR_ORGANIZERS,
        "partial_update": api_schema.ORGANIZERS,
        "publish": api_schema.ORGANIZERS,
        "close": api_schema.ORGANIZERS,
    }

    lookup_field = "slug"
    filterset_class = ConferenceFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return super().get_permissions()
        if self.action == "create":
            return [IsAuthenticated(), CanCreateConference()]
        return [IsAuthenticated()]

    def get_queryset(self):
        queryset = conference_list_for_user(user=self.request.user)
        if self.action != "list":
            queryset = queryset.prefetch_related("rooms")
        return queryset

    def get_serializer_class(self):
        return ConferenceDetailSerializer if self.action != "list" else ConferenceListSerializer

    def _organized(self) -> Conference:
        conference = self.get_object()
        if not user_is_organizer(user=self.request.user, conference=conference):
            raise PermissionDenied(MANAGE)
        return conference

    def _read(self, conference: Conference, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=conference.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(
        summary=_("Create a conference (a draft); its creator becomes its organizer"),
        description=_("Permissions: users allowed to add conferences (conferences.add_conference)."),
        request=ConferenceCreateSerializer,
        responses={201: ConferenceDetailSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Create",
                value={
                    "title_vi": "Hội nghị sơ kết Quyết định 19",
                    "host": 1,
                    "starts_at": "2026-12-20T08:00:00+07:00",
                    "ends_at": "2026-12-20T12:00:00+07:00",
                    "languages": ["vi", "en"],
                    "rooms": ["Hội trường A", "Phòng 201"],
                },
                request_only=True,
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        serializer = ConferenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conference = conference_create(creator=request.user, **serializer.validated_data)
        return self._read(conference, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change a conference's settings (only the fields sent)"),
        description=_("Permissions: the conference's organizers. Status changes through publish and close."),
        request=ConferenceUpdateSerializer,
        responses={200: ConferenceDetailSerializer, **ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        conference = self._organized()
        serializer = ConferenceUpdateSerializer(conference, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        conference = conference_update(conference=conference, actor=request.user, **serializer.validated_data)
        return self._read(conference)

    @extend_schema(
        summary=_("Publish a draft conference (publishing twice changes nothing)"),
        description=_("Permissions: the conference's organizers. A closed conference cannot be published."),
        request=None,
        responses={200: ConferenceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, slug=None):
        conference = conference_publish(conference=self._organized(), actor=request.user)
        return self._read(conference)

    @extend_schema(
        summary=_("Close a published conference (closing twice changes nothing)"),
        description=_(
            "Permissions: the conference's organizers. A draft cannot be closed: publish it first."
        ),
        request=None,
        responses={200: ConferenceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, slug=None):
        conference = conference_close(conference=self._organized(), actor=request.user)
        return self._read(conference)


class CanCreateConference(BasePermission):
    message = _("You may not create conferences.")

    def has_permission(self, request, view) -> bool:
        return user_may_create_conference(request.user)


class TeamView(OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_TEAM

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=_("The team: organizers and reviewers, and invitations not yet accepted"),
        description=_("Permissions: the conference's organizers."),
        responses={200: TeamSerializer, **ERRORS},
    )
    def get(self, request, conference_slug):
        data = {
            "members": team_roles(conference=self.conference),
            "invitations": team_open_invitations(conference=self.conference),
        }
        return Response(TeamSerializer(data).data)

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=_("Give a role by e-mail: at once to an account, else by an invitation to sign up"),
        description=_("Permissions: the conference's organizers."),
        request=TeamAddSerializer,
        responses={201: TeamAddResultSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Add an organizer",
                value={"email": "tochuc2@most.gov.vn", "role": "organizer", "full_name": "Trần Thị Tổ Chức"},
                request_only=True,
            )
        ],
    )
    def post(self, request, conference_slug):
        serializer = TeamAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        added = team_member_add(conference=self.conference, actor=request.user, **serializer.validated_data)
        data = {
            "outcome": "invited" if added.invited else "granted",
            "member": added.role,
            "invitation": added.invitation,
        }
        return Response(TeamAddResultSerializer(data).data, status=status.HTTP_201_CREATED)


class TeamMemberView(OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_TEAM

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=_("Withdraw a role (never the last organizer's; a reviewer's open assignments go)"),
        description=_("Permissions: the conference's organizers."),
        responses={204: None, **ERRORS},
    )
    def delete(self, request, conference_slug, pk):
        conference_role = team_role_get(conference=self.conference, pk=pk)
        if conference_role is None:
            raise NotFound(gettext("No such member of the team."))
        team_member_withdraw(conference_role=conference_role, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
