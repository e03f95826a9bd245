"""Who may open an organizer page: one rule for every organizer page of a conference."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy

from conferences.models import Conference, Invitation
from conferences.selectors.conferences import organized_conference_get
from conferences.selectors.invitations import invitation_get
from core.exceptions import PermissionDeniedError

MANAGE_INVITATIONS = gettext_lazy("Only the organizers of this conference can manage its invitations.")


def organized_conference(request, slug: str, message: str = "") -> Conference:
    """The conference if the user organizes it (superusers: any); 404 if they cannot see it, 403 otherwise."""
    try:
        return organized_conference_get(user=request.user, slug=slug, message=message)
    except Conference.DoesNotExist as exc:
        raise Http404 from exc
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc


def organized_invitation(conference: Conference, pk: int) -> Invitation:
    """An invitation of the (already checked) organized conference; 404 for one of another conference."""
    invitation = invitation_get(conference=conference, pk=pk)
    if invitation is None:
        raise Http404
    return invitation
