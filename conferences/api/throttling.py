"""API rate limits, all keyed on the client that core.http.client_ip names."""

from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from conferences.services.guess_limits import CERTIFICATE_CODES, PERSONAL_LINKS, guess_limit_reached
from core.http import client_ip


class ClientScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (rates in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) for the real client.

    DRF's own get_ident believes X-Forwarded-For unless NUM_PROXIES is set, so a client
    sending a new header each time would get a new budget each time.
    """

    def get_ident(self, request) -> str:
        return client_ip(request)


class PersonalLinkGuessThrottle(BaseThrottle):
    """Refuse a client that has opened too many wrong personal links, on the pages or the API."""

    def get_ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        return not guess_limit_reached(limit=PERSONAL_LINKS, client=self.get_ident(request))

    def wait(self) -> int:
        return PERSONAL_LINKS.window_seconds


class CertificateGuessThrottle(BaseThrottle):
    """Refuse a client that has checked too many wrong certificate codes (one budget with the verify page)."""

    def get_ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        return not guess_limit_reached(limit=CERTIFICATE_CODES, client=self.get_ident(request))

    def wait(self) -> int:
        return CERTIFICATE_CODES.window_seconds
