"""Limits on guessing the secrets that open pages without an account.

A personal link (RSVP, delegate page, personal calendar, the RSVP API) and a
certificate's verification code are keys in a URL. Each wrong one a client tries
is counted; once a client has missed too often within the window, every request
of that kind is refused until the window ends, valid keys included, so guessing
stays hopeless. The client is whoever core.http.client_ip names, so that behind a
reverse proxy each visitor has a budget of their own.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class GuessLimit:
    key_prefix: str
    # The setting that holds how many misses a client has per window.
    setting: str
    window_seconds: int = 600

    @property
    def misses_allowed(self) -> int:
        return getattr(settings, self.setting)

    def key(self, client: str) -> str:
        return f"{self.key_prefix}:{client}"


# One budget for every personal link, whichever page or endpoint the guess went to.
PERSONAL_LINKS = GuessLimit(key_prefix="link-guesses", setting="RSVP_GUESS_LIMIT")
CERTIFICATE_CODES = GuessLimit(key_prefix="certificate-guesses", setting="CERTIFICATE_GUESS_LIMIT")
# Every request for a reset link counts, found address or not, so the limit tells nothing about accounts.
PASSWORD_RESETS = GuessLimit(
    key_prefix="password-resets", setting="PASSWORD_RESET_LIMIT", window_seconds=3600
)


def guess_limit_reached(*, limit: GuessLimit, client: str) -> bool:
    """Whether the client has used up its misses of this window."""
    return (cache.get(limit.key(client)) or 0) >= limit.misses_allowed


def guess_miss_record(*, limit: GuessLimit, client: str) -> None:
    """Count a wrong key; the window starts at the client's first miss."""
    key = limit.key(client)
    if cache.add(key, 1, limit.window_seconds):
        return
    try:
        cache.incr(key)
    except ValueError:  # The window ended between add() and incr().
        cache.set(key, 1, limit.window_seconds)
