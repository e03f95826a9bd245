"""Admin for conferences with their rooms and roles, invitations, registrations and the audit log."""

import copy

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conferences.admin.base import ConferenceScopedAdminMixin, _take_over
from conferences.models import (
    AuditEntry,
    Conference,
    ConferenceRole,
    Invitation,
    InvitationLink,
    Registration,
    ReviewCriterion,
    Room,
)
from conferences.services.check_in import registration_check_in
from conferences.services.conferences import (
    conference_create,
    conference_publish,
    conference_update,
    conference_validate,
)
from conferences.services.invitations import invitee_check
from conferences.services.review_figures import review_figures_refresh
from core.admin import FoldedSearchMixin, ReadOnlyAdmin
from core.exceptions import ApplicationError

# --- conferences --------------------------------------------------------------------------------------------


class RoomInline(ConferenceScopedAdminMixin, admin.TabularInline):
    model = Room
    extra = 0
    fields = ("name", "capacity", "position")


class ConferenceRoleInline(ConferenceScopedAdminMixin, admin.TabularInline):
    model = ConferenceRole
    extra = 0
    fields = ("user", "role")
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class ReviewCriterionInline(ConferenceScopedAdminMixin, admin.TabularInline):
    model = ReviewCriterion
    extra = 0
    fields = ("target", "position", "code", "label", "max_score")


class ConferenceAdminForm(forms.ModelForm):
    # Boxes to tick rather than the JSON the column stores.
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        initial=["vi"],
    )

    def clean(self):
        cleaned = super().clean()
        candidate = copy.copy(self.instance)
        for name, value in cleaned.items():
            setattr(candidate, name, value)
        try:
            conference_validate(conference=candidate)
        except ValidationError as exc:
            self._update_errors(exc)
        return cleaned


