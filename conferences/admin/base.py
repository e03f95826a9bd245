"""Building blocks of the conference admin modules: conference scoping and a helper."""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet

from conferences.selectors.conferences import conference_ids_organized_by


class ConferenceScopedAdminMixin:
    """Show a user who is not a superuser only the rows of the conferences they organize.

    Being staff opens the admin and nothing more: what a user sees comes from
    the conferences' organizer roles. The changelist, the change, delete and
    history views and the actions all read through get_queryset, so a row of
    another conference is as absent as one that does not exist. The choices
    of related rows (select boxes, autocompletes, list filters) come from the
    related model's admin, so they are scoped the same way. Apply to every
    admin (and inline) of a model that belongs to a conference; set
    `conference_lookup` to the path from the model to its conference, or
    override scope_queryset() where the rule is another (people).
    """

    conference_lookup = "conference"

    def scope_queryset(self, queryset: QuerySet, request) -> QuerySet:
        organized = conference_ids_organized_by(user=request.user)
        return queryset.filter(**{f"{self.conference_lookup}__in": organized})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope_queryset(queryset, request)

    def _scoped_choices(self, db_field, request, kwargs: dict) -> dict:
        """The field's choices from the related model's scoped admin, unless the caller chose them."""
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if (
            "queryset" not in kwargs
            and not request.user.is_superuser
            and isinstance(related_admin, ConferenceScopedAdminMixin)
        ):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._scoped_choices(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._scoped_choices(db_field, request, kwargs)
        )

    def get_list_filter(self, request):
        """Filter by the related rows the listed rows point to, not by every row of the related table."""
        list_filter = super().get_list_filter(request)
        if request.user.is_superuser:
            return list_filter
        return [self._related_only(entry) for entry in list_filter]

    def _related_only(self, entry):
        if not isinstance(entry, str):
            return entry
        try:
            field = get_fields_from_path(self.model, entry)[-1]
        except FieldDoesNotExist:
            return entry
        return (entry, admin.RelatedOnlyFieldListFilter) if field.is_relation else entry


def _take_over(target: models.Model, source: models.Model) -> None:
    """Copy a row a service saved onto the instance the admin goes on to log and redirect to."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db
