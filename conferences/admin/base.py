"""Helpers shared by the conference admin modules."""

from django.db import models


def _take_over(target: models.Model, source: models.Model) -> None:
    """Copy a row a service saved onto the instance the admin goes on to log and redirect to."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db
