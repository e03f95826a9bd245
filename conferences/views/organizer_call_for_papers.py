"""The organizers' page of the call for papers' settings: times, who, what, how it is reviewed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from conferences.forms.papers import CallForPapersForm, CriterionFormSet, criteria_from
from conferences.selectors.papers import call_criteria, call_for_papers_get, call_state, call_topics
from conferences.services.call_for_papers import call_for_papers_update
from conferences.views.access import organized_conference

MANAGE_CALL = gettext_lazy("Only the organizers of this conference can change its call for papers.")


@require_http_methods(["GET", "POST"])
def call_for_papers_settings(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_CALL)
    call = call_for_papers_get(conference)
    if request.method == "POST":
        form = CallForPapersForm(request.POST)
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if form.is_valid() and formset.is_valid():
            try:
                call_for_papers_update(
                    conference=conference,
                    user=request.user,
                    criteria=criteria_from(formset),
                    **form.settings(),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("The call for papers has been saved."))
                return redirect("conferences:organizer-call-for-papers", slug=conference.slug)
    else:
        initial = {name: getattr(call, name) for name in CallForPapersForm.base_fields if hasattr(call, name)}
        initial["closes_at"] = conference.paper_deadline
        initial["topics"] = "\n".join(topic.label for topic in call_topics(conference))
        form = CallForPapersForm(initial=initial)
        formset = CriterionFormSet(
            prefix="criteria",
            initial=[
                {"code": c.code, "label": c.label, "max_score": c.max_score, "weight": c.weight}
                for c in call_criteria(conference)
            ],
        )
    context = {"conference": conference, "form": form, "formset": formset, "call": call_state(call)}
    return render(
        request,
        "conferences/organizer/call_for_papers.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
