"""The idempotency-key prefixes of the notices conferences writes to the outbox.

Services write keys under these prefixes and selectors find a record's notices
by them, so both take the prefix from here.
"""


def invitation_notice_prefix(invitation_id: int) -> str:
    return f"invitation:{invitation_id}:"


def agenda_notice_prefix(conference_id: int, version_number: int) -> str:
    return f"agenda:{conference_id}:v{version_number}:"
