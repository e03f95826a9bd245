"""A delegate's personal link as an API key: `Authorization: Delegate <token>` opens a Registration."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from conferences.selectors.invitations import registration_get_by_token
from conferences.services.guess_limits import PERSONAL_LINKS, guess_miss_record
from core.http import client_ip

KEYWORD = b"delegate"


class DelegateTokenAuthentication(BaseAuthentication):
    """request.user stays anonymous; request.auth is the Registration the link opens.

    A wrong, revoked or expired token is a 401 and counts toward the wrong-link budget
    that the personal-link pages and the RSVP API share.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Give the token of your delegate link after “Delegate ”."))
        registration = registration_get_by_token(token=parts[1].decode("latin-1"))
        if registration is None:
            guess_miss_record(limit=PERSONAL_LINKS, client=client_ip(request))
            raise AuthenticationFailed(_("This delegate link is not valid; ask the organizers for yours."))
        return AnonymousUser(), registration

    def authenticate_header(self, request) -> str:
        return "Delegate"


class DelegateTokenScheme(OpenApiAuthenticationExtension):
    target_class = DelegateTokenAuthentication
    name = "delegateLink"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("“Delegate <token>”: the token of the delegate's personal page link."),
        }
