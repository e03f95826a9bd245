"""Builders and readers shared by the tests of services/invitation_sending.py and services/rsvp.py."""

import re

from django.contrib.auth import get_user_model

from conferences.models import Invitation
from conferences.services.invitations import invitation_create
from conferences.services.organizations import organization_create
from conferences.services.rsvp import DelegateInput
from notifications.models import Notification
from tests.factories import conference_build

RSVP_LINK = re.compile(r"/tra-loi/([A-Za-z0-9_-]+)/")
DELEGATE_LINK = re.compile(r"/dai-bieu/([A-Za-z0-9_.-]+)/")

# A month ahead, answers due in twenty days.
CONFERENCE = {"days_ahead": 30, "deadline_in_days": 20}


def make_conference(host, **changes):
    return conference_build(host, **(CONFERENCE | changes))


def make_agency(n: int = 1, *, emails: tuple[str, ...] | None = None):
    return organization_create(
        name=f"Sở Khoa học và Công nghệ tỉnh thử nghiệm {n}",
        kind="department",
        contact_emails=emails if emails is not None else (f"vanthu{n}@so.gov.vn", f"lanhdao{n}@so.gov.vn"),
    )


def make_user(username: str = "to-chuc"):
    return get_user_model().objects.create_user(username=username, password=None)


def make_invitation(conference, n: int = 1, **fields) -> Invitation:
    return invitation_create(conference=conference, organization=make_agency(n), **fields)


def notices(invitation, kind: str = "invitation"):
    return Notification.objects.filter(kind=kind, idempotency_key__startswith=f"invitation:{invitation.pk}:")


def tokens_in(rows) -> list[str]:
    return [RSVP_LINK.search(row.body_text).group(1) for row in rows]


def delegates(*emails: str) -> list[DelegateInput]:
    return [
        DelegateInput(full_name=f"Phạm Văn {e.split('@')[0]}", email=e, position="Phó Giám đốc")
        for e in emails
    ]
