from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from conferences.models import Conference, ConferenceRole, Invitation, Paper, Registration
from core.exceptions import PermissionDeniedError

PUBLIC_STATUSES = (Conference.Status.PUBLISHED, Conference.Status.CLOSED)


def conference_list_public() -> QuerySet[Conference]:
    return Conference.objects.filter(status__in=PUBLIC_STATUSES).select_related("host", "chair")


def conference_ids_organized_by(*, user) -> QuerySet:
    """The ids of the conferences the user holds an organizer role in, as a subquery.

    Organizer rights come from the conference's roles only: being staff (which
    opens the admin) gives none. Superusers are let through by the callers.
    """
    return ConferenceRole.objects.filter(user=user, role=ConferenceRole.Role.ORGANIZER).values(
        "conference_id"
    )


def conference_list_for_user(*, user) -> QuerySet[Conference]:
    """Public conferences, plus the drafts of those the user organizes (all of them for superusers)."""
    queryset = Conference.objects.select_related("host", "chair")
    if user.is_authenticated and user.is_superuser:
        return queryset
    if user.is_authenticated:
        return queryset.filter(
            Q(status__in=PUBLIC_STATUSES) | Q(pk__in=conference_ids_organized_by(user=user))
        )
    return queryset.filter(status__in=PUBLIC_STATUSES)


def conference_get_for_user(*, slug: str, user) -> Conference:
    return conference_list_for_user(user=user).get(slug=slug)


def organized_conference_get(*, user, slug: str, message: str = "") -> Conference:
    """Return the conference with this slug if the user organizes it (superusers: any conference).

    Raise Conference.DoesNotExist when the user may not see the conference at
    all, and PermissionDeniedError when they see it but do not organize it.
    """
    conference = conference_get_for_user(slug=slug, user=user)
    if not user_is_organizer(user=user, conference=conference):
        raise PermissionDeniedError(message or _("Only the organizers of this conference can do this."))
    return conference


def user_is_organizer(*, user, conference: Conference) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return ConferenceRole.objects.filter(
        conference=conference, user=user, role=ConferenceRole.Role.ORGANIZER
    ).exists()


def conference_stats(*, conference: Conference) -> dict[str, int]:
    """Counts shown on the conference page, in one query of three independent subqueries.

    (Counting through three joins would multiply invitations by registrations by papers.)
    """

    def count_of(queryset):
        return Subquery(
            queryset.filter(conference=OuterRef("pk"))
            .order_by()
            .values("conference")
            .annotate(n=Count("pk"))
            .values("n")
        )

    row = (
        Conference.objects.filter(pk=conference.pk)
        .annotate(
            n_invitations=count_of(Invitation.objects.all()),
            n_registrations=count_of(Registration.objects.filter(status=Registration.Status.CONFIRMED)),
            n_papers=count_of(Paper.objects.all()),
        )
        .values("n_invitations", "n_registrations", "n_papers")
        .get()
    )
    return {
        "invitations": row["n_invitations"] or 0,
        "registrations": row["n_registrations"] or 0,
        "papers": row["n_papers"] or 0,
    }
