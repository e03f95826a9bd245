"""The size limit of uploaded files, enforced while the body streams in, not after it is on disk.

Django writes an upload to a temporary file as it arrives and only then hands it to the view;
checking ``upload.size`` there is too late for a 1 GB body. SizeLimitUploadHandler sits
first among the request's upload handlers, counts the file bytes of each chunk and stops the
upload at the first chunk past the limit: that chunk and the rest are never passed on to the
handlers that write to memory or disk, and the part already written is deleted. The request
keeps its other fields (the CSRF token, the title...) and is marked:
``request.upload_refused == "too_large"``, ``request.upload_limit == max_bytes``; the view
then shows upload_refusal(request) next to the file input.

Handlers must be installed before anything reads request.POST or request.FILES:

- a plain Django view: decorate it with ``@upload_size_limited(max_bytes)`` (max_bytes may be
  a function of the view's arguments). It is csrf_exempt outside and csrf_protect inside, as
  Django's documentation asks, since CsrfViewMiddleware reads the body before the view.
- a DRF view: mix in ``UploadSizeLimitedViewMixin`` and define ``upload_max_bytes(request)``:
  the handler is installed in initialize_request, before authentication (SessionAuthentication's
  CSRF check reads the body). Or call ``limit_upload_size(request, max_bytes=...)`` before
  anything touches ``request.data``.

The rest of a refused body is read and thrown away (not stored), so the browser gets the page
with the message rather than a reset connection; a front proxy's body limit (nginx
``client_max_body_size``) bounds how much that can be.
"""

import functools
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

MB = 1024 * 1024
TOO_LARGE = "too_large"


def too_large_message(max_bytes: int) -> str:
    """The message of a file over the limit, the limit in MB ("... the limit of 10 MB.")."""
    value = max_bytes / MB
    limit = f"{value:.0f}" if value >= 1 and value == int(value) else f"{value:.1f}"
    return _("The file is larger than the limit of %(limit)s MB.") % {"limit": limit}


class SizeLimitUploadHandler(FileUploadHandler):
    """Count the bytes of the request's files; past max_bytes in all, stop the upload.

    Bytes are counted as they arrive, whatever Content-Length or the part headers claim.
    """

    chunk_size = 64 * 1024

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.chunks = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        self.chunks += 1
        if self.received > self.max_bytes:
            if self.request is not None:
                self.request.upload_refused = TOO_LARGE
                self.request.upload_limit = self.max_bytes
            raise StopUpload(connection_reset=False)
        return raw_data  # On to the next handler (memory or temporary file).

    def file_complete(self, file_size):
        return None  # The next handler makes the file.


def limit_upload_size(request, *, max_bytes: int) -> SizeLimitUploadHandler:
    """Put a SizeLimitUploadHandler first on request (a Django HttpRequest or a DRF Request).

    Call it before request.POST, request.FILES or request.data is read.
    """
    django_request = getattr(request, "_request", request)
    handler = SizeLimitUploadHandler(django_request, max_bytes=max_bytes)
    django_request.upload_handlers.insert(0, handler)
    return handler


def upload_refusal(request) -> str | None:
    """The message for a file the upload handler refused, or None if nothing was refused."""
    request.FILES  # noqa: B018 - the body is parsed (and the refusal known) when FILES is read.
    django_request = getattr(request, "_request", request)
    if getattr(django_request, "upload_refused", None) == TOO_LARGE:
        return too_large_message(django_request.upload_limit)
    return None


def raise_if_upload_refused(request, *, field: str = "file") -> None:
    """Raise ValidationError({field: [message]}) if the upload was refused (the API makes it a 400)."""
    message = upload_refusal(request)
    if message:
        raise ValidationError({field: [message]})


def upload_size_limited(max_bytes: int | Callable[..., int]):
    """Decorate a Django view so its uploads stop at max_bytes while streaming.

    max_bytes is a number or a function called with the view's (request, *args, **kwargs).
    The view still checks CSRF (csrf_protect inside), after the handler is in place.
    """

    def decorator(view):
        protected = csrf_protect(view)

        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in {"POST", "PUT", "PATCH"}:
                limit = max_bytes(request, *args, **kwargs) if callable(max_bytes) else max_bytes
                limit_upload_size(request, max_bytes=limit)
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorator


class UploadSizeLimitedViewMixin:
    """For DRF views: install the size limit before DRF authenticates or parses the request.

    Define upload_max_bytes(request) -> int | None: self.kwargs is set; it must not raise (it runs
    before DRF's error handling), so it returns None when it cannot tell (the view answers 404 later).
    In a ViewSet, self.action is not known yet: decide from request.method and self.kwargs.
    """

    def upload_max_bytes(self, request) -> int | None:
        raise NotImplementedError

    def initialize_request(self, request, *args, **kwargs):
        if request.method in {"POST", "PUT", "PATCH"}:
            limit = self.upload_max_bytes(request)
            if limit is not None:
                limit_upload_size(request, max_bytes=limit)
        return super().initialize_request(request, *args, **kwargs)
