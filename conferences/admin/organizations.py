"""Admin for provinces, organizations and people."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conferences.admin.base import ConferenceScopedAdminMixin
from conferences.models import Organization, Person, Province
from conferences.selectors.conferences import conference_ids_organized_by
from conferences.selectors.people import people_visible_in_conferences
from core.admin import FoldedSearchMixin
from core.text import fold


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    ordering = ("code",)


# The admin forms below carry no Meta: ModelAdmin builds each one for its model
# and picks the fields, so a field added to a model shows up without a change here.


class OrganizationAdminForm(forms.ModelForm):
    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        # The model's uniqueness rules are on the folded name, which the form does
        # not carry (it is derived in save()), so the form would let a clash
        # through to the database; check it here with a readable message.
        if name:
            clashes = Organization.objects.filter(search_name=fold(name), parent=cleaned.get("parent"))
            if self.instance.pk:
                clashes = clashes.exclude(pk=self.instance.pk)
            if clashes.exists():
                self.add_error(
                    "name",
                    _(
                        "An organization with this name already exists under the same parent "
                        "(accents and case are ignored)."
                    ),
                )
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(FoldedSearchMixin, admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = ("name", "short_name", "code", "kind", "province", "parent")
    list_filter = ("kind", "province")
    list_select_related = ("province", "parent")
    search_fields = ("name", "short_name", "code")
    folded_search_fields = ("search_name",)
    autocomplete_fields = ("parent", "province")
    ordering = ("name",)
    readonly_fields = ("search_name", "created_at", "updated_at")


class PersonAdminForm(forms.ModelForm):
    def clean_email(self) -> str:
        # Stored lower-case (Person.save), so compare in lower case too. The model
        # constraint would only give an unattributed "constraint violated" error.
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if email and Person.objects.filter(email=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another person already has this e-mail address."))
        return email


@admin.register(Person)
class PersonAdmin(ConferenceScopedAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    """People are shared by every conference: a non-superuser sees those their conferences may see."""

    form = PersonAdminForm
    list_display = ("full_name", "position", "organization", "email", "phone", "language", "locked")
    list_filter = ("locked", "language", "organization__kind", "organization__province")
    list_select_related = ("organization",)
    search_fields = ("full_name", "email", "phone", "position")
    folded_search_fields = ("search_name",)
    autocomplete_fields = ("organization", "user")
    ordering = ("sort_key", "id")
    readonly_fields = ("search_name", "sort_key", "created_at")

    def scope_queryset(self, queryset, request):
        organized = conference_ids_organized_by(user=request.user)
        return queryset.filter(pk__in=people_visible_in_conferences(conference_ids=organized).values("pk"))
