"""Organizer pages of a conference's set-up: create, edit (with its rooms), publish and close, the team.

Thin: each page reads a form and calls one service of services.conferences or
services.team; their errors go back onto the form's fields.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from conferences.forms.conferences import ConferenceForm, RoomForm, TeamMemberForm, host_choices
from conferences.models import Conference, ReviewerInvitation, Room
from conferences.selectors.team import team_open_invitations, team_role_get, team_roles
from conferences.services.conferences import (
    conference_close,
    conference_create,
    conference_publish,
    conference_update,
    room_add,
    room_move,
    room_remove,
    room_update,
    user_may_create_conference,
)
from conferences.services.team import team_member_add, team_member_withdraw
from conferences.views.access import organized_conference
from conferences.views.organizer_reviews import flash_errors, invitation_act
from core.exceptions import ApplicationError

SIGN_IN = reverse_lazy("conferences:sign-in")
organizer_required = login_required(login_url=SIGN_IN)
MANAGE_CONFERENCE = gettext_lazy("Only the organizers of this conference can change its settings.")
MANAGE_TEAM = gettext_lazy("Only the organizers of this conference can manage its team.")


def _errors_onto(form, exc: ValidationError) -> None:
    """Put a service's errors on the form: on their field when the form has it, above the form otherwise."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _flash_form_errors(request, form) -> None:
    """A form of a list's row (a room), refused: its errors above the list, each with its field."""
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)


@organizer_required
@require_http_methods(["GET", "POST"])
def conference_create_view(request):
    if not user_may_create_conference(request.user):
        raise PermissionDenied(_("You may not create conferences."))
    form = ConferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conference = conference_create(
                creator=request.user, rooms=form.cleaned_data["rooms"], **form.service_fields()
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("The conference is created as a draft: publish it when it is ready."))
            return redirect("conferences:conference-edit", slug=conference.slug)
    context = {"form": form, "host_suggestions": host_choices()}
    status = 400 if request.method == "POST" else 200
    return render(request, "conferences/organizer/conference_form.html", context, status=status)


@organizer_required
@require_http_methods(["GET", "POST"])
def conference_edit(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_CONFERENCE)
    form = ConferenceForm(request.POST or None, instance=Conference.objects.get(pk=conference.pk))
    if request.method == "POST" and form.is_valid():
        try:
            conference = conference_update(conference=conference, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect("conferences:conference-edit", slug=conference.slug)
    context = {
        "conference": conference,
        "form": form,
        "host_suggestions": host_choices(),
        "rooms": list(Room.objects.filter(conference=conference).order_by("position", "name")),
        "room_form": RoomForm(auto_id="id_room_%s"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "conferences/organizer/conference_form.html", context, status=status)


# Rooms ---------------------------------------------------------------------------------------------------


def _room(conference: Conference, pk: int) -> Room:
    return get_object_or_404(Room, conference=conference, pk=pk)


@organizer_required
@require_POST
def room_add_view(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_CONFERENCE)
    form = RoomForm(request.POST, auto_id="id_room_%s")
    if form.is_valid():
        try:
            room = room_add(conference=conference, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Room “%(name)s” added.") % {"name": room.name})
    else:
        _flash_form_errors(request, form)
    return redirect("conferences:conference-edit", slug=slug)


@organizer_required
@require_POST
def room_edit_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_CONFERENCE)
    room = _room(conference, pk)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            room = room_update(room=room, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Room “%(name)s” saved.") % {"name": room.name})
    else:
        _flash_form_errors(request, form)
    return redirect("conferences:conference-edit", slug=slug)


@organizer_required
@require_POST
def room_move_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_CONFERENCE)
    room = _room(conference, pk)
    room_move(room=room, offset=-1 if request.POST.get("direction") == "up" else 1, actor=request.user)
    return redirect("conferences:conference-edit", slug=slug)


@organizer_required
@require_POST
def room_remove_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_CONFERENCE)
    room = _room(conference, pk)
    try:
        room_remove(room=room, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Room “%(name)s” removed.") % {"name": room.name})
    return redirect("conferences:conference-edit", slug=slug)


# Publish and close -----------------------------------------------------------------------------------------


STATE_CHANGES = {
    "publish": (conference_publish, gettext_lazy("The conference is published.")),
    "close": (conference_close, gettext_lazy("The conference is closed.")),
}


@organizer_required
@require_http_methods(["GET", "POST"])
def conference_state_view(request, slug: str, change: str):
    """Ask first (GET), then publish or close (POST)."""
    if change not in STATE_CHANGES:
        raise Http404
    conference = organized_conference(request, slug, MANAGE_CONFERENCE)
    service, done = STATE_CHANGES[change]
    if request.method == "POST":
        try:
            service(conference=conference, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, str(done))
        return redirect("conferences:conference-edit", slug=slug)
    return render(
        request, "conferences/organizer/conference_state.html", {"conference": conference, "change": change}
    )


# The team --------------------------------------------------------------------------------------------------


@organizer_required
@require_http_methods(["GET", "POST"])
def conference_team(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_TEAM)
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = team_member_add(conference=conference, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            email = form.cleaned_data["email"]
            if added.invited:
                message = _("%(email)s has no account: an invitation to sign up is on its way.")
            else:
                message = _("%(email)s now holds the role.")
            messages.success(request, message % {"email": email})
            return redirect("conferences:conference-team", slug=slug)
    context = {
        "conference": conference,
        "form": form,
        "roles": team_roles(conference=conference),
        "invitations": team_open_invitations(conference=conference),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "conferences/organizer/conference_team.html", context, status=status)


@organizer_required
@require_http_methods(["GET", "POST"])
def team_withdraw_view(request, slug: str, pk: int):
    """Ask first (GET), then take the role away (POST)."""
    conference = organized_conference(request, slug, MANAGE_TEAM)
    conference_role = team_role_get(conference=conference, pk=pk)
    if conference_role is None:
        raise Http404
    if request.method == "POST":
        try:
            team_member_withdraw(conference_role=conference_role, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(email)s no longer holds the role %(role)s.")
                % {"email": conference_role.user.email, "role": conference_role.get_role_display()},
            )
        return redirect("conferences:conference-team", slug=slug)
    context = {"conference": conference, "conference_role": conference_role}
    return render(request, "conferences/organizer/team_withdraw.html", context)


@organizer_required
@require_POST
def team_invitation_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_TEAM)
    invitation_act(request, get_object_or_404(ReviewerInvitation, conference=conference, pk=pk))
    return redirect("conferences:conference-team", slug=slug)
