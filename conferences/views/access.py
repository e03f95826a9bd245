"""Who may open an organizer page: one rule for every organizer page of a conference."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from conferences.exceptions import PermissionDeniedError
from conferences.models import Conference
from conferences.selectors.conferences import organized_conference_get


def organized_conference(request, slug: str, message: str = "") -> Conference:
    """The conference if the user organizes it (staff: any); 404 if they cannot see it, 403 otherwise."""
    try:
        return organized_conference_get(user=request.user, slug=slug, message=message)
    except Conference.DoesNotExist as exc:
        raise Http404 from exc
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
