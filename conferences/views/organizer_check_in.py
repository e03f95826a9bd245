"""The check-in page at the door, for organizers on a phone, and its live counts.

Without JavaScript the form posts and redirects with a message; with it
(static/js/check_in.js) the same URL answers JSON and the page shows the
result and the counts without reloading. The camera scan puts the QR code's
link into the same field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from conferences.forms.check_in import CheckInForm
from conferences.selectors.check_in import check_in_counts
from conferences.services.check_in import CheckInResult, registration_check_in_at_door
from conferences.views.access import organized_conference
from core.exceptions import ApplicationError
from core.ticket_codes import ticket_code_display

CHECK_IN_ORGANIZERS = _("Only the organizers of this conference can check delegates in.")
# How often the page asks for the counts (milliseconds), read by check_in.js from the page.
COUNTS_REFRESH_MS = 5000


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _result_json(result: CheckInResult) -> dict:
    registration = result.registration
    return {
        "outcome": "checked_in" if result.first_time else "already",
        "message": result.message,
        "name": registration.display_name,
        "organization": registration.organization.name if registration.organization_id else "",
        "ticket_code": ticket_code_display(registration.ticket_code),
        "checked_in_at": result.checked_in_at.isoformat(),
        "checked_in_by": result.checked_in_by_name,
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def check_in(request, slug: str):
    conference = organized_conference(request, slug, CHECK_IN_ORGANIZERS)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        form.is_valid()  # One optional text field: always valid; the service judges the text.
        try:
            result = registration_check_in_at_door(
                conference=conference, text=form.cleaned_data.get("code", ""), user=request.user
            )
        except ApplicationError as exc:
            if _wants_json(request):
                payload = {"outcome": "refused", "message": exc.message, "code": exc.code}
                return JsonResponse({**payload, "counts": check_in_counts(conference=conference)}, status=400)
            messages.error(request, exc.message)
        else:
            if _wants_json(request):
                counts = check_in_counts(conference=conference)
                return JsonResponse({**_result_json(result), "counts": counts})
            (messages.success if result.first_time else messages.warning)(request, result.message)
        return redirect("conferences:organizer-check-in", slug=conference.slug)
    context = {
        "conference": conference,
        "form": CheckInForm(),
        "counts": check_in_counts(conference=conference),
        "refresh_ms": COUNTS_REFRESH_MS,
    }
    return render(request, "conferences/organizer/check_in.html", context)


@never_cache
@login_required
@require_GET
def check_in_counts_json(request, slug: str):
    conference = organized_conference(request, slug, CHECK_IN_ORGANIZERS)
    return JsonResponse(check_in_counts(conference=conference))
