from django.db.models import Prefetch, Q, QuerySet

from conferences.models import (
    AgendaItem,
    Conference,
    Invitation,
    Organization,
    Paper,
    PaperAuthor,
    Person,
    Registration,
)


def agenda_item_list(*, conference: Conference) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(conference=conference)
        .select_related("room", "chair", "presenting_organization", "paper")
        .prefetch_related(Prefetch("speakers", queryset=Person.objects.select_related("organization")))
        .order_by("starts_at", "position", "id")
    )


# The choices the agenda editor's selects and the agenda items API offer.


def agenda_people(*, conference: Conference, item: AgendaItem | None = None) -> QuerySet[Person]:
    """Who can chair or speak: the conference's registered people, its papers' authors, its chair.

    An item's current chair and speakers stay choosable even if they no longer
    qualify (a cancelled registration), so editing the item does not drop them.
    """
    related = (
        Q(pk__in=Registration.objects.filter(conference=conference).values("person_id"))
        | Q(pk__in=PaperAuthor.objects.filter(paper__conference=conference).values("person_id"))
        | Q(pk=conference.chair_id)
    )
    if item is not None and item.pk:
        related |= Q(pk__in=item.speakers.values("pk")) | Q(pk=item.chair_id)
    return Person.objects.filter(related).order_by("sort_key", "id")


def agenda_organizations(*, conference: Conference, item: AgendaItem | None = None) -> QuerySet[Organization]:
    """Agencies that can present: invited, registered, presenting a paper, or hosting."""
    related = (
        Q(pk__in=Invitation.objects.filter(conference=conference).values("organization_id"))
        | Q(pk__in=Registration.objects.filter(conference=conference).values("organization_id"))
        | Q(pk__in=Paper.objects.filter(conference=conference).values("presenting_organization_id"))
        | Q(pk=conference.host_id)
    )
    if item is not None and item.presenting_organization_id:
        related |= Q(pk=item.presenting_organization_id)
    return Organization.objects.filter(related).order_by("name", "id")


def agenda_papers(*, conference: Conference, item: AgendaItem | None = None) -> QuerySet[Paper]:
    """Accepted papers not yet on the agenda, plus the item's own paper (whatever its status now)."""
    choosable = Q(status=Paper.Status.ACCEPTED, agenda_item__isnull=True)
    if item is not None and item.paper_id:
        choosable |= Q(pk=item.paper_id)
    return Paper.objects.filter(choosable, conference=conference).order_by("title", "id")
