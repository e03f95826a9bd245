"""The organizer answers an invitation for an agency that replied by phone.

The same form as the agency's own answer page (conferences.views.answer_form);
the answer is recorded by the RSVP service with the organizer as its actor.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from conferences.models import Invitation
from conferences.selectors.invitations import invitation_delegates
from conferences.services.rsvp import rsvp_state
from conferences.views.access import MANAGE_INVITATIONS, organized_conference, organized_invitation
from conferences.views.answer_form import answer_form, answer_record


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def invitation_answer(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    invitation = organized_invitation(conference, pk)
    if rsvp_state(invitation=invitation, on_behalf=True).code == "revoked":
        messages.error(request, _("This invitation has been revoked; it cannot be answered."))
        return redirect("conferences:organizer-invitation", slug=conference.slug, pk=invitation.pk)
    delegates = list(invitation_delegates(invitation=invitation))
    if request.method == "POST":
        answer = answer_form(invitation=invitation, delegates=delegates, data=request.POST)
        if answer_record(answer, invitation=invitation, actor=request.user):
            invitation.refresh_from_db(fields=["status"])
            if invitation.status == Invitation.Status.ACCEPTED:
                text = _("The acceptance of %(name)s is recorded; the delegates get their confirmations.")
            else:
                text = _("%(name)s will not attend: the answer is recorded.")
            messages.success(request, text % {"name": invitation.invitee_name})
            return redirect("conferences:organizer-invitation", slug=conference.slug, pk=invitation.pk)
    else:
        answer = answer_form(invitation=invitation, delegates=delegates)
    context = {
        "conference": conference,
        "invitation": invitation,
        "delegates": delegates,
        # The agency's own link is closed by the deadline; organizers may still answer.
        "deadline_passed": rsvp_state(invitation=invitation).code == "deadline_passed",
        **answer.context(),
    }
    return render(
        request,
        "conferences/organizer/invitation_answer.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
