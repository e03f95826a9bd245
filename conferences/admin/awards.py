"""Admin for award categories, award decisions, awards and certificates."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from conferences.admin.base import ConferenceScopedAdminMixin, _take_over
from conferences.models import (
    Award,
    AwardCategory,
    AwardDecision,
    CeremonyBatch,
    CeremonyState,
    Certificate,
    Job,
    Nomination,
    NominationScore,
    Organization,
)
from conferences.services.awards import award_decision_create
from conferences.services.certificates import certificate_issue, certificate_revoke
from core.admin import FoldedSearchMixin, ReadOnlyAdmin
from core.exceptions import ApplicationError


@admin.register(AwardCategory)
class AwardCategoryAdmin(admin.ModelAdmin):
    list_display = ("name_vi", "code", "short_name", "issuer_title", "page_width_mm", "page_height_mm")
    search_fields = ("name_vi", "name_en", "code")
    ordering = ("name_vi",)


class AwardInline(ConferenceScopedAdminMixin, admin.StackedInline):
    conference_lookup = "decision__conference"
    model = Award
    extra = 0
    fields = (
        ("ceremony_order", "category"),
        ("recipient_organization", "recipient_person"),
        "citation",
        "register_number",
    )
    autocomplete_fields = ("category", "recipient_organization", "recipient_person")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category", "recipient_organization", "recipient_person")
        )


class AwardDecisionAddForm(forms.ModelForm):
    issuer = forms.ModelChoiceField(
        label=_("issuer"),
        queryset=Organization.objects.exclude(code="").order_by("name"),
        help_text=_("The agency whose next decision number (QĐ) is taken; it needs a document code."),
    )


@admin.register(AwardDecision)
class AwardDecisionAdmin(ConferenceScopedAdminMixin, admin.ModelAdmin):
    list_display = ("document", "subject", "signed_on", "signer_name", "conference")
    # Only the agencies that issued a decision, not every organization.
    list_filter = ("conference", ("document__issuer", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("document__issuer", "conference")
    search_fields = ("subject", "signer_name", "document__issuer__code", "document__number__exact")
    autocomplete_fields = ("conference",)
    date_hierarchy = "signed_on"
    ordering = ("-signed_on", "-id")
    readonly_fields = ("document", "created_at")
    inlines = [AwardInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AwardDecisionAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            return ["issuer", *(f for f in fields if f not in {"issuer", "document", "created_at"})]
        return fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new decision takes the issuer's next QĐ number in this same transaction.
        data = form.cleaned_data
        decision = award_decision_create(
            issuer=data["issuer"],
            signed_on=data["signed_on"],
            subject=data["subject"],
            signer_title=data["signer_title"],
            signer_name=data["signer_name"],
            signing_authority=data.get("signing_authority", ""),
            conference=data.get("conference"),
        )
        _take_over(obj, decision)


@admin.register(Award)
class AwardAdmin(ConferenceScopedAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    conference_lookup = "decision__conference"
    list_display = ("decision", "ceremony_order", "category", "recipient", "register_number")
    list_filter = ("category", "decision__conference")
    list_select_related = (
        "decision__document__issuer",
        "category",
        "recipient_organization",
        "recipient_person",
    )
    search_fields = ("recipient_organization__name", "recipient_person__full_name", "register_number")
    folded_search_fields = ("recipient_organization__search_name", "recipient_person__search_name")
    autocomplete_fields = ("decision", "category", "recipient_organization", "recipient_person")
    ordering = ("decision", "ceremony_order")

    @admin.display(description=_("recipient"))
    def recipient(self, obj: Award) -> str:
        return obj.recipient_name


@admin.register(Certificate)
class CertificateAdmin(ConferenceScopedAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    """Certificates are issued by certificate_issue and revoked by certificate_revoke, never edited."""

    list_display = ("serial", "recipient_name", "kind", "conference", "issued_at", "is_valid")
    list_filter = ("kind", "conference", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("conference",)
    search_fields = ("serial", "verification_code", "recipient_name")
    folded_search_fields = ("recipient_person__search_name", "recipient_organization__search_name")
    autocomplete_fields = (
        "conference",
        "recipient_person",
        "recipient_organization",
        "registration",
        "award",
    )
    date_hierarchy = "issued_at"
    ordering = ("conference", "serial")

    _ISSUE_FIELDS = (
        "conference",
        "kind",
        "recipient_person",
        "recipient_organization",
        "registration",
        "award",
    )

    @admin.display(description=_("valid"), boolean=True)
    def is_valid(self, obj: Certificate) -> bool:
        return obj.is_valid

    def get_fields(self, request, obj=None):
        if obj is None:
            return self._ISSUE_FIELDS
        return [f.name for f in Certificate._meta.fields if f.name != "id"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        editable = {"revocation_reason"} if obj.is_valid else set()
        return [f.name for f in Certificate._meta.fields if f.name not in editable | {"id"}]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.is_valid and "revocation_reason" in form.base_fields:
            form.base_fields["revocation_reason"].help_text = _(
                "Enter a reason and save to revoke this certificate. A revocation cannot be undone."
            )
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            certificate = certificate_issue(
                **{name: form.cleaned_data.get(name) for name in self._ISSUE_FIELDS}
            )
            _take_over(obj, certificate)
            return
        reason = (form.cleaned_data.get("revocation_reason") or "").strip()
        if "revocation_reason" in form.changed_data and reason:
            try:
                certificate_revoke(certificate=obj, reason=reason)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)


@admin.register(CeremonyBatch)
class CeremonyBatchAdmin(ConferenceScopedAdminMixin, admin.ModelAdmin):
    list_display = ("position", "title", "presenter", "conference", "agenda_item")
    list_filter = ("conference",)
    list_select_related = ("conference", "agenda_item")
    search_fields = ("title", "presenter")
    autocomplete_fields = ("conference", "agenda_item")
    ordering = ("conference", "position")


@admin.register(CeremonyState)
class CeremonyStateAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("conference", "current_batch", "step", "updated_at", "updated_by")
    list_select_related = ("conference", "current_batch", "updated_by")


@admin.register(Job)
class JobAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    list_display = (
        "id",
        "kind",
        "status",
        "done",
        "total",
        "conference",
        "created_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "status", "conference")
    list_select_related = ("conference", "created_by")
    date_hierarchy = "created_at"


# Nominations and panel scores are written by services only (the deadline, the file checks, the panel
# rule, approval into a decision): the admin shows them.
@admin.register(Nomination)
class NominationAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    list_display = (
        "id",
        "conference",
        "category",
        "nominee_organization",
        "nominee_person",
        "status",
        "created_at",
    )
    list_filter = ("status", "conference")
    list_select_related = ("conference", "category", "nominee_organization", "nominee_person")
    date_hierarchy = "created_at"


@admin.register(NominationScore)
class NominationScoreAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    conference_lookup = "nomination__conference"
    list_display = ("nomination", "reviewer", "status", "submitted_at")
    list_filter = ("status",)
    list_select_related = (
        "nomination__category",
        "nomination__nominee_organization",
        "nomination__nominee_person",
        "reviewer",
    )
