"""An organizer sends every draft that matches a filter and watches the sending job's bar fill up,
then follow its result link, without the page reloading."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from conferences import tasks
from conferences.models import Invitation, Job
from conferences.services import invitation_sending
from tests.e2e.conftest import csp_reports, launch_chromium
from tests.e2e.orm import in_thread
from tests.factories import ConferenceRoleFactory, OrganizationFactory, conference_build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/job-progress-e2e.png"


def test_organizer_watches_a_bulk_send_reach_100_percent_and_its_result_link_without_a_reload(
    live_server, chromium_path, monkeypatch
):
    host = OrganizationFactory(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    conference = conference_build(host, days_ahead=30, deadline_in_days=20, publish=True)
    for n, province in enumerate(["Quảng Ninh", "Hải Phòng", "Nam Định"]):
        department = OrganizationFactory(
            name=f"Sở Khoa học và Công nghệ tỉnh {province}",
            kind="department",
            contact_emails=[f"vanthu{n}@skhcn.gov.vn"],
        )
        Invitation.objects.create(conference=conference, organization=department)
    ministry = OrganizationFactory(name="Bộ Tài chính", kind="ministry", contact_emails=["vp@mof.gov.vn"])
    outside = Invitation.objects.create(conference=conference, organization=ministry)
    organizer = ConferenceRoleFactory(conference=conference, user__password=None).user
    signed_in = Client()
    signed_in.force_login(organizer)
    session = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    # The worker is this test: the chunks (one invitation each) wait until it runs them, one by one.
    monkeypatch.setattr(invitation_sending, "SEND_CHUNK_SIZE", 1)
    queued: list[tuple] = []
    monkeypatch.setattr(tasks.send_invitations, "delay", lambda *args: queued.append(args))

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        page = None
        try:
            context = browser.new_context(locale="vi-VN", viewport={"width": 1024, "height": 900})
            context.add_cookies(
                [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page = context.new_page()
            reports = csp_reports(page)
            page.goto(f"{live_server.url}/to-chuc/{conference.slug}/giay-moi/?kind=department")
            # The header box selects the page's rows; "all that match" sends the filter instead.
            page.check("#send-selected-all")
            expect(page.locator('input[name="ids"][form="send-selected"]:checked')).to_have_count(3)
            page.check("#send-all-matching")
            page.click("#send-selected button[type=submit]")
            expect(page.locator(".bulk-question")).to_have_attribute("data-count", "3")
            page.click(".bulk-confirm button[type=submit]")

            widget = page.locator(".job-progress")
            expect(widget).to_have_attribute("data-job-status", "queued")
            expect(widget).to_have_attribute("aria-live", "polite")
            assert len(queued) == 3
            navigations: list[str] = []
            page.on(
                "framenavigated",
                lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
            )

            bar = widget.locator("progress")
            expect(page.locator("table.invitations tbody tr.state-draft")).to_have_count(3)
            for done, args in enumerate(queued, start=1):
                # One chunk of the sending task, run as a worker would, outside the browser's thread.
                in_thread(tasks.send_invitations, *args)
                expect(bar).to_have_attribute("value", str(done), timeout=10_000)
                if done < len(queued):
                    expect(widget.locator(".job-text")).to_have_text(f"Đang thực hiện: {done}/3")
            expect(widget).to_have_attribute("data-job-status", "done")
            expect(widget.locator(".job-text")).to_have_text("Đã hoàn thành: 3/3")
            expect(bar).to_have_text("100%")
            result = widget.locator(".job-result")
            expect(result).to_be_visible()
            expect(result).to_have_text("Xem kết quả")
            assert (
                result.get_attribute("href")
                == f"/to-chuc/{conference.slug}/thong-bao/?kind=invitation&state=held"
            )
            # The rows the job changed are read again when it ends: drafts now sent, no box to tick.
            expect(page.locator("html")).to_have_attribute("data-job-refreshed", "1")
            expect(page.locator("table.invitations tbody tr.state-sent")).to_have_count(3)
            expect(page.locator("table.invitations tbody tr.state-draft")).to_have_count(0)
            assert navigations == []
            assert reports == []

            result.click()
            expect(page.locator("table.outbox tbody tr")).to_have_count(3)
        except Exception:
            if page is not None:
                page.screenshot(path=SCREENSHOT, full_page=True)
            raise
        finally:
            browser.close()

    job = Job.objects.get()
    assert (job.kind, job.status, job.done, job.total) == (Job.Kind.INVITATIONS, Job.Status.DONE, 3, 3)
    outside.refresh_from_db()
    assert outside.status == Invitation.Status.DRAFT
