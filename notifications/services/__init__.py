"""What the rest of the code may call to write to the outbox."""

from notifications.kinds import register as notice_kind_register
from notifications.services.outbox import (
    Attachment,
    Recipient,
    notification_approve,
    notification_cancel,
    notification_cancel_waiting,
    notification_resend,
    notify,
)

__all__ = [
    "Attachment",
    "Recipient",
    "notice_kind_register",
    "notification_approve",
    "notification_cancel",
    "notification_cancel_waiting",
    "notification_resend",
    "notify",
]
