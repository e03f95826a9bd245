"""Checks on ids that clients type, made before the ids reach a query.

Primary keys are 64-bit integers (BIGINT): SQLite cannot even bind a larger
Python int (OverflowError, a 500), so an id out of range is refused where it
comes in, by every form field and serializer field that reads ids.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1


def validate_id(value: int) -> None:
    """Refuse a number that cannot be a primary key: below 1 or beyond a 64-bit integer."""
    if not 1 <= value <= MAX_ID:
        raise ValidationError(_("%(value)s is not a valid id."), code="invalid_id", params={"value": value})
