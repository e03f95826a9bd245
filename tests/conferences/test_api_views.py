import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from conferences.models import ConferenceRole
from tests.factories import (
    PASSWORD,
    ConferenceFactory,
    ConferenceRoleFactory,
    OrganizationFactory,
    RoomFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/conferences/"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Keep the login throttle's counters in memory, not in the shared file cache of earlier runs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()  # Local-memory caches of one process share their store: start each test at zero.


@pytest.fixture
def client():
    # Messages are asserted in English; DRF ships Vietnamese translations of its own.
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


# Token ---------------------------------------------------------------------------------------------


def test_token_endpoint_returns_the_users_token(client):
    user = UserFactory(username="chuyenvien")

    response = client.post(TOKEN_URL, {"username": "chuyenvien", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}


def test_token_endpoint_returns_the_same_token_twice(client):
    UserFactory(username="chuyenvien")
    credentials = {"username": "chuyenvien", "password": PASSWORD}

    first = client.post(TOKEN_URL, credentials, format="json").json()["token"]
    second = client.post(TOKEN_URL, credentials, format="json").json()["token"]

    assert first == second
    assert Token.objects.count() == 1


def test_token_endpoint_names_a_missing_password(client):
    UserFactory(username="chuyenvien")

    response = client.post(TOKEN_URL, {"username": "chuyenvien"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["message"] == "Some fields are not valid."
    assert list(body["errors"]) == ["password"]


def test_token_endpoint_throttle_ignores_a_forwarded_for_sent_straight_to_the_server(monkeypatch, settings):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    settings.TRUSTED_PROXIES = []
    UserFactory(username="chuyenvien")
    credentials = {"username": "chuyenvien", "password": PASSWORD}

    answers = [
        APIClient(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .post(TOKEN_URL, credentials, format="json")
        .status_code
        for n in range(4)
    ]

    assert answers == [200, 200, 200, 429]


def test_token_endpoint_throttle_behind_a_proxy_gives_each_client_its_own_budget(monkeypatch, settings):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    UserFactory(username="chuyenvien")
    credentials = {"username": "chuyenvien", "password": PASSWORD}

    def through_proxy(forwarded: str) -> int:
        client = APIClient(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
        return client.post(TOKEN_URL, credentials, format="json").status_code

    first = [through_proxy("203.0.113.66") for _ in range(3)]
    disguised = through_proxy("192.0.2.1, 203.0.113.66")
    other_client = through_proxy("203.0.113.7")

    assert first == [200, 200, 200]
    assert disguised == 429
    assert other_client == 200


def test_token_endpoint_refuses_bad_credentials(client):
    UserFactory(username="chuyenvien")

    response = client.post(TOKEN_URL, {"username": "chuyenvien", "password": "sai-mat-khau"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Some fields are not valid."
    assert list(body["errors"]) == ["non_field_errors"]
    assert Token.objects.count() == 0


def test_token_authorization_header_authenticates(client):
    draft = ConferenceFactory(slug="ban-nhap")
    user = ConferenceRoleFactory(conference=draft, role=ConferenceRole.Role.ORGANIZER).user
    token = Token.objects.create(user=user)

    anonymous = client.get(f"{LIST_URL}ban-nhap/")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    authenticated = client.get(f"{LIST_URL}ban-nhap/")

    assert anonymous.status_code == 404
    assert authenticated.status_code == 200
    assert authenticated.json()["slug"] == "ban-nhap"


def test_bad_token_is_refused_in_the_error_format(client):
    client.credentials(HTTP_AUTHORIZATION="Token khong-hop-le")

    response = client.get(LIST_URL)

    assert response.status_code == 401
    assert response.json() == {"message": "Invalid token.", "code": "authentication_failed", "errors": {}}


# List ----------------------------------------------------------------------------------------------


def test_conference_list_is_paginated(client):
    ConferenceFactory(published=True, slug="cong-khai")

    response = client.get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)


def test_conference_list_page_size_and_next_link(client):
    ConferenceFactory.create_batch(3, published=True)

    body = client.get(LIST_URL, {"page_size": 2}).json()

    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"] == "http://testserver/api/v1/conferences/?page=2&page_size=2"


def test_conference_list_shows_anonymous_users_only_published_and_closed(client):
    ConferenceFactory(slug="ban-nhap")
    ConferenceFactory(published=True, slug="cong-khai")
    ConferenceFactory(closed=True, slug="da-dong")

    response = client.get(LIST_URL)

    assert sorted(slugs(response)) == ["cong-khai", "da-dong"]


def test_conference_list_shows_a_draft_to_its_organizer(client):
    draft = ConferenceFactory(slug="ban-nhap")
    ConferenceFactory(slug="ban-nhap-khac")
    ConferenceFactory(published=True, slug="cong-khai")
    organizer = ConferenceRoleFactory(conference=draft).user
    client.force_authenticate(organizer)

    assert sorted(slugs(client.get(LIST_URL))) == ["ban-nhap", "cong-khai"]


def test_conference_list_item_fields(client):
    host = OrganizationFactory(
        name="Bộ Khoa học và Công nghệ", short_name="Bộ KH&CN", code="BKHCN", kind="ministry"
    )
    ConferenceFactory(published=True, slug="so-ket-19", title_vi="Hội nghị sơ kết", host=host)

    item = client.get(LIST_URL).json()["results"][0]

    assert item["url"] == "http://testserver/api/v1/conferences/so-ket-19/"
    assert item["title_vi"] == "Hội nghị sơ kết"
    assert item["status"] == "published"
    assert item["starts_at"] == "2021-04-09T08:00:00+07:00"
    assert item["host"] == {
        "id": host.pk,
        "name": "Bộ Khoa học và Công nghệ",
        "short_name": "Bộ KH&CN",
        "code": "BKHCN",
        "kind": "ministry",
    }


def test_conference_list_filters_by_status(client):
    ConferenceFactory(published=True, slug="cong-khai")
    ConferenceFactory(closed=True, slug="da-dong")

    response = client.get(LIST_URL, {"status": "published"})

    assert slugs(response) == ["cong-khai"]


def test_conference_list_with_an_unknown_status_is_a_400_in_the_error_format(client):
    response = client.get(LIST_URL, {"status": "khong-ton-tai"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_conference_list_status_filter_does_not_reveal_drafts(client):
    ConferenceFactory(slug="ban-nhap")

    assert client.get(LIST_URL, {"status": "draft"}).json()["count"] == 0


def test_conference_list_query_count_is_fixed_for_30_conferences(client, django_assert_max_num_queries):
    ConferenceFactory.create_batch(30, published=True)

    with django_assert_max_num_queries(2):
        response = client.get(LIST_URL)

    assert response.json()["count"] == 30


def test_conference_list_query_count_is_fixed_for_an_organizer(client, django_assert_max_num_queries):
    user = UserFactory()
    for conference in ConferenceFactory.create_batch(30):
        ConferenceRoleFactory(conference=conference, user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    with django_assert_max_num_queries(3):
        response = client.get(LIST_URL)

    assert response.json()["count"] == 30


def test_post_to_the_conference_list_is_refused_for_anonymous_users(client):
    response = client.post(LIST_URL, {"slug": "moi"}, format="json")

    assert response.status_code == 401
    assert response.json() == {
        "message": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "errors": {},
    }


def test_post_to_the_conference_list_needs_the_permission_to_add_conferences(client):
    client.force_authenticate(UserFactory())

    response = client.post(LIST_URL, {"slug": "moi"}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json() == {
        "message": "You may not create conferences.",
        "code": "permission_denied",
        "errors": {},
    }


# Detail --------------------------------------------------------------------------------------------


def test_conference_detail_by_slug(client):
    conference = ConferenceFactory(
        published=True, slug="so-ket-19", legal_basis="Quyết định số 19/2014/QĐ-TTg", capacity=200
    )
    RoomFactory(conference=conference, name="Hội trường A", capacity=150)

    response = client.get(f"{LIST_URL}so-ket-19/")

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "so-ket-19"
    assert body["legal_basis"] == "Quyết định số 19/2014/QĐ-TTg"
    assert body["capacity"] == 200
    assert [(r["name"], r["capacity"]) for r in body["rooms"]] == [("Hội trường A", 150)]


def test_unknown_slug_is_a_404_in_the_error_format(client):
    response = client.get(f"{LIST_URL}khong-co/")

    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "code": "not_found", "errors": {}}


def test_api_errors_are_in_vietnamese_by_default():
    response = APIClient().get(f"{LIST_URL}khong-co/")

    assert response.status_code == 404
    assert response.json() == {"message": "Không tìm thấy.", "code": "not_found", "errors": {}}


def test_draft_detail_is_a_404_for_anonymous_users(client):
    ConferenceFactory(slug="ban-nhap")

    response = client.get(f"{LIST_URL}ban-nhap/")

    assert response.status_code == 404
    assert set(response.json()) == {"message", "code", "errors"}


# Schema --------------------------------------------------------------------------------------------


def test_openapi_schema_lists_the_conference_endpoints(client):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith("openapi: 3.")
    assert "/api/v1/conferences/:" in text
    assert "/api/v1/conferences/{slug}/:" in text
    assert "/api/v1/auth/token/:" in text
