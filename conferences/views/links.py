"""Personal links (RSVP, delegate page, personal calendar): one page for every bad link, and a limit
on guessing."""

import functools
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render

GUESS_WINDOW_SECONDS = 600


def _guess_key(request) -> str:
    # REMOTE_ADDR is the client as the application server sees it: behind a reverse proxy
    # the proxy must pass the client's address on (e.g. gunicorn --forwarded-allow-ips).
    return f"link-guesses:{request.META.get('REMOTE_ADDR', '')}"


def guessing_blocked(request) -> bool:
    return (cache.get(_guess_key(request)) or 0) >= settings.RSVP_GUESS_LIMIT


def guess_counted(request) -> None:
    """Count a wrong link; the window starts at the first miss and lasts ten minutes."""
    key = _guess_key(request)
    if cache.add(key, 1, GUESS_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # The window ended between add() and incr().
        cache.set(key, 1, GUESS_WINDOW_SECONDS)


def link_invalid(request) -> HttpResponse:
    """The one page for an unknown, revoked or expired token: nothing on it depends on which."""
    guess_counted(request)
    return render(
        request,
        "conferences/link_invalid.html",
        {"too_many": False, "site_contact": settings.SITE_CONTACT},
        status=404,
    )


def too_many_guesses(request) -> HttpResponse:
    response = render(request, "conferences/link_invalid.html", {"too_many": True}, status=429)
    response["Retry-After"] = str(GUESS_WINDOW_SECONDS)
    return response


def opened_by_link(lookup: Callable[..., object | None]):
    """Decorate a page opened by a personal link: `lookup(token=...)` finds what the token opens.

    A client that keeps guessing is refused (429) whatever it asks for; a token
    that opens nothing gets the one invalid-link page (404) and counts as a
    guess; otherwise the view is called as view(request, found, token, ...).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, token: str, *args, **kwargs):
            if guessing_blocked(request):
                return too_many_guesses(request)
            found = lookup(token=token)
            if found is None:
                return link_invalid(request)
            return view(request, found, token, *args, **kwargs)

        return wrapper

    return decorator
