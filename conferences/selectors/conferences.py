import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    return user_roles(user=user).filter(role=ConferenceRole.Role.ORGANIZER).values("conference_id")


def token_scope(user) -> int | None:
    """The id of the one conference the request's personal API token is limited to, or None.

    ApiTokenAuthentication puts it on the user instance of the request, so that every rule that
    asks which conferences a user organizes or reviews (the functions below, the reviewer, job and
    notice selectors) sees only that conference, whatever the route, superusers included.
    """
    return getattr(user, "api_token_conference_id", None)


def user_roles(*, user) -> QuerySet[ConferenceRole]:
    """The user's roles in conferences, limited to the conference of their token's scope if any."""
    roles = ConferenceRole.objects.filter(user=user)
    scope = token_scope(user)
    return roles if scope is None else roles.filter(conference_id=scope)


def conference_list_for_user(*, user) -> QuerySet[Conference]:
    """Public conferences, plus the drafts of those the user organizes (all of them for superusers)."""
    queryset = Conference.objects.select_related("host", "chair")
    if user.is_authenticated and user.is_superuser:
        scope = token_scope(user)
        return queryset if scope is None else queryset.filter(Q(status__in=PUBLIC_STATUSES) | Q(pk=scope))
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
    # The scope first: a superuser's token scoped to one conference organizes no other.
    scope = token_scope(user)
    if scope is not None and conference.pk != scope:
        return False
    if user.is_superuser:
        return True
    return user_roles(user=user).filter(conference=conference, role=ConferenceRole.Role.ORGANIZER).exists()


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


# The dates a conference's team works towards, in the order they are named when two fall together.
DEADLINE_FIELDS = {
    "rsvp_deadline": gettext_lazy("RSVP deadline"),
    "paper_deadline": gettext_lazy("Paper deadline"),
    "nomination_deadline": gettext_lazy("Award nomination deadline"),
    "starts_at": gettext_lazy("Opening"),
}


@dataclass(frozen=True)
class Deadline:
    field: str
    at: datetime.datetime

    @property
    def label(self) -> str:
        return str(DEADLINE_FIELDS[self.field])


@dataclass(frozen=True)
class WorkspaceConference:
    conference: Conference
    roles: tuple[str, ...]  # ConferenceRole.Role values, organizer first
    next_deadline: Deadline | None

    @property
    def is_organizer(self) -> bool:
        return ConferenceRole.Role.ORGANIZER in self.roles

    @property
    def is_reviewer(self) -> bool:
        return ConferenceRole.Role.REVIEWER in self.roles

    @property
    def role_labels(self) -> list[str]:
        return [str(ConferenceRole.Role(role).label) for role in self.roles]


def next_deadline(conference: Conference, *, now: datetime.datetime) -> Deadline | None:
    """The earliest of the conference's deadlines and its start that is still ahead, if any."""
    ahead = [
        Deadline(field=field, at=getattr(conference, field))
        for field in DEADLINE_FIELDS
        if getattr(conference, field) is not None and getattr(conference, field) > now
    ]
    # min() keeps the first of equal dates: DEADLINE_FIELDS' order names the one that matters first.
    return min(ahead, key=lambda deadline: deadline.at, default=None)


def workspace_conferences(*, user, now: datetime.datetime | None = None) -> list[WorkspaceConference]:
    """The conferences the user organizes or reviews, with their roles and next deadline, in one query.

    Those with a deadline ahead come first, the nearest first; the others
    follow, the latest start first. Only the user's own roles count: being
    staff or superuser lists nothing more (the admin lists everything).
    """
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    roles_by_conference: dict[int, list[str]] = {}
    conferences: dict[int, Conference] = {}
    for role in user_roles(user=user).select_related("conference").order_by("pk"):
        conferences[role.conference_id] = role.conference
        roles_by_conference.setdefault(role.conference_id, []).append(role.role)
    order = list(ConferenceRole.Role)
    rows = [
        WorkspaceConference(
            conference=conference,
            roles=tuple(sorted(set(roles_by_conference[pk]), key=order.index)),
            next_deadline=next_deadline(conference, now=now),
        )
        for pk, conference in conferences.items()
    ]
    upcoming = sorted((r for r in rows if r.next_deadline), key=lambda r: r.next_deadline.at)
    past = sorted(
        (r for r in rows if not r.next_deadline), key=lambda r: r.conference.starts_at, reverse=True
    )
    return upcoming + past
