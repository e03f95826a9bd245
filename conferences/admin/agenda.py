"""Admin for agenda items and the published agenda versions."""

from django import forms
from django.contrib import admin

from conferences.admin.base import ConferenceScopedAdminMixin
from conferences.models import AgendaItem, AgendaVersion
from conferences.services.agenda import agenda_item_errors
from core.admin import ReadOnlyAdmin


class AgendaItemAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        conference, starts_at, ends_at = (
            cleaned.get(name) for name in ("conference", "starts_at", "ends_at")
        )
        if conference is not None and starts_at is not None and ends_at is not None:
            errors = agenda_item_errors(
                conference=conference,
                starts_at=starts_at,
                ends_at=ends_at,
                room=cleaned.get("room"),
                paper=cleaned.get("paper"),
            )
            for name, message in errors.items():
                self.add_error(name, message)
        return cleaned


@admin.register(AgendaItem)
class AgendaItemAdmin(ConferenceScopedAdminMixin, admin.ModelAdmin):
    form = AgendaItemAdminForm
    list_display = ("starts_at", "ends_at", "title", "kind", "room", "presenting_organization", "conference")
    list_filter = ("kind", "conference")
    list_select_related = ("conference", "room", "presenting_organization")
    search_fields = ("title", "presenter_text", "presenting_organization__name")
    autocomplete_fields = ("conference", "room", "presenting_organization", "chair", "speakers", "paper")
    date_hierarchy = "starts_at"
    ordering = ("conference", "starts_at", "position", "id")
    readonly_fields = ("created_at", "updated_at")


@admin.register(AgendaVersion)
class AgendaVersionAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("conference", "number", "published_at", "published_by")
    list_filter = ("conference",)
    list_select_related = ("conference", "published_by")
    search_fields = ("conference__title_vi", "conference__slug")
    date_hierarchy = "published_at"
    ordering = ("conference", "-number")
