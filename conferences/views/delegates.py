"""Pages opened by personal links, without an account: the RSVP page and the delegate's page.

Both links carry an unguessable token. A wrong, revoked or expired token gets
the same 404 page, so a guesser learns nothing, and a client that keeps
guessing is refused for a while (HTTP 429), whatever it asks for next.
"""

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from conferences.forms.rsvp import ACCEPT, DECLINE, RsvpForm, delegate_formset
from conferences.models import Conference, Invitation, Registration
from conferences.selectors.agenda_versions import agenda_current_version
from conferences.selectors.certificates import certificate_list_for_registration
from conferences.selectors.conferences import user_is_organizer
from conferences.selectors.invitations import (
    invitation_delegates,
    invitation_get_by_token,
    registration_get_by_token,
)
from conferences.services.invitations import registration_check_in
from conferences.services.rsvp import delegate_url, rsvp_submit
from conferences.views.links import guessing_blocked, link_invalid, too_many_guesses
from core.exceptions import ApplicationError

# The agency's answer ------------------------------------------------------------------------------------


def _answers_closed_reason(conference: Conference) -> str:
    """Why the answer can no longer be changed from the link, or "" while it can.

    Only decides how the page looks: rsvp_submit checks the same rules again.
    """
    if conference.status == Conference.Status.CLOSED:
        return _("The conference is closed.")
    if conference.rsvp_deadline and timezone.now() > conference.rsvp_deadline:
        return _("The deadline for answers has passed. Please contact the organizers.")
    return ""


def _initial_answer(invitation: Invitation, delegates: list[Registration]) -> dict:
    answer = {Invitation.Status.ACCEPTED: ACCEPT, Invitation.Status.DECLINED: DECLINE}.get(invitation.status)
    presenter = next(
        (row for row, r in enumerate(delegates) if r.person_id == invitation.paper_presenter_id), None
    )
    return {"answer": answer, "presenter": presenter}


def _delegate_rows(invitation: Invitation, delegates: list[Registration]) -> list[dict]:
    return [
        {
            "full_name": r.person.full_name,
            "position": r.person.position,
            "email": r.person.email,
            "phone": r.person.phone,
        }
        for r in delegates[: invitation.delegate_quota]
    ]


def _presenter(delegates: list[Registration], invitation: Invitation) -> Registration | None:
    return next((r for r in delegates if r.person_id == invitation.paper_presenter_id), None)


def _show_service_errors(exc: ValidationError, form: RsvpForm) -> list[str]:
    """Put the service's messages next to the fields they name; return those about the delegates."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return []
    delegate_errors = []
    for field, field_messages in exc.message_dict.items():
        if field == "delegates":
            delegate_errors.extend(field_messages)
        elif field == "presenter_email":
            form.add_error("presenter", field_messages)
        else:
            form.add_error(None, field_messages)
    return delegate_errors


def _submitted(invitation: Invitation, form: RsvpForm, formset) -> tuple[bool, list[str], str]:
    """Validate and record the answer; return (saved, errors about the delegates, closed reason)."""
    if not form.is_valid() or (form.accepts and not formset.is_valid()):
        return False, [], ""
    delegates, presenter_email = [], ""
    if form.accepts:
        delegates = [row.delegate() for row in formset.filled_forms()]
        presenter = form.cleaned_data["presenter"] if invitation.paper_requested else None
        if presenter is not None:
            rows = formset.forms
            if presenter >= len(rows) or rows[presenter].is_blank:
                form.add_error("presenter", _("Choose the presenter among the delegates you named."))
                return False, [], ""
            presenter_email = rows[presenter].cleaned_data["email"]
    try:
        rsvp_submit(
            invitation=invitation, accept=form.accepts, delegates=delegates, presenter_email=presenter_email
        )
    except ValidationError as exc:
        return False, _show_service_errors(exc, form), ""
    except ApplicationError as exc:
        if exc.extra.get("code") == "deadline_passed":
            return False, [], exc.message
        form.add_error(None, exc.message)
        return False, [], ""
    return True, [], ""


@never_cache
@require_http_methods(["GET", "POST"])
def rsvp(request, token: str):
    if guessing_blocked(request):
        return too_many_guesses(request)
    invitation = invitation_get_by_token(token=token)
    if invitation is None:
        return link_invalid(request)
    conference = invitation.conference
    closed_reason = _answers_closed_reason(conference)
    delegates = list(invitation_delegates(invitation=invitation))

    if (
        request.method == "GET"
        and request.GET.get("saved")
        and invitation.status
        in (
            Invitation.Status.ACCEPTED,
            Invitation.Status.DECLINED,
        )
    ):
        context = {
            "invitation": invitation,
            "conference": conference,
            "delegates": delegates,
            "presenter": _presenter(delegates, invitation),
            "closed_reason": closed_reason,
            "rsvp_path": reverse("conferences:rsvp", kwargs={"token": token}),
        }
        return render(request, "conferences/rsvp_done.html", context)

    delegate_errors: list[str] = []
    if request.method == "POST" and not closed_reason:
        form = RsvpForm(request.POST, invitation=invitation)
        formset = delegate_formset(invitation=invitation, data=request.POST)
        saved, delegate_errors, closed_reason = _submitted(invitation, form, formset)
        if saved:
            return redirect(reverse("conferences:rsvp", kwargs={"token": token}) + "?saved=1")
    else:
        form = RsvpForm(initial=_initial_answer(invitation, delegates), invitation=invitation)
        formset = delegate_formset(invitation=invitation, initial=_delegate_rows(invitation, delegates))

    presenter_value = form["presenter"].value()
    context = {
        "invitation": invitation,
        "conference": conference,
        "delegates": delegates,
        "presenter": _presenter(delegates, invitation),
        "closed_reason": closed_reason,
        "form": form,
        "formset": formset,
        "rows": [{"form": row, "number": n + 1, "value": str(n)} for n, row in enumerate(formset.forms)],
        "selected_presenter": "" if presenter_value in (None, "") else str(presenter_value),
        "delegate_errors": [*formset.non_form_errors(), *delegate_errors] if formset.is_bound else [],
    }
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
def delegate_page(request, token: str):
    if guessing_blocked(request):
        return too_many_guesses(request)
    registration = registration_get_by_token(token=token)
    if registration is None:
        return link_invalid(request)
    conference = registration.conference
    is_organizer = user_is_organizer(user=request.user, conference=conference)

    if request.method == "POST":
        if not is_organizer:
            raise PermissionDenied(_("Only the conference's organizers can check delegates in."))
        first_time = registration.checked_in_at is None
        registration = registration_check_in(registration=registration)
        arrival = date_format(timezone.localtime(registration.checked_in_at), "SHORT_DATETIME_FORMAT")
        if first_time:
            messages.success(
                request,
                _("%(name)s checked in at %(time)s.")
                % {"name": registration.person.full_name, "time": arrival},
            )
        else:
            messages.info(
                request,
                _("%(name)s had already checked in at %(time)s; that time is kept.")
                % {"name": registration.person.full_name, "time": arrival},
            )
        return redirect("conferences:delegate", token=token)

    certificates = certificate_list_for_registration(registration=registration)
    context = {
        "registration": registration,
        "person": registration.person,
        "conference": conference,
        "agenda_items": _published_items(conference),
        "certificates": certificates,
        "qr_svg": _check_in_qr(token),
        "token": token,
        "is_organizer": is_organizer,
    }
    return render(request, "conferences/delegate.html", context)


def _published_items(conference: Conference) -> list[dict]:
    """The current published version's items (the working agenda is the organizers' draft)."""
    version = agenda_current_version(conference)
    return version.items if version else []
