"""Helpers of the conference set-up tests: a user allowed to create conferences, a link from the outbox."""

import re

from django.contrib.auth.models import Permission

from notifications.models import Notification
from tests.factories import UserFactory


def creator_make(**fields):
    """A user holding conferences.add_conference (no password: tests use force_login)."""
    user = UserFactory(password=None, **fields)
    user.user_permissions.add(
        Permission.objects.get(codename="add_conference", content_type__app_label="conferences")
    )
    return type(user).objects.get(pk=user.pk)  # A fresh instance: the permission cache is per instance.


def link_token(address: str, path: str) -> str:
    """The token of the newest notice to `address` whose body carries a link under `path` ("/nhom/moi/")."""
    notice = Notification.objects.filter(recipient_address=address).latest("created_at")
    match = re.search(re.escape(path) + r"([^/\s]+)/", notice.body_text)
    assert match, notice.body_text
    return match.group(1)
