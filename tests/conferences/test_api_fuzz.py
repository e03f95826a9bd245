"""Schemathesis against the live schema: no 5xx, and every response as the schema says.

Each operation gets a bounded number of generated requests (FUZZ_EXAMPLES, derandomized so a
run is repeatable), once as anonymous and once as the organizer of a published conference whose
slug stands in for every {conference_slug}. The same, with more examples, from a shell:
see the README's "API errors" section.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from conferences.models import ConferenceRole
from config.wsgi import application
from tests.factories import ConferenceFactory, ConferenceRoleFactory, RoomFactory, UserFactory

# Once per CI run, in the SQLite pass: its minutes would not fit CI's budget twice. What differs on
# PostgreSQL (integers past 2^63) is refused before any query by core/api_fields.py, which
# tests/conferences/test_api_schema.py holds every serializer to.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_only]

SLUG = "fuzz-hoi-nghi"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, response_schema_conformance]


# Loaded while collecting, through the WSGI app (no server): schemathesis' lazy loading from a
# fixture does not run under pytest 9. Each operation becomes a test of its own.
# Only the schema's examples and FUZZ_EXAMPLES generated cases per operation: the coverage phase
# would add dozens of boundary cases to each, minutes on this machine.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?lang=en", application, config=CONFIG)


@pytest.fixture
def wsgi_keeps_the_connection():
    """Requests go through the WSGI handler, which closes the database connection after each
    one (request_finished): that would close the test's transaction. The test client does
    the same disconnecting."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def world(db, wsgi_keeps_the_connection):
    """A published conference with a room, and a token for its organizer."""
    conference = ConferenceFactory(slug=SLUG, status="published")
    RoomFactory(conference=conference, name="Phòng A")
    organizer = UserFactory()
    ConferenceRoleFactory(conference=conference, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    return {"organizer": Token.objects.create(user=organizer).key}


FUZZ = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def call(case, settings, token: str | None = None) -> None:
    # Throttle counters in memory: a shared file cache would carry them over from earlier runs.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if "conference_slug" in (case.path_parameters or {}):
        case.path_parameters["conference_slug"] = SLUG
    headers = {"Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Token {token}"
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_api_answers_anonymous_within_its_schema(case, world, settings):
    call(case, settings)


@schema.parametrize()
@FUZZ
def test_api_answers_an_organizer_within_its_schema(case, world, settings):
    call(case, settings, token=world["organizer"])
