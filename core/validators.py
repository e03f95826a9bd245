"""Checks on ids and dates that clients type, made before they reach a query or a document.

Primary keys are 64-bit integers (BIGINT): SQLite cannot even bind a larger
Python int (OverflowError, a 500), so an id out of range is refused where it
comes in, by every form field and serializer field that reads ids.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1
# Positions and counts are 32-bit integers in PostgreSQL (an IntegerField): a larger one is a DataError.
MAX_POSITION = 2**31 - 1


def validate_id(value: int) -> None:
    """Refuse a number that cannot be a primary key: below 1 or beyond a 64-bit integer."""
    if not 1 <= value <= MAX_ID:
        raise ValidationError(_("%(value)s is not a valid id."), code="invalid_id", params={"value": value})


# Dates a government conference tool can mean. Year 205 or 9999 is a typing slip; stored, it
# prints as 0205-03-15 and shifts by a local mean time offset (+07:06:30) on the way back out.
MIN_YEAR, MAX_YEAR = 1900, 2100


def validate_sane_date(value) -> None:
    """Refuse a date or datetime outside MIN_YEAR..MAX_YEAR."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s."),
            code="date_out_of_range",
            params={"min": MIN_YEAR, "max": MAX_YEAR},
        )
