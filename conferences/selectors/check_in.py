"""Reads of the door: a registration by ticket code, and the live counts of arrivals."""

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from conferences.models import Conference, Organization, Registration

_KIND_LABELS = dict(Organization.Kind.choices)
_SHOWN = ("conference__host", "person", "organization__province", "checked_in_by__person")


def registration_get_by_ticket_code(*, conference: Conference, code: str) -> Registration | None:
    """The conference's registration with this normalised code, cancelled or not, or None."""
    return (
        Registration.objects.select_related(*_SHOWN).filter(conference=conference, ticket_code=code).first()
    )


def registration_for_check_in(*, pk: int) -> Registration:
    """The registration as the door shows it after a check-in: who, from where, checked in by whom."""
    return Registration.objects.select_related(*_SHOWN).get(pk=pk)


def user_display_name(user) -> str:
    """Who checked a delegate in: their person's name, else the account's name, else its username."""
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return (person.full_name if person else "") or user.get_full_name() or user.get_username()


def check_in_counts(*, conference: Conference) -> dict:
    """Arrivals among confirmed delegates: in total, by agency kind and by province (two queries)."""
    confirmed = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
    arrived = Count("pk", filter=Q(checked_in_at__isnull=False))
    by_kind = list(
        confirmed.values("organization__kind")
        .annotate(expected=Count("pk"), checked_in=arrived)
        .order_by(F("organization__kind").asc(nulls_last=True))
    )
    by_province = list(
        confirmed.values("organization__province__code", "organization__province__name")
        .annotate(expected=Count("pk"), checked_in=arrived)
        .order_by(F("organization__province__name").asc(nulls_last=True))
    )
    return {
        "expected": sum(row["expected"] for row in by_kind),
        "checked_in": sum(row["checked_in"] for row in by_kind),
        "by_kind": [
            {
                "kind": row["organization__kind"] or "",
                "label": str(_KIND_LABELS.get(row["organization__kind"], _("No agency"))),
                "expected": row["expected"],
                "checked_in": row["checked_in"],
            }
            for row in by_kind
        ],
        "by_province": [
            {
                "code": row["organization__province__code"] or "",
                "name": row["organization__province__name"] or str(_("No province")),
                "expected": row["expected"],
                "checked_in": row["checked_in"],
            }
            for row in by_province
        ],
    }
