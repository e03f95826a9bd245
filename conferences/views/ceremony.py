"""The awards ceremony: the organizers' controller (a phone), the running sheet, and the stage screen.

The stage screen is public once the conference is published: it shows only what
the conference page already shows to anyone (recipients, citations, who presents),
and the computer beside the projector need not be signed in. It polls a tiny JSON
document every 500 ms rather than holding a server-sent event stream: a stream
would tie up one gunicorn sync worker per open screen for the whole ceremony,
while a poll is a short request of two queries (see ceremony_stage_snapshot).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conferences.forms.awards import RunningOrderForm, errors_into_form
from conferences.models import RenderedDocument
from conferences.selectors.ceremony import (
    ceremony_awards,
    ceremony_awards_item,
    ceremony_running_order,
    ceremony_stage_snapshot,
    ceremony_state_get,
)
from conferences.selectors.conferences import conference_list_public
from conferences.services.ceremony import ceremony_advance, ceremony_batches_set, ceremony_reset
from conferences.views.access import organized_conference
from conferences.views.documents import stored_document_page
from core.exceptions import ApplicationError

RUN_CEREMONY = gettext_lazy("Only the organizers of this conference can run its awards ceremony.")
POLL_MILLISECONDS = 500


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _controller_context(conference, form=None) -> dict:
    batches = ceremony_running_order(conference=conference)
    awards = ceremony_awards(conference=conference)
    state = ceremony_state_get(conference=conference)
    current = next((b for b in batches if state and b.pk == state.current_batch_id), None)
    return {
        "conference": conference,
        "state": state,
        "current": current,
        "batches": batches,
        "awards_item": next((b.agenda_item for b in batches if b.agenda_item_id), None)
        or ceremony_awards_item(conference=conference),
        "unbatched": [award for award in awards if award.batch_id is None],
        "form": form or RunningOrderForm(batches=batches, awards=awards),
    }


@login_required
@require_GET
def controller(request, slug: str):
    """Previous / Next for a phone, the batch on stage, and the running order editor."""
    conference = organized_conference(request, slug, RUN_CEREMONY)
    return render(request, "conferences/organizer/ceremony.html", _controller_context(conference))


@login_required
@require_POST
def advance(request, slug: str):
    """One press: `direction` 1 or -1, `to` a position, or `reset`; JSON for fetch(), else a redirect."""
    conference = organized_conference(request, slug, RUN_CEREMONY)
    try:
        if "reset" in request.POST:
            ceremony_reset(conference=conference, user=request.user)
        elif request.POST.get("to"):
            ceremony_advance(conference=conference, user=request.user, to=_int(request.POST["to"]))
        else:
            ceremony_advance(
                conference=conference, user=request.user, direction=_int(request.POST.get("direction"))
            )
    except (ApplicationError, ValidationError) as exc:
        message = exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)
        if _wants_json(request):
            return JsonResponse({"message": message}, status=400)
        messages.error(request, message)
        return redirect("conferences:organizer-ceremony", slug=conference.slug)
    if _wants_json(request):
        response = JsonResponse(ceremony_stage_snapshot(slug=conference.slug, any_status=True))
        response["Cache-Control"] = "no-store"
        return response
    return redirect("conferences:organizer-ceremony", slug=conference.slug)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0  # Refused by the service with its own message.


@login_required
@require_http_methods(["POST"])
def running_order(request, slug: str):
    conference = organized_conference(request, slug, RUN_CEREMONY)
    form = RunningOrderForm(
        request.POST,
        batches=ceremony_running_order(conference=conference),
        awards=ceremony_awards(conference=conference),
    )
    if form.is_valid():
        try:
            ceremony_batches_set(conference=conference, batches=form.batches())
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("The running order was saved."))
            return redirect("conferences:organizer-ceremony", slug=conference.slug)
    return render(
        request, "conferences/organizer/ceremony.html", _controller_context(conference, form), status=400
    )


@never_cache
@login_required
@require_GET
def running_sheet_pdf(request, slug: str):
    """The master of ceremonies' sheet, as a worker rendered it for the current running order."""
    conference = organized_conference(request, slug, RUN_CEREMONY)
    return stored_document_page(request, conference, kind=RenderedDocument.Kind.RUNNING_SHEET, inline=True)


@require_GET
def stage(request, slug: str):
    """The full-screen stage page; static/js/stage.js keeps it in step without a reload."""
    conference = conference_list_public().filter(slug=slug).first()
    if conference is None:
        raise Http404
    context = {
        "conference": conference,
        "snapshot": ceremony_stage_snapshot(slug=slug),
        "poll_milliseconds": POLL_MILLISECONDS,
    }
    return render(request, "conferences/stage.html", context)


@never_cache
@require_GET
def stage_state(request, slug: str):
    """{step, batch} for the stage screen: two queries, never cached."""
    snapshot = ceremony_stage_snapshot(slug=slug)
    if snapshot is None:
        raise Http404
    return JsonResponse(snapshot, json_dumps_params={"ensure_ascii": False})
