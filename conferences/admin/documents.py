"""Admin for issued document numbers and the sequences they are taken from."""

from django import forms
from django.contrib import admin
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from conferences.admin.base import ConferenceScopedAdminMixin
from conferences.models import DocumentNumber, DocumentSequence, RenderedDocument
from conferences.selectors.conferences import conference_ids_organized_by
from core.admin import ReadOnlyAdmin


@admin.register(DocumentNumber)
class DocumentNumberAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("formatted", "issuer", "kind", "year", "number", "issued_on")
    list_filter = ("kind", "year")
    list_select_related = ("issuer",)
    search_fields = ("issuer__name", "issuer__code", "number__exact")
    date_hierarchy = "issued_on"
    ordering = ("issuer", "kind", "-year", "-number")

    def scope_queryset(self, queryset, request):
        # A number belongs to a conference through the letter or the decision it was taken for.
        organized = conference_ids_organized_by(user=request.user)
        return queryset.filter(
            Q(invitation__conference__in=organized) | Q(award_decision__conference__in=organized)
        )

    @admin.display(description=_("number as printed"))
    def formatted(self, obj: DocumentNumber) -> str:
        return obj.formatted


class DocumentSequenceAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # On change issuer, kind and year are read-only and come from the instance.
        issuer = cleaned.get("issuer") or (self.instance.issuer if self.instance.issuer_id else None)
        kind = cleaned.get("kind") or self.instance.kind
        year = cleaned.get("year") or self.instance.year
        last_number = cleaned.get("last_number")
        if issuer and kind and year and last_number is not None:
            issued = DocumentNumber.objects.filter(issuer=issuer, kind=kind, year=year).aggregate(
                m=Max("number")
            )["m"]
            if issued and last_number < issued:
                self.add_error(
                    "last_number",
                    _("Number %(number)s has already been issued; the sequence cannot go below it.")
                    % {"number": issued},
                )
        return cleaned


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(admin.ModelAdmin):
    """Editable so a register kept on paper can be continued (e.g. start this year's GM at 122)."""

    form = DocumentSequenceAdminForm
    list_display = ("issuer", "kind", "year", "last_number")
    list_filter = ("kind", "year")
    list_select_related = ("issuer",)
    search_fields = ("issuer__name", "issuer__code")
    autocomplete_fields = ("issuer",)
    ordering = ("issuer", "kind", "-year")

    def get_readonly_fields(self, request, obj=None):
        return ("issuer", "kind", "year") if obj else ()


@admin.register(RenderedDocument)
class RenderedDocumentAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    """Rendered by a worker and replaced when the inputs change: shown, never edited."""

    list_display = ("id", "conference", "kind", "subject_id", "input_hash", "size", "job", "created_at")
    list_filter = ("kind",)
    list_select_related = ("conference", "job")
    date_hierarchy = "created_at"
