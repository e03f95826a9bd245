"""Every kind of page at desktop and phone width: no serious or critical axe violation, no sideways scroll.

The database is seeded once, before the browser starts (Playwright's sync API runs an event
loop, so the ORM is not touched while it is open): the demo conference, which has been
through every step (invitations, papers, reviews, agenda, awards, check-in, certificates,
notices), and an upcoming conference whose RSVP link, call for papers and nominations are
still open. One browser; one context per width; the signed-in persona changes by cookie.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from playwright.sync_api import sync_playwright

from conferences import demo
from conferences.models import AgendaItem, Award, Certificate, Invitation, Organization, Paper, Registration
from conferences.selectors.notices import conference_notice_scope
from conferences.services.call_for_papers import call_for_papers_update
from conferences.services.conferences import conference_role_grant
from conferences.services.invitation_sending import invitation_link_create
from conferences.services.invitations import invitation_create
from conferences.services.reviewers import reviewer_invite
from core.tokens import token_new
from notifications.models import Notification
from tests.conferences.certificate_helpers import fake_renderer  # noqa: F401 (fixture)
from tests.conferences.nomination_helpers import category_make, nominate
from tests.conferences.paper_helpers import delegate_with_link
from tests.e2e.conftest import (
    BLOCKING_IMPACTS,
    NO_SIDEWAYS_SCROLL,
    axe_violations,
    describe_violations,
    launch_chromium,
)
from tests.factories import conference_build

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-kiem-tra-tiep-can"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
ANONYMOUS, ORGANIZER, REVIEWER = "anonymous", "organizer", "reviewer"


@dataclass(frozen=True)
class Visit:
    name: str
    persona: str
    path: str  # formatted with the seeded ids (see _seed)


# Every page kind the site serves as HTML. Pages added to the site go here: one line each.
PAGES = [
    # Public
    Visit("public home", ANONYMOUS, "/"),
    Visit("conference page", ANONYMOUS, "/hoi-nghi/{slug}/"),
    Visit("public agenda", ANONYMOUS, "/hoi-nghi/{slug}/chuong-trinh/"),
    Visit("agenda history", ANONYMOUS, "/hoi-nghi/{slug}/chuong-trinh/lich-su/"),
    Visit("agenda version", ANONYMOUS, "/hoi-nghi/{slug}/chuong-trinh/v1/"),
    Visit("stage screen", ANONYMOUS, "/hoi-nghi/{slug}/le-trao-thuong/man-hinh/"),
    Visit("certificate lookup", ANONYMOUS, "/xac-minh/"),
    Visit("certificate verify", ANONYMOUS, "/xac-minh/{certificate_code}/"),
    Visit("sign-in", ANONYMOUS, "/dang-nhap/"),
    Visit("password reset", ANONYMOUS, "/quen-mat-khau/"),
    Visit("password reset sent", ANONYMOUS, "/quen-mat-khau/da-gui/"),
    Visit("invalid link", ANONYMOUS, "/tra-loi/khong-ton-tai/"),
    # The agency's and the delegate's links
    Visit("RSVP page", ANONYMOUS, "{rsvp_path}"),
    Visit("delegate page", ANONYMOUS, "/dai-bieu/{delegate_token}/"),
    Visit("delegate paper", ANONYMOUS, "/dai-bieu/{delegate_token}/tham-luan/{paper}/"),
    Visit("delegate new paper", ANONYMOUS, "/dai-bieu/{upcoming_token}/tham-luan/moi/"),
    Visit("delegate nominations", ANONYMOUS, "/dai-bieu/{upcoming_token}/de-nghi-khen-thuong/"),
    # Reviewers
    Visit("reviewer invitation", ANONYMOUS, "{reviewer_accept_path}"),
    Visit("reviewer home", REVIEWER, "/phan-bien/"),
    Visit("reviewer papers", REVIEWER, "/phan-bien/{slug}/"),
    Visit("reviewer paper", REVIEWER, "/phan-bien/{slug}/{reviewed_paper}/"),
    Visit("panel nominations", REVIEWER, "/phan-bien/{upcoming_slug}/de-nghi-khen-thuong/"),
    Visit("panel nomination", REVIEWER, "/phan-bien/{upcoming_slug}/de-nghi-khen-thuong/{nomination}/"),
    # Organizers, under /to-chuc/<slug>/
    Visit("workspace", ORGANIZER, "/to-chuc/"),
    Visit("sign-out", ORGANIZER, "/dang-xuat/"),
    Visit("new conference", ORGANIZER, "/to-chuc/moi/"),
    Visit("dashboard", ORGANIZER, "/to-chuc/{slug}/"),
    Visit("settings and rooms", ORGANIZER, "/to-chuc/{slug}/cai-dat/"),
    Visit("team", ORGANIZER, "/to-chuc/{slug}/nhom/"),
    Visit("close the conference", ORGANIZER, "/to-chuc/{slug}/dong/"),
    Visit("invitations", ORGANIZER, "/to-chuc/{slug}/giay-moi/"),
    Visit("invitation", ORGANIZER, "/to-chuc/{slug}/giay-moi/{invitation}/"),
    Visit("delegates", ORGANIZER, "/to-chuc/{slug}/dai-bieu/"),
    Visit(
        "answer for an agency",
        ORGANIZER,
        "/to-chuc/{upcoming_slug}/giay-moi/{upcoming_invitation}/tra-loi-thay/",
    ),
    Visit("agency import", ORGANIZER, "/to-chuc/co-quan/nhap/"),
    Visit("agenda editor", ORGANIZER, "/to-chuc/{slug}/chuong-trinh/"),
    Visit("agenda item", ORGANIZER, "/to-chuc/{slug}/chuong-trinh/{agenda_item}/"),
    Visit("call for papers", ORGANIZER, "/to-chuc/{slug}/tham-luan/cai-dat/"),
    Visit("papers", ORGANIZER, "/to-chuc/{slug}/tham-luan/"),
    Visit("paper", ORGANIZER, "/to-chuc/{slug}/tham-luan/{paper}/"),
    Visit("reviewers", ORGANIZER, "/to-chuc/{slug}/phan-bien/"),
    Visit("assignments", ORGANIZER, "/to-chuc/{slug}/phan-cong/"),
    Visit("nominations", ORGANIZER, "/to-chuc/{upcoming_slug}/de-nghi-khen-thuong/"),
    Visit("awards", ORGANIZER, "/to-chuc/{slug}/khen-thuong/"),
    Visit("award", ORGANIZER, "/to-chuc/{slug}/khen-thuong/{award_decision}/{award}/sua/"),
    Visit("ceremony", ORGANIZER, "/to-chuc/{slug}/le-trao-thuong/"),
    Visit("check-in", ORGANIZER, "/to-chuc/{slug}/diem-danh/"),
    Visit("certificates", ORGANIZER, "/to-chuc/{slug}/giay-chung-nhan/"),
    Visit("proceedings", ORGANIZER, "/to-chuc/{slug}/ky-yeu/"),
    Visit("outbox", ORGANIZER, "/to-chuc/{slug}/thong-bao/"),
    Visit("notice", ORGANIZER, "/to-chuc/{slug}/thong-bao/{notification}/"),
]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def _seed() -> tuple[dict[str, str], dict[str, str]]:
    """Seed the pages' data; return the ids their paths need, and each persona's session cookie."""
    result = demo.load_demo(password=PASSWORD, base_url="http://testserver")
    conference = result.conference
    users = get_user_model().objects.in_bulk(result.usernames, field_name="username")
    organizer, reviewer = users["bantochuc"], users["phanbien"]

    paper = Paper.objects.filter(conference=conference, registration__isnull=False).order_by("pk").first()
    # The delegate's link is kept only as a hash: give the presenter a new one.
    delegate_token, token_hash = token_new()
    Registration.objects.filter(pk=paper.registration_id).update(token_hash=token_hash)

    # The demo's links expired with its 2021 deadlines; an upcoming conference has open ones.
    upcoming = conference_build(
        conference.host,
        slug="tong-ket-quyet-dinh-19-2014",
        days_ahead=20,
        deadline_in_days=15,
        paper_deadline=timezone.now() + datetime.timedelta(days=12),
        publish=True,
    )
    department = Organization.objects.get(search_name__contains="quang ninh", kind="department")
    call_for_papers_update(
        conference=upcoming,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        topics=["Điều 3: Chuyển đổi hệ thống quản lý chất lượng"],
    )
    conference_role_grant(conference=upcoming, user=organizer, role="organizer")
    conference_role_grant(conference=upcoming, user=reviewer, role="reviewer")
    upcoming_invitation = invitation_create(
        conference=upcoming, organization=department, delegate_quota=2, paper_requested=True
    )
    rsvp_path = _path(invitation_link_create(invitation=upcoming_invitation))
    upcoming_registration, upcoming_token = delegate_with_link(upcoming, number=7)
    nomination = nominate(upcoming, organizer, category_make(), upcoming_registration.organization)
    reviewer_invitation = reviewer_invite(
        conference=upcoming,
        email="phan-bien-moi@vnu.edu.vn",
        full_name="Trần Thị Phản Biện",
        invited_by=organizer,
    )
    reviewer_token = Notification.objects.filter(recipient_address="phan-bien-moi@vnu.edu.vn").first()
    award = Award.objects.filter(decision__conference=conference).order_by("pk").first()
    ids = {
        "slug": conference.slug,
        "upcoming_slug": upcoming.slug,
        "rsvp_path": rsvp_path,
        "delegate_token": delegate_token,
        "upcoming_token": upcoming_token,
        "paper": str(paper.pk),
        "reviewed_paper": str(paper.pk),
        "nomination": str(nomination.pk),
        "reviewer_accept_path": _reviewer_accept_path(reviewer_token, reviewer_invitation),
        "invitation": str(Invitation.objects.filter(conference=conference).order_by("pk").first().pk),
        "upcoming_invitation": str(upcoming_invitation.pk),
        "agenda_item": str(AgendaItem.objects.filter(conference=conference).order_by("pk").first().pk),
        "award_decision": str(award.decision_id),
        "award": str(award.pk),
        "certificate_code": Certificate.objects.filter(conference=conference).first().verification_code,
        "notification": str(
            Notification.objects.filter(scope=conference_notice_scope(conference.pk)).first().pk
        ),
    }
    sessions = {ANONYMOUS: None, ORGANIZER: _session(organizer), REVIEWER: _session(reviewer)}
    return ids, sessions


def _reviewer_accept_path(notice, invitation) -> str:
    match = re.search(r"/phan-bien/moi/[\w.-]+/", notice.body_text) if notice else None
    assert match, f"no reviewer link was sent for {invitation}"
    return match[0]


def test_every_page_kind_has_no_serious_violation_and_no_sideways_scroll_at_desktop_and_phone_width(
    live_server,
    settings,
    chromium_path,
    fake_renderer,  # noqa: F811
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ids, sessions = _seed()

    violations: list[str] = []
    sideways: list[str] = []
    statuses: dict[str, int] = {}
    runs = 0
    impacts: Counter[str] = Counter()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            for width, viewport in WIDTHS.items():
                context = browser.new_context(locale="vi-VN", viewport=viewport)
                page = context.new_page()
                signed_in = None
                for visit in PAGES:
                    if visit.persona != signed_in:
                        context.clear_cookies()
                        if sessions[visit.persona]:
                            context.add_cookies(
                                [
                                    {
                                        "name": django_settings.SESSION_COOKIE_NAME,
                                        "value": sessions[visit.persona],
                                        "url": live_server.url,
                                    }
                                ]
                            )
                        signed_in = visit.persona
                    response = page.goto(live_server.url + visit.path.format(**ids))
                    statuses[visit.name] = response.status
                    every = axe_violations(page)
                    impacts.update(violation["impact"] for violation in every)
                    found = [violation for violation in every if violation["impact"] in BLOCKING_IMPACTS]
                    runs += 1
                    if found:
                        violations.append(f"[{width}] {visit.name}\n" + describe_violations(page.url, found))
                    if not page.evaluate(NO_SIDEWAYS_SCROLL):
                        wide = page.evaluate("document.documentElement.scrollWidth")
                        sideways.append(f"[{width}] {visit.name}: the page is {wide}px wide")
                context.close()
        finally:
            browser.close()

    expected_errors = {"invalid link": 404}
    assert {name: status for name, status in statuses.items() if status != 200} == expected_errors
    # The figures the README quotes (run with -s to see them).
    print(
        f"axe-core: {len(PAGES)} pages x {len(WIDTHS)} widths = {runs} runs; rules violated: {dict(impacts)}"
    )
    assert runs == 2 * len(PAGES)
    assert (violations, sideways) == ([], []), "\n".join(violations + sideways)
