"""The organizer answers an invitation for an agency that replied by phone.

The same form as the agency's own answer page (conferences.forms); the answer
is recorded by the RSVP service with the organizer as its actor.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from conferences.forms.rsvp import ACCEPT, DECLINE, RsvpForm, delegate_formset
from conferences.models import Invitation
from conferences.selectors.invitations import invitation_delegates
from conferences.services.rsvp import rsvp_submit
from conferences.views.access import MANAGE_INVITATIONS, organized_conference, organized_invitation
from core.exceptions import ApplicationError


def _current_answer(invitation: Invitation, delegates: list) -> tuple[dict, list[dict]]:
    answer = {Invitation.Status.ACCEPTED: ACCEPT, Invitation.Status.DECLINED: DECLINE}.get(invitation.status)
    presenter = next(
        (row for row, r in enumerate(delegates) if r.person_id == invitation.paper_presenter_id), None
    )
    rows = [
        {
            "full_name": r.person.full_name,
            "position": r.person.position,
            "email": r.person.email,
            "phone": r.person.phone,
        }
        for r in delegates[: invitation.delegate_quota]
    ]
    return {"answer": answer, "presenter": presenter}, rows


def _record_answer(request, invitation: Invitation, form: RsvpForm, formset) -> bool:
    """Validate and record the answer for the agency; on refusal put the reasons on the form."""
    if not form.is_valid() or (form.accepts and not formset.is_valid()):
        return False
    delegates, presenter_email = [], ""
    if form.accepts:
        filled = formset.filled_forms()
        delegates = [row.delegate() for row in filled]
        presenter = form.cleaned_data["presenter"] if invitation.paper_requested else None
        if presenter is not None:
            rows = formset.forms
            if presenter >= len(rows) or rows[presenter].is_blank:
                form.add_error("presenter", _("Choose the presenter among the delegates named."))
                return False
            presenter_email = rows[presenter].cleaned_data["email"]
    try:
        rsvp_submit(
            invitation=invitation,
            accept=form.accepts,
            delegates=delegates,
            presenter_email=presenter_email,
            actor=request.user,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, field_messages in exc.message_dict.items():
                form.add_error("presenter" if field == "presenter_email" else None, field_messages)
        else:
            form.add_error(None, exc.messages)
        return False
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return False
    return True


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def invitation_answer(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    invitation = organized_invitation(conference, pk)
    if invitation.status == Invitation.Status.REVOKED:
        messages.error(request, _("This invitation has been revoked; it cannot be answered."))
        return redirect("conferences:organizer-invitation", slug=conference.slug, pk=invitation.pk)
    delegates = list(invitation_delegates(invitation=invitation))
    if request.method == "POST":
        form = RsvpForm(request.POST, invitation=invitation)
        formset = delegate_formset(invitation=invitation, data=request.POST)
        if _record_answer(request, invitation, form, formset):
            invitation.refresh_from_db(fields=["status"])
            if invitation.status == Invitation.Status.ACCEPTED:
                text = _("The acceptance of %(name)s is recorded; the delegates get their confirmations.")
            else:
                text = _("%(name)s will not attend: the answer is recorded.")
            messages.success(request, text % {"name": invitation.invitee_name})
            return redirect("conferences:organizer-invitation", slug=conference.slug, pk=invitation.pk)
    else:
        initial, rows = _current_answer(invitation, delegates)
        form = RsvpForm(initial=initial, invitation=invitation)
        formset = delegate_formset(invitation=invitation, initial=rows)
    presenter_value = form["presenter"].value()
    context = {
        "conference": conference,
        "invitation": invitation,
        "delegates": delegates,
        "form": form,
        "formset": formset,
        "rows": [{"form": row, "number": n + 1, "value": str(n)} for n, row in enumerate(formset.forms)],
        "selected_presenter": "" if presenter_value in (None, "") else str(presenter_value),
        "deadline_passed": bool(conference.rsvp_deadline and conference.rsvp_deadline < timezone.now()),
    }
    return render(
        request,
        "conferences/organizer/invitation_answer.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
