"""Which reviewers may not judge an agency's work: the one rule shared by paper review and the award panel.

A reviewer never judges work of their own agency (the agency of their person record), nor of an
agency they declared a conflict with for the conference (ReviewerConflict).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from conferences.models import Conference, Person, ReviewerConflict

OWN_AGENCY = "own_agency"
CONFLICT = "conflict"


def agency_conflicts(
    *, conference: Conference, agencies: Mapping[int, Iterable[int]], reviewer_ids: Iterable[int]
) -> dict[tuple[int, int], str]:
    """Every (item, reviewer) pair barred by the agencies of the item, with why; two queries.

    `agencies` maps an item's id (a paper, a nomination) to the ids of the agencies it belongs to.
    Own agency wins over a declared conflict when both apply.
    """
    reviewer_ids = list(reviewer_ids)
    own: dict[int, set[int]] = defaultdict(set)  # agency -> reviewers of that agency
    for user_id, organization_id in Person.objects.filter(
        user_id__in=reviewer_ids, organization__isnull=False
    ).values_list("user_id", "organization_id"):
        own[organization_id].add(user_id)
    conflicted: dict[int, set[int]] = defaultdict(set)
    for user_id, organization_id in ReviewerConflict.objects.filter(
        conference=conference, reviewer_id__in=reviewer_ids
    ).values_list("reviewer_id", "organization_id"):
        conflicted[organization_id].add(user_id)
    barred: dict[tuple[int, int], str] = {}
    for item_id, organization_ids in agencies.items():
        for organization_id in organization_ids:
            for user_id in conflicted.get(organization_id, ()):
                barred.setdefault((item_id, user_id), CONFLICT)
            for user_id in own.get(organization_id, ()):
                barred[(item_id, user_id)] = OWN_AGENCY
    return barred
