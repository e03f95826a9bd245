"""Who may use which endpoint.

The organizer endpoints of one conference share one rule (IsConferenceOrganizer with
OrganizedConferenceMixin); agencies and the outbox have their own.
"""

from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated

from conferences.models import Conference
from conferences.selectors.conferences import conference_get_for_user, user_is_organizer
from conferences.services.imports import user_may_import_organizations


class IsConferenceOrganizer(BasePermission):
    """The user organizes the conference named in the URL (or is a superuser)."""

    message = gettext_lazy("Only the conference's organizers can do this.")

    def has_permission(self, request, view) -> bool:
        # A view may say what the refusal is about ("... can edit its agenda").
        self.message = getattr(view, "organizer_message", self.message)
        return user_is_organizer(user=request.user, conference=view.conference)


class OrganizedConferenceMixin:
    """The conference of the URL (`conference_slug`), looked up once per request.

    A conference the user may not see is a 404; one they see but do not
    organize is a 403 from IsConferenceOrganizer.
    """

    permission_classes = [IsAuthenticated, IsConferenceOrganizer]

    @cached_property
    def conference(self) -> Conference:
        try:
            return conference_get_for_user(slug=self.kwargs["conference_slug"], user=self.request.user)
        except Conference.DoesNotExist as exc:
            raise NotFound(_("No such conference.")) from exc


class CanEditOrganizations(BasePermission):
    """Reading needs an account; writing needs staff or the model permission for the action."""

    message = gettext_lazy("Only staff can change agencies.")
    PERMISSIONS = {"create": "add", "import_file": "add", "partial_update": "change", "update": "change"}

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if view.action == "import_file":
            return user_may_import_organizations(user)
        needed = self.PERMISSIONS.get(view.action)
        return bool(user.is_staff or (needed and user.has_perm(f"conferences.{needed}_organization")))


class IsOrganizer(BasePermission):
    """A user who organizes a conference; which notices they reach is up to the scopes."""

    message = gettext_lazy("Only a conference's organizers can manage its notices.")

    def has_permission(self, request, view) -> bool:
        return bool(view.scopes)
