"""The API docs (Swagger UI and Redoc) come from this site's static files, never from a CDN."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

URL = re.compile(r"""\b(?:src|href|spec-url|data-spec-url)="([^"]*)\"""")


def references(html: str) -> list[str]:
    return URL.findall(html)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/api/v1/docs/",
            [
                "/static/drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
                "/static/css/api_docs.css",
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
                "/api/v1/docs/?script=",
            ],
        ),
        (
            "/api/v1/redoc/",
            [
                "/static/css/api_docs.css",
                "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
                "/static/js/redoc_init.js",
                "/api/v1/schema/",
            ],
        ),
    ],
)
def test_api_docs_reference_only_local_files_that_exist(path, expected):
    response = Client().get(path)

    found = references(response.content.decode())

    assert response.status_code == 200
    assert found == expected
    static = [url.removeprefix(settings.STATIC_URL) for url in found if url.startswith(settings.STATIC_URL)]
    assert [name for name in static if finders.find(name) is None] == []
    assert "cdn" not in response.content.decode().lower()


def test_swagger_ui_starts_from_a_script_file_that_loads_the_local_schema():
    response = Client().get("/api/v1/docs/", {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert '  url: "/api/v1/schema/",' in response.content.decode().splitlines()


def test_the_schema_behind_the_docs_is_served_locally():
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "hoinghi API"
