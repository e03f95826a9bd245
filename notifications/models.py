import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimestampedModel
from core.text import fold


def search_text(name: str, address: str) -> str:
    """What the outbox's recipient filter searches: the folded name and the address."""
    return f"{fold(name)} {address.lower()}"[:500]


def attachment_upload_to(instance, filename: str) -> str:
    return f"notifications/{instance.notification_id}/{filename}"


class Notification(TimestampedModel):
    """One outgoing notice: an outbox row written in the transaction that causes it.

    The row carries everything needed to send it (rendered subject and bodies,
    attachments), so delivery never depends on data that may change later.
    """

    class State(models.TextChoices):
        HELD = "held", _("Held for approval")
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DEAD = "dead", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # Not yet handed to a worker: an organizer may still approve or cancel these.
    WAITING_STATES = frozenset({State.HELD, State.PENDING})

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    # Which group of notices this row belongs to, in the caller's words (conferences writes
    # "conference:<id>"): the outbox filters by it and knows nothing of what it names.
    scope = models.CharField(_("scope"), max_length=100, blank=True)
    # Who the recipient is in the caller's records ("person:<id>"), opaque to the outbox.
    recipient_ref = models.CharField(_("recipient reference"), max_length=100, blank=True)
    recipient_name = models.CharField(_("recipient name"), max_length=255, blank=True)
    recipient_address = models.CharField(_("address"), max_length=254)
    # Folded name and address: organizers find "Quảng Ninh" by typing "quang ninh".
    recipient_search = models.CharField(max_length=500, editable=False, blank=True, db_index=False)
    language = models.CharField(_("language"), max_length=8, default="vi")
    subject = models.CharField(_("subject"), max_length=500)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    # The e-mail as it goes on the wire, less its Date header, built once when the row is written
    # (for rows without attachments): a worker then sends bytes instead of building MIME per message.
    mime = models.BinaryField(null=True, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    smtp_response = models.CharField(_("server response"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    resent_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["scope", "state"], name="notification_scope_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.subject} → {self.recipient_address}"

    def save(self, *args, **kwargs):
        self.recipient_search = search_text(self.recipient_name, self.recipient_address)
        super().save(*args, **kwargs)

    @property
    def message_id(self) -> str:
        return f"<{self.id}@hoinghi>"


class NotificationAttachment(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class RateLimitWindow(models.Model):
    """Messages sent to one outgoing server in one minute, counted across every worker."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_limit_window_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%H:%M}: {self.count}"


class DeliveryAttempt(models.Model):
    """One try at sending a notice: the delivery log organizers read."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        RETRY = "retry", _("Will be retried")
        DEAD = "dead", _("Failed for good")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="delivery_attempts")
    started_at = models.DateTimeField(_("time"))
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    smtp_code = models.PositiveSmallIntegerField(_("server code"), null=True, blank=True)
    response = models.TextField(_("server response"), blank=True)

    class Meta:
        ordering = ["notification", "started_at"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} {self.outcome}"
