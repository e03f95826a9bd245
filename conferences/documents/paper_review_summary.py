"""The review summary of papers (Tóm tắt kết quả phản biện) for the organizers' meeting.

One paper, or every paper of the conference with a page each. It names the
reviewers and carries their confidential comments: organizers only.
"""

from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from conferences.documents.rendering import render_pdf
from conferences.models import CallForPapers, Conference, ReviewCriterion
from conferences.selectors.paper_reports import PaperReviewSummary


def _section(summary: PaperReviewSummary, criteria: Sequence[ReviewCriterion]) -> dict:
    reviews = summary.reviews
    return {
        "paper": summary.paper,
        "stats": summary.stats,
        "authors": summary.row.authors,
        "presenter": summary.row.presenter,
        "revision": summary.paper.current_revision.number if summary.paper.current_revision_id else None,
        "reviews": reviews,
        # Criteria down, reviewers across: each cell the score given (None when missing).
        "rows": [
            {"criterion": criterion, "scores": [(r.review.scores or {}).get(criterion.code) for r in reviews]}
            for criterion in criteria
        ],
    }


def review_summary_context(
    *, conference: Conference, criteria: Sequence[ReviewCriterion], summaries: Sequence[PaperReviewSummary]
) -> dict:
    host = conference.host
    call = CallForPapers.objects.filter(conference=conference).first()
    return {
        "conference": conference,
        "issuer": host,
        "parent_body": host.parent.name if host.parent_id else "",
        "document_number": "",
        "issued_on": timezone.localdate(),
        "place": settings.DOCUMENT_PLACE,
        "criteria": criteria,
        "total_weight": sum(c.weight for c in criteria),
        "margin": call.disagreement_margin if call else None,
        "sections": [_section(summary, criteria) for summary in summaries],
    }


def render_review_summary_pdf(
    *, conference: Conference, criteria: Sequence[ReviewCriterion], summaries: Sequence[PaperReviewSummary]
) -> bytes:
    context = review_summary_context(conference=conference, criteria=criteria, summaries=summaries)
    return render_pdf("documents/paper_review_summary.html", context)


def review_summary_filename(conference: Conference, paper_id: int | None = None) -> str:
    if paper_id is None:
        return f"tom-tat-phan-bien-{conference.slug}.pdf"
    return f"tom-tat-phan-bien-{conference.slug}-{paper_id}.pdf"
