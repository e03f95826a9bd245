"""The outbox pages name a notice's kind in the reader's language, not by its code ("invitation")."""

import pytest
from django.utils import translation

from notifications.kinds import KINDS
from tests.conferences.notice_helpers import make_notice
from tests.factories import ConferenceFactory, ConferenceRoleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_list_and_the_notice_page_show_the_kind_by_its_name(client, language):
    conference = ConferenceFactory()
    client.force_login(ConferenceRoleFactory(conference=conference).user)
    notice = make_notice(conference, 1)
    with translation.override(language):
        name = str(KINDS["invitation"].description)

    listing = client.get(f"/to-chuc/{conference.slug}/thong-bao/", HTTP_ACCEPT_LANGUAGE=language)
    detail = client.get(f"/to-chuc/{conference.slug}/thong-bao/{notice.pk}/", HTTP_ACCEPT_LANGUAGE=language)

    assert name != "invitation"
    assert f"<td>{name}</td>" in listing.content.decode()
    assert "<td>invitation</td>" not in listing.content.decode()
    assert f"<dd>{name}</dd>" in detail.content.decode()


def test_a_kind_no_longer_known_is_shown_by_its_code(client):
    conference = ConferenceFactory()
    client.force_login(ConferenceRoleFactory(conference=conference).user)
    make_notice(conference, 1, kind="retired_kind")

    listing = client.get(f"/to-chuc/{conference.slug}/thong-bao/")

    assert "<td>retired_kind</td>" in listing.content.decode()
