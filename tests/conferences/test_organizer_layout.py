"""The organizer pages' layout: the conference's title and one navigation, the current page marked."""

import re

import pytest
from django.urls import reverse

from conferences.templatetags.organizer_nav import SECTIONS, organizer_links
from tests.conferences.notice_helpers import make_notice

pytestmark = pytest.mark.django_db

# Organizer pages of a conference with nothing in it that answer 200, and the section each belongs to.
PAGES = [
    ("organizer-dashboard", "dashboard"),
    ("conference-edit", "settings"),
    ("conference-team", "team"),
    ("organizer-delegates", "answers"),
    ("organizer-invitations", "invitations"),
    ("organizer-call-for-papers", "call"),
    ("organizer-reviewers", "reviewers"),
    ("organizer-assignments", "assignments"),
    ("organizer-papers", "papers"),
    ("agenda-editor", "agenda"),
    ("organizer-awards", "awards"),
    ("organizer-nominations", "nominations"),
    ("organizer-ceremony", "ceremony"),
    ("organizer-certificates", "certificates"),
    ("organizer-check-in", "check-in"),
    ("organizer-proceedings", "proceedings"),
    ("outbox", "notices"),
]


def nav_of(html: str) -> str:
    navs = re.findall(r'<nav class="organizer-nav".*?</nav>', html, re.S)
    assert len(navs) == 1
    return navs[0]


def current_links(nav: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]*)" aria-current="(page|true)">', nav)


@pytest.mark.parametrize(("url_name", "section"), PAGES)
def test_every_organizer_page_has_the_navigation_with_its_section_current(
    organizer_client, conference, url_name, section
):
    url = reverse(f"conferences:{url_name}", kwargs={"slug": conference.slug})

    response = organizer_client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    nav = nav_of(html)
    assert 'aria-label="Organizer pages of this conference"' in nav
    assert current_links(nav) == [(url, "page")]
    labels = {s.key: str(s.label) for s in SECTIONS}
    assert f'aria-current="page">{labels[section]}</a>' in nav
    # The layout names the conference once, linked to its public page.
    assert f'<a href="/hoi-nghi/{conference.slug}/">{conference.title}</a>' in html
    assert f'href="/to-chuc/{conference.slug}/"' in nav  # the dashboard, from every page


def test_a_sub_page_marks_its_section_as_current_but_not_as_the_page(organizer_client, conference):
    notice = make_notice(conference, 1)

    html = organizer_client.get(
        reverse("conferences:notification", kwargs={"slug": conference.slug, "pk": notice.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    assert current_links(nav_of(html)) == [(f"/to-chuc/{conference.slug}/thong-bao/", "true")]


@pytest.mark.parametrize(
    ("url_name", "section_url"), [("conference-publish", "cai-dat"), ("conference-close", "cai-dat")]
)
def test_the_state_pages_sit_in_the_layout_under_the_settings(
    organizer_client, conference, url_name, section_url
):
    html = organizer_client.get(
        reverse(f"conferences:{url_name}", kwargs={"slug": conference.slug}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert current_links(nav_of(html)) == [(f"/to-chuc/{conference.slug}/{section_url}/", "true")]
    assert html.count("<h1>") == 1


def test_the_team_withdraw_page_sits_in_the_layout_under_the_team(organizer_client, conference, organizer):
    from conferences.models import ConferenceRole
    from tests.factories import ConferenceRoleFactory

    other = ConferenceRoleFactory(
        conference=conference, role=ConferenceRole.Role.REVIEWER, user__password=None
    )
    html = organizer_client.get(
        reverse("conferences:conference-team-withdraw", args=[conference.slug, other.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    assert current_links(nav_of(html)) == [(f"/to-chuc/{conference.slug}/nhom/", "true")]
    assert "Withdraw a role" in html


def test_the_create_page_has_the_layout_without_a_conference_navigation(client, host):
    from tests.conferences.setup_helpers import creator_make

    client.force_login(creator_make())

    response = client.get(reverse("conferences:conference-create"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="organizer-layout">' in html and '<div class="organizer-body">' in html
    assert 'class="organizer-nav"' not in html
    assert "<h1>New conference</h1>" in html


def test_the_setup_pages_have_no_second_navigation_of_their_own(organizer_client, conference):
    for name in ("conference-edit", "conference-team", "conference-publish"):
        html = organizer_client.get(
            reverse(f"conferences:{name}", kwargs={"slug": conference.slug}), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert 'aria-label="Conference set-up"' not in html, name
        assert (
            html.count("<nav") == html.count("</nav>")
            and len(re.findall(r'<nav class="organizer-nav"', html)) == 1
        )


def test_sections_whose_page_does_not_exist_are_left_out(monkeypatch):
    from conferences.templatetags import organizer_nav

    sections = (
        organizer_nav.Section("dashboard", "Overview", ("organizer-dashboard",), ("organizer-dashboard",)),
        organizer_nav.Section("later", "A page built later", ("no-such-page",), ("no-such-page",)),
        organizer_nav.Section("notices", "Notices", ("no-such-page", "outbox"), ("outbox",)),
    )
    monkeypatch.setattr(organizer_nav, "SECTIONS", sections)

    links = organizer_links(slug="so-ket-19", url_name="outbox", path="/to-chuc/so-ket-19/thong-bao/")

    assert [(link.key, link.url, link.current) for link in links] == [
        ("dashboard", "/to-chuc/so-ket-19/", ""),
        ("notices", "/to-chuc/so-ket-19/thong-bao/", "page"),
    ]


@pytest.mark.parametrize(
    ("url_name", "key"),
    [
        ("organizer-invitation-answer", "answers"),
        ("organizer-delegates-check-in", "answers"),
        ("conference-publish", "settings"),
        ("conference-close", "settings"),
        ("conference-room-add", "settings"),
        ("conference-team-withdraw", "team"),
        ("organizer-invitation", "invitations"),
        ("organizer-invitations-bulk-create", "invitations"),
        ("organizer-reviewer-remove", "reviewers"),
        ("organizer-reviews-csv", "papers"),
        ("organizer-paper-figure", "papers"),
        ("agenda-item-move", "agenda"),
        ("organizer-nomination-reject", "nominations"),
        ("organizer-award-edit", "awards"),
        ("organizer-certificate-revoke", "certificates"),
        ("notification-resend", "notices"),
        ("organizer-dashboard", "dashboard"),
        ("detail", ""),
    ],
)
def test_the_section_a_page_belongs_to(url_name, key):
    links = organizer_links(slug="so-ket-19", url_name=url_name, path="/elsewhere/")

    assert [link.key for link in links if link.current] == ([key] if key else [])


def test_the_answers_link_leads_to_the_delegate_list():
    answers = next(link for link in organizer_links(slug="s", url_name="", path="") if link.key == "answers")

    assert answers.url == "/to-chuc/s/dai-bieu/"


def test_the_public_conference_page_sends_organizers_to_the_dashboard(organizer_client, conference):
    html = organizer_client.get(conference.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f'<a href="/to-chuc/{conference.slug}/">Open the organizer\'s dashboard</a>' in html
