"""Which people a conference's organizers may see, pick and invite.

A person is shared by every conference, and the person table holds the
delegates, speakers and contacts of all of them, so an organizer sees only the
people of their own conference's world:

- the people of an agency invited to the conference, and of its host agency;
- the people already taking part in it: registered, invited by name, chairing
  it or one of its agenda items, speaking, writing one of its papers, awarded
  under one of its decisions.

The directory of agencies is shared by design, but it lists agencies (names,
codes, contact addresses), never their people: nobody reaches a person through
it. Superusers see everyone; their pages and the admin let them through before
asking here.
"""

from django.db.models import Q, QuerySet

from conferences.models import (
    AgendaItem,
    Award,
    Conference,
    Invitation,
    PaperAuthor,
    Person,
    Registration,
)
from core.text import fold


def people_visible_in_conferences(*, conference_ids) -> QuerySet[Person]:
    """The people the organizers of these conferences may see (`conference_ids`: ids or a subquery).

    Every condition is a subquery on ids, so a person is listed once however many ways they are
    tied to the conferences.
    """
    conferences = Conference.objects.filter(pk__in=conference_ids)
    invited_agencies = Invitation.objects.filter(
        conference__in=conference_ids, organization__isnull=False
    ).values("organization_id")
    speakers = AgendaItem.speakers.through.objects.filter(agendaitem__conference__in=conference_ids)
    return Person.objects.filter(
        Q(organization_id__in=invited_agencies)
        | Q(organization_id__in=conferences.values("host_id"))
        | Q(pk__in=Registration.objects.filter(conference__in=conference_ids).values("person_id"))
        | Q(
            pk__in=Invitation.objects.filter(conference__in=conference_ids, person__isnull=False).values(
                "person_id"
            )
        )
        | Q(pk__in=conferences.filter(chair__isnull=False).values("chair_id"))
        | Q(
            pk__in=AgendaItem.objects.filter(conference__in=conference_ids, chair__isnull=False).values(
                "chair_id"
            )
        )
        | Q(pk__in=speakers.values("person_id"))
        | Q(pk__in=PaperAuthor.objects.filter(paper__conference__in=conference_ids).values("person_id"))
        | Q(
            pk__in=Award.objects.filter(
                decision__conference__in=conference_ids, recipient_person__isnull=False
            ).values("recipient_person_id")
        )
    )


def people_visible_to_organizer(*, conference: Conference) -> QuerySet[Person]:
    """The people this conference's organizers may see and invite by name."""
    return people_visible_in_conferences(conference_ids=[conference.pk])


def person_is_visible_to_organizer(*, conference: Conference, person: Person) -> bool:
    return people_visible_to_organizer(conference=conference).filter(pk=person.pk).exists()


# The orders the API's people list offers; the primary key last keeps pages stable.
PEOPLE_ORDERINGS = {
    "name": ("sort_key", "pk"),
    "-name": ("-sort_key", "-pk"),
    "agency": ("organization__search_name", "sort_key", "pk"),
    "-agency": ("-organization__search_name", "-sort_key", "-pk"),
}


def people_search(
    *, conference: Conference, query: str = "", organization_id: int | None = None, ordering: str = ""
) -> QuerySet[Person]:
    """The people this conference's organizers may see, found by name or agency without accents."""
    people = people_visible_to_organizer(conference=conference).select_related("organization")
    if organization_id is not None:
        people = people.filter(organization_id=organization_id)
    for word in fold(query).split():
        people = people.filter(Q(search_name__contains=word) | Q(organization__search_name__contains=word))
    return people.order_by(*PEOPLE_ORDERINGS.get(ordering, PEOPLE_ORDERINGS["name"]))
