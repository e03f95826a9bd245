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
ERROR_SCHEMA = "ErrorResponse"


def _throttled_operations(generator) -> set[tuple[str, str]]:
    """(path, method) of the operations whose view limits the rate of requests."""
    throttled = set()
    for path, _regex, method, view in getattr(generator, "endpoints", None) or []:
        if getattr(getattr(view, "cls", None), "throttle_classes", None):
            throttled.add((path, method.lower()))
    return throttled


def add_error_responses(result, generator, request, public):
    """Document the error format as the 400/401/403/404 responses of every operation.

    A postprocessing hook, so an endpoint added later has them without declaring them.
    Responses an endpoint declares itself are kept, and given the description if they lack one.
    """
    # The component is core.api.ErrorResponseSerializer, which endpoints name through core.api.ERRORS;
    # were none to, the reference would dangle and `spectacular --validate` (CI) would say so.
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
    throttled = _throttled_operations(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            statuses = dict(ERROR_RESPONSES)
            if (path, method) in throttled or "429" in responses:
                statuses["429"] = THROTTLED
            for code, description in statuses.items():
                response = responses.setdefault(
                    code, {"content": {"application/json": {"schema": reference}}}
                )
                if not response.get("description"):
                    response["description"] = str(description)
    return result
