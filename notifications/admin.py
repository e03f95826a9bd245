"""Django admin for the outbox: a view of what was sent, to whom, and how each try went.

Notices are read-only: a notice carries its rendered subject and bodies as they
were sent; changing or deleting one by hand would make the delivery log lie.
The three state changes an organizer makes (approve, cancel, resend) are admin
actions that call the outbox services.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conferences.admin import FoldedSearchMixin, ReadOnlyAdmin, ReadOnlyTabularInline
from conferences.exceptions import ApplicationError
from notifications.models import DeliveryAttempt, Notification, NotificationAttachment, RateLimitWindow
from notifications.selectors import notification_list
from notifications.services.outbox import notification_approve, notification_cancel, notification_resend


class OutboxScopedAdminMixin:
    """A user who is not a superuser sees only the notices the outbox selector shows them.

    Staff status opens the admin; whose notices are seen is notification_list's rule, the same
    as on the outbox pages and the API. `notice_lookup` is the path to the notice.
    """

    notice_lookup = "pk"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = notification_list(user=request.user).order_by().values("pk")
        return queryset.filter(**{f"{self.notice_lookup}__in": visible})

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        if request.user.is_superuser:
            return list_filter
        # Only the conferences of the notices listed, not every conference's title.
        return [(e, admin.RelatedOnlyFieldListFilter) if e == "conference" else e for e in list_filter]


class NotificationAttachmentInline(ReadOnlyTabularInline):
    model = NotificationAttachment
    fields = ("filename", "content_type", "file")
    readonly_fields = fields


class DeliveryAttemptInline(ReadOnlyTabularInline):
    model = DeliveryAttempt
    fields = ("started_at", "worker", "outcome", "smtp_code", "response")
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(OutboxScopedAdminMixin, FoldedSearchMixin, ReadOnlyAdmin):
    list_display = (
        "created_at",
        "state",
        "kind",
        "recipient_address",
        "recipient_name",
        "subject",
        "conference",
        "attempts",
        "sent_at",
    )
    list_filter = ("state", "kind", "channel", "conference")
    list_select_related = ("conference",)
    search_fields = ("recipient_address", "recipient_name", "subject", "=idempotency_key")
    folded_search_fields = ("recipient_person__search_name", "recipient_organization__search_name")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fieldsets = (
        (
            None,
            {"fields": ("state", "kind", "channel", "conference", "idempotency_key", "resent_from")},
        ),
        (
            _("Recipient"),
            {
                "fields": (
                    "recipient_person",
                    "recipient_organization",
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
class NotificationAttachmentAdmin(OutboxScopedAdminMixin, ReadOnlyAdmin):
    notice_lookup = "notification"
    list_display = ("filename", "content_type", "notification")
    list_select_related = ("notification",)
    search_fields = ("filename", "notification__recipient_address", "notification__subject")
    ordering = ("-notification__created_at", "filename")


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(OutboxScopedAdminMixin, ReadOnlyAdmin):
    notice_lookup = "notification"
    list_display = ("started_at", "outcome", "smtp_code", "worker", "notification")
    list_filter = ("outcome",)
    list_select_related = ("notification",)
    search_fields = ("notification__recipient_address", "notification__subject", "response")
    date_hierarchy = "started_at"
    ordering = ("-started_at",)


@admin.register(RateLimitWindow)
class RateLimitWindowAdmin(ReadOnlyAdmin):
    """The per-minute send counters, shown to explain why mail is waiting; workers own the rows."""

    list_display = ("key", "window_start", "count")
    search_fields = ("key",)
    date_hierarchy = "window_start"
    ordering = ("-window_start", "key")
