"""The invitations page names its bulk-invite section: its fields share their labels with the filter's."""

import re

import pytest
from django.urls import reverse

from tests.factories import ConferenceFactory, ConferenceRoleFactory

pytestmark = pytest.mark.django_db


def test_the_bulk_invite_section_is_a_region_named_by_its_heading(client):
    conference = ConferenceFactory()
    client.force_login(ConferenceRoleFactory(conference=conference).user)

    html = client.get(
        reverse("conferences:organizer-invitations", args=[conference.slug]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    section = re.search(r'<section class="bulk-invite" aria-labelledby="([\w-]+)">', html)
    assert section, "the bulk-invite section has no accessible name"
    heading = re.search(rf'<h2 id="{section[1]}">([^<]+)</h2>', html)
    assert heading and heading[1] == "Invite a group of agencies"
    # Both forms have an "Agency kind" field: the region tells them apart.
    assert len(re.findall(r"<label[^>]*>Agency kind", html)) == 2
