"""Organizer pages for decided papers: close the revision round, export the lists, the review summary PDFs.

The ranking table (`/to-chuc/<slug>/tham-luan/`) and its decision form are
the review pages'; these views sit under the same path and return there.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from conferences.documents.paper_review_summary import review_summary_filename
from conferences.exports import papers as exports
from conferences.exports.review_summary import paper_review_summary_pdf
from conferences.selectors.paper_reports import papers_for_report, review_criteria, reviews_for_report
from conferences.services.paper_decisions import revision_round_close
from conferences.services.review_summaries import review_summary_request
from conferences.views.access import organized_conference

MANAGE_PAPERS = gettext_lazy("Only the organizers of this conference can manage its papers.")


def _papers_page(conference) -> str:
    # The ranking table of the review pages.
    return f"/to-chuc/{conference.slug}/tham-luan/"


def _attachment(content: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    disposition = "inline" if inline else "attachment"
    response = HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def revision_round_close_view(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_PAPERS)
    locked = revision_round_close(conference=conference, user=request.user)
    messages.success(
        request,
        ngettext(
            "The revision round is closed: %(count)d paper was locked and accepted.",
            "The revision round is closed: %(count)d papers were locked and accepted.",
            locked,
        )
        % {"count": locked},
    )
    return redirect(_papers_page(conference))


def _papers_export(request, slug: str, extension: str) -> HttpResponse:
    conference = organized_conference(request, slug, MANAGE_PAPERS)
    content = exports.papers_export(
        papers_for_report(conference=conference), extension, title=conference.title_vi
    )
    content_type = exports.CSV_CONTENT_TYPE if extension == "csv" else exports.XLSX_CONTENT_TYPE
    return _attachment(
        content, content_type, exports.export_filename("tham-luan", conference.slug, extension)
    )


def _reviews_export(request, slug: str, extension: str) -> HttpResponse:
    conference = organized_conference(request, slug, MANAGE_PAPERS)
    criteria = review_criteria(conference=conference)
    rows = reviews_for_report(conference=conference, criteria=criteria)
    content = exports.reviews_export(rows, criteria, extension, title=conference.title_vi)
    content_type = exports.CSV_CONTENT_TYPE if extension == "csv" else exports.XLSX_CONTENT_TYPE
    return _attachment(
        content, content_type, exports.export_filename("phan-bien", conference.slug, extension)
    )


@require_GET
@login_required
def papers_csv(request, slug: str):
    return _papers_export(request, slug, "csv")


@require_GET
@login_required
def papers_xlsx(request, slug: str):
    return _papers_export(request, slug, "xlsx")


@require_GET
@login_required
def reviews_csv(request, slug: str):
    return _reviews_export(request, slug, "csv")


@require_GET
@login_required
def reviews_xlsx(request, slug: str):
    return _reviews_export(request, slug, "xlsx")


@require_GET
@login_required
def paper_review_summary(request, slug: str, pk: int):
    """One paper's review summary, rendered now (about 60 ms)."""
    conference = organized_conference(request, slug, MANAGE_PAPERS)
    pdf = paper_review_summary_pdf(conference=conference, paper_id=pk)
    if pdf is None:
        raise Http404
    return _attachment(pdf, "application/pdf", review_summary_filename(conference, pk), inline=True)


@never_cache
@require_GET
@login_required
def review_summary_all(request, slug: str):
    """Every paper's review summary: served when a worker has built it, else asked for (about 9 s for 200)."""
    conference = organized_conference(request, slug, MANAGE_PAPERS)
    pdf = review_summary_request(conference=conference)
    if pdf is not None:
        return _attachment(pdf, "application/pdf", review_summary_filename(conference), inline=True)
    context = {"conference": conference, "papers_page": _papers_page(conference)}
    return render(request, "conferences/organizer/review_summary_pending.html", context, status=202)
