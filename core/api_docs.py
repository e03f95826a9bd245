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
