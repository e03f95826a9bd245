"""Sign-in by e-mail address: the sign-in page asks for a "username or e-mail".

Accounts made from an invitation have their address as username, so Django's
ModelBackend finds them either way; an account made in the admin has a short
username, and its owner types the address the site writes to.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from conferences.services.accounts import password_reset_users


class EmailBackend(ModelBackend):
    """Authenticate by e-mail address when exactly one account that signs in by password has it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or "@" not in username or password is None:
            return None
        users = password_reset_users(email=username.strip())
        if len(users) != 1:
            # An unknown or shared address takes as long as a wrong password: no enumeration by timing.
            get_user_model()().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def sign_in_identifier(request, credentials: dict | None = None) -> str:
    """The account a sign-in attempt names, for counting failures (django-axes' AXES_USERNAME_CALLABLE).

    An address that signs one account in counts as that account's username, so failures typed
    by username and by address add up to one lockout instead of two.
    """
    typed = (credentials or {}).get("username") or getattr(request, "POST", {}).get("username") or ""
    typed = str(typed).strip()
    if "@" in typed:
        users = password_reset_users(email=typed)
        if len(users) == 1:
            return users[0].username
    return typed
