"""Admin building blocks every app uses: folded search and read-only admins."""

from django.contrib import admin
from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal

from core.text import fold


class FoldedSearchMixin:
    """Also match the search words against folded columns, so "quang ninh" finds "Quảng Ninh".

    Each word (or quoted phrase) must appear in one of folded_search_fields,
    which hold core.text.fold() of a name; rows found by the ordinary
    search_fields are kept as well.
    """

    folded_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = []
        for bit in smart_split(search_term):
            if bit[:1] in {'"', "'"} and bit[-1:] == bit[:1]:
                bit = unescape_string_literal(bit)
            if word := fold(bit):
                words.append(word)
        if not words or not self.folded_search_fields:
            return results, may_have_duplicates
        condition = Q()
        for word in words:
            any_field = Q()
            for field in self.folded_search_fields:
                any_field |= Q(**{f"{field}__contains": word})
            condition &= any_field
        return results | queryset.filter(condition), may_have_duplicates


class ReadOnlyAdmin(admin.ModelAdmin):
    """View-only admin for records the system writes and nobody may forge or alter (logs, snapshots)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTabularInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
