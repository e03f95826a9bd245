"""API keys besides DRF's sign-in token.

`Authorization: Delegate <token>`: a delegate's personal link, which opens a Registration.
`Authorization: Bearer hn_...`: a user's personal API token for an integration (ApiToken).
"""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from conferences.models import ApiToken
from conferences.selectors.api_tokens import api_token_find
from conferences.selectors.invitations import registration_get_by_token
from conferences.services.api_tokens import api_token_touch
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


BEARER = b"bearer"
# URL arguments that name the conference a route is about.
CONFERENCE_KWARGS = ("conference_slug", "slug")


class ApiTokenAuthentication(BaseAuthentication):
    """request.user is the token's owner, request.auth the ApiToken; the token's limits apply here.

    Refusals, as 401 with a stable code: `token_invalid` for an unknown or revoked token and for a
    token whose owner is inactive (a revoked token is not confirmed as ever having existed),
    `token_expired` once its date has passed (so its owner knows to make a new one).

    Its limits are enforced here, because every API view authenticates and a view can override
    its permission classes but not this:
    - a read-only token's unsafe request is a 403 `token_read_only`, whatever the view;
    - a token scoped to one conference carries it on the user instance (`api_token_conference_id`),
      which the conference, reviewer, job and notice selectors honour on every route; an unsafe
      request of such a token to a route that names no conference (creating conferences, changing
      agencies) is a 403 `token_scope`, unless the view writes only rows of the user's conferences
      and declares it with `token_scope_filtered = True`; a view under a conference's URL whose
      writes are shared by every conference (award categories) declares `token_scope_shared = True`
      and is refused the same way.
    Pages never call this class: they accept sessions only.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != BEARER:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Give your API token after “Bearer ”."), code="token_invalid")
        token = api_token_find(secret=parts[1].decode("latin-1"))
        now = timezone.now()
        if token is None or token.revoked_at is not None or not token.user.is_active:
            raise AuthenticationFailed(_("This API token is not valid."), code="token_invalid")
        if token.expires_at <= now:
            raise AuthenticationFailed(_("This API token has expired; make a new one."), code="token_expired")
        api_token_touch(token=token, now=now)
        user = token.user
        user.api_token_conference_id = token.conference_id
        if request.method not in SAFE_METHODS:
            if token.read_only:
                raise PermissionDenied(_("This API token is read-only."), code="token_read_only")
            if token.conference_id is not None and not self._names_conference(request):
                raise PermissionDenied(
                    _("This API token is limited to one conference; it cannot change data of no conference."),
                    code="token_scope",
                )
        return user, token

    @staticmethod
    def _names_conference(request) -> bool:
        context = getattr(request, "parser_context", None) or {}
        kwargs = context.get("kwargs") or {}
        view = context.get("view")
        if getattr(view, "token_scope_shared", False):
            return False
        return any(name in kwargs for name in CONFERENCE_KWARGS) or getattr(
            view, "token_scope_filtered", False
        )

    def authenticate_header(self, request) -> str:
        return "Bearer"


class NotByApiToken(BasePermission):
    """A personal API token cannot make or revoke tokens: that needs the user's own sign-in."""

    message = gettext_lazy("An API token cannot manage API tokens; sign in instead.")
    code = "token_cannot_manage_tokens"

    def has_permission(self, request, view) -> bool:
        return not isinstance(request.auth, ApiToken)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _(
                "“Bearer hn_…”: a personal API token made in the workspace or at /api/v1/auth/tokens/. "
                "It may be read-only and limited to one conference."
            ),
        }
