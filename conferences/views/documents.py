"""Organizer pages that serve a large document a worker renders (services/rendered_documents.py)."""

from django.http import Http404
from django.shortcuts import render

from conferences.exports.rendered_document_files import rendered_document_response
from conferences.services.rendered_documents import RETRY_AFTER_SECONDS, document_request


def stored_document_page(request, conference, *, kind: str, subject_id: int = 0, inline: bool):
    """The stored PDF of the document's current inputs, or a page that says it is being prepared.

    The page (202) reloads itself every few seconds and so opens the PDF once the worker stored it.
    """
    ready = document_request(conference=conference, kind=kind, subject_id=subject_id, user=request.user)
    if ready.filename is None:
        raise Http404
    if ready.document is not None:
        return rendered_document_response(ready.document, filename=ready.filename, inline=inline)
    context = {"conference": conference, "job": ready.job, "refresh_seconds": RETRY_AFTER_SECONDS}
    response = render(request, "conferences/organizer/document_pending.html", context, status=202)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
