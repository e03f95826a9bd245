"""Admin for the proceedings: builds and figures are written by services (checks, hashes, jobs)."""

from django.contrib import admin

from conferences.admin.base import ConferenceScopedAdminMixin
from conferences.models import PaperFigure, Proceedings
from core.admin import ReadOnlyAdmin


@admin.register(Proceedings)
class ProceedingsAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    list_display = (
        "id",
        "conference",
        "kind",
        "variant",
        "version",
        "pages",
        "size",
        "created_by",
        "created_at",
    )
    list_filter = ("kind", "variant", "conference")
    list_select_related = ("conference", "created_by")
    date_hierarchy = "created_at"


@admin.register(PaperFigure)
class PaperFigureAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    conference_lookup = "paper__conference"
    list_display = ("id", "paper", "position", "caption", "width", "height", "created_at")
    list_select_related = ("paper",)
    search_fields = ("caption", "paper__title")
