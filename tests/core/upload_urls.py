"""Two small views, a plain Django one and a DRF one, that take an upload limited to LIMIT bytes."""

from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.uploads import (
    UploadSizeLimitedViewMixin,
    raise_if_upload_refused,
    upload_refusal,
    upload_size_limited,
)

LIMIT = 100 * 1024


class RecordingUploadHandler(FileUploadHandler):
    """Stands after the size limit: records how many file bytes reached the handlers that store."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        RecordingUploadHandler.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


def _report(request) -> dict:
    limiter = request.upload_handlers[0]
    return {
        "refusal": upload_refusal(request),
        "title": request.POST.get("title"),
        "files": {name: upload.size for name, upload in request.FILES.items()},
        "chunks": limiter.chunks,
        "received": limiter.received,
    }


@upload_size_limited(lambda request, **kwargs: LIMIT)
def plain_upload(request):
    return JsonResponse(_report(request))


class LimitedUploadView(UploadSizeLimitedViewMixin, APIView):
    permission_classes = [AllowAny]

    def upload_max_bytes(self, request):
        return LIMIT

    def post(self, request):
        data = request.data  # Parsed here, with the limit already in place.
        raise_if_upload_refused(request)
        return Response({"title": data.get("title"), "files": {k: f.size for k, f in request.FILES.items()}})


urlpatterns = [
    path("plain/", plain_upload),
    path("api/", LimitedUploadView.as_view()),
]
