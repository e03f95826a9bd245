"""Reads of the documents a worker rendered (services/rendered_documents.py)."""

from conferences.models import Conference, RenderedDocument


def rendered_document_stored(
    *, conference: Conference, kind: str, subject_id: int, input_hash: str
) -> RenderedDocument | None:
    """The stored file of these inputs, or None (an older hash's file is never returned)."""
    return RenderedDocument.objects.filter(
        conference=conference, kind=kind, subject_id=subject_id, input_hash=input_hash
    ).first()
