"""The organizers' award pages: the conference's decisions, their awards, and each decision's PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conferences.forms.awards import AwardDecisionForm, AwardForm, errors_into_form
from conferences.models import RenderedDocument
from conferences.selectors.ceremony import (
    award_decision_get,
    award_decisions_for_conference,
    award_get_for_conference,
)
from conferences.services.awards import (
    award_create,
    award_decision_create,
    award_delete,
    award_update,
)
from conferences.views.access import organized_conference
from conferences.views.documents import stored_document_page

MANAGE_AWARDS = gettext_lazy("Only the organizers of this conference can manage its awards.")


def _awards_page(conference):
    return redirect("conferences:organizer-awards", slug=conference.slug)


@login_required
@require_http_methods(["GET", "POST"])
def awards(request, slug: str):
    """The decisions of the conference with their awards; a new decision (numbered by the host)."""
    conference = organized_conference(request, slug, MANAGE_AWARDS)
    form = AwardDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = award_decision_create(
                issuer=conference.host, conference=conference, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(
                request, _("Decision No. %(number)s was created.") % {"number": decision.document.formatted}
            )
            return redirect("conferences:organizer-award-add", slug=conference.slug, pk=decision.pk)
    context = {
        "conference": conference,
        "decisions": award_decisions_for_conference(conference=conference),
        "form": form,
    }
    return render(request, "conferences/organizer/awards.html", context, status=400 if form.errors else 200)


def _decision(conference, pk: int):
    decision = award_decision_get(conference=conference, pk=pk)
    if decision is None:
        raise Http404
    return decision


@never_cache
@login_required
@require_GET
def award_decision_pdf(request, slug: str, pk: int):
    """The decision in the Decree 30 format with its annex, as a worker rendered it for its current inputs."""
    conference = organized_conference(request, slug, MANAGE_AWARDS)
    return stored_document_page(
        request, conference, kind=RenderedDocument.Kind.AWARD_DECISION, subject_id=pk, inline=True
    )


def _award_form_page(request, conference, form, *, decision, award=None):
    context = {"conference": conference, "decision": decision, "award": award, "form": form}
    status = 400 if form.errors else 200
    return render(request, "conferences/organizer/award_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def award_add(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_AWARDS)
    decision = _decision(conference, pk)
    form = AwardForm(request.POST or None, conference=conference)
    if request.method == "POST" and form.is_valid():
        try:
            award_create(decision=decision, **form.cleaned_data)
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("The award was added to the decision."))
            return _awards_page(conference)
    return _award_form_page(request, conference, form, decision=decision)


def _award(conference, pk: int):
    award = award_get_for_conference(conference=conference, pk=pk)
    if award is None:
        raise Http404
    return award


@login_required
@require_http_methods(["GET", "POST"])
def award_edit(request, slug: str, pk: int, award_pk: int):
    conference = organized_conference(request, slug, MANAGE_AWARDS)
    award = _award(conference, award_pk)
    if award.decision_id != pk:
        raise Http404
    if request.method == "POST":
        form = AwardForm(request.POST, conference=conference)
        if form.is_valid():
            try:
                award_update(award=award, **form.cleaned_data)
            except ValidationError as exc:
                errors_into_form(form, exc)
            else:
                messages.success(request, _("The award was saved."))
                return _awards_page(conference)
    else:
        form = AwardForm(initial=AwardForm.initial_for(award), conference=conference)
    return _award_form_page(request, conference, form, decision=award.decision, award=award)


@login_required
@require_POST
def award_delete_view(request, slug: str, pk: int, award_pk: int):
    conference = organized_conference(request, slug, MANAGE_AWARDS)
    award = _award(conference, award_pk)
    if award.decision_id != pk:
        raise Http404
    try:
        award_delete(award=award)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The award was removed from the decision."))
    return _awards_page(conference)
