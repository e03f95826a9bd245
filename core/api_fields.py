"""Serializer fields every API serializer uses for what clients type: dates, ids, optional e-mails.

The checks live in core.validators, shared with the forms and the list filters; these fields
only attach them, so a new serializer gets them by using ModelSerializer below (its model
fields map here) or these classes for the fields it declares itself.
"""

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.validators import MAX_ID, MAX_POSITION, validate_id, validate_sane_date


class DateTimeField(serializers.DateTimeField):
    """A date and time within core.validators' years: year 205 is a typing slip, not a date."""

    default_validators = [validate_sane_date]


class DateField(serializers.DateField):
    default_validators = [validate_sane_date]


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """DRF's field, with an id beyond a 64-bit integer a field error instead of an OverflowError."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            try:
                number = int(data)
            except (TypeError, ValueError, OverflowError):
                number = None  # Not a number at all: DRF's own checks say so.
            if number is not None and not 1 <= number <= MAX_ID:
                self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class PositionField(serializers.IntegerField):
    """A place in an order, or a count: 32-bit in the database, so no larger here."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_POSITION)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdField(serializers.IntegerField):
    """An id a client names: 1 to 2**63 - 1 (validate_id), so a larger one never reaches a query."""

    default_validators = [validate_id]


class OptionalEmailField(serializers.EmailField):
    """An e-mail address or null: never "", which is not an e-mail address."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer with this module's fields for dates, times and related ids."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
        models.DateField: DateField,
    }
    serializer_related_field = PrimaryKeyRelatedField
