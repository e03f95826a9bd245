"""The OpenAPI schema says what the API answers: nulls where nulls come, errors in their shape.

Responses are checked against the schema itself (jsonschema on the component), so a field that
comes back null, or an e-mail that comes back "", fails here when the schema does not allow it.
"""

import functools
import importlib
import inspect
import io
import pkgutil

import jsonschema
import pytest
import yaml
from django.core.management import call_command
from rest_framework import serializers
from rest_framework.test import APIClient

from conferences.models import ConferenceRole
from conferences.services.organizations import organization_create
from core import api_fields
from tests.factories import ConferenceRoleFactory, UserFactory
from tests.factories import agenda_item_build as add

pytestmark = pytest.mark.django_db

ERROR_STATUSES = {"400", "401", "403", "404"}
METHODS = {"get", "post", "put", "patch", "delete"}


@functools.cache
def schema() -> dict:
    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", "--lang", "en", stdout=out)
    return yaml.safe_load(out.getvalue())


def conforms(instance, component: str) -> None:
    """Validate a response body against a component, read as OpenAPI 3.0 (nullable, readOnly)."""
    document = schema()

    def to_json_schema(node):
        if isinstance(node, dict):
            node = {key: to_json_schema(value) for key, value in node.items()}
            if node.pop("nullable", False):
                node = {"anyOf": [node, {"type": "null"}]}
            return node
        if isinstance(node, list):
            return [to_json_schema(value) for value in node]
        if isinstance(node, str) and node.startswith("#/components/schemas/"):
            return node.replace("#/components/schemas/", "#/definitions/")
        return node

    definitions = to_json_schema(document["components"]["schemas"])
    checker = jsonschema.Draft7Validator(
        {"$ref": f"#/definitions/{component}", "definitions": definitions},
        format_checker=jsonschema.FormatChecker(),
    )
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in checker.iter_errors(instance)]
    assert errors == []


def properties(component: str) -> dict:
    return schema()["components"]["schemas"][component]["properties"]


def test_every_operation_documents_the_error_shape_for_400_401_403_404():
    missing = []
    for path, operations in schema()["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for status in ERROR_STATUSES:
                response = operation["responses"].get(status, {})
                content = response.get("content", {}).get("application/json", {})
                if content.get("schema") != {"$ref": "#/components/schemas/ErrorResponse"}:
                    missing.append(f"{method.upper()} {path} {status}")
                elif not response.get("description"):
                    missing.append(f"{method.upper()} {path} {status}: no description")
    assert missing == []


def test_the_error_component_requires_message_code_and_errors():
    error = schema()["components"]["schemas"]["ErrorResponse"]

    assert error["required"] == ["code", "errors", "message"]
    assert set(error["properties"]) == {"message", "code", "errors", "extra"}


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("AgendaItem", "room"),
        ("AgendaItem", "chair"),
        ("AgendaItem", "paper"),
        ("AgendaItem", "presenting_organization"),
        ("Organization", "parent"),
        ("Organization", "province"),
        ("Paper", "topic"),
        ("RsvpInvitation", "presenter_email"),
        ("TeamMember", "email"),
        ("Delegate", "email"),
    ],
)
def test_fields_that_can_be_null_are_declared_nullable(component, field):
    assert properties(component)[field].get("nullable") is True


def test_no_email_field_has_a_blank_default():
    """openapi-spec-validator refuses default '' with format email (RsvpAnswer.presenter_email did it)."""
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("format") == "email" and "default" in node:
                found.append(where)
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for n, value in enumerate(node):
                walk(value, f"{where}[{n}]")

    walk(schema(), "")
    assert found == []


def test_an_agenda_item_without_room_chair_paper_or_agency_conforms(organizer_client, conference):
    add(conference, (9, 0), (9, 30), "Khai mạc")

    response = organizer_client.get(f"/api/v1/conferences/{conference.slug}/agenda/items/")

    assert response.status_code == 200
    item = response.json()[0]
    assert (item["room"], item["chair"], item["paper"], item["presenting_organization"]) == (None,) * 4
    conforms(item, "AgendaItem")


def test_an_agency_without_parent_or_province_conforms():
    agency = organization_create(name="Bộ Khoa học và Công nghệ", kind="ministry")
    client = APIClient()
    client.force_authenticate(UserFactory())

    response = client.get(f"/api/v1/organizations/{agency.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["parent"], body["province"]) == (None, None)
    conforms(body, "Organization")


def test_a_team_member_without_an_email_is_null_not_blank(conference):
    organizer = UserFactory(email="")
    ConferenceRoleFactory(conference=conference, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    client = APIClient()
    client.force_authenticate(organizer)

    response = client.get(f"/api/v1/conferences/{conference.slug}/team/")

    assert response.status_code == 200
    member = next(m for m in response.json()["members"] if m["user"] == organizer.pk)
    assert member["email"] is None
    conforms(response.json(), "Team")


def test_error_bodies_conform_to_the_error_component(client):
    for response in (client.get("/api/v1/nope/"), client.post("/api/v1/auth/token/", {}, format="json")):
        conforms(response.json(), "ErrorResponse")


def test_the_schema_validates_without_warnings():
    # Raises SystemExit (spectacular's --fail-on-warn) on a warning or an invalid schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_schema_passes_openapi_spec_validator():
    validator = pytest.importorskip("openapi_spec_validator")

    validator.validate(schema())


def serializer_classes():
    import conferences.api.serializers as package

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            is_serializer = inspect.isclass(value) and issubclass(value, serializers.BaseSerializer)
            if is_serializer and value.__module__ == module.__name__:
                yield value


def test_every_api_serializer_reads_dates_and_ids_through_the_shared_fields():
    """core.api_fields refuses year 205 and an id of 2**63: a serializer that bypasses it takes them."""
    bypassing = []
    for cls in serializer_classes():
        if issubclass(cls, serializers.ModelSerializer) and not issubclass(cls, api_fields.ModelSerializer):
            bypassing.append(cls.__name__)
        for name, field in cls._declared_fields.items():
            for plain, shared in SHARED_FIELDS.items():
                if type(field) is plain:
                    bypassing.append(f"{cls.__name__}.{name}: use {shared.__module__}.{shared.__name__}")
    assert bypassing == []


SHARED_FIELDS = {
    serializers.DateTimeField: api_fields.DateTimeField,
    serializers.DateField: api_fields.DateField,
    serializers.PrimaryKeyRelatedField: api_fields.PrimaryKeyRelatedField,
}
