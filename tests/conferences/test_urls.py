"""Conference slugs cannot shadow the site's own pages, nor be shadowed by them."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLResolver, get_resolver, resolve

from conferences.models.conference import RESERVED_SLUGS
from conferences.services.conferences import conference_create
from conferences.views import agenda as agenda_views
from conferences.views import imports as import_views
from conferences.views import organizer_invitations, organizer_outbox, public

SLUG_PARAMETER = re.compile(r"(<slug:\w+>|\(\?P<\w*slug>)")
LITERAL = re.compile(r"^[\w.-]+$")


def _routes(patterns, prefix: tuple[str, ...] = ()):
    for pattern in patterns:
        segments = tuple(s for s in str(pattern.pattern).strip("^$").split("/") if s)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + segments)
        else:
            yield prefix + segments


def literals_beside_a_slug() -> set[str]:
    """Literal segments that stand where another route of the same prefix takes a conference slug."""
    routes = list(_routes(get_resolver().url_patterns))
    slug_places = {
        (route[:i], i) for route in routes for i, seg in enumerate(route) if SLUG_PARAMETER.match(seg)
    }
    found = set()
    for route in routes:
        for i, segment in enumerate(route):
            if (route[:i], i) in slug_places and LITERAL.match(segment):
                found.add(segment.split(".")[0])
    return found


def test_every_word_that_stands_beside_a_slug_is_reserved():
    beside = literals_beside_a_slug()

    assert "co-quan" in beside  # /to-chuc/co-quan/nhap/ beside /to-chuc/<slug>/...
    assert beside <= RESERVED_SLUGS


def test_outbox_pages_sit_under_the_conference():
    assert resolve("/to-chuc/hoi-nghi-19/thong-bao/").func is organizer_outbox.outbox
    assert resolve("/to-chuc/hoi-nghi-19/giay-moi/").func is organizer_invitations.invitations


@pytest.mark.django_db
@pytest.mark.parametrize("word", sorted(RESERVED_SLUGS))
def test_a_conference_titled_with_a_reserved_word_gets_its_own_pages(word, conference):
    created = conference_create(
        title_vi=word, host=conference.host, starts_at=conference.starts_at, ends_at=conference.ends_at
    )

    assert created.slug == f"{word}-2"
    assert resolve(f"/to-chuc/{created.slug}/thong-bao/").kwargs == {"slug": created.slug}
    assert resolve(f"/to-chuc/{created.slug}/thong-bao/").func is organizer_outbox.outbox
    assert resolve(f"/to-chuc/{created.slug}/giay-moi/").func is organizer_invitations.invitations
    assert resolve(f"/hoi-nghi/{created.slug}/").func is public.conference_detail
    assert resolve(f"/hoi-nghi/{created.slug}/chuong-trinh/").func is agenda_views.agenda_page
    # The site's own pages keep their views.
    assert resolve("/to-chuc/co-quan/nhap/").func is import_views.organization_import


@pytest.mark.django_db
def test_a_reserved_slug_given_by_hand_is_refused(conference):
    with pytest.raises(ValidationError) as excinfo:
        conference_create(
            title_vi="Hội nghị",
            slug="co-quan",
            host=conference.host,
            starts_at=conference.starts_at,
            ends_at=conference.ends_at,
        )

    assert excinfo.value.message_dict == {
        "slug": ["“co-quan” is a word the site's addresses use; choose another."]
    }
