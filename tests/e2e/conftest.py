"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

The Playwright package provides the driver only; the browser is the system's
chromium (`make install-test` installs it). A missing browser fails the test:
a skipped browser test would hide that the RSVP page was never tried.
"""

import datetime
import functools
import shutil
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from conferences.services.conferences import conference_create
from conferences.services.organizations import organization_create

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: the level the site promises (issue 13).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
TITLE = "Hội nghị sơ kết thực hiện Quyết định số 19/2014/QĐ-TTg giai đoạn 2015-2020"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium_path() -> str:
    if shutil.which("chromium") is None:
        pytest.fail(
            "chromium is not installed: the browser tests need Debian's chromium at /usr/bin/chromium "
            "(run `make install-test`, or `sudo apt-get install chromium`)."
        )
    return CHROMIUM


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A fresh cache per test, shared with the live server's thread (same process)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())}
    }


def launch_chromium(playwright, executable_path: str):
    return playwright.chromium.launch(executable_path=executable_path, args=CHROMIUM_ARGS, headless=True)


def csp_reports(page) -> list[str]:
    """Collect what the browser's console says about the Content-Security-Policy while the page lives.

    Chromium logs every blocked inline script or style, and every blocked load, as an error
    naming the policy; a page that works only with something the policy blocks shows up here.
    """
    reports: list[str] = []
    page.on(
        "console",
        lambda message: reports.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return reports


def model_conference(**extra):
    """The model case's conference, 20 days ahead, with its host and the Quảng Ninh department."""
    host = organization_create(
        name="Bộ Khoa học và Công nghệ",
        code="BKHCN",
        kind="ministry",
        contact_emails=["vanphong@most.gov.vn"],
    )
    department = organization_create(
        name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        kind="department",
        contact_emails=["vanthu@skhcn.quangninh.gov.vn"],
    )
    starts = timezone.localtime(timezone.now()).replace(hour=8, minute=0, second=0, microsecond=0)
    starts += datetime.timedelta(days=20)
    conference = conference_create(
        title_vi=TITLE,
        host=host,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        venue_name="Hội trường tầng 1, 113 Trần Duy Hưng, Hà Nội",
        rsvp_deadline=starts - datetime.timedelta(days=5),
        **{key: value(starts) if callable(value) else value for key, value in extra.items()},
    )
    return conference, department


@functools.cache
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is not installed at {AXE_SCRIPT}: run `make install-test` (npm ci).")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now and return its WCAG A/AA violations.

    The script is evaluated through the DevTools protocol, not added as a <script> tag:
    the site's policy (script-src 'self', no inline script) blocks an injected tag, and
    would log a report that the tests' csp_reports() counts against the page. Evaluating
    it leaves the policy on for everything the page itself does.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {axe_source()}\n}}")
    return page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((node) => node.target.join(" ")),
            }));
        }""",
        AXE_TAGS,
    )


def axe_blocking(page) -> list[dict]:
    """The serious and critical violations on the page."""
    return [violation for violation in axe_violations(page) if violation["impact"] in BLOCKING_IMPACTS]


def describe_violations(url: str, violations: list[dict]) -> str:
    return "\n".join(
        f"{url}: {v['impact']} {v['id']} ({v['help']}): {', '.join(v['targets'])}" for v in violations
    )


def assert_accessible(page) -> None:
    """Fail, listing every serious or critical WCAG 2.1 A/AA violation axe-core finds on the page."""
    violations = axe_blocking(page)
    if violations:
        pytest.fail("axe-core found accessibility violations:\n" + describe_violations(page.url, violations))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


_call_failed = pytest.StashKey[bool]()


@pytest.fixture
def journey(request, chromium_path):
    """journey(persona, **context_options) -> Journey, on a page of its own in one shared chromium.

    The fixture owns the browser so that, when the test fails, it can still photograph every
    journey's page as it was (`failure.png`) before closing it.
    """
    from playwright.sync_api import sync_playwright

    from tests.e2e.journey import Journey, screenshot_root

    walks = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)

        def start(persona: str, **context_options):
            directory = screenshot_root() / persona
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
            walk = Journey(
                page=browser.new_context(**context_options).new_page(), persona=persona, directory=directory
            )
            walks.append(walk)
            return walk

        yield start
        if request.node.stash.get(_call_failed, False):
            for walk in walks:
                walk.page.screenshot(path=walk.directory / "failure.png", full_page=True)
        browser.close()
