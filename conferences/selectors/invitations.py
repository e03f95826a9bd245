from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from conferences.models import AuditEntry, Conference, Invitation, InvitationLink, Registration
from conferences.selectors.delegates import delegate_roster
from core.text import fold
from core.tokens import derived_token_matches, derived_token_ref, token_hash


def invitation_get_by_token(*, token: str) -> Invitation | None:
    """The invitation a live RSVP link opens, or None.

    A wrong, revoked or expired link all give None: the page must not tell a
    guesser which of these it was.
    """
    if not token or len(token) > 100:
        return None
    link = (
        InvitationLink.objects.select_related(
            "invitation__conference__host",
            "invitation__organization",
            "invitation__person",
            "invitation__document__issuer",
        )
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .exclude(invitation__status=Invitation.Status.REVOKED)
        .first()
    )
    return link.invitation if link else None


def registration_get_by_token(*, token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
    registrations = Registration.objects.select_related(
        "conference__host", "person", "organization", "invitation"
    ).filter(status=Registration.Status.CONFIRMED)
    ref = derived_token_ref(token)
    if ref is None:
        return registrations.filter(token_hash=token_hash(token)).first()
    # A link written into a later notice (certificate, paper letters): made again from the stored hash.
    registration = registrations.filter(pk=ref).first()
    if registration is None or not derived_token_matches(token, ref=ref, secret_hash=registration.token_hash):
        return None
    return registration


def invitation_get(*, conference: Conference, pk: int) -> Invitation | None:
    """One invitation of the conference with what its organizer pages and letter show, or None."""
    try:
        return Invitation.objects.select_related(
            "conference__host", "organization__province", "person", "document__issuer", "paper_presenter"
        ).get(conference=conference, pk=pk)
    except Invitation.DoesNotExist:
        return None


def invitation_delegates(*, invitation: Invitation) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(invitation=invitation, status=Registration.Status.CONFIRMED)
        .select_related("person")
        .order_by("created_at", "pk")
    )


# The columns the organizers' list sorts by; the primary key last keeps pages stable.
INVITATION_SORTS = {
    "name": ("organization__search_name", "person__search_name"),
    "kind": ("organization__kind", "organization__province__code", "organization__search_name"),
    "state": ("status",),
    "sent": ("sent_at",),
    "letter": ("document__number",),
}
INVITATION_DEFAULT_ORDER = ("organization__kind", "organization__province__code", "organization__name")


def invitation_ordering(sort: str) -> list:
    """The ORDER BY of a sort key ("sent", "-sent"); unknown keys give the default order."""
    fields = INVITATION_SORTS.get((sort or "").lstrip("-"))
    if fields is None:
        return [*INVITATION_DEFAULT_ORDER, "pk"]
    if sort.startswith("-"):
        return [*(F(f).desc(nulls_last=True) for f in fields), "-pk"]
    return [*(F(f).asc(nulls_first=True) for f in fields), "pk"]


def invitation_drafts_matching(*, conference: Conference, filters: dict) -> QuerySet[Invitation]:
    """The drafts among the invitations a list filter shows (the rows "send all that match" sends).

    `filters` holds the list's filters as invitation_list takes them (status, kind, province_code, query).
    """
    known = {key: filters.get(key) for key in ("status", "kind", "province_code", "query")}
    matching = invitation_list(conference=conference, **known).order_by().values("pk")
    return Invitation.objects.filter(conference=conference, status=Invitation.Status.DRAFT, pk__in=matching)


def invitation_list(
    *,
    conference: Conference,
    status: str | None = None,
    kind: str | None = None,
    province_code: str | None = None,
    query: str | None = None,
    sort: str = "",
) -> QuerySet[Invitation]:
    """A conference's invitations with their confirmed delegates, narrowed by whichever filters are given.

    The name search ignores accents and case: "quang ninh" finds "Quảng Ninh",
    in the agency's or the invited person's name. `sort` is a key of INVITATION_SORTS,
    "-" first for the other way; anything else keeps the order by kind, province and name.
    """
    active = Registration.objects.filter(status=Registration.Status.CONFIRMED).select_related("person")
    invitations = (
        Invitation.objects.filter(conference=conference)
        .select_related("organization__province", "person", "document__issuer", "paper_presenter")
        .prefetch_related(Prefetch("registrations", queryset=active, to_attr="active_registrations"))
        .order_by(*invitation_ordering(sort))
    )
    if status:
        invitations = invitations.filter(status=status)
    if kind:
        invitations = invitations.filter(organization__kind=kind)
    if province_code:
        invitations = invitations.filter(organization__province__code=province_code)
    for word in fold(query or "").split():
        invitations = invitations.filter(
            Q(organization__search_name__contains=word) | Q(person__search_name__contains=word)
        )
    return invitations


def invitation_history(*, invitation: Invitation) -> QuerySet[AuditEntry]:
    """The audit entries about one invitation (sent, revoked, answered on behalf), newest first."""
    return AuditEntry.objects.filter(
        conference_id=invitation.conference_id, object_type="invitation", object_id=str(invitation.pk)
    ).select_related("actor")


def invitation_counts(*, conference: Conference) -> dict:
    """Counts by state, and by agency kind and province, for the organizers' overview (two queries)."""
    statuses = Invitation.Status
    by_status = dict.fromkeys(statuses.values, 0)
    by_status.update(
        Invitation.objects.filter(conference=conference)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    answered = Q(status__in=[statuses.ACCEPTED, statuses.DECLINED])
    groups = (
        Invitation.objects.filter(conference=conference, organization__isnull=False)
        .values("organization__kind", "organization__province__name")
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(status=statuses.ACCEPTED)),
            declined=Count("pk", filter=Q(status=statuses.DECLINED)),
            no_answer=Count("pk", filter=Q(status=statuses.SENT) & ~answered),
        )
        .order_by("organization__kind", "organization__province__name")
    )
    return {"by_status": by_status, "no_answer": by_status[statuses.SENT], "groups": list(groups)}


def delegate_list(*, conference: Conference) -> QuerySet[Registration]:
    """The reception desk's list: every confirmed delegate, sorted as Vietnamese lists are."""
    return delegate_roster(conference=conference)


def invitation_links(*, invitation: Invitation) -> QuerySet[InvitationLink]:
    return InvitationLink.objects.filter(invitation=invitation).order_by("-created_at")
