"""The organizer's list of a conference's delegates: every confirmed registration with its agency,
answer, arrival and papers, narrowed by the list's filters (the page, its exports and its bulk actions)."""

from django.db.models import F, Prefetch, Q, QuerySet

from conferences.models import Conference, Paper, Registration
from core.text import fold

# The columns the list sorts by; the primary key last keeps pages stable.
DELEGATE_SORTS = {
    "name": ("person__sort_key",),
    "agency": ("organization__search_name", "person__sort_key"),
    "province": ("organization__province__code", "organization__search_name", "person__sort_key"),
    "checked_in": ("checked_in_at",),
}
# The reception desk's order: by agency, then as Vietnamese names are sorted.
DELEGATE_DEFAULT_ORDER = ("organization__name", "person__sort_key")
CHECKED_IN, NOT_CHECKED_IN = "yes", "no"


def delegate_ordering(sort: str) -> list:
    fields = DELEGATE_SORTS.get((sort or "").lstrip("-"))
    if fields is None:
        return [*DELEGATE_DEFAULT_ORDER, "pk"]
    if sort.startswith("-"):
        return [*(F(f).desc(nulls_last=True) for f in fields), "-pk"]
    return [*(F(f).asc(nulls_first=True) for f in fields), "pk"]


def delegate_roster(
    *,
    conference: Conference,
    kind: str | None = None,
    province_code: str | None = None,
    checked_in: str | None = None,
    query: str | None = None,
    sort: str = "",
) -> QuerySet[Registration]:
    """The conference's confirmed delegates, narrowed by whichever filters are given.

    `checked_in` is CHECKED_IN or NOT_CHECKED_IN; the name search ignores accents and case
    ("tran thi" finds "Trần Thị") in the delegate's or the agency's name. Each registration
    carries `papers`: the papers its personal link submitted, withdrawn ones left out.
    """
    papers = Paper.objects.exclude(status=Paper.Status.WITHDRAWN).only(
        "pk", "title", "status", "registration_id"
    )
    delegates = (
        Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
        .select_related("person", "organization__province", "invitation")
        .prefetch_related(Prefetch("submitted_papers", queryset=papers.order_by("pk"), to_attr="papers"))
        .order_by(*delegate_ordering(sort))
    )
    if kind:
        delegates = delegates.filter(organization__kind=kind)
    if province_code:
        delegates = delegates.filter(organization__province__code=province_code)
    if checked_in == CHECKED_IN:
        delegates = delegates.filter(checked_in_at__isnull=False)
    elif checked_in == NOT_CHECKED_IN:
        delegates = delegates.filter(checked_in_at__isnull=True)
    for word in fold(query or "").split():
        delegates = delegates.filter(
            Q(person__search_name__contains=word) | Q(organization__search_name__contains=word)
        )
    return delegates


def delegates_not_checked_in(*, conference: Conference, filters: dict) -> QuerySet[Registration]:
    """The delegates a filter shows who have not arrived yet (the rows "check in all that match" takes).

    `filters` holds the list's filters as delegate_roster takes them (kind, province_code, checked_in, query).
    """
    known = {key: filters.get(key) for key in ("kind", "province_code", "checked_in", "query")}
    return (
        delegate_roster(conference=conference, **known)
        .filter(checked_in_at__isnull=True)
        .order_by(*DELEGATE_DEFAULT_ORDER, "pk")
    )
