"""The organizers' nomination page: the ranking with the panel's scores, new nominations, approval."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conferences.exports.nomination_files import nomination_file_response
from conferences.forms.awards import errors_into_form
from conferences.forms.nominations import ApproveForm, OrganizerNominationForm
from conferences.forms.papers import CriterionFormSet, criteria_from
from conferences.models import AwardDecision
from conferences.selectors.nominations import nomination_criteria, nomination_get, nominations_ranking
from conferences.services.nominations import (
    MAX_FILE_BYTES,
    nomination_create,
    nomination_criteria_replace,
    nomination_reject,
    nominations_approve,
)
from conferences.views.access import organized_conference
from core.exceptions import ApplicationError
from core.uploads import upload_refusal, upload_size_limited

MANAGE_NOMINATIONS = gettext_lazy("Only the organizers of this conference can manage its award nominations.")


def _decisions(conference):
    return AwardDecision.objects.filter(conference=conference).select_related("document__issuer")


def _criteria_formset(criteria):
    """The panel's criteria as the call for papers' criteria formset, two empty rows to add more."""
    initial = [
        {"code": c.code, "label": c.label, "max_score": c.max_score, "weight": c.weight} for c in criteria
    ]
    return CriterionFormSet(prefix="criteria", initial=initial)


def _page(
    request,
    conference,
    *,
    form=None,
    approve_form=None,
    criteria_formset=None,
    criteria_errors=(),
    status=200,
):
    criteria = nomination_criteria(conference)
    context = {
        "conference": conference,
        "ranking": nominations_ranking(conference),
        "criteria": criteria,
        "form": form or OrganizerNominationForm(conference=conference),
        "approve_form": approve_form or ApproveForm(decisions=_decisions(conference)),
        "criteria_formset": criteria_formset or _criteria_formset(criteria),
        "criteria_errors": criteria_errors,
    }
    return render(request, "conferences/organizer/nominations.html", context, status=status)


@login_required
@upload_size_limited(MAX_FILE_BYTES)
@require_http_methods(["GET", "POST"])
def nominations(request, slug: str):
    """The ranking (GET); a new nomination of any agency or person (POST)."""
    conference = organized_conference(request, slug, MANAGE_NOMINATIONS)
    if request.method != "POST":
        return _page(request, conference)
    form = OrganizerNominationForm(request.POST, request.FILES, conference=conference)
    refused = upload_refusal(request)
    if refused:
        form.is_valid()
        form.add_error("file", refused)
    elif form.is_valid():
        data = form.cleaned_data
        try:
            nomination_create(
                conference=conference,
                category=data["category"],
                nominee_organization=data["nominee_organization"],
                nominee_person=data["nominee_person"],
                justification=data["justification"],
                upload=data.get("file"),
                by_user=request.user,
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The nomination is recorded."))
            return redirect("conferences:organizer-nominations", slug=conference.slug)
    return _page(request, conference, form=form, status=400)


@login_required
@require_POST
def nominations_approve_view(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_NOMINATIONS)
    form = ApproveForm(request.POST, decisions=_decisions(conference))
    ids = [int(value) for value in request.POST.getlist("nominations") if value.isdigit()]
    if form.is_valid():
        try:
            approved = nominations_approve(
                conference=conference,
                nomination_ids=ids,
                decision=form.cleaned_data["decision"],
                citation_default=form.cleaned_data["citation"],
                user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(count)d nominations became awards of decision No. %(number)s.")
                % {"count": len(approved), "number": form.cleaned_data["decision"].document.formatted},
            )
            return redirect("conferences:organizer-nominations", slug=conference.slug)
    return _page(request, conference, approve_form=form, status=400)


@login_required
@require_POST
def nomination_reject_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_NOMINATIONS)
    nomination = nomination_get(conference=conference, pk=pk)
    if nomination is None:
        raise Http404
    try:
        nomination_reject(nomination=nomination, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The nomination is rejected."))
    return redirect("conferences:organizer-nominations", slug=conference.slug)


@login_required
@require_GET
def nomination_file_view(request, slug: str, pk: int):
    """The nomination's supporting file, as sent."""
    conference = organized_conference(request, slug, MANAGE_NOMINATIONS)
    nomination = nomination_get(conference=conference, pk=pk)
    if nomination is None:
        raise Http404
    return nomination_file_response(nomination=nomination)


@login_required
@require_POST
def nomination_criteria_view(request, slug: str):
    """Replace the panel's criteria: a row left empty removes its criterion, unless the panel scored it."""
    conference = organized_conference(request, slug, MANAGE_NOMINATIONS)
    formset = CriterionFormSet(request.POST, prefix="criteria")
    errors = []
    if formset.is_valid():
        try:
            nomination_criteria_replace(conference=conference, rows=criteria_from(formset))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The panel's criteria have been saved."))
            return redirect("conferences:organizer-nominations", slug=conference.slug)
    return _page(request, conference, criteria_formset=formset, criteria_errors=errors, status=400)
