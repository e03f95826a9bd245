"""API answers for a large document a worker renders: the stored PDF, or 202 with the job rendering it."""

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from conferences.api.serializers.jobs import JobSerializer
from conferences.exports.rendered_document_files import rendered_document_response
from conferences.services.rendered_documents import RETRY_AFTER_SECONDS, document_request
from core.api import JSON_ERRORS

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[202],
    description=gettext_lazy("Seconds to wait before asking for the document again."),
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[202],
    description=gettext_lazy("The job rendering the document: /api/v1/jobs/{id}/."),
)
DOCUMENT_DESCRIPTION = gettext_lazy(
    "The PDF is rendered by a worker and stored with the hash of its inputs. When the stored file "
    "matches the current inputs it is served at once (200). Otherwise the answer is 202 with the job "
    "that renders it (its address in Location and links.self; one job however many ask) and Retry-After: "
    "ask again for the document once the job is done."
)
DOCUMENT_RESPONSES = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    (202, "application/json"): OpenApiResponse(
        JobSerializer, description=gettext_lazy("Not rendered for these inputs yet: the job rendering it.")
    ),
    **JSON_ERRORS,
}


def stored_document_answer(request, conference, *, kind: str, subject_id: int = 0, not_found: str):
    ready = document_request(conference=conference, kind=kind, subject_id=subject_id, user=request.user)
    if ready.filename is None:
        raise NotFound(not_found)
    if ready.document is not None:
        return rendered_document_response(ready.document, filename=ready.filename, inline=True)
    data = JobSerializer(ready.job).data
    return Response(
        data,
        status=status.HTTP_202_ACCEPTED,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Location": data["links"]["self"]},
    )
