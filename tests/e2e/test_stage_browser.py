"""The stage screen follows Next, pressed on the controller in a second page, within a second."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from conferences.models import CeremonyState
from conferences.services.organizations import organization_create
from tests.conferences.ceremony_helpers import HAI_PHONG, PERSON, QUANG_NINH, model_decision, two_batches
from tests.e2e.conftest import assert_accessible, csp_reports, launch_chromium
from tests.factories import ConferenceRoleFactory, conference_build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STAGE_SCREENSHOT = "/tmp/stage-e2e.png"
CONTROLLER_SCREENSHOT = "/tmp/stage-e2e-controller.png"


def test_stage_follows_next_pressed_on_the_controller_without_a_reload(live_server, chromium_path):
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    conference = conference_build(host, publish=True, slug="so-ket-19")
    _decision, awards = model_decision(conference)
    two_batches(conference, awards)
    organizer = ConferenceRoleFactory(conference=conference, user__password=None).user
    # The organizer's session, made before the browser runs: the database is not touched during it.
    client = Client()
    client.force_login(organizer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 720})
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            stage = context.new_page()
            stage_reports = csp_reports(stage)
            stage.goto(f"{live_server.url}/hoi-nghi/so-ket-19/le-trao-thuong/man-hinh/")
            assert_accessible(stage)
            expect(stage.locator(".stage-waiting")).to_be_visible()
            stage.evaluate("window.stageMarker = 'same page'")

            phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
            phone.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            controller = phone.new_page()
            controller_reports = csp_reports(controller)
            controller.goto(f"{live_server.url}/to-chuc/so-ket-19/le-trao-thuong/")
            assert_accessible(controller)

            controller.click("button.step-button.next")
            expect(stage.locator(".stage-batch .stage-recipient")).to_have_text([QUANG_NINH], timeout=1000)
            expect(stage.locator(".stage-batch .stage-title")).to_have_text("Tập thể xuất sắc")
            controller.click("button.step-button.next")
            expect(stage.locator(".stage-batch .stage-recipient")).to_have_text(
                [HAI_PHONG, PERSON], timeout=1000
            )
            expect(stage.locator(".stage-batch .stage-presenter")).to_have_text(
                "Thực hiện: Thứ trưởng Trần Văn B"
            )
            expect(controller.locator(".current-batch .batch-title")).to_have_text("2. Tập thể và cá nhân")
            # Past the end: the controller says so and the stage stays.
            controller.click("button.step-button.next")
            expect(controller.locator(".ceremony-error")).to_be_visible()

            marker = stage.evaluate("window.stageMarker")
            navigations = stage.evaluate("performance.getEntriesByType('navigation').length")
            controller_navigations = controller.evaluate("performance.getEntriesByType('navigation').length")
            stage.screenshot(path=STAGE_SCREENSHOT)
            controller.screenshot(path=CONTROLLER_SCREENSHOT, full_page=True)
        finally:
            browser.close()

    assert (marker, navigations, controller_navigations) == ("same page", 1, 1)
    assert stage_reports == [] and controller_reports == []
    state = CeremonyState.objects.get(conference=conference)
    assert (state.step, state.current_batch.position, state.updated_by) == (3, 2, organizer)
