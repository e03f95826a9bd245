from django.db.models import Prefetch, QuerySet

from conferences.models import AgendaItem, Conference, Person


def agenda_item_list(*, conference: Conference) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(conference=conference)
        .select_related("room", "chair", "presenting_organization", "paper")
        .prefetch_related(Prefetch("speakers", queryset=Person.objects.select_related("organization")))
        .order_by("starts_at", "position", "id")
    )
