"""Django admin for the outbox: a view of what was sent, to whom, and how each try went.

Everything here is read-only. A notice carries its rendered subject and bodies
as they were sent; changing or deleting one by hand would make the delivery log
lie. State changes (approve, cancel, resend) belong in services, not here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conferences.admin import FoldedSearchMixin, ReadOnlyAdmin, ReadOnlyTabularInline
from notifications.models import DeliveryAttempt, Notification, NotificationAttachment, RateLimitWindow


class NotificationAttachmentInline(ReadOnlyTabularInline):
    model = NotificationAttachment
    fields = ("filename", "content_type", "file")
    readonly_fields = fields


class DeliveryAttemptInline(ReadOnlyTabularInline):
    model = DeliveryAttempt
    fields = ("started_at", "worker", "outcome", "smtp_code", "response")
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(FoldedSearchMixin, ReadOnlyAdmin):
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


@admin.register(NotificationAttachment)
class NotificationAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("filename", "content_type", "notification")
    list_select_related = ("notification",)
    search_fields = ("filename", "notification__recipient_address", "notification__subject")
    ordering = ("-notification__created_at", "filename")


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
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
