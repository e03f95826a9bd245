"""The API's documentation: Redoc at /api/v1/redoc/ from drf-spectacular-sidecar's files, under a
policy made for it, and the schema hook that documents the error format on every operation."""

import secrets

from django.conf import settings
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView


def redoc_policy(nonce: str) -> str:
    """The site's policy, plus what Redoc's bundle needs while it runs.

    It inserts <style> elements (styled-components), which carry the nonce that
    static/js/redoc_init.js hands it, and runs its search in a worker made from a blob:
    URL. Scripts still come only from this site's files; nothing inline is allowed.
    """
    directives = []
    for directive in settings.CONTENT_SECURITY_POLICY.split(";"):
        directive = directive.strip()
        if directive.startswith("style-src "):
            directive = f"{directive} 'nonce-{nonce}'"
        directives.append(directive)
    return "; ".join([*directives, "worker-src 'self' blob:"])


class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        nonce = secrets.token_urlsafe(18)
        response = super().get(request, *args, **kwargs)
        response.data["csp_style_nonce"] = nonce
        response["Content-Security-Policy"] = redoc_policy(nonce)
        return response


# What each error status means on every operation; the body is always core.api's error format.
ERROR_RESPONSES = {
    "400": gettext_lazy(
        "The request is not valid: the fields at fault are listed in errors (code invalid), "
        "or a rule refuses it (a domain code such as conflict)."
    ),
    "401": gettext_lazy(
        "No credentials, or credentials that are not valid (code not_authenticated or authentication_failed)."
    ),
    "403": gettext_lazy("The user may not do this (code permission_denied)."),
    "404": gettext_lazy("No such object, or one the user may not see (code not_found)."),
}
THROTTLED = gettext_lazy("Too many requests (code throttled): Retry-After says how many seconds to wait.")
UNSUPPORTED_MEDIA_TYPE = gettext_lazy(
    "The body's Content-Type is not one this operation reads (code unsupported_media_type)."
)
ERROR_SCHEMA = "ErrorResponse"

# One example per status, with the code that status really carries (core.api's exception handler).
# The messages are DRF's and core.api's, in English; the API answers in the request's language.
ERROR_EXAMPLES = {
    "401": {
        "message": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "errors": {},
    },
    "403": {
        "message": "You do not have permission to perform this action.",
        "code": "permission_denied",
        "errors": {},
    },
    "404": {"message": "Not found.", "code": "not_found", "errors": {}},
    "415": {
        "message": 'Unsupported media type "text/plain" in request.',
        "code": "unsupported_media_type",
        "errors": {},
    },
    "429": {
        "message": "Request was throttled. Expected available in 42 seconds.",
        "code": "throttled",
        "errors": {},
    },
}
# A body Django refuses before any view (DATA_UPLOAD_MAX_NUMBER_FIELDS, DATA_UPLOAD_MAX_MEMORY_SIZE).
TOO_MANY_FIELDS = {"message": "The request has too many fields.", "code": "too_many_fields", "errors": {}}


def _throttled_operations(generator) -> set[tuple[str, str]]:
    """(path, method) of the operations whose view limits the rate of requests."""
    throttled = set()
    for path, _regex, method, view in getattr(generator, "endpoints", None) or []:
        if getattr(getattr(view, "cls", None), "throttle_classes", None):
            throttled.add((path, method.lower()))
    return throttled


def _first_field(operation: dict, components: dict) -> str | None:
    """The name of a field of the request body, for the 400 example (the first required one)."""
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = media.get("schema", {})
        if "$ref" in schema:
            schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
        fields = [name for name, prop in schema.get("properties", {}).items() if not prop.get("readOnly")]
        required = [name for name in schema.get("required", []) if name in fields]
        if required or fields:
            return (required or fields)[0]
    return None


def _bad_request_example(operation: dict, components: dict) -> dict:
    field = _first_field(operation, components)
    if field is None:
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query":
                field = parameter["name"]
                break
    if field is None:
        return {
            "message": "Some fields are not valid.",
            "code": "invalid",
            "errors": {"non_field_errors": ["Invalid data."]},
        }
    return {
        "message": "Some fields are not valid.",
        "code": "invalid",
        "errors": {
            field: ["This field is required." if operation.get("requestBody") else "Enter a valid value."]
        },
    }


def _add_examples(code: str, response: dict, operation: dict, components: dict) -> None:
    media = response.get("content", {}).get("application/json")
    if media is None or "example" in media:
        return
    if code == "400":
        # Before the domain's refusals an endpoint documents (conferences.api.schema adds them).
        examples = {"invalid": {"value": _bad_request_example(operation, components)}}
        if operation.get("requestBody"):
            examples["too_many_fields"] = {"value": TOO_MANY_FIELDS}
        media["examples"] = {**examples, **media.get("examples", {})}
        return
    if media.get("examples"):
        return
    if code in ERROR_EXAMPLES:
        examples = {ERROR_EXAMPLES[code]["code"]: {"value": ERROR_EXAMPLES[code]}}
    else:
        return
    media["examples"] = examples


def add_error_responses(result, generator, request, public):
    """Document the error format as the 400/401/403/404 responses of every operation, with examples.

    Also 415 where the operation reads a body, and 429 where its view limits the rate.
    A postprocessing hook, so an endpoint added later has them without declaring them.
    Responses an endpoint declares itself are kept, and given the description and an example
    if they lack one. No 409 or 413: core.api answers a domain conflict and a body too large
    with 400 (codes such as conflict, request_too_large) and never those statuses.
    """
    # The component is core.api.ErrorResponseSerializer, which endpoints name through core.api.ERRORS;
    # were none to, the reference would dangle and `spectacular --validate` (CI) would say so.
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
    throttled = _throttled_operations(generator)
    components = result.get("components", {}).get("schemas", {})
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            statuses = dict(ERROR_RESPONSES)
            if operation.get("requestBody"):
                statuses["415"] = UNSUPPORTED_MEDIA_TYPE
            if (path, method) in throttled or "429" in responses:
                statuses["429"] = THROTTLED
            for code, description in statuses.items():
                response = responses.setdefault(
                    code, {"content": {"application/json": {"schema": reference}}}
                )
                if not response.get("description"):
                    response["description"] = str(description)
                _add_examples(code, response, operation, components)
    return result
