"""Failed sign-ins lock an account and a client out for a while (django-axes), on the admin and the API."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
TOKEN_URL = "/api/v1/auth/token/"
LOCKED_PAGE = (
    "Signing in to this account, or from your network, is paused after too many wrong passwords. "
    "Please try again in 15 minutes, or ask an administrator to unlock it."
)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    settings.TRUSTED_PROXIES = []
    # The token endpoint's own throttle counts in the cache: start it at zero, in memory.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def staff():
    return UserFactory(username="vanthu", is_staff=True)


def admin_sign_in(client: Client, username: str, password: str):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password, "next": "/admin/"})


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def fail_three_times(client: Client, username: str) -> list[int]:
    return [admin_sign_in(client, username, f"sai-{n}").status_code for n in range(3)]


def test_admin_refuses_the_right_password_after_too_many_failures(staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    failures = fail_three_times(client, "vanthu")
    right = admin_sign_in(client, "vanthu", PASSWORD)

    assert failures == [200, 200, 429]
    assert right.status_code == 429
    assert right["Retry-After"] == "900"
    assert LOCKED_PAGE in right.content.decode()
    assert not signed_in(client)


def test_admin_lockout_holds_the_account_and_the_client_but_not_others(staff):
    UserFactory(username="ketoan", is_staff=True)
    UserFactory(username="thuky", is_staff=True)
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    fail_three_times(attacker, "vanthu")

    other_client_other_account = Client(REMOTE_ADDR="203.0.113.7")
    other_client_same_account = Client(REMOTE_ADDR="203.0.113.8")
    same_client_other_account = admin_sign_in(attacker, "ketoan", PASSWORD)

    assert admin_sign_in(other_client_other_account, "thuky", PASSWORD).status_code == 302
    assert signed_in(other_client_other_account)
    assert admin_sign_in(other_client_same_account, "vanthu", PASSWORD).status_code == 429
    assert same_client_other_account.status_code == 429


def test_admin_lockout_ignores_a_forwarded_for_sent_straight_to_the_server(staff):
    UserFactory(username="ketoan", is_staff=True)
    for n in range(3):
        admin_sign_in(Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"), f"khong-co-{n}", "sai")

    response = admin_sign_in(Client(HTTP_X_FORWARDED_FOR="198.51.100.99"), "ketoan", PASSWORD)

    assert response.status_code == 429


def test_admin_lockout_behind_a_proxy_counts_the_real_client(settings, staff):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    UserFactory(username="ketoan", is_staff=True)
    UserFactory(username="thuky", is_staff=True)
    for n in range(3):
        admin_sign_in(
            Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.66"), f"khong-co-{n}", "sai"
        )

    guesser = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.66")
    colleague = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert admin_sign_in(guesser, "ketoan", PASSWORD).status_code == 429
    assert admin_sign_in(colleague, "thuky", PASSWORD).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}


def test_admin_lockout_ends_when_the_cool_off_has_passed(staff):
    client = Client()
    fail_three_times(client, "vanthu")
    # As if the last failure were sixteen minutes old.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16)
    )

    assert admin_sign_in(client, "vanthu", PASSWORD).status_code == 302
    assert signed_in(client)


def test_admin_lockout_is_lifted_by_axes_reset(staff):
    client = Client()
    fail_three_times(client, "vanthu")

    call_command("axes_reset_username", "vanthu", verbosity=0)

    assert admin_sign_in(client, "vanthu", PASSWORD).status_code == 302
    assert AccessAttempt.objects.count() == 0


def test_token_endpoint_refuses_the_right_password_after_too_many_failures(staff):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    failures = [
        client.post(TOKEN_URL, {"username": "vanthu", "password": f"sai-{n}"}, format="json").status_code
        for n in range(3)
    ]
    right = client.post(TOKEN_URL, {"username": "vanthu", "password": PASSWORD}, format="json")

    assert failures == [400, 400, 429]
    assert right.status_code == 429
    assert right["Retry-After"] == "900"
    assert right.json() == {
        "message": "Too many failed sign-ins for this account or from your network. "
        "Expected available in 900 seconds.",
        "code": "throttled",
        "errors": {},
    }


def test_failures_on_the_token_endpoint_lock_the_admin_too(staff):
    api = APIClient()
    for n in range(3):
        api.post(TOKEN_URL, {"username": "vanthu", "password": f"sai-{n}"}, format="json")

    assert admin_sign_in(Client(REMOTE_ADDR="203.0.113.7"), "vanthu", PASSWORD).status_code == 429
