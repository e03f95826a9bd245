"""Every operation of the schema has examples that its own schema accepts, and says who may call it.

The schema is walked as a client would read it, so an endpoint added later is checked without
being named here: give its shape an example (conferences/api/examples.py or the serializer's
extend_schema_serializer) and a permission class conferences.api.schema knows.
"""

import functools
import io

import jsonschema
import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}
JSON_MEDIA = {"application/json", "multipart/form-data", "application/x-www-form-urlencoded"}

# Downloads: their body is a file, not JSON, so no example; the response describes the file instead.
FILE_DOWNLOADS = {
    "conferences_agenda.ics_retrieve",  # the agenda as iCalendar
    "conferences_agenda.pdf_retrieve",  # the agenda as PDF
    "conferences_award_decisions_document.pdf_retrieve",  # the award decision as PDF
    "conferences_ceremony_running_sheet.pdf_retrieve",  # the ceremony's running sheet as PDF
    "conferences_certificates_file_retrieve",  # a certificate's PDF
    "conferences_invitations_letter.pdf_retrieve",  # an invitation letter as PDF
    "conferences_nominations_file_retrieve",  # a nomination's attached file
    "conferences_papers_export.csv_retrieve",  # the papers as CSV
    "conferences_papers_export.xlsx_retrieve",  # the papers as XLSX
    "conferences_papers_file_retrieve",  # a paper's file
    "conferences_papers_review_summary.pdf_retrieve",  # a paper's review summary as PDF
    "conferences_papers_review_summary_all.pdf_retrieve",  # every paper's review summary as PDF
    "conferences_papers_reviews.csv_retrieve",  # the reviews as CSV
    "conferences_papers_reviews.xlsx_retrieve",  # the reviews as XLSX
    "conferences_proceedings_download_retrieve",  # the proceedings' PDF
    "conferences_registrations_export.csv_retrieve",  # the delegate list as CSV
    "conferences_registrations_export.xlsx_retrieve",  # the delegate list as XLSX
    "notifications_preview_retrieve",  # a notice as HTML, as the recipient sees it
}


@functools.cache
def schema() -> dict:
    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", "--lang", "en", stdout=out)
    return yaml.safe_load(out.getvalue())


def operations():
    for path, items in schema()["paths"].items():
        for method, operation in items.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def json_schema(node, *, request: bool):
    """An OpenAPI 3.0 schema as JSON Schema: nullable as a type, and for a request, read-only
    properties not required (OpenAPI requires them of responses only)."""
    if isinstance(node, list):
        return [json_schema(value, request=request) for value in node]
    if not isinstance(node, dict):
        if isinstance(node, str) and node.startswith("#/components/schemas/"):
            return node.replace("#/components/schemas/", "#/definitions/")
        return node
    result = {key: json_schema(value, request=request) for key, value in node.items()}
    if request and "required" in node and "properties" in node:
        read_only = {name for name, prop in node["properties"].items() if prop.get("readOnly")}
        result["required"] = [name for name in node["required"] if name not in read_only]
    if result.pop("nullable", False):
        result = {"anyOf": [result, {"type": "null"}]}
    return result


def problems_of(value, media_schema: dict, *, request: bool) -> list[str]:
    definitions = {
        name: json_schema(component, request=request)
        for name, component in schema()["components"]["schemas"].items()
    }
    validator = jsonschema.Draft7Validator(
        {**json_schema(media_schema, request=request), "definitions": definitions},
        format_checker=jsonschema.FormatChecker(),
    )
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(value)]


def examples_of(media: dict) -> list[tuple[str, object]]:
    found = [(name, example["value"]) for name, example in media.get("examples", {}).items()]
    if "example" in media:
        found.append(("example", media["example"]))
    return found


def test_every_example_is_valid_against_its_schema():
    invalid, checked = [], 0
    for name, operation in operations():
        bodies = [(True, "request", operation.get("requestBody", {}).get("content", {}))]
        bodies += [(False, status, r.get("content", {})) for status, r in operation["responses"].items()]
        for request, where, content in bodies:
            for media_type, media in content.items():
                for title, value in examples_of(media):
                    checked += 1
                    schema_of = media.get("schema", {})
                    for problem in problems_of(value, schema_of, request=request):
                        invalid.append(f"{name} {where} {media_type} «{title}» {problem}")
    assert invalid == []
    assert checked > 300  # The walk reaches the examples (119 operations, most with several).


def test_every_json_request_and_success_response_has_an_example():
    missing = []
    for name, operation in operations():
        if operation["operationId"] in FILE_DOWNLOADS:
            continue
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            if media_type in JSON_MEDIA and not examples_of(media):
                missing.append(f"{name} request {media_type}")
        success = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        if not any(r.get("content") for r in success.values()):
            continue  # 204 No Content: nothing to show.
        if not any(examples_of(m) for r in success.values() for m in r.get("content", {}).values()):
            missing.append(f"{name} {'/'.join(success)} response")
    assert missing == [], "add the shape's example to conferences/api/examples.py or its serializer"


