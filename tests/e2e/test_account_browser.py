"""An organizer signs in on the site's own page, finds the workspace and signs out from the header."""

import pytest
from playwright.sync_api import sync_playwright

from conferences.models import ConferenceRole
from tests.e2e.conftest import TITLE, csp_reports, launch_chromium, model_conference
from tests.factories import PASSWORD, ConferenceRoleFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_sign_in_workspace_and_sign_out_by_keyboard_on_a_phone(live_server, chromium_path):
    conference, _department = model_conference()
    user = UserFactory(username="bantochuc", first_name="Lan", last_name="Nguyễn Thị")
    ConferenceRoleFactory(conference=conference, user=user, role=ConferenceRole.Role.ORGANIZER)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
            reports = csp_reports(page)
            page.goto(f"{live_server.url}/")
            page.get_by_role("link", name="Đăng nhập").click()
            page.wait_for_url(f"{live_server.url}/dang-nhap/")
            sign_in_fits = page.evaluate(NO_SIDEWAYS_SCROLL)
            page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("bantochuc")
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{live_server.url}/to-chuc/")
            lang = page.get_attribute("html", "lang")
            heading = page.locator("article h2").all_inner_texts()
            account_name = page.locator(".account-name").inner_text()
            workspace_fits = page.evaluate(NO_SIDEWAYS_SCROLL)
            page.screenshot(path="/tmp/account-e2e-workspace.png", full_page=True)
            # The header's sign-out button answers the keyboard like any button.
            page.locator("nav.account button").focus()
            page.keyboard.press("Enter")
            page.wait_for_url(f"{live_server.url}/")
            page.goto(f"{live_server.url}/to-chuc/")
            after = page.url
        finally:
            browser.close()

    assert reports == []
    assert sign_in_fits and workspace_fits
    assert lang == "vi"
    assert heading == [TITLE]
    assert account_name == "Lan Nguyễn Thị"
    assert after == f"{live_server.url}/dang-nhap/?next=/to-chuc/"
