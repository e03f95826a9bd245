"""The pages work in a real browser under the Content-Security-Policy: the admin, the outbox with its
framed preview, the organizer pages and the API docs (Swagger UI, Redoc) from local files."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import sync_playwright

from conferences.selectors.notices import conference_notices
from conferences.services.agenda_publishing import agenda_publish
from conferences.services.invitation_sending import invitation_send
from tests.e2e.conftest import assert_accessible, csp_reports, launch_chromium
from tests.factories import (
    PASSWORD,
    AgendaItemFactory,
    ConferenceFactory,
    InvitationFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push([event.effectiveDirective, event.blockedURI, event.sourceFile.split("/").pop()]);
});
"""


def test_the_console_reports_what_the_policy_blocks(live_server, chromium_path):
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            page = browser.new_page()
            reports = csp_reports(page)
            page.goto(f"{live_server.url}/")
            assert_accessible(page)
            page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
            page.wait_for_timeout(300)
        finally:
            browser.close()

    assert len(reports) == 1
    assert "style-src" in reports[0]


def test_admin_outbox_and_organizer_pages_work_under_the_policy(live_server, chromium_path):
    starts = timezone.localtime(timezone.now()).replace(hour=8, minute=0, second=0, microsecond=0)
    starts += datetime.timedelta(days=20)
    conference = ConferenceFactory(
        published=True, slug="so-ket-19", starts_at=starts, ends_at=starts + datetime.timedelta(hours=4)
    )
    AgendaItemFactory(
        conference=conference, starts_at=starts, ends_at=starts + datetime.timedelta(minutes=30)
    )
    agenda_publish(conference=conference)
    invitation = InvitationFactory(
        conference=conference,
        organization=OrganizationFactory(kind="department", contact_emails=["vanthu@skhcn.quangninh.gov.vn"]),
    )
    # The test's database commits, so the letter task the send dispatches has run (eagerly) here.
    invitation_send(invitation=invitation)
    notice = conference_notices(conference=conference, kind="invitation").get()
    UserFactory(username="quantri", is_staff=True, is_superuser=True)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            page = browser.new_page(locale="en-US")
            reports = csp_reports(page)
            page.goto(f"{live_server.url}/admin/login/?next=/admin/")
            assert_accessible(page)
            page.fill("#id_username", "quantri")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url(f"{live_server.url}/admin/")
            assert_accessible(page)
            page.goto(f"{live_server.url}/admin/conferences/conference/")
            assert_accessible(page)
            admin_rows = page.locator("#result_list tbody tr").count()
            page.goto(live_server.url + reverse("conferences:organizer-invitations", args=["so-ket-19"]))
            assert_accessible(page)
            page.goto(live_server.url + reverse("conferences:agenda-editor", args=["so-ket-19"]))
            assert_accessible(page)
            editor_background = page.locator(".agenda-editor .publish").evaluate(
                "element => getComputedStyle(element).backgroundColor"
            )
            page.goto(live_server.url + reverse("conferences:agenda", args=["so-ket-19"]))
            assert_accessible(page)
            page.goto(live_server.url + reverse("conferences:notification", args=["so-ket-19", notice.pk]))
            assert_accessible(page)
            preview = page.frame_locator("iframe.preview").locator("body").inner_text()
            iframe_height = page.locator("iframe.preview").bounding_box()["height"]
        finally:
            browser.close()

    assert reports == []
    assert admin_rows == 1
    assert editor_background == "rgb(255, 255, 255)"  # agenda_editor.css, a file, applied.
    assert "Sở" in preview or "Kính gửi" in preview
    assert iframe_height >= 400  # hoinghi.css sizes the frame (32rem) now that no inline style does.


@pytest.mark.sqlite_only
def test_api_docs_work_from_local_files_under_the_policy(live_server, chromium_path):
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            context = browser.new_context()
            context.add_init_script(VIOLATIONS)
            outside = []
            context.on(
                "requestfinished",
                lambda request: (
                    None
                    if request.url.startswith((live_server.url, "blob:", "data:"))
                    else outside.append(request.url)
                ),
            )
            page = context.new_page()
            swagger_reports = csp_reports(page)
            page.goto(f"{live_server.url}/api/v1/docs/")
            assert_accessible(page)
            swagger_title = page.locator(".swagger-ui .info .title").inner_text()
            # Swagger UI draws the operations as they scroll into view: the first ones and every tag.
            page.locator(".opblock").nth(4).wait_for(state="attached")
            swagger_operations = page.locator(".opblock").count()
            swagger_tags = page.locator(".opblock-tag").all_inner_texts()

            page = context.new_page()
            page.goto(f"{live_server.url}/api/v1/redoc/")
            assert_accessible(page)
            redoc_title = page.locator("h1").first.inner_text()
            page.fill("input[placeholder='Search...']", "token")
            found = page.locator("[data-role='search:results'] li").first.inner_text()
            redoc_violations = page.evaluate("window.cspViolations")
        finally:
            browser.close()

    assert swagger_reports == []
    assert swagger_title.startswith("hoinghi API")
    assert swagger_operations >= 5
    assert {"auth", "certificates", "conferences"} <= {tag.split("\n")[0].strip() for tag in swagger_tags}
    assert redoc_title.startswith("hoinghi API")
    assert "api token" in found.lower()  # The search worker (a blob: URL) runs and finds the word.
    # Only what Redoc's bundle does before it is handed the nonce (two <style> elements) and
    # the Redocly logo it would load from its CDN are blocked; nothing of the page itself.
    assert {tuple(v) for v in redoc_violations} <= {
        ("style-src-elem", "inline", "redoc.standalone.js"),
        ("img-src", "https://cdn.redoc.ly/redoc/logo-mini.svg", ""),
    }
    assert outside == []  # Nothing was fetched from anywhere but this site (the logo was blocked).
