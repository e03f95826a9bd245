"""A conference's team as its page and the API show it: roles held, and invitations still open."""

from django.db.models import QuerySet

from conferences.models import Conference, ConferenceRole, ReviewerInvitation


def team_roles(*, conference: Conference) -> QuerySet[ConferenceRole]:
    return (
        ConferenceRole.objects.filter(conference=conference)
        .select_related("user")
        .order_by("role", "user__email", "pk")
    )


def team_open_invitations(*, conference: Conference) -> QuerySet[ReviewerInvitation]:
    return (
        ReviewerInvitation.objects.filter(
            conference=conference, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("organization")
        .order_by("role", "email", "pk")
    )


def team_role_get(*, conference: Conference, pk: int) -> ConferenceRole | None:
    return ConferenceRole.objects.select_related("user").filter(conference=conference, pk=pk).first()
