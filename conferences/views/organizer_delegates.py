"""The organizer's list of a conference's delegates: filters, sorting and pages in the URL, exports with
the same filters, and checking in a selection or every delegate that matches (after a confirmation).

Only the conference's organizers (and superusers) may open it; the check-in goes through the desk's
own service, so an arrival recorded here is the same as one recorded at the door.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from conferences.forms.delegates import DelegateFilterForm, DelegateSelectionForm
from conferences.models import Conference, Province
from conferences.selectors.delegates import delegate_roster, delegates_not_checked_in
from conferences.services.check_in import registrations_check_in_many
from conferences.views.access import MANAGE_INVITATIONS, organized_conference
from core.http import safe_next_url

PAGE_SIZE = 100


def _provinces() -> list[Province]:
    return list(Province.objects.filter(is_active=True).order_by("name"))


def _back(request, conference: Conference) -> str:
    fallback = reverse("conferences:organizer-delegates", kwargs={"slug": conference.slug})
    return safe_next_url(request, request.POST.get("next"), fallback)


@never_cache
@require_GET
@login_required
def delegates(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    filter_form = DelegateFilterForm(request.GET, provinces=_provinces())
    sort = filter_form.cleaned_data.get("sort", "") if filter_form.is_valid() else ""
    filters = filter_form.selector_filters()
    page = Paginator(delegate_roster(conference=conference, **filters, sort=sort), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query_fields = filter_form.query_fields()
    export_query = f"?{urlencode(query_fields)}" if query_fields else ""
    context = {
        "conference": conference,
        "filter_form": filter_form,
        "page_obj": page,
        "sort": sort,
        "filter_fields": query_fields,
        "export_query": export_query,
        "matching_absent": delegates_not_checked_in(conference=conference, filters=filters).count(),
    }
    return render(request, "conferences/organizer/delegates.html", context)


@require_POST
@login_required
def delegates_check_in(request, slug: str):
    """Check in the selected delegates, or every one the list's filters show (after a confirmation)."""
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    form = DelegateSelectionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(request, conference))
    if form.cleaned_data["all_matching"]:
        filter_form = DelegateFilterForm(request.POST, provinces=_provinces())
        if not filter_form.is_valid():
            messages.error(request, _("The filter is not valid; filter the list again and retry."))
            return redirect(_back(request, conference))
        matching = delegates_not_checked_in(conference=conference, filters=filter_form.selector_filters())
        if not form.cleaned_data["confirmed"]:
            count = matching.count()
            return render(
                request,
                "conferences/organizer/bulk_confirm.html",
                {
                    "conference": conference,
                    "title": _("Check in all matching delegates"),
                    "question": ngettext(
                        "Check in %(count)d delegate who matches the filter and has not arrived yet?",
                        "Check in all %(count)d delegates who match the filter and have not arrived yet?",
                        count,
                    )
                    % {"count": count},
                    "count": count,
                    "action_url": request.path,
                    "fields": [*filter_form.query_fields(), ("all_matching", "1")],
                    "submit_label": _("Check them in"),
                    "back_url": _back(request, conference),
                },
            )
        registrations = list(matching)
    else:
        registrations = list(delegate_roster(conference=conference).filter(pk__in=form.cleaned_data["ids"]))
    arrived = registrations_check_in_many(registrations=registrations, user=request.user)
    if arrived:
        messages.success(
            request,
            ngettext("%(count)d delegate is checked in.", "%(count)d delegates are checked in.", arrived)
            % {"count": arrived},
        )
    else:
        messages.info(request, _("Nobody was checked in: every delegate chosen had already arrived."))
    return redirect(_back(request, conference))
