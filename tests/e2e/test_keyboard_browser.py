"""The agenda editor and the check-in desk used with the keyboard alone: Tab reaches the controls, Enter and
Space act, and the focused control shows a visible ring."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from conferences.models import AgendaItem, Registration
from core.ticket_codes import ticket_code_display
from tests.e2e.conftest import assert_accessible, launch_chromium
from tests.factories import (
    ConferenceRoleFactory,
    OrganizationFactory,
    PersonFactory,
    RegistrationFactory,
    agenda_item_build,
    conference_build,
    local,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        tag: element.tagName.toLowerCase(),
        id: element.id,
        classes: element.className,
        name: (element.getAttribute("aria-label") || element.textContent || "").replace(/\\s+/g, " ").trim(),
        ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
        top: element.getBoundingClientRect().top,
    };
}"""


def _session(user) -> str:
    """A signed-in session for the browser's cookie, made before the browser starts (no ORM inside it)."""
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def _signed_in_context(browser, live_server, session: str, viewport):
    context = browser.new_context(locale="vi-VN", viewport=viewport)
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context


def _tab_until(page, selector: str, limit: int = 120) -> list[dict]:
    """Press Tab until the focus is on `selector`; return every control the focus passed."""
    passed = []
    for _press in range(limit):
        page.keyboard.press("Tab")
        passed.append(page.evaluate(FOCUSED))
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return passed
    raise AssertionError(f"Tab never reached {selector}; it passed {[c['name'] for c in passed]}")


def test_the_agenda_editor_is_usable_with_the_keyboard(live_server, chromium_path):
    conference = conference_build(
        OrganizationFactory(name="Bộ Khoa học và Công nghệ", kind="ministry"),
        publish=True,
        starts_at=local(2021, 4, 9, 8, 0),
    )
    organizer = ConferenceRoleFactory(conference=conference, user__password=None).user
    opening = agenda_item_build(conference, (8, 0), (8, 15), "Khai mạc hội nghị")
    editor = f"{live_server.url}/to-chuc/{conference.slug}/chuong-trinh/"
    session = _session(organizer)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            page = _signed_in_context(browser, live_server, session, DESKTOP).new_page()
            page.goto(editor)
            page.keyboard.press("Tab")
            skip_link = page.evaluate(FOCUSED)
            page.keyboard.press("Enter")
            after_skip = page.evaluate(FOCUSED)

            # Space on the row's "Duplicate" button, reached by Tab alone.
            passed = _tab_until(page, f"#item-{opening.pk} form[action$='/nhan-ban/'] button")
            duplicate = passed[-1]
            with page.expect_navigation():
                page.keyboard.press("Space")
            rows_after_duplicate = page.locator("table.agenda-editor-table tbody tr").count()

            # Enter on the row's "Edit" link opens the item's form, whose date and time inputs are named.
            _tab_until(page, f"#item-{opening.pk} a[href$='/{opening.pk}/']")
            page.keyboard.press("Enter")
            page.wait_for_url(f"{editor}{opening.pk}/")
            assert_accessible(page)
            date_input = _tab_until(page, "#id_starts_at_0")[-1]
            time_input = _tab_until(page, "#id_starts_at_1")[-1]
        finally:
            browser.close()

    assert skip_link["classes"] == "skip-link"
    # Vietnamese once the catalogue has the new message, English (the source) until then.
    assert skip_link["name"] in {"Chuyển đến nội dung chính", "Skip to main content"}
    assert skip_link["ring"] and skip_link["top"] >= 0  # shown, with its ring, while it has the focus
    assert after_skip["id"] == "main"
    assert duplicate["tag"] == "button"
    assert duplicate["name"].endswith("Khai mạc hội nghị")  # the row action names its item
    assert duplicate["ring"]
    assert rows_after_duplicate == 2
    assert AgendaItem.objects.filter(conference=conference, title="Khai mạc hội nghị").count() == 2
    assert date_input["name"] and time_input["name"] and date_input["name"] != time_input["name"]
    assert date_input["ring"] and time_input["ring"]


def test_the_check_in_desk_is_usable_with_the_keyboard_on_a_phone(live_server, chromium_path):
    conference = conference_build(OrganizationFactory(kind="ministry"), publish=True)
    organizer = ConferenceRoleFactory(conference=conference, user__password=None).user
    khai = RegistrationFactory(conference=conference, person=PersonFactory(full_name="Nguyễn Thị Minh Khai"))
    code = ticket_code_display(khai.ticket_code)
    session = _session(organizer)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            page = _signed_in_context(browser, live_server, session, PHONE).new_page()
            page.goto(f"{live_server.url}/to-chuc/{conference.slug}/diem-danh/")
            assert_accessible(page)
            starts_on = page.evaluate(FOCUSED)
            page.keyboard.type(code)
            page.keyboard.press("Tab")
            submit = page.evaluate(FOCUSED)
            page.keyboard.press("Space")
            expect(page.locator("#check-in-result")).to_have_attribute("data-outcome", "checked_in")
            back_on = page.evaluate(FOCUSED)
            assert_accessible(page)  # with the result shown
        finally:
            browser.close()

    assert starts_on["tag"] == "input" and starts_on["ring"]
    assert submit["tag"] == "button" and submit["ring"]
    assert back_on["tag"] == "input"  # ready for the next code without a click
    khai.refresh_from_db()
    assert khai.checked_in_by == organizer
    assert Registration.objects.filter(conference=conference, checked_in_at__isnull=False).count() == 1
