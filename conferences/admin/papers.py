"""Admin for papers, their authors and revisions, review criteria and reviews."""

import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conferences.admin.base import ConferenceScopedAdminMixin
from conferences.models import (
    CallForPapers,
    Paper,
    PaperAuthor,
    PaperReviewFigures,
    PaperRevision,
    PaperTopic,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerConflict,
    ReviewerInvitation,
)
from conferences.services.call_for_papers import call_for_papers_validate
from conferences.services.paper_decisions import paper_decide
from conferences.services.review_figures import review_figures_refresh
from core.admin import FoldedSearchMixin, ReadOnlyAdmin, ReadOnlyTabularInline
from core.exceptions import ApplicationError


class PaperAuthorInline(ConferenceScopedAdminMixin, admin.TabularInline):
    conference_lookup = "paper__conference"
    model = PaperAuthor
    extra = 0
    fields = ("order", "person", "is_presenter")
    autocomplete_fields = ("person",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


class PaperRevisionInline(ConferenceScopedAdminMixin, ReadOnlyTabularInline):
    conference_lookup = "paper__conference"
    model = PaperRevision
    fields = ("number", "title", "file", "created_by", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


@admin.register(Paper)
class PaperAdmin(ConferenceScopedAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("title", "presenting_organization", "conference", "status", "submitted_at", "decided_at")
    list_filter = ("status", "conference")
    list_select_related = ("conference", "presenting_organization")
    search_fields = ("title", "presenting_organization__name")
    folded_search_fields = ("presenting_organization__search_name",)
    autocomplete_fields = ("conference", "invitation", "presenting_organization")
    date_hierarchy = "submitted_at"
    ordering = ("conference", "id")
    # Decisions go through paper_decide (the actions below), which keeps decided_at with the status.
    readonly_fields = ("status", "submitted_at", "decided_at", "created_at", "updated_at")
    inlines = [PaperAuthorInline, PaperRevisionInline]
    actions = ["accept", "request_revision", "reject"]

    def _decide(self, request, queryset, status: str) -> None:
        decided = 0
        for paper in queryset:
            try:
                paper_decide(paper=paper, status=status)
            except ApplicationError as exc:
                self.message_user(request, f"{paper}: {exc.message}", messages.ERROR)
                continue
            decided += 1
        self.message_user(
            request,
            ngettext("%(count)d paper updated.", "%(count)d papers updated.", decided) % {"count": decided},
            messages.SUCCESS,
        )

    @admin.action(description=_("Accept selected papers"), permissions=["change"])
    def accept(self, request, queryset):
        self._decide(request, queryset, Paper.Status.ACCEPTED)

    @admin.action(description=_("Request a revision of selected papers"), permissions=["change"])
    def request_revision(self, request, queryset):
        self._decide(request, queryset, Paper.Status.REVISION_REQUESTED)

    @admin.action(description=_("Reject selected papers"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, Paper.Status.REJECTED)


@admin.register(PaperAuthor)
class PaperAuthorAdmin(ConferenceScopedAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    conference_lookup = "paper__conference"
    list_display = ("paper", "order", "person", "is_presenter")
    list_filter = ("is_presenter", "paper__conference")
    list_select_related = ("paper", "person")
    search_fields = ("paper__title", "person__full_name")
    folded_search_fields = ("person__search_name",)
    autocomplete_fields = ("paper", "person")
    ordering = ("paper", "order")


@admin.register(PaperRevision)
class PaperRevisionAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    conference_lookup = "paper__conference"
    list_display = ("paper", "number", "title", "created_by", "created_at")
    list_filter = ("paper__conference",)
    list_select_related = ("paper", "created_by")
    search_fields = ("title", "paper__title")
    date_hierarchy = "created_at"
    ordering = ("paper", "number")


class RefreshesReviewFiguresMixin:
    """The stored review figures follow a criterion's weight, maximum and existence (see the service)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        review_figures_refresh(conference_id=obj.conference_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        review_figures_refresh(conference_id=obj.conference_id)

    def delete_queryset(self, request, queryset):
        conferences = set(queryset.values_list("conference_id", flat=True))
        super().delete_queryset(request, queryset)
        for conference_id in conferences:
            review_figures_refresh(conference_id=conference_id)


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(RefreshesReviewFiguresMixin, ConferenceScopedAdminMixin, admin.ModelAdmin):
    list_display = ("label", "code", "target", "conference", "max_score", "weight", "position")
    list_filter = ("target", "conference")
    list_select_related = ("conference",)
    search_fields = ("label", "code")
    autocomplete_fields = ("conference",)
    ordering = ("conference", "position", "code")


# Reviews are written by their reviewers through review_save (assignment, score ranges, the paper's
# state); the admin shows them.
@admin.register(Review)
class ReviewAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    conference_lookup = "paper__conference"
    list_display = ("paper", "reviewer", "recommendation", "created_at", "updated_at")
    list_filter = ("recommendation", "paper__conference")
    list_select_related = ("paper", "reviewer")
    search_fields = ("paper__title", "reviewer__username", "comment")
    autocomplete_fields = ("paper", "reviewer")
    date_hierarchy = "created_at"
    ordering = ("paper", "created_at")
    readonly_fields = ("created_at", "updated_at")


class CallForPapersAdminForm(forms.ModelForm):
    """The call's rules, as call_for_papers_update checks them (the close time is the conference's)."""

    def clean(self):
        cleaned = super().clean()
        candidate = copy.copy(self.instance)
        for name, value in cleaned.items():
            setattr(candidate, name, value)
        conference = cleaned.get("conference") or getattr(self.instance, "conference", None)
        if conference is None:
            return cleaned
        try:
            call_for_papers_validate(
                call=candidate, closes_at=conference.paper_deadline, conference=conference
            )
        except ValidationError as exc:
            self._update_errors(
                ValidationError(
                    {
                        ("__all__" if field == "closes_at" else field): messages
                        for field, messages in exc.message_dict.items()
                    }
                )
            )
        return cleaned


@admin.register(CallForPapers)
class CallForPapersAdmin(ConferenceScopedAdminMixin, admin.ModelAdmin):
    form = CallForPapersAdminForm
    list_display = ("conference", "opens_at", "eligibility", "blind_review", "reviewers_per_paper")
    list_select_related = ("conference",)
    search_fields = ("conference__title_vi", "conference__slug")
    autocomplete_fields = ("conference",)


@admin.register(PaperTopic)
class PaperTopicAdmin(ConferenceScopedAdminMixin, admin.ModelAdmin):
    list_display = ("label", "conference", "position")
    list_filter = ("conference",)
    list_select_related = ("conference",)
    search_fields = ("label",)
    autocomplete_fields = ("conference",)
    ordering = ("conference", "position", "id")


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    conference_lookup = "paper__conference"
    list_display = ("paper", "reviewer", "source", "assigned_by", "created_at")
    list_filter = ("source", "paper__conference")
    list_select_related = ("paper", "reviewer", "assigned_by")
    search_fields = ("paper__title", "reviewer__username")
    ordering = ("paper", "created_at")


@admin.register(ReviewerConflict)
class ReviewerConflictAdmin(ConferenceScopedAdminMixin, admin.ModelAdmin):
    list_display = ("reviewer", "organization", "conference", "reason")
    list_filter = ("conference",)
    list_select_related = ("reviewer", "organization", "conference")
    search_fields = ("reviewer__username", "organization__name")
    autocomplete_fields = ("conference", "reviewer", "organization")


@admin.register(ReviewerInvitation)
class ReviewerInvitationAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("full_name", "email", "conference", "created_at", "accepted_at", "revoked_at")
    list_filter = ("conference",)
    list_select_related = ("conference",)
    search_fields = ("full_name", "email")
    exclude = ("token_hash",)


@admin.register(PaperReviewFigures)
class PaperReviewFiguresAdmin(ConferenceScopedAdminMixin, ReadOnlyAdmin):
    """Derived from the reviews by services.review_figures; shown, never edited."""

    conference_lookup = "paper__conference"
    list_display = ("paper", "assigned", "done", "mean", "spread")
    list_filter = ("paper__conference",)
    list_select_related = ("paper",)
    search_fields = ("paper__title",)
    ordering = ("paper",)
