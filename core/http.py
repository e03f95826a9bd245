"""HTTP helpers every app shares: who the client is, and the Content-Security-Policy of pages."""

import functools
import ipaddress

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket shows an IPv4 peer as ::ffff:a.b.c.d; compare it as the IPv4 address it is.
    return getattr(address, "ipv4_mapped", None) or address


def client_ip(request) -> str:
    """The address of the client, as far as trusted proxies vouch for it.

    REMOTE_ADDR is whoever opened the connection to the application server. Only when that
    is one of settings.TRUSTED_PROXIES is X-Forwarded-For read, from the right (the end a
    proxy appends to): every address that is itself a trusted proxy is stepped over, and the
    first one that is not is the client. Addresses to its left were written by the client
    and prove nothing. Without trusted proxies the header is ignored, since anyone can send it.

    Every limit keyed on the client (API throttles, wrong links, certificate codes, sign-in
    lockout) asks this function, so they all count the same client.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    client = _address(remote)
    if client is None:  # A Unix socket or a test request: nothing to compare.
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(forwarded):
        if not any(client in network for network in networks):
            break
        previous = _address(hop)
        if previous is None:  # Not an address: nothing further left can be trusted either.
            break
        client = previous
    return str(client)


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY with every response that has no policy of its own.

    The policy allows scripts and styles from this site's files only, never inline, so a
    template that puts <script>, <style>, style="..." or onclick="..." into a page breaks
    in the browser (and tests/core/test_csp.py refuses it). A view with a stricter
    need (the notice preview) or a wider one (Redoc, core.api_docs) sets its own header,
    which is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response


def safe_next_url(request, candidate: str | None, fallback: str) -> str:
    """Return candidate if it is a path on this site ("/..."), else fallback.

    url_has_allowed_host_and_scheme() alone lets "foo" through: redirect() then
    takes it for a view name (NoReverseMatch, a 500) and a browser for a path
    relative to the current page. The pages only ever send full paths.
    """
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback
