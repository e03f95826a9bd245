"""One error format for the whole API: {"message": str, "code": str, "errors": {field: [str, ...]}}.

message is for people (translated); code is for programs (stable, English, snake_case);
errors names the fields at fault, keyed by the field's name, so a client can put each
message next to its input (empty when no field is at fault). Some domain errors add
"extra" with data to show beside the message (an agenda's conflicts, an import's bad rows).

Every path gives this shape: DRF's exceptions and the domain's (the exception handler),
and what Django answers before or around a view under /api/ (unmatched URLs, a body it
refuses to parse, a server error: the handler40x/500 views below, named in config.urls).
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core.exceptions import ApplicationError, PermissionDeniedError

API_PREFIX = "/api/"


class ErrorResponseSerializer(serializers.Serializer):
    message = serializers.CharField(
        help_text=gettext_lazy("What went wrong, for people, in the request's language.")
    )
    code = serializers.CharField(
        help_text=gettext_lazy(
            "What went wrong, for programs: invalid, not_found, permission_denied, not_authenticated, "
            "authentication_failed, throttled, method_not_allowed, not_acceptable, unsupported_media_type, "
            "parse_error, too_many_fields, request_too_large, server_error, or a domain code such as "
            "conflict, not_draft, capacity_reached, quota_reached, last_organizer."
        )
    )
    errors = serializers.DictField(
        child=serializers.JSONField(),
        help_text=gettext_lazy(
            "The fields at fault: each field's name with a list of messages (a nested object for a "
            "nested field, keyed by position for a list). non_field_errors holds what concerns no "
            "one field. Empty when no field is at fault."
        ),
    )
    extra = serializers.DictField(
        required=False, help_text=gettext_lazy("Data some domain errors add, to show beside the message.")
    )


# The error responses an endpoint documents: for signed-in users, and for anonymous personal links.
# core.api_docs.add_error_responses adds 400/401/403/404 to every operation that lacks them.
ERRORS = dict.fromkeys((400, 401, 403, 404), ErrorResponseSerializer)
PUBLIC_ERRORS = dict.fromkeys((400, 404, 429), ErrorResponseSerializer)
# For endpoints that serve a file (core.renderers): their errors are JSON all the same.
JSON_ERRORS = {(code, "application/json"): ErrorResponseSerializer for code in ERRORS}


def error_body(message, code: str, errors: dict | None = None, extra: dict | None = None) -> dict:
    body = {"message": str(message), "code": code, "errors": errors or {}}
    if extra:
        body["extra"] = extra
    return body


def _bad_request(exc: SuspiciousOperation) -> tuple[str, str]:
    if isinstance(exc, TooManyFieldsSent):
        return _("The request has too many fields."), "too_many_fields"
    if isinstance(exc, RequestDataTooBig):
        return _("The request body is too large."), "request_too_large"
    return _("The request could not be understood."), "bad_request"


def _log_suspicious(exc: SuspiciousOperation, request) -> None:
    # Django logs what it refuses to django.security.<name>; answering here must not silence that.
    logging.getLogger(f"django.security.{exc.__class__.__name__}").error(
        str(exc), extra={"status_code": 400, "request": request}
    )


def _code(detail, default: str) -> str:
    return getattr(detail, "code", None) or default


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDeniedError):
        exc = exceptions.PermissionDenied(exc.message, code=exc.code)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ApplicationError):
        body = error_body(exc.message, exc.code, exc.fields, exc.extra)
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, SuspiciousOperation):
        request = context.get("request")
        _log_suspicious(exc, getattr(request, "_request", request))
        return Response(error_body(*_bad_request(exc)), status=status.HTTP_400_BAD_REQUEST)

    response = exception_handler(exc, context)
    if response is None:
        return None  # An unexpected error: Django's 500 handling and logging take over (server_error below).

    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = error_body(_("Some fields are not valid."), "invalid", fields)
    else:
        detail = response.data.get("detail", str(exc)) if isinstance(response.data, dict) else str(exc)
        response.data = error_body(detail, _code(detail, exc.default_code))
    return response


# Django's error views, answering JSON under /api/ and the site's pages elsewhere.


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.bad_request(request, exception, template_name)
    if isinstance(exception, SuspiciousOperation):
        message, code = _bad_request(exception)
    else:
        message, code = _("The request could not be understood."), "bad_request"
    return JsonResponse(error_body(message, code), status=400)


def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.permission_denied(request, exception, template_name)
    return JsonResponse(
        error_body(exceptions.PermissionDenied.default_detail, "permission_denied"), status=403
    )


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.page_not_found(request, exception, template_name)
    return JsonResponse(error_body(exceptions.NotFound.default_detail, "not_found"), status=404)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if not _is_api(request):
        return defaults.server_error(request, template_name)
    return JsonResponse(error_body(_("A server error occurred."), "server_error"), status=500)
