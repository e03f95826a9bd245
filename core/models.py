"""Abstract models every app's tables share."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreatedModel(models.Model):
    """A row that records when it was written; rows that are never changed need no more."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class TimestampedModel(CreatedModel):
    """A row that records when it was written and when it last changed."""

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
