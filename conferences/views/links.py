"""Personal links (RSVP, delegate page, personal calendar): one page for every bad link, and a limit
on guessing (conferences.services.guess_limits, shared with the RSVP API)."""

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from conferences.services.guess_limits import PERSONAL_LINKS, guess_limit_reached, guess_miss_record
from core.http import client_ip

GUESS_WINDOW_SECONDS = PERSONAL_LINKS.window_seconds


def guessing_blocked(request) -> bool:
    return guess_limit_reached(limit=PERSONAL_LINKS, client=client_ip(request))


def guess_counted(request) -> None:
    """Count a wrong link; the window starts at the first miss and lasts ten minutes."""
    guess_miss_record(limit=PERSONAL_LINKS, client=client_ip(request))


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
