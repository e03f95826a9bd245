"""The documents a worker renders and a request serves from storage: what each is made from.

For each kind: how to read its subject (a decision, an invitation, the conference's ceremony),
the hash of its inputs, how to render it and its file name. The hash is taken over the HTML the
document is laid out from (a few milliseconds, no WeasyPrint) and the stylesheet: any change that
shows in the PDF (a recipient, a citation, the signer, the date printed on a draft, a template or
style edit) makes a new hash, and nothing that does not show in it does.
"""

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from conferences.documents import award_decision, ceremony_running_sheet, invitation_letter
from conferences.documents.rendering import STYLESHEET, render_html
from conferences.models import Conference, RenderedDocument
from conferences.selectors.ceremony import award_decision_get, ceremony_running_order
from conferences.selectors.invitations import invitation_get

Kind = RenderedDocument.Kind


@dataclass(frozen=True)
class Source:
    """One document's subject, read now, with the hash of what its PDF would be made of."""

    kind: str
    subject_id: int
    subject: Any
    input_hash: str
    filename: str


@functools.cache
def _stylesheet_hash() -> bytes:
    return hashlib.sha256((Path(settings.BASE_DIR) / "static" / STYLESHEET).read_bytes()).digest()


def _hash(kind: str, html: str) -> str:
    digest = hashlib.sha256(kind.encode())
    digest.update(_stylesheet_hash())
    digest.update(html.encode())
    return digest.hexdigest()


def document_source(*, conference: Conference, kind: str, subject_id: int = 0) -> Source | None:
    """The document's subject and input hash, or None when the subject is not in this conference."""
    if kind == Kind.AWARD_DECISION:
        decision = award_decision_get(conference=conference, pk=subject_id)
        if decision is None:
            return None
        html = render_html(award_decision.TEMPLATE, award_decision.award_decision_context(decision))
        return Source(
            kind, subject_id, decision, _hash(kind, html), award_decision.award_decision_filename(decision)
        )
    if kind == Kind.RUNNING_SHEET:
        batches = ceremony_running_order(conference=conference)
        context = ceremony_running_sheet.ceremony_running_sheet_context(
            conference=conference, batches=batches
        )
        html = render_html(ceremony_running_sheet.TEMPLATE, context)
        filename = ceremony_running_sheet.ceremony_running_sheet_filename(conference)
        return Source(kind, 0, (conference, batches), _hash(kind, html), filename)
    if kind == Kind.INVITATION_LETTER:
        invitation = invitation_get(conference=conference, pk=subject_id)
        if invitation is None:
            return None
        html = render_html(
            invitation_letter.TEMPLATE, invitation_letter.invitation_letter_context(invitation)
        )
        filename = invitation_letter.invitation_letter_filename(invitation)
        return Source(kind, subject_id, invitation, _hash(kind, html), filename)
    raise ValueError(f"Unknown document kind: {kind}")


def document_render(source: Source) -> bytes:
    """The PDF of a source read by document_source (in a worker: seconds for a large one)."""
    if source.kind == Kind.AWARD_DECISION:
        return award_decision.render_award_decision(source.subject)
    if source.kind == Kind.RUNNING_SHEET:
        conference, batches = source.subject
        return ceremony_running_sheet.render_ceremony_running_sheet(conference=conference, batches=batches)
    return invitation_letter.render_invitation_letter(source.subject)
