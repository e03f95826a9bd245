"""Personal API tokens of the signed-in user: list, make (the secret shown once), revoke."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from conferences.api.authentication import NotByApiToken
from conferences.api.serializers.api_tokens import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
)
from conferences.models import ApiToken, Conference
from conferences.selectors.api_tokens import api_token_get, api_token_list
from conferences.services.api_tokens import api_token_create, api_token_revoke
from core.api import ERRORS
from core.exceptions import ApplicationError

PERMISSIONS = gettext_lazy(
    "Permissions: a signed-in user (sign-in token or session), for their own tokens; a personal API "
    "token cannot manage tokens (403 `token_cannot_manage_tokens`)."
)


class ApiTokenListView(ListAPIView):
    permission_classes = [IsAuthenticated, NotByApiToken]
    serializer_class = ApiTokenSerializer
    filter_backends: list = []
    queryset = ApiToken.objects.none()  # The schema's; requests get the user's own.

    def get_queryset(self):
        return api_token_list(user=self.request.user)

    @extend_schema(
        summary=gettext_lazy("List your personal API tokens"),
        description=PERMISSIONS,
        responses={200: ApiTokenSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        return self.list(request)

    @extend_schema(
        summary=gettext_lazy("Make a personal API token"),
        description=gettext_lazy(
            "The answer holds `secret` this once: store it, it is kept only as a hash. At most 20 active "
            "tokens per user; a name is unique among your unrevoked tokens. "
        )
        + str(PERMISSIONS),
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Read-only, one conference",
                value={
                    "name": "Cổng thông tin",
                    "expires_in_days": 90,
                    "conference": "hoi-nghi-2021",
                    "read_only": True,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        conference = None
        if data["conference"]:
            conference = Conference.objects.filter(slug=data["conference"]).first()
            if conference is None:
                raise ApplicationError(
                    _("Choose a conference you organize or review."),
                    fields={"conference": [_("Choose a conference you organize or review.")]},
                )
        token, secret = api_token_create(
            user=request.user,
            name=data["name"],
            expires_in_days=data["expires_in_days"],
            conference=conference,
            read_only=data["read_only"],
        )
        token.secret = secret  # Only on this instance, for this one answer.
        body = ApiTokenCreatedSerializer(token).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class ApiTokenDetailView(GenericAPIView):
    permission_classes = [IsAuthenticated, NotByApiToken]
    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()

    @extend_schema(
        summary=gettext_lazy("Revoke a personal API token"),
        description=gettext_lazy("Revoking twice is harmless. Another user's token is a 404. ")
        + str(PERMISSIONS),
        responses={204: None, **ERRORS},
    )
    def delete(self, request, pk: int):
        token = api_token_get(user=request.user, pk=pk)
        if token is None:
            raise NotFound(_("No such token."))
        api_token_revoke(token=token, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
