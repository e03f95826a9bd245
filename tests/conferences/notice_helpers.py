"""Outbox rows of a conference written straight to the table, for the tests of the outbox page and API."""

from conferences.selectors.notices import conference_notice_scope
from notifications.models import Notification


def make_notice(conference, n: int, **fields) -> Notification:
    """One held invitation notice of the conference to "Sở Khoa học và Công nghệ số <n>"."""
    values = {
        "idempotency_key": f"test:{conference.slug}:{n}",
        "kind": "invitation",
        "scope": conference_notice_scope(conference.pk),
        "recipient_name": f"Sở Khoa học và Công nghệ số {n}",
        "recipient_address": f"so{n}@example.vn",
        "subject": f"Giấy mời dự hội nghị ({n})",
        "body_text": f"Kính gửi: Sở Khoa học và Công nghệ số {n}",
        "state": Notification.State.HELD,
    }
    return Notification.objects.create(**(values | fields))


def make_held_notices(conference, count: int) -> None:
    """`count` held notices of the conference in one statement, for the query-count tests."""
    Notification.objects.bulk_create(
        Notification(
            idempotency_key=f"bulk:{n}",
            kind="invitation",
            scope=conference_notice_scope(conference.pk),
            recipient_address=f"so{n}@example.vn",
            subject=f"Giấy mời {n}",
            body_text="Kính gửi",
            state=Notification.State.HELD,
        )
        for n in range(count)
    )
