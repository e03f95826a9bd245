"""Every API error has one shape, {"message", "code", "errors"}, whoever answers: DRF, a service, Django."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.test import APIClient

from conferences.models import ConferenceRole
from core.api import server_error
from tests.factories import ConferenceFactory, ConferenceRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """The sign-in throttle counts in memory, not in the shared file cache of earlier runs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def client():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def error(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    return body


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/conferences/x/nope/", "/api/v2/", "/api/"])
def test_an_unmatched_api_url_is_a_json_404(client, method, path):
    response = getattr(client, method)(path)

    assert error(response, 404) == {"message": "Not found.", "code": "not_found", "errors": {}}


def test_an_unmatched_api_url_is_a_404_in_vietnamese_by_default():
    response = APIClient().get("/api/v1/nope/")

    assert error(response, 404) == {"message": "Không tìm thấy.", "code": "not_found", "errors": {}}


def test_an_unmatched_page_url_is_still_an_html_page(client):
    response = client.get("/khong-co-trang-nay/nope/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_validation_error_names_each_field(client):
    response = client.post(TOKEN_URL, {"username": "a" * 200}, format="json")

    assert error(response, 400) == {
        "message": "Some fields are not valid.",
        "code": "invalid",
        "errors": {"password": ["This field is required."]},
    }


def test_a_domain_refusal_has_its_own_code(client):
    conference = ConferenceFactory(status="draft")
    organizer = UserFactory()
    ConferenceRoleFactory(conference=conference, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    client.force_authenticate(organizer)

    response = client.post(f"/api/v1/conferences/{conference.slug}/close/")

    assert error(response, 400) == {
        "message": "Only a published conference can be closed: publish it first.",
        "code": "draft",
        "errors": {},
    }


def test_a_missing_sign_in_is_a_401_with_its_code(client):
    response = client.post("/api/v1/conferences/", {}, format="json")

    assert error(response, 401) == {
        "message": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "errors": {},
    }


def test_a_wrong_method_is_a_405_with_its_code(client):
    client.force_authenticate(UserFactory())

    response = client.delete("/api/v1/conferences/")

    assert error(response, 405) == {
        "message": 'Method "DELETE" not allowed.',
        "code": "method_not_allowed",
        "errors": {},
    }


def test_a_malformed_json_body_is_a_parse_error(client):
    response = client.post(TOKEN_URL, "{not json", content_type="application/json")

    body = error(response, 400)
    assert (body["code"], body["errors"]) == ("parse_error", {})
    assert body["message"].startswith("JSON parse error")


def test_a_form_body_over_the_field_limit_is_a_json_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = "&".join(f"f{n}=x" for n in range(11))

    response = client.post(TOKEN_URL, fields, content_type="application/x-www-form-urlencoded")

    assert error(response, 400) == {
        "message": "The request has too many fields.",
        "code": "too_many_fields",
        "errors": {},
    }


def test_a_multipart_body_over_the_field_limit_is_a_json_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    response = client.post(TOKEN_URL, {f"f{n}": "x" for n in range(11)}, format="multipart")

    assert error(response, 400)["code"] == "too_many_fields"


def test_a_form_body_over_the_default_limit_of_1000_fields_is_a_json_400(client):
    fields = "&".join(f"f{n}=x" for n in range(1001))

    response = client.post(TOKEN_URL, fields, content_type="application/x-www-form-urlencoded")

    assert error(response, 400)["code"] == "too_many_fields"


def test_a_body_over_the_size_limit_is_a_json_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    body = "username=" + "a" * 200

    response = client.post(TOKEN_URL, body, content_type="application/x-www-form-urlencoded")

    assert error(response, 400) == {
        "message": "The request body is too large.",
        "code": "request_too_large",
        "errors": {},
    }


def test_a_server_error_under_the_api_is_json_and_a_page_elsewhere():
    factory = RequestFactory()

    api = server_error(factory.get("/api/v1/conferences/"))
    page = server_error(factory.get("/hoi-nghi/"))

    assert api.status_code == page.status_code == 500
    assert api["Content-Type"] == "application/json"
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "value", ["0205-03-15T09:07:30+07:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
)
def test_a_list_filter_date_outside_the_sane_range_is_a_400_naming_it(client, value):
    response = client.get("/api/v1/conferences/", {"starts_after": value})

    assert error(response, 400) == {
        "message": "Some fields are not valid.",
        "code": "invalid",
        "errors": {"starts_after": ["Enter a date between 1900 and 2100."]},
    }


@pytest.mark.parametrize("value", [str(2**63), str(-(2**63) - 1), "1" * 30])
def test_an_id_beyond_64_bits_in_a_list_filter_is_a_400_naming_it(client, value):
    conference = ConferenceFactory(status="published")
    organizer = UserFactory()
    ConferenceRoleFactory(conference=conference, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    client.force_authenticate(organizer)

    response = client.get(f"/api/v1/conferences/{conference.slug}/papers/", {"organization": value})

    assert list(error(response, 400)["errors"]) == ["organization"]


def test_page_zero_is_a_404_in_the_error_shape(client):
    response = client.get("/api/v1/conferences/", {"page": 0})

    assert error(response, 404) == {"message": "Invalid page.", "code": "not_found", "errors": {}}


@pytest.mark.parametrize("resource", ["papers", "nominations", "certificates"])
def test_an_id_that_is_not_a_number_is_a_json_404(client, resource):
    conference = ConferenceFactory(status="published")
    organizer = UserFactory()
    ConferenceRoleFactory(conference=conference, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    client.force_authenticate(organizer)

    response = client.get(f"/api/v1/conferences/{conference.slug}/{resource}/null,null/")

    assert error(response, 404)["code"] == "not_found"


def test_options_on_a_list_route_that_takes_put_is_not_a_500(client):
    conference = ConferenceFactory(status="published")
    organizer = UserFactory()
    ConferenceRoleFactory(conference=conference, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    client.force_authenticate(organizer)

    response = client.options(f"/api/v1/conferences/{conference.slug}/nominations/criteria/")

    assert response.status_code == 200
    assert "actions" not in response.json()


def test_ids_beyond_64_bits_in_review_assignments_are_a_400_naming_the_field(client):
    # Found by schemathesis: papers=[2**63] reached pk__in and SQLite's OverflowError, a 500.
    conference = ConferenceFactory(status="published")
    organizer = UserFactory()
    ConferenceRoleFactory(conference=conference, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    client.force_authenticate(organizer)

    response = client.post(
        f"/api/v1/conferences/{conference.slug}/review-assignments/",
        {"papers": [2**63], "reviewers": [1]},
        format="json",
    )

    assert error(response, 400)["errors"] == {"papers": {"0": [f"{2**63} is not a valid id."]}}
