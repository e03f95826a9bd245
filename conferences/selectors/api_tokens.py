"""Reads of personal API tokens."""

from django.db.models import QuerySet
from django.utils import timezone

from conferences.models import ApiToken, Conference
from conferences.models.api_token import SECRET_PREFIX, api_token_hash
from conferences.selectors.conferences import user_roles


def api_token_list(*, user) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, with their conference (for its slug)."""
    return ApiToken.objects.filter(user=user).select_related("conference").order_by("-created_at", "-pk")


def api_token_get(*, user, pk: int) -> ApiToken | None:
    """One of the user's own tokens; None for another's, so they are told nothing of it."""
    return api_token_list(user=user).filter(pk=pk).first()


def api_token_find(*, secret: str) -> ApiToken | None:
    """The token of a secret from a request, with its user; None when no token has that secret."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(secret)).first()


def api_token_scope_choices(*, user) -> QuerySet[Conference]:
    """The conferences a token of the user may be limited to: those they organize or review."""
    if user.is_superuser:
        return Conference.objects.order_by("-starts_at")
    return Conference.objects.filter(pk__in=user_roles(user=user).values("conference_id")).order_by(
        "-starts_at"
    )


def api_token_is_active(token: ApiToken) -> bool:
    return token.is_active(timezone.now())
