"""One error format for the whole API: {"message": str, "extra": {...}}.

Field errors go under extra.fields, keyed by the field's name, so a client can
put each message next to its input. Every app's endpoints use the handler, the
serializer that documents the shape, and the response dicts below.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core.exceptions import ApplicationError, PermissionDeniedError


class ErrorResponseSerializer(serializers.Serializer):
    message = serializers.CharField()
    extra = serializers.DictField()


# The error responses an endpoint documents: for signed-in users, and for anonymous personal links.
ERRORS = dict.fromkeys((400, 401, 403, 404), ErrorResponseSerializer)
PUBLIC_ERRORS = dict.fromkeys((400, 404, 429), ErrorResponseSerializer)
# For endpoints that serve a file (core.renderers): their errors are JSON all the same.
JSON_ERRORS = {(code, "application/json"): ErrorResponseSerializer for code in ERRORS}


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied | PermissionDeniedError):
        exc = exceptions.PermissionDenied(getattr(exc, "message", None))
    elif isinstance(exc, ApplicationError):
        return Response({"message": exc.message, "extra": exc.extra}, status=status.HTTP_400_BAD_REQUEST)

    response = exception_handler(exc, context)
    if response is None:
        return None  # An unexpected error: Django's 500 handling and logging take over.

    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"message": _("Some fields are not valid."), "extra": {"fields": fields}}
    else:
        response.data = {"message": response.data.get("detail", str(exc)), "extra": {}}
    return response
