"""A paper (tham luận) written as text, printed as the presenting agency would send it.

For papers sent as text only, and for the demo, whose papers come in as files
made from their text: the agency's heading in the administrative format, the
title, authors, abstract and body (Markdown, sanitised as everywhere).
"""

from django.conf import settings

from conferences.documents.rendering import render_pdf
from conferences.models import Organization
from core.markdown import markdown_to_html


def render_paper_text_pdf(
    *,
    organization: Organization,
    title: str,
    authors: list[str],
    abstract: str,
    body: str,
    conference_title: str,
    issued_on=None,
) -> bytes:
    context = {
        "issuer": organization,
        "parent_body": organization.parent.name if organization.parent_id else "",
        "document_number": "",
        "issued_on": issued_on,
        "place": settings.DOCUMENT_PLACE,
        "title": title,
        "authors": authors,
        "abstract": abstract,
        # Sanitised HTML (markdown_to_html runs nh3), so the template may print it as is.
        "body_html": markdown_to_html(body),
        "conference_title": conference_title,
    }
    return render_pdf("documents/paper_text.html", context)
