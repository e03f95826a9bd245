"""People's accounts: the password reset link, sent through the outbox like every other e-mail."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conferences.enums import AccountNoticeKind
from notifications.services import Recipient, notify

# Notices about an account belong to no conference: organizers' outbox pages never show them.
ACCOUNT_NOTICE_SCOPE = "account"


def account_notice_ref(user_id: int) -> str:
    return f"user:{user_id}"


def password_reset_users(*, email: str):
    """The active accounts with this address that sign in with a password (as Django's form finds them)."""
    user_model = get_user_model()
    email_field = user_model.get_email_field_name()
    users = user_model._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
    return [user for user in users if user.has_usable_password() and getattr(user, email_field)]


def password_reset_url(*, user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("conferences:password-reset-confirm", kwargs={"uidb64": uidb64, "token": token})
    return settings.SITE_URL + path


def password_reset_send(*, email: str, language: str, now: float | None = None) -> int:
    """Write a reset link to the outbox for each account with this address; return how many accounts.

    Nothing tells the caller whether an account was found beyond the count,
    which the page must not show. One account gets at most one link per
    PASSWORD_RESET_EMAIL_WINDOW_MINUTES, whoever asks: the idempotency key
    carries the window, so a second request in it writes nothing (the first
    link still works), and nobody can fill a colleague's mailbox.
    """
    window = int((time.time() if now is None else now) // (settings.PASSWORD_RESET_EMAIL_WINDOW_MINUTES * 60))
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    written = 0
    for user in password_reset_users(email=email):
        address = getattr(user, user.get_email_field_name())
        rows = notify(
            recipients=[
                Recipient(
                    address=address,
                    name=user.get_full_name() or user.get_username(),
                    language=language,
                    ref=account_notice_ref(user.pk),
                )
            ],
            kind=AccountNoticeKind.PASSWORD_RESET,
            context={
                "reset_url": password_reset_url(user=user),
                "username": user.get_username(),
                "hours": hours,
                "site_url": settings.SITE_URL,
            },
            idempotency_key=f"password-reset|{account_notice_ref(user.pk)}|{window}",
            scope=ACCOUNT_NOTICE_SCOPE,
            # However the site holds bulk mail, a reset link goes at once.
            hold=False,
        )
        written += len(rows)
    return written


def account_lockout_lift(*, username: str) -> int:
    """Forget the failed sign-ins of this account (django-axes); return how many were forgotten.

    Called once its owner has proved, through the reset link, that the mailbox
    is theirs: the new password must work at once, not after the lockout.
    """
    from axes.utils import reset

    return reset(username=username)
