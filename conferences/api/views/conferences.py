"""Signing in for a token, and the conferences a user may see."""

from axes.helpers import get_cool_off
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api.filters import ConferenceFilter
from conferences.api.serializers.conferences import ConferenceDetailSerializer, ConferenceListSerializer
from conferences.api.throttling import ClientScopedRateThrottle
from conferences.selectors.conferences import conference_list_for_user


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


class ConferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Published conferences for everyone; organizers also see their drafts."""

    lookup_field = "slug"
    filterset_class = ConferenceFilter

    def get_queryset(self):
        queryset = conference_list_for_user(user=self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("rooms")
        return queryset

    def get_serializer_class(self):
        return ConferenceDetailSerializer if self.action == "retrieve" else ConferenceListSerializer
