"""An organizer checks a delegate in at the door, on a phone, from a typed ticket code."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from conferences.models import Registration
from core.ticket_codes import ticket_code_display
from tests.e2e.conftest import assert_accessible, csp_reports, launch_chromium
from tests.factories import (
    ConferenceRoleFactory,
    OrganizationFactory,
    PersonFactory,
    ProvinceFactory,
    RegistrationFactory,
    conference_build,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/checkin-e2e.png"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_an_organizer_checks_a_delegate_in_from_a_typed_code_on_a_phone(live_server, chromium_path):
    host = OrganizationFactory(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    conference = conference_build(host)
    department = OrganizationFactory(
        name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        kind="department",
        province=ProvinceFactory(code="22", name="Quảng Ninh"),
    )
    khai = RegistrationFactory(
        conference=conference, organization=department, person=PersonFactory(full_name="Nguyễn Thị Minh Khai")
    )
    RegistrationFactory(conference=conference, organization=department)
    organizer = ConferenceRoleFactory(conference=conference, user__password=None).user
    # A signed-in session, handed to the browser as its cookie (signing in is tested elsewhere).
    signed_in = Client()
    signed_in.force_login(organizer)
    session = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    code = ticket_code_display(khai.ticket_code)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            context = browser.new_context(locale="vi-VN", **PHONE)
            context.add_cookies(
                [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page = context.new_page()
            reports = csp_reports(page)
            reloads = []
            page.on(
                "framenavigated",
                lambda frame: reloads.append(frame.url) if frame == page.main_frame else None,
            )
            page.goto(f"{live_server.url}/to-chuc/{conference.slug}/diem-danh/")
            assert_accessible(page)
            loads_before = len(reloads)
            assert page.locator("html").get_attribute("lang") == "vi"
            expect(page.locator("#check-in-arrived")).to_have_text("0")
            assert page.evaluate("document.activeElement.name") == "code"
            assert page.evaluate("typeof window.jsQR") == "function"

            page.fill("input[name=code]", code.lower())
            page.keyboard.press("Enter")
            panel = page.locator("#check-in-result")
            expect(panel).to_have_attribute("data-outcome", "checked_in")
            expect(page.locator("#check-in-arrived")).to_have_text("1")
            first_message = page.locator("#check-in-message").inner_text()

            page.fill("input[name=code]", code)
            page.click("#check-in-form button[type=submit]")
            expect(panel).to_have_attribute("data-outcome", "already")
            already = page.locator("#check-in-message").inner_text()
            counts_after = page.locator("#check-in-arrived").inner_text()
            province_rows = page.locator("#check-in-by-province tbody").inner_text()
            page.screenshot(path=SCREENSHOT, full_page=True)
            loads_after = len(reloads)
        finally:
            browser.close()

    assert reports == []
    assert loads_after == loads_before  # The results came without a reload.
    khai.refresh_from_db()
    assert khai.checked_in_by == organizer
    arrival = timezone.localtime(khai.checked_in_at).strftime("%H:%M")
    assert "Nguyễn Thị Minh Khai" in first_message
    assert "Nguyễn Thị Minh Khai" in already
    assert arrival in already  # "... already checked in at 07:42 by ...", in the page's language
    assert counts_after == "1"
    assert "Quảng Ninh" in province_rows
    assert Registration.objects.filter(conference=conference, checked_in_at__isnull=False).count() == 1
