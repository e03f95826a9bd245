"""An agency answers its invitation in a real browser, from the link in its e-mail to the confirmation."""

import re

import pytest
from playwright.sync_api import sync_playwright

from conferences.models import Invitation, Registration
from conferences.services.invitation_sending import invitation_send
from conferences.services.invitations import invitation_create
from notifications.models import Notification
from tests.e2e.conftest import TITLE, assert_accessible, csp_reports, launch_chromium, model_conference

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/rsvp-e2e.png"
FORM_SCREENSHOT = "/tmp/rsvp-e2e-form.png"
DELEGATE_SCREENSHOT = "/tmp/rsvp-e2e-delegate.png"


def test_agency_answers_from_the_email_link_in_a_browser(live_server, settings, chromium_path):
    # The e-mail must carry links to this live server, so the base URL is set before sending.
    settings.SITE_URL = live_server.url
    conference, department = model_conference()
    invitation = invitation_create(
        conference=conference,
        organization=department,
        addressee="Đại diện Lãnh đạo Sở",
        delegate_quota=2,
        paper_requested=True,
        paper_topic="Kinh nghiệm chuyển đổi sang TCVN ISO 9001:2015",
    )
    invitation_send(invitation=invitation)
    email = Notification.objects.get(kind="invitation", recipient_address="vanthu@skhcn.quangninh.gov.vn")
    link = re.search(r"https?://\S+/tra-loi/[\w-]+/", email.body_text)[0]
    assert link.startswith(live_server.url)

    # Playwright's sync API runs an event loop: the database is touched before and after it, never during.
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            page = browser.new_page(locale="vi-VN", viewport={"width": 1000, "height": 900})
            rsvp_csp_reports = csp_reports(page)
            page.goto(link)
            assert_accessible(page)
            assert page.locator("html").get_attribute("lang") == "vi"
            assert page.locator("h1").inner_text() == TITLE
            assert "Sở Khoa học và Công nghệ tỉnh Quảng Ninh" in page.locator(".invitee").inner_text()

            page.check('input[name="answer"][value="accept"]')
            page.fill("#id_delegates-0-full_name", "Nguyễn Thị Minh Khai")
            page.fill("#id_delegates-0-position", "Phó Giám đốc")
            page.fill("#id_delegates-0-email", "khai@skhcn.quangninh.gov.vn")
            page.fill("#id_delegates-0-phone", "0203 3835 111")
            page.fill("#id_delegates-1-full_name", "Trần Văn Hùng")
            page.fill("#id_delegates-1-position", "Trưởng phòng Quản lý tiêu chuẩn chất lượng")
            page.fill("#id_delegates-1-email", "hung@skhcn.quangninh.gov.vn")
            page.check('input[name="presenter"][value="0"]')
            assert_accessible(page)  # with the delegates' rows filled in
            page.screenshot(path=FORM_SCREENSHOT, full_page=True)
            page.click("form.rsvp-form button[type=submit]")
            page.wait_for_url(re.compile(r"\?saved=1$"))
            assert_accessible(page)

            registered = page.locator(".delegate-list").inner_text()
            page.screenshot(path=SCREENSHOT, full_page=True)
        finally:
            browser.close()

    # The RSVP form, its answer and the confirmation worked with nothing the policy had to block.
    assert rsvp_csp_reports == []
    assert "Nguyễn Thị Minh Khai" in registered
    assert "Trần Văn Hùng" in registered
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.paper_presenter.full_name == "Nguyễn Thị Minh Khai"
    registrations = Registration.objects.filter(invitation=invitation, status=Registration.Status.CONFIRMED)
    assert sorted(registrations.values_list("person__full_name", flat=True)) == [
        "Nguyễn Thị Minh Khai",
        "Trần Văn Hùng",
    ]

    # Each delegate's confirmation carries the link to their own page, with the check-in QR code.
    confirmation = Notification.objects.get(
        kind="registration_confirmation", recipient_address="khai@skhcn.quangninh.gov.vn"
    )
    delegate_link = re.search(r"https?://\S+/dai-bieu/[\w.-]+/", confirmation.body_text)[0]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            page = browser.new_page(locale="vi-VN", viewport={"width": 1000, "height": 900})
            delegate_csp_reports = csp_reports(page)
            page.goto(delegate_link)
            assert_accessible(page)
            heading = page.locator("h1").inner_text()
            qr_box = page.locator("svg.qr-code").bounding_box()
            page.screenshot(path=DELEGATE_SCREENSHOT, full_page=True)
        finally:
            browser.close()

    assert delegate_csp_reports == []
    assert heading == "Nguyễn Thị Minh Khai"
    assert qr_box["width"] >= 150
