"""Reads of a conference's certificates for its organizers: counts, the filtered list, one certificate."""

from django.db.models import Count, F, Q, QuerySet

from conferences.models import Certificate, Conference
from core.text import fold

# The states a certificate is listed by.
VALID, PENDING, REVOKED = "valid", "pending", "revoked"
STATES = (VALID, PENDING, REVOKED)


def certificate_counts(*, conference: Conference) -> list[dict]:
    """Per kind: valid certificates with their file, valid ones still to render, revoked ones (one query)."""
    has_file = ~Q(file="")
    rows = (
        Certificate.objects.filter(conference=conference)
        .order_by()
        .values("kind")
        .annotate(
            valid=Count("pk", filter=Q(revoked_at__isnull=True) & has_file),
            pending=Count("pk", filter=Q(revoked_at__isnull=True, file="")),
            revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
        )
    )
    by_kind = {row["kind"]: row for row in rows}
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            **{state: by_kind.get(kind.value, {}).get(state, 0) for state in STATES},
        }
        for kind in Certificate.Kind
    ]


# The columns the organizers' list sorts by; the primary key last keeps pages stable.
CERTIFICATE_SORTS = {
    "serial": ("serial",),
    "holder": ("recipient_person__sort_key", "recipient_organization__search_name"),
    "kind": ("kind", "serial"),
    "issued": ("issued_at",),
}


def certificate_list(
    *,
    conference: Conference,
    kind: str = "",
    state: str = "",
    q: str = "",
    revoked: bool | None = None,
    sort: str = "",
) -> QuerySet[Certificate]:
    """The conference's certificates by serial (or by `sort`, a key of CERTIFICATE_SORTS, "-" first
    for the other way); `q` matches words of the holder's name without accents."""
    certificates = Certificate.objects.filter(conference=conference).select_related(
        "recipient_person", "recipient_organization", "registration"
    )
    if kind:
        certificates = certificates.filter(kind=kind)
    if state == VALID:
        certificates = certificates.filter(revoked_at__isnull=True).exclude(file="")
    elif state == PENDING:
        certificates = certificates.filter(revoked_at__isnull=True, file="")
    elif state == REVOKED:
        certificates = certificates.filter(revoked_at__isnull=False)
    if revoked is not None:
        certificates = certificates.filter(revoked_at__isnull=not revoked)
    for word in fold(q).split():
        certificates = certificates.filter(
            Q(recipient_person__search_name__contains=word)
            | Q(recipient_organization__search_name__contains=word)
        )
    fields = CERTIFICATE_SORTS.get((sort or "").lstrip("-"), CERTIFICATE_SORTS["serial"])
    if sort.startswith("-"):
        return certificates.order_by(*(F(f).desc(nulls_last=True) for f in fields), "-pk")
    return certificates.order_by(*(F(f).asc(nulls_first=True) for f in fields), "pk")


def certificate_get_for_conference(*, conference: Conference, pk: int) -> Certificate | None:
    return (
        Certificate.objects.filter(conference=conference, pk=pk)
        .select_related("conference", "recipient_person", "recipient_organization", "registration", "award")
        .first()
    )


def certificate_of_registration(*, registration, serial: str) -> Certificate | None:
    """The delegate's own valid certificate with this serial and a file, or None."""
    return (
        Certificate.objects.filter(registration=registration, serial=serial, revoked_at__isnull=True)
        .exclude(file="")
        .first()
    )
