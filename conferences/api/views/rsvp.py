"""The RSVP API: an invited agency reads and answers its invitation through its link, without an account."""

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api import schema as api_schema
from conferences.api.serializers.invitations import RsvpAnswerSerializer, RsvpInvitationSerializer
from conferences.api.throttling import ClientScopedRateThrottle, PersonalLinkGuessThrottle
from conferences.models import Invitation
from conferences.selectors.invitations import invitation_delegates, invitation_get_by_token
from conferences.services.guess_limits import PERSONAL_LINKS, guess_miss_record
from core.api import PUBLIC_ERRORS
from core.http import client_ip


class RsvpView(APIView):
    """An invited agency reads its invitation and answers it, with the token of its link for a key.

    Wrong, revoked and expired tokens get the same 404, so a guesser learns
    nothing; the "rsvp" throttle limits how fast anyone can ask, and each wrong
    token counts toward the same wrong-link budget as the personal-link pages.
    """

    who_may_call = api_schema.INVITATION_LINK

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle, PersonalLinkGuessThrottle]
    throttle_scope = "rsvp"

    def _invitation(self, token: str) -> Invitation:
        invitation = invitation_get_by_token(token=token)
        if invitation is None:
            guess_miss_record(limit=PERSONAL_LINKS, client=client_ip(self.request))
            raise NotFound(
                _(
                    "This link does not open an invitation. It may be mistyped, expired or withdrawn; "
                    "please contact the organizers."
                )
            )
        return invitation

    def _read(self, invitation: Invitation) -> Response:
        context = {"request": self.request, "delegates": list(invitation_delegates(invitation=invitation))}
        response = Response(RsvpInvitationSerializer(invitation, context=context).data)
        patch_cache_control(response, private=True, no_store=True)
        return response

    @extend_schema(
        summary=gettext_lazy("Read the invitation an RSVP link opens"),
        responses={200: RsvpInvitationSerializer, **PUBLIC_ERRORS},
    )
    def get(self, request, token: str):
        return self._read(self._invitation(token))

    @extend_schema(
        summary=gettext_lazy("Answer the invitation: accept with named delegates, or decline"),
        request=RsvpAnswerSerializer,
        responses={200: RsvpInvitationSerializer, **PUBLIC_ERRORS},
    )
    def post(self, request, token: str):
        invitation = self._invitation(token)
        RsvpAnswerSerializer(data=request.data).submit(invitation=invitation)
        return self._read(self._invitation(token))
