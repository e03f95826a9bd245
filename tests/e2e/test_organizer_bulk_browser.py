"""Bulk actions of the organizer's long lists in a real browser: the delegate list's check-in of the
rows ticked with "select all", and the certificates list's revoke of all that match, confirmed first."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

from conferences.models import Certificate, Registration
from conferences.services.certificates import certificate_issue
from conferences.services.invitations import invitation_create, registration_create
from conferences.services.organizations import organization_create, person_create
from tests.e2e.conftest import assert_accessible, launch_chromium, model_conference
from tests.factories import ConferenceRoleFactory, PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "organizer-bulk"


def session_cookie(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def test_an_organizer_checks_in_the_ticked_delegates_and_revokes_all_matching_certificates(
    live_server, chromium_path
):
    conference, department = model_conference()
    invitation = invitation_create(conference=conference, organization=department, delegate_quota=5)
    ministry = organization_create(name="Bộ Nội vụ", code="BNV", kind="ministry")
    names = ["Nguyễn Thị Minh Khai", "Trần Văn An", "Lê Hoàng"]
    for n, name in enumerate(names):
        agency = ministry if n == 2 else department
        person = person_create(full_name=name, email=f"dai-bieu-{n}@example.gov.vn", organization=agency)
        registration_create(
            conference=conference,
            person=person,
            organization=agency,
            invitation=invitation if n < 2 else None,
        )
    for name in ("Phạm Văn Một", "Phạm Văn Hai"):
        certificate_issue(
            conference=conference, kind="attendance", recipient_person=PersonFactory(full_name=name)
        )
    kept = certificate_issue(
        conference=conference, kind="attendance", recipient_person=PersonFactory(full_name="Đỗ Thị Giữ")
    )
    organizer = ConferenceRoleFactory(conference=conference, user__password=None).user
    cookie = session_cookie(live_server, organizer)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = f"{live_server.url}/to-chuc/{conference.slug}"

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
            context.add_cookies([cookie])
            page = context.new_page()

            # The delegate list, filtered to the department: tick all on the page, check them in.
            page.goto(f"{base}/dai-bieu/?kind=department")
            assert_accessible(page)
            page.check("#delegates-selected-all")
            ticked = page.locator('input[name="ids"]:checked').count()
            page.click('#delegates-selected button[type="submit"]')
            page.wait_for_url(f"{base}/dai-bieu/?kind=department")
            page.screenshot(path=SCREENSHOTS / "delegates-checked-in.png", full_page=True)
            assert_accessible(page)
            boxes_left = (
                page.locator('input[name="ids"]').count() + page.locator("#delegates-selected").count()
            )

            # The certificates list: all that match "pham", revoked with a reason, after a confirmation.
            page.goto(f"{base}/giay-chung-nhan/?q=pham")
            assert_accessible(page)
            page.check("#certificates-all-matching")
            page.fill("#bulk-reason", "Cấp nhầm")
            page.click('#certificates-selected button[value="revoke"]')
            question = page.locator(".bulk-question").get_attribute("data-count")
            page.screenshot(path=SCREENSHOTS / "certificates-confirm.png", full_page=True)
            assert_accessible(page)
            page.click('.bulk-confirm button[type="submit"]')
            page.wait_for_url(f"{base}/giay-chung-nhan/?q=pham")
            assert_accessible(page)
        finally:
            browser.close()

    assert (ticked, boxes_left) == (2, 0)
    arrived = Registration.objects.filter(checked_in_at__isnull=False).select_related("person")
    assert sorted(r.person.full_name for r in arrived) == ["Nguyễn Thị Minh Khai", "Trần Văn An"]
    assert question == "2"
    revoked = Certificate.objects.filter(revoked_at__isnull=False)
    assert sorted(c.recipient_name for c in revoked) == ["Phạm Văn Hai", "Phạm Văn Một"]
    assert {c.revocation_reason for c in revoked} == {"Cấp nhầm"}
    kept.refresh_from_db()
    assert kept.revoked_at is None