@admin.register(Conference)
class ConferenceAdmin(ConferenceScopedAdminMixin, admin.ModelAdmin):
    form = ConferenceAdminForm
    conference_lookup = "pk"
    list_display = ("title_vi", "slug", "kind", "status", "host", "starts_at", "ends_at", "venue_name")
    list_filter = ("status", "kind")
    list_select_related = ("host",)
    search_fields = ("title_vi", "title_en", "slug", "legal_basis", "venue_name")
    autocomplete_fields = ("host", "chair")
    prepopulated_fields = {"slug": ("title_vi",)}
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)
    # Status moves only through the actions below (services keep the dates with it).
    readonly_fields = ("status", "published_at", "closed_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title_vi", "title_en", "short_title", "slug", "kind", "status", "languages")}),
        (
            _("Subject"),
            {"fields": ("legal_basis", ("review_period_start", "review_period_end"), "description")},
        ),
        (_("Host and chair"), {"fields": ("host", "chair")}),
        (
            _("Time and place"),
            {
                "fields": (
                    ("starts_at", "ends_at"),
                    "venue_name",
                    "venue_address",
                    "capacity",
                    "default_delegate_quota",
                )
            },
        ),
        (_("Deadlines"), {"fields": ("rsvp_deadline", "paper_deadline")}),
        (_("Record"), {"fields": ("published_at", "closed_at", "created_at", "updated_at")}),
    )
    inlines = [RoomInline, ConferenceRoleInline, ReviewCriterionInline]
    actions = ["publish"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The criteria inline decides every review's weighted score (see the service).
        review_figures_refresh(conference_id=form.instance.pk)

    def save_model(self, request, obj, form, change):
        # The services own the rules (dates, the moved RSVP deadline re-planning links and reminders).
        if change:
            original = Conference.objects.get(pk=obj.pk)
            saved = conference_update(
                conference=original,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        else:
            saved = conference_create(actor=request.user, **form.cleaned_data)
        _take_over(obj, saved)

    @admin.action(description=_("Publish selected conferences"), permissions=["change"])
    def publish(self, request, queryset):
        published = 0
        for conference in queryset:
            was_draft = conference.status == Conference.Status.DRAFT
            try:
                conference_publish(conference=conference, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{conference}: {exc.message}", messages.ERROR)
                continue
            if was_draft:
                published += 1
        self.message_user(
            request,
            ngettext("%(count)d conference published.", "%(count)d conferences published.", published)
            % {"count": published},
            messages.SUCCESS,
        )


@admin.register(Room)
class RoomAdmin(ConferenceScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "conference", "capacity", "position")
    list_filter = ("conference",)
    list_select_related = ("conference",)
    search_fields = ("name", "conference__title_vi", "conference__slug")
    autocomplete_fields = ("conference",)
    ordering = ("conference", "position", "name")


@admin.register(ConferenceRole)
class ConferenceRoleAdmin(ConferenceScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "role", "conference", "created_at")
    list_filter = ("role", "conference")
    list_select_related = ("user", "conference")
    search_fields = ("user__username", "user__email", "conference__title_vi", "conference__slug")
    autocomplete_fields = ("conference", "user")
    ordering = ("conference", "role", "user")
    readonly_fields = ("created_at",)


# --- invitations and registrations ---------------------------------------------------------------------


class InvitationAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        conference = cleaned.get("conference")
        if conference is not None and not self.has_error("organization") and not self.has_error("person"):
            # Whom a conference may invite is the invitation service's rule, with its messages
            # (the database constraint alone would only say "constraint violated").
            try:
                invitee_check(
                    conference=conference,
                    organization=cleaned.get("organization"),
                    person=cleaned.get("person"),
                    invitation=self.instance,
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(ConferenceScopedAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    form = InvitationAdminForm
    list_display = (
        "invitee",
        "conference",
        "status",
        "delegate_quota",
        "paper_requested",
        "document",
        "sent_at",
        "responded_at",
    )
    list_filter = ("status", "paper_requested", "conference")
    list_select_related = ("conference", "organization", "person", "document__issuer")
    search_fields = ("addressee", "organization__name", "person__full_name")
    folded_search_fields = ("organization__search_name", "person__search_name")
    autocomplete_fields = ("conference", "organization", "person")
    ordering = ("conference", "id")
    # The document number is allocated by a service; RSVP links only ever exist as hashes.
    readonly_fields = (
        "document",
        "send_count",
        "sent_at",
        "responded_at",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("invitee"))
    def invitee(self, obj: Invitation) -> str:
        return obj.invitee_name


@admin.register(Registration)
class RegistrationAdmin(ConferenceScopedAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("person", "organization", "conference", "role", "status", "checked_in_at")
    list_filter = ("status", "role", "conference")
    list_select_related = ("person", "organization", "conference")
    search_fields = ("person__full_name", "person__email", "organization__name")
    folded_search_fields = ("person__search_name", "organization__search_name")
    autocomplete_fields = ("conference", "person", "organization", "invitation")
    ordering = ("conference", "person__sort_key")
    readonly_fields = ("ticket_code", "checked_in_at", "checked_in_by", "created_at", "updated_at")
    actions = ["check_in"]

    @admin.action(description=_("Check in selected delegates"), permissions=["change"])
    def check_in(self, request, queryset):
        arrived = 0
        for registration in queryset:
            try:
                arrived += registration_check_in(registration=registration, user=request.user).first_time
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d delegate checked in.", "%(count)d delegates checked in.", arrived)
            % {"count": arrived},
            messages.SUCCESS,
        )


# --- audit log ----------------------------------------------------------------------------------------------


@admin.register(InvitationLink)
class InvitationLinkAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    """RSVP links exist here only as hashes; the table shows which are live."""

    conference_lookup = "invitation__conference"
    list_display = ("invitation", "created_at", "expires_at", "revoked_at")
    list_filter = ("invitation__conference",)
    list_select_related = ("invitation__conference", "invitation__organization", "invitation__person")
    search_fields = ("invitation__organization__name",)
    fields = ("invitation", "created_at", "expires_at", "revoked_at")
    date_hierarchy = "created_at"


@admin.register(AuditEntry)
class AuditEntryAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("created_at", "action", "object_type", "object_id", "actor", "conference")
    list_filter = ("action", "object_type", "conference")
    list_select_related = ("actor", "conference")
    search_fields = ("action", "object_type", "=object_id", "actor__username")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
