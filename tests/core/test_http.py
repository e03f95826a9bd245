"""core.http: the client address every limit counts by."""

import pytest
from django.test import RequestFactory

from core.http import client_ip

PROXY = "10.0.0.5"


def request(remote: str = "203.0.113.9", forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def test_client_ip_is_remote_addr_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(request("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


def test_client_ip_ignores_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy(behind_proxy):
    assert client_ip(request("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


def test_client_ip_is_the_address_the_trusted_proxy_appended(behind_proxy):
    # The client wrote "198.51.100.1" itself; nginx appended the address it saw.
    assert client_ip(request(PROXY, forwarded="198.51.100.1, 203.0.113.9")) == "203.0.113.9"


def test_client_ip_steps_over_every_trusted_proxy_of_a_chain(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.7"]

    forwarded = "198.51.100.1, 203.0.113.9, 192.0.2.7, 10.0.0.8"

    assert client_ip(request(PROXY, forwarded=forwarded)) == "203.0.113.9"


def test_client_ip_is_the_proxy_when_it_sends_no_forwarded_for(behind_proxy):
    assert client_ip(request(PROXY)) == PROXY


def test_client_ip_stops_at_a_hop_that_is_not_an_address(behind_proxy):
    assert client_ip(request(PROXY, forwarded="203.0.113.9, not-an-address")) == PROXY


def test_client_ip_compares_an_ipv4_mapped_peer_as_ipv4(behind_proxy):
    assert client_ip(request(f"::ffff:{PROXY}", forwarded="203.0.113.9")) == "203.0.113.9"


def test_client_ip_understands_ipv6_proxies_and_clients(settings):
    settings.TRUSTED_PROXIES = ["fd00::/8"]

    assert client_ip(request("fd00::5", forwarded="2001:db8::1")) == "2001:db8::1"


def _views(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _views(pattern.url_patterns)
        else:
            yield pattern.callback


def test_every_api_throttle_counts_the_client_that_client_ip_names(settings):
    """DRF's own get_ident believes any X-Forwarded-For; no throttle in use may fall back to it."""
    from django.urls import get_resolver
    from rest_framework.settings import api_settings

    settings.TRUSTED_PROXIES = []
    throttles = {
        throttle
        for view in _views(get_resolver().url_patterns)
        for throttle in getattr(getattr(view, "cls", None), "throttle_classes", [])
    } | set(api_settings.DEFAULT_THROTTLE_CLASSES)
    forged = request("203.0.113.9", forwarded="198.51.100.1")

    assert {throttle.__name__ for throttle in throttles} == {
        "CertificateGuessThrottle",
        "ClientScopedRateThrottle",
        "PersonalLinkGuessThrottle",
    }
    assert {throttle.__name__: throttle().get_ident(forged) for throttle in throttles} == {
        "CertificateGuessThrottle": "203.0.113.9",
        "ClientScopedRateThrottle": "203.0.113.9",
        "PersonalLinkGuessThrottle": "203.0.113.9",
    }
