"""The dashboard and the organizer layout in a real browser: desktop, tablet and phone widths."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import sync_playwright

from conferences.models import Invitation, Organization
from tests.conferences.notice_helpers import make_notice
from tests.e2e.conftest import csp_reports, launch_chromium
from tests.factories import (
    ConferenceFactory,
    ConferenceRoleFactory,
    InvitationFactory,
    OrganizationFactory,
    PersonFactory,
    ProvinceFactory,
    RegistrationFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = {"desktop": 1280, "tablet": 768, "phone": 390}


@pytest.fixture
def seeded():
    """A published conference two days before its RSVP deadline with answers, delegates and held notices."""
    starts = timezone.now() + datetime.timedelta(days=10)
    conference = ConferenceFactory(
        published=True,
        slug="so-ket-19",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        rsvp_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    for n, name in enumerate(["Quảng Ninh", "Hải Phòng", "Thành phố Hồ Chí Minh"]):
        province = ProvinceFactory(name=name)
        for kind in (Organization.Kind.PROVINCIAL_COMMITTEE, Organization.Kind.DEPARTMENT)[: n + 1]:
            organization = OrganizationFactory(kind=kind, province=province)
            InvitationFactory(
                conference=conference, organization=organization, status=Invitation.Status.ACCEPTED
            )
            RegistrationFactory(
                conference=conference, organization=organization, person=PersonFactory(), status="confirmed"
            )
    InvitationFactory(conference=conference, status=Invitation.Status.SENT)
    make_notice(conference, 1)
    return conference, ConferenceRoleFactory(conference=conference, user__password=None).user


def session_cookie(live_server, user) -> dict:
    """A session cookie of `user`, made with Django's test client (no sign-in form); before Playwright starts,
    whose event loop refuses database work in its thread."""
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}


def test_the_dashboard_fits_every_width_and_the_navigation_folds_on_a_phone(
    live_server, chromium_path, seeded
):
    conference, organizer = seeded
    url = live_server.url + reverse("conferences:organizer-dashboard", args=[conference.slug])
    outbox = live_server.url + reverse("conferences:outbox", args=[conference.slug])
    seen = {}
    cookie = session_cookie(live_server, organizer)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            for name, width in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
                context.add_cookies([cookie])
                page = context.new_page()
                reports = csp_reports(page)
                try:
                    page.goto(url)
                    toggle = page.locator(".organizer-nav-toggle")
                    links = page.locator("#organizer-nav-list")
                    seen[name] = {
                        "heading": page.locator("h1").inner_text(),
                        "sideways": page.evaluate("document.documentElement.scrollWidth > window.innerWidth"),
                        "charts": [
                            box["width"] > 100
                            for box in (svg.bounding_box() for svg in page.locator("svg.chart").all())
                        ],
                        "toggle": toggle.is_visible(),
                        "links": links.is_visible(),
                        "attention": page.locator(".dashboard-attention li").count(),
                    }
                    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}.png"), full_page=True)
                    if name == "phone":
                        toggle.click()
                        seen[name]["links after click"] = links.is_visible()
                        seen[name]["expanded"] = toggle.get_attribute("aria-expanded")
                        page.locator("#organizer-nav-list").get_by_role(
                            "link", name="Thông báo", exact=True
                        ).click()
                        page.wait_for_url(outbox)
                        seen[name]["outbox sideways"] = page.evaluate(
                            "document.documentElement.scrollWidth > window.innerWidth"
                        )
                    seen[name]["csp"] = reports
                except Exception:
                    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}-failed.png"), full_page=True)
                    raise
                finally:
                    context.close()
        finally:
            browser.close()

    for name in WIDTHS:
        assert seen[name]["heading"]
        assert seen[name]["sideways"] is False, name
        assert seen[name]["charts"] == [True] * 7, name
        assert seen[name]["attention"] == 2, name  # the held notice, the agency that has not answered
        assert seen[name]["csp"] == [], name
    assert (seen["desktop"]["toggle"], seen["desktop"]["links"]) == (False, True)
    assert (seen["tablet"]["toggle"], seen["tablet"]["links"]) == (False, True)
    assert (seen["phone"]["toggle"], seen["phone"]["links"]) == (True, False)
    assert (seen["phone"]["links after click"], seen["phone"]["expanded"]) == (True, "true")
