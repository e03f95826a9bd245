"""Django admin for the outbox: a view of what was sent, to whom, and how each try went.

Notices are read-only: a notice carries its rendered subject and bodies as they
were sent; changing or deleting one by hand would make the delivery log lie.
The three state changes an organizer makes (approve, cancel, resend) are admin
actions that call the outbox services.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import FoldedSearchMixin, ReadOnlyAdmin, ReadOnlyTabularInline
from core.exceptions import ApplicationError
from notifications.models import DeliveryAttempt, Notification, NotificationAttachment, RateLimitWindow
from notifications.services.outbox import notification_approve, notification_cancel, notification_resend


class SuperuserOnlyAdminMixin:
    """The outbox admin is the site administrators' (superusers') tool.

    The outbox knows nothing of conferences, so it cannot tell which notices an
    organizer may see: organizers use their conference's outbox pages, which
    the conference side scopes by its roles.
    """

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class NotificationAttachmentInline(ReadOnlyTabularInline):
    model = NotificationAttachment
    fields = ("filename", "content_type", "file")
    readonly_fields = fields


class DeliveryAttemptInline(ReadOnlyTabularInline):
    model = DeliveryAttempt
    fields = ("started_at", "worker", "outcome", "smtp_code", "response")
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(SuperuserOnlyAdminMixin, FoldedSearchMixin, ReadOnlyAdmin):
    list_display = (
        "created_at",
        "state",
        "kind",
        "recipient_address",
        "recipient_name",
        "subject",
        "scope",
        "attempts",
        "sent_at",
    )
    list_filter = ("state", "kind", "channel")
    search_fields = ("recipient_address", "recipient_name", "subject", "=idempotency_key", "=scope")
    folded_search_fields = ("recipient_search",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fieldsets = (
        (
            None,
            {"fields": ("state", "kind", "channel", "scope", "idempotency_key", "resent_from")},
        ),
        (
            _("Recipient"),
            {
                "fields": (
                    "recipient_ref",
                    "recipient_name",
                    "recipient_address",
                    "language",
                )
            },
        ),
        (_("Message"), {"fields": ("subject", "body_text", "body_html")}),
        (
            _("Delivery"),
            {
                "fields": (
                    "not_before",
                    "next_attempt_at",
                    "attempts",
                    "enqueued_at",
                    "lease_owner",
                    "lease_expires_at",
                    "last_error",
                    "smtp_response",
                    "sent_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = [NotificationAttachmentInline, DeliveryAttemptInline]
    actions = ["approve_selected", "cancel_selected", "resend_selected"]

    def has_manage_permission(self, request) -> bool:
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description=_("Approve the selected held notices"), permissions=["manage"])
    def approve_selected(self, request, queryset):
        count = notification_approve(ids=list(queryset.values_list("id", flat=True)))
        self.message_user(
            request, ngettext("%(n)d notice approved.", "%(n)d notices approved.", count) % {"n": count}
        )

    @admin.action(description=_("Cancel the selected notices not yet sent"), permissions=["manage"])
    def cancel_selected(self, request, queryset):
        count = notification_cancel(ids=list(queryset.values_list("id", flat=True)))
        self.message_user(
            request, ngettext("%(n)d notice cancelled.", "%(n)d notices cancelled.", count) % {"n": count}
        )

    @admin.action(description=_("Send the selected notices again"), permissions=["manage"])
    def resend_selected(self, request, queryset):
        resent = 0
        for notification in queryset:
            try:
                notification_resend(notification=notification)
                resent += 1
            except ApplicationError as exc:
                self.message_user(
                    request, f"{notification.recipient_address}: {exc.message}", messages.WARNING
                )
        self.message_user(
            request, ngettext("%(n)d notice sent again.", "%(n)d notices sent again.", resent) % {"n": resent}
        )


@admin.register(NotificationAttachment)
class NotificationAttachmentAdmin(SuperuserOnlyAdminMixin, ReadOnlyAdmin):
    list_display = ("filename", "content_type", "notification")
    list_select_related = ("notification",)
    search_fields = ("filename", "notification__recipient_address", "notification__subject")
    ordering = ("-notification__created_at", "filename")


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(SuperuserOnlyAdminMixin, ReadOnlyAdmin):
    list_display = ("started_at", "outcome", "smtp_code", "worker", "notification")
    list_filter = ("outcome",)
    list_select_related = ("notification",)
    search_fields = ("notification__recipient_address", "notification__subject", "response")
    date_hierarchy = "started_at"
    ordering = ("-started_at",)


@admin.register(RateLimitWindow)
class RateLimitWindowAdmin(SuperuserOnlyAdminMixin, ReadOnlyAdmin):
    """The per-minute send counters, shown to explain why mail is waiting; workers own the rows."""

    list_display = ("key", "window_start", "count")
    search_fields = ("key",)
    date_hierarchy = "window_start"
    ordering = ("-window_start", "key")
