"""Personal API tokens: made with a secret shown once, revoked; every change is in the audit log."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import ApiToken, AuditEntry, Conference
from conferences.models.api_token import SECRET_PREFIX, api_token_hash
from conferences.selectors.conferences import user_roles
from conferences.services.audit import audit_record
from core.exceptions import ApplicationError

DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_ACTIVE_PER_USER = 20
# last_used_at is a hint for the owner, not a log: written at most this often per token.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def _expiry(*, now, expires_in_days: int | None, expires_at: datetime.datetime | None) -> datetime.datetime:
    if expires_at is None:
        days = DEFAULT_DAYS if expires_in_days is None else expires_in_days
        if not 1 <= days <= MAX_DAYS:
            raise ApplicationError(
                _("A token lasts from 1 to %(max)d days.") % {"max": MAX_DAYS},
                fields={
                    "expires_in_days": [_("Give a number of days from 1 to %(max)d.") % {"max": MAX_DAYS}]
                },
            )
        return now + datetime.timedelta(days=days)
    if not now + datetime.timedelta(days=1) <= expires_at <= now + datetime.timedelta(days=MAX_DAYS):
        raise ApplicationError(
            _("A token lasts from 1 to %(max)d days.") % {"max": MAX_DAYS},
            fields={"expires_at": [_("Choose a date from 1 to %(max)d days ahead.") % {"max": MAX_DAYS}]},
        )
    return expires_at


def _check_scope(*, user, conference: Conference | None) -> None:
    # A token may narrow the user's access, never widen it: its conference is one they work on.
    if conference is None or user.is_superuser:
        return
    if not user_roles(user=user).filter(conference=conference).exists():
        raise ApplicationError(
            _("Choose a conference you organize or review."),
            fields={"conference": [_("Choose a conference you organize or review.")]},
        )


def api_token_create(
    *,
    user,
    name: str,
    expires_in_days: int | None = None,
    expires_at: datetime.datetime | None = None,
    conference: Conference | None = None,
    read_only: bool = False,
) -> tuple[ApiToken, str]:
    """Make a token for the user; return it with its secret, which is never stored or shown again."""
    now = timezone.now()
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the token a name."), fields={"name": [_("This field is required.")]})
    expiry = _expiry(now=now, expires_in_days=expires_in_days, expires_at=expires_at)
    _check_scope(user=user, conference=conference)
    with transaction.atomic():
        # The user's row is the lock: two creations at once cannot both take the 20th place.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        unrevoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if unrevoked.filter(name=name).exists():
            raise ApplicationError(
                _("You already have a token with this name."),
                code="duplicate",
                fields={"name": [_("You already have a token with this name; revoke it or choose another.")]},
            )
        if unrevoked.filter(expires_at__gt=now).count() >= MAX_ACTIVE_PER_USER:
            raise ApplicationError(
                _("You have %(max)d active tokens; revoke one first.") % {"max": MAX_ACTIVE_PER_USER},
                code="quota_reached",
                fields={"non_field_errors": [_("Revoke a token you no longer use first.")]},
            )
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[len(SECRET_PREFIX) : len(SECRET_PREFIX) + 8],
            key_hash=api_token_hash(secret),
            conference=conference,
            read_only=read_only,
            expires_at=expiry,
        )
        audit_record(
            action=AuditEntry.Action.API_TOKEN_CREATED,
            target=token,
            conference=conference,
            actor=user,
            data={
                "name": name,
                "prefix": token.prefix,
                "read_only": read_only,
                "expires_at": expiry.isoformat(),
            },
        )
    return token, secret


def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke the token; revoking it again changes nothing and writes no second entry."""
    now = timezone.now()
    with transaction.atomic():
        # The conditional update decides who revoked it when two requests race.
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        if revoked:
            audit_record(
                action=AuditEntry.Action.API_TOKEN_REVOKED,
                target=token,
                conference=token.conference,
                actor=by,
                data={"name": token.name, "prefix": token.prefix},
            )
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken, now: datetime.datetime) -> None:
    """Record that the token was used, at most once per LAST_USED_EVERY: one UPDATE that may match nothing."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
    ).update(last_used_at=now)
    token.last_used_at = now
