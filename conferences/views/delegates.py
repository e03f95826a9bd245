"""Pages opened by personal links, without an account: the RSVP page and the delegate's page."""

from django.http import Http404


def rsvp(request, token: str):
    raise Http404


def delegate_page(request, token: str):
    raise Http404
