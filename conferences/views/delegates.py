"""Pages opened by personal links, without an account: the RSVP page and the delegate's page.

Both links carry an unguessable token. A wrong, revoked or expired token gets
the same 404 page, so a guesser learns nothing, and a client that keeps
guessing is refused for a while (HTTP 429), whatever it asks for next.
"""

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from conferences.documents.e_ticket import e_ticket_filename, render_e_ticket
from conferences.exports.certificate_files import certificate_file_response
from conferences.models import Conference, Invitation, Paper, Registration
from conferences.selectors.agenda_versions import agenda_current_version
from conferences.selectors.certificate_lists import certificate_of_registration
from conferences.selectors.certificates import certificate_list_for_registration
from conferences.selectors.conferences import user_is_organizer
from conferences.selectors.invitations import (
    invitation_delegates,
    invitation_get_by_token,
    registration_get_by_token,
)
from conferences.selectors.papers import call_for_papers_get, call_state, papers_of_registration
from conferences.services.check_in import registration_check_in
from conferences.services.papers import paper_submission_allowed
from conferences.services.rsvp import delegate_url, rsvp_state
from conferences.views.answer_form import answer_form, answer_record
from conferences.views.links import opened_by_link
from core.ticket_codes import ticket_code_display

# The agency's answer ------------------------------------------------------------------------------------


def _presenter(delegates: list[Registration], invitation: Invitation) -> Registration | None:
    return next((r for r in delegates if r.person_id == invitation.paper_presenter_id), None)


@never_cache
@require_http_methods(["GET", "POST"])
@opened_by_link(invitation_get_by_token)
def rsvp(request, invitation: Invitation, token: str):
    # Only decides how the page looks: rsvp_submit asks the same question again.
    closed_reason = rsvp_state(invitation=invitation).reason
    delegates = list(invitation_delegates(invitation=invitation))
    shown = {
        "invitation": invitation,
        "conference": invitation.conference,
        "delegates": delegates,
        "presenter": _presenter(delegates, invitation),
    }
    answered = invitation.status in (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED)
    if request.method == "GET" and request.GET.get("saved") and answered:
        rsvp_path = reverse("conferences:rsvp", kwargs={"token": token})
        context = {**shown, "closed_reason": closed_reason, "rsvp_path": rsvp_path}
        return render(request, "conferences/rsvp_done.html", context)

    if request.method == "POST" and not closed_reason:
        answer = answer_form(invitation=invitation, delegates=delegates, data=request.POST)
        if answer_record(answer, invitation=invitation):
            return redirect(reverse("conferences:rsvp", kwargs={"token": token}) + "?saved=1")
        closed_reason = answer.closed_reason
    else:
        answer = answer_form(invitation=invitation, delegates=delegates)

    context = {**shown, "closed_reason": closed_reason, **answer.context()}
    # A POST that comes back here was refused (a saved answer redirects).
    return render(request, "conferences/rsvp.html", context, status=400 if request.method == "POST" else 200)


# The delegate's page --------------------------------------------------------------------------------------


def _check_in_qr(token: str) -> str:
    """The delegate page's own address as an inline SVG QR code, for the reception desk to scan."""
    code = segno.make(delegate_url(token), error="m")
    svg = code.svg_inline(
        scale=5, border=2, omitsize=True, title=_("Check-in QR code"), svgclass="qr-code", lineclass=None
    )
    return mark_safe(svg)  # segno's own markup; the title is escaped by segno.


@never_cache
@require_http_methods(["GET", "POST"])
@opened_by_link(registration_get_by_token)
def delegate_page(request, registration: Registration, token: str):
    conference = registration.conference
    is_organizer = user_is_organizer(user=request.user, conference=conference)

    if request.method == "POST":
        if not is_organizer:
            raise PermissionDenied(_("Only the conference's organizers can check delegates in."))
        result = registration_check_in(registration=registration, user=request.user)
        (messages.success if result.first_time else messages.info)(request, result.message)
        return redirect("conferences:delegate", token=token)

    certificates = certificate_list_for_registration(registration=registration)
    call = call_for_papers_get(conference)
    papers = papers_of_registration(registration)
    state = call_state(call)
    context = {
        "call": state,
        "papers": papers,
        "may_submit": state.is_open
        and not any(paper.status != Paper.Status.WITHDRAWN for paper in papers)
        and paper_submission_allowed(call=call, registration=registration),
        "registration": registration,
        "person": registration.person,
        "conference": conference,
        "agenda_items": _published_items(conference),
        "certificates": certificates,
        "qr_svg": _check_in_qr(token),
        "ticket_code": ticket_code_display(registration.ticket_code),
        "token": token,
        "is_organizer": is_organizer,
    }
    return render(request, "conferences/delegate.html", context)


@never_cache
@require_http_methods(["GET"])
@opened_by_link(registration_get_by_token)
def delegate_certificate(request, registration: Registration, token: str, serial: str):
    """One of the delegate's own valid certificates as a PDF; any other serial is a 404."""
    certificate = certificate_of_registration(registration=registration, serial=serial)
    if certificate is None:
        raise Http404
    return certificate_file_response(certificate)


@require_safe
@opened_by_link(registration_get_by_token)
def delegate_e_ticket(request, registration: Registration, token: str):
    """The e-ticket PDF; its QR code opens the page the delegate came from (the same link)."""
    pdf = render_e_ticket(registration, delegate_url=delegate_url(token))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{e_ticket_filename(registration)}"'
    return response


def _published_items(conference: Conference) -> list[dict]:
    """The current published version's items (the working agenda is the organizers' draft)."""
    version = agenda_current_version(conference)
    return version.items if version else []
