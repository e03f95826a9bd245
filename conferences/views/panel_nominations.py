"""The evaluation panel's pages: the nominations to score, and one nomination with the member's scores.

The panel is the conference's reviewers (the reviewer role of the papers); its criteria are the
conference's review criteria of target "nomination", and the form is the papers' review form.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from conferences.exports.nomination_files import nomination_file_response
from conferences.forms.nominations import NominationScoreForm
from conferences.models import Conference, Nomination
from conferences.selectors.nominations import (
    nomination_criteria,
    nomination_score_of,
    nominations_for_panel,
    panel_nomination_get,
)
from conferences.selectors.reviews import reviewer_conference_get
from conferences.services.nominations import nomination_score_save
from conferences.views.reviewer_pages import reviewer_required
from core.exceptions import ApplicationError


def _conference(request, slug: str) -> Conference:
    try:
        return reviewer_conference_get(user=request.user, slug=slug)
    except Conference.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@reviewer_required
def panel_nominations(request, slug: str):
    conference = _conference(request, slug)
    context = {
        "conference": conference,
        "rows": nominations_for_panel(conference=conference, reviewer=request.user),
    }
    return render(request, "conferences/reviewer/nominations.html", context)


@require_http_methods(["GET", "POST"])
@reviewer_required
def panel_nomination(request, slug: str, pk: int):
    conference = _conference(request, slug)
    # A nomination the member may not judge (own agency, declared conflict) is not theirs to see.
    nomination = panel_nomination_get(conference=conference, reviewer=request.user, pk=pk)
    if nomination is None:
        raise Http404
    criteria = nomination_criteria(conference)
    score = nomination_score_of(nomination=nomination, reviewer=request.user)
    status = 200
    if request.method == "POST":
        form = NominationScoreForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                nomination_score_save(
                    nomination=nomination,
                    reviewer=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    submit="submit" in request.POST,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Your scores are submitted.")
                    if "submit" in request.POST
                    else _("Your draft is saved."),
                )
                return redirect("conferences:panel-nomination", slug=slug, pk=pk)
        status = 400
    else:
        initial = {}
        if score:
            initial = {"comment": score.comment, **{f"score_{code}": v for code, v in score.scores.items()}}
        form = NominationScoreForm(initial=initial, criteria=criteria)
    context = {
        "conference": conference,
        "nomination": nomination,
        "score": score,
        "form": form,
        "editable": nomination.status == Nomination.Status.SUBMITTED,
    }
    return render(request, "conferences/reviewer/nomination.html", context, status=status)


@require_GET
@reviewer_required
def panel_nomination_file(request, slug: str, pk: int):
    """The supporting file of a nomination this member may score (others are a 404)."""
    conference = _conference(request, slug)
    nomination = panel_nomination_get(conference=conference, reviewer=request.user, pk=pk)
    if nomination is None:
        raise Http404
    return nomination_file_response(nomination=nomination)
