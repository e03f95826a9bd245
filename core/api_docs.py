"""Redoc at /api/v1/redoc/, from drf-spectacular-sidecar's files, under a policy made for it."""

import secrets

from django.conf import settings
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
    "400": "The request is not valid: the fields at fault are listed in errors (code invalid), "
    "or a rule refuses it (a domain code such as conflict).",
    "401": "No credentials, or credentials that are not valid "
    "(code not_authenticated or authentication_failed).",
    "403": "The user may not do this (code permission_denied).",
    "404": "No such object, or one the user may not see (code not_found).",
}
ERROR_SCHEMA = "ErrorResponse"


def add_error_responses(result, generator, request, public):
    """Document the error format as the 400/401/403/404 responses of every operation.

    A postprocessing hook, so an endpoint added later has them without declaring them.
    Responses an endpoint declares itself are kept, and given the description if they lack one.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    if ERROR_SCHEMA not in schemas:
        from drf_spectacular.openapi import AutoSchema

        from core.api import ErrorResponseSerializer

        # Resolve the serializer the way spectacular does, so the component is the one endpoints name.
        auto_schema = AutoSchema()
        auto_schema.registry = generator.registry
        auto_schema.method = "GET"
        schemas[ERROR_SCHEMA] = auto_schema._map_serializer(ErrorResponseSerializer, "response")
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                response = responses.setdefault(
                    code, {"content": {"application/json": {"schema": reference}}}
                )
                if not response.get("description"):
                    response["description"] = description
    return result
