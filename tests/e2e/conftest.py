"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

The Playwright package provides the driver only; the browser is the system's
chromium (`make install-test` installs it). A missing browser fails the test:
a skipped browser test would hide that the RSVP page was never tried.
"""

import datetime
import shutil
import uuid

import pytest
from django.utils import timezone

from conferences.services.conferences import conference_create
from conferences.services.organizations import organization_create

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
