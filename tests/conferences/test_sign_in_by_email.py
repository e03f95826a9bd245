"""The sign-in page asks for a "username or e-mail": the address signs in an account of another username."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/dang-nhap/"
WORKSPACE = "/to-chuc/"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def sign_in(client: Client, login: str, password: str = PASSWORD):
    return client.post(SIGN_IN, {"username": login, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


def test_the_address_signs_in_whatever_its_case_and_surrounding_spaces(client):
    user = UserFactory(username="tochuc", email="ToChuc@most.gov.vn")

    response = sign_in(client, "  tochuc@MOST.gov.vn ")

    assert response.status_code == 302
    assert response["Location"] == WORKSPACE
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_username_still_signs_in(client):
    UserFactory(username="tochuc", email="tochuc@most.gov.vn")

    assert sign_in(client, "tochuc")["Location"] == WORKSPACE


def test_the_address_with_a_wrong_password_signs_no_one_in(client):
    UserFactory(username="tochuc", email="tochuc@most.gov.vn")

    response = sign_in(client, "tochuc@most.gov.vn", password="sai")

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_address_two_accounts_share_signs_neither_in_but_each_username_does(client):
    UserFactory(username="vanthu1", email="vanthu@most.gov.vn")
    UserFactory(username="vanthu2", email="vanthu@most.gov.vn")

    assert sign_in(client, "vanthu@most.gov.vn").status_code == 200
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "vanthu2")["Location"] == WORKSPACE


def test_an_inactive_account_or_one_without_a_password_is_not_signed_in_by_its_address(client):
    UserFactory(username="nghi", email="nghi@most.gov.vn", is_active=False)
    UserFactory(username="khongmatkhau", email="khong@most.gov.vn", password=None)

    assert sign_in(client, "nghi@most.gov.vn").status_code == 200
    assert sign_in(client, "khong@most.gov.vn", password="").status_code == 200
    assert "_auth_user_id" not in client.session