def test_a_form_body_is_an_object():
    """Redoc stops rendering the whole page on a form-encoded example that is not an object
    ("Payload must have fields"): a body that is a list is read as JSON only."""
    forms = ("application/x-www-form-urlencoded", "multipart/form-data")
    not_objects = [
        f"{name} {media_type}"
        for name, operation in operations()
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items()
        if media_type in forms
        and (
            media.get("schema", {}).get("type") == "array"
            or any(not isinstance(value, dict) for _title, value in examples_of(media))
        )
    ]
    assert not_objects == []


def test_file_downloads_describe_the_file_they_send():
    operation_ids = {operation["operationId"]: operation for _name, operation in operations()}
    assert set(operation_ids) >= FILE_DOWNLOADS, "a download named here is gone: update FILE_DOWNLOADS"
    undescribed = []
    for operation_id in FILE_DOWNLOADS:
        success = operation_ids[operation_id]["responses"]["200"]
        media_types = set(success.get("content", {}))
        if not success.get("description") or not media_types or media_types & {"application/json"}:
            undescribed.append(operation_id)
    assert undescribed == []


def test_every_operation_says_who_may_call_it():
    missing = [
        name
        for name, operation in operations()
        if "**Who may call:**" not in operation.get("description", "")
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("operation_id", "who"),
    [
        ("certificates_verify_retrieve", "anyone, without signing in"),
        ("conferences_agenda_items_create", "the conference's organizers"),
        ("conferences_papers_create", "a delegate authenticated by their personal link"),
        ("notifications_list", "users who organize a conference"),
        ("organizations_list", "any signed-in user"),
        ("organizations_create", "staff, or a user with the permission"),
        ("conferences_create", "allowed to create conferences"),
        # Views whose code narrows their permission classes say so (who_may_call).
        ("rsvp_retrieve", "the token in the URL is the credential"),
        ("conferences_call_for_papers_partial_update", "the conference's organizers"),
        ("conferences_papers_reviews_update", "a reviewer the paper is assigned to"),
        ("conferences_nominations_approve_create", "not a delegate link"),
    ],
)
def test_who_may_call_follows_the_permission_classes(operation_id, who):
    operation = next(o for _name, o in operations() if o["operationId"] == operation_id)
    line = next(line for line in operation["description"].splitlines() if "Who may call" in line)
    assert who in line


def test_every_error_response_has_an_example_with_a_real_code():
    codes = {
        "400": {"invalid", "too_many_fields"},
        "401": {"not_authenticated"},
        "403": {"permission_denied"},
    }
    codes |= {"404": {"not_found"}, "415": {"unsupported_media_type"}, "429": {"throttled"}}
    wrong = []
    for name, operation in operations():
        for status, response in operation["responses"].items():
            if not status.startswith("4"):
                continue
            media = response.get("content", {}).get("application/json", {})
            found = examples_of(media)
            if not found:
                wrong.append(f"{name} {status}: no example")
            wrong += [
                f"{name} {status}: code {value.get('code')}"
                for _title, value in found
                if status in codes and value.get("code") not in codes[status] and status != "400"
            ]
    assert wrong == []


def test_operations_with_a_body_document_415_and_no_others_do():
    wrong = []
    for name, operation in operations():
        if bool(operation.get("requestBody")) != ("415" in operation["responses"]):
            wrong.append(name)
    assert wrong == []


def test_a_wrong_example_is_caught():
    """The validation can fail: a date in a number field and a missing required field are found."""
    component = {"$ref": "#/components/schemas/AgendaMove"}
    assert problems_of({"room": 3, "starts_at": "2021-04-09T09:30:00+07:00"}, component, request=True) == []
    assert problems_of({"room": "2021-04-09"}, component, request=True) != []


@pytest.mark.parametrize(
    ("operation_id", "codes"),
    [
        ("conferences_agenda_publish_create", {"agenda_empty", "agenda_has_errors", "unchanged"}),
        ("conferences_team_destroy", {"last_organizer"}),
        ("rsvp_create", {"capacity_reached", "quota_reached"}),
        ("conferences_close_create", {"draft"}),
    ],
)
def test_400_shows_the_domain_codes_the_services_refuse_with(operation_id, codes):
    operation = next(o for _name, o in operations() if o["operationId"] == operation_id)
    examples = operation["responses"]["400"]["content"]["application/json"]["examples"]

    found = {example["value"]["code"] for example in examples.values()}

    assert found >= {"invalid"} | codes
    assert all(examples[code]["value"]["message"] for code in codes)
