"""The notifications entry point for the rest of the code is `notify`."""

from notifications.services.outbox import Attachment, Recipient, notify

__all__ = ["Attachment", "Recipient", "notify"]
