"""Admin for agenda items and the published agenda versions."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conferences.admin.base import ConferenceScopedAdminMixin
from conferences.models import AgendaItem, AgendaVersion
from core.admin import ReadOnlyAdmin


class AgendaItemAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        conference = cleaned.get("conference")
        if conference is not None:
            # The same checks as services.agenda.agenda_item_create.
            room, paper = cleaned.get("room"), cleaned.get("paper")
            if room is not None and room.conference_id != conference.pk:
                self.add_error("room", _("The room belongs to another conference."))
            if paper is not None and paper.conference_id != conference.pk:
                self.add_error("paper", _("The paper belongs to another conference."))
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
