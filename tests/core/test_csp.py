"""The Content-Security-Policy: on every page, nothing inline, and templates that keep it so."""

import datetime
import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conferences.selectors.notices import conference_notices
from conferences.services.agenda_publishing import agenda_publish
from conferences.services.certificates import certificate_issue
from conferences.services.invitation_sending import invitation_link_create, invitation_send
from core.tokens import token_new
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    ConferenceRoleFactory,
    InvitationFactory,
    OrganizationFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
)

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> block": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE),
    "event handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
    "javascript: URL": re.compile(r"""=\s*["']\s*javascript:""", re.IGNORECASE),
}
# Not pages a browser opens on this site: e-mails (mail clients need inline styles; the outbox
# shows them in a sandboxed frame under a policy of their own) and WeasyPrint's PDF sources.
NOT_PAGES = ("email", "documents")


def inline_code(html: str) -> list[str]:
    return [name for name, pattern in INLINE.items() if pattern.search(html)]


# The templates -------------------------------------------------------------------------------------------


def test_no_template_of_a_page_has_inline_script_or_style():
    found = {
        str(path.relative_to(TEMPLATES)): inline_code(path.read_text(encoding="utf-8"))
        for path in sorted(TEMPLATES.rglob("*.html"))
        if path.relative_to(TEMPLATES).parts[0] not in NOT_PAGES
    }

    assert {name: kinds for name, kinds in found.items() if kinds} == {}
    assert len(found) >= 30  # The scan did read the page templates.


@pytest.mark.parametrize(
    ("snippet", "kind"),
    [
        ("<script>alert(1)</script>", "inline <script>"),
        ('<script type="module">import "x";</script>', "inline <script>"),
        ("<style>p { color: red }</style>", "<style> block"),
        ('<p style="color: red">', "style attribute"),
        ('<button onclick="go()">', "event handler attribute"),
        ("<a href='javascript:go()'>", "javascript: URL"),
    ],
)
def test_the_template_scan_finds_each_kind_of_inline_code(snippet, kind):
    assert inline_code(f"<div>{snippet}</div>") == [kind]


def test_the_template_scan_allows_script_files_and_data_attributes():
    html = '<script src="/static/js/x.js" data-spec-url="/api/"></script><p data-style="x" class="on">'

    assert inline_code(html) == []


# The pages -----------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())}
    }


@pytest.fixture
def site(db, run_commit_tasks):
    """One published conference with an agenda, an invitation, a delegate, a notice and a certificate."""
    starts = timezone.localtime(timezone.now()).replace(hour=8, minute=0, second=0, microsecond=0)
    starts += datetime.timedelta(days=20)
    conference = ConferenceFactory(
        published=True,
        slug="so-ket-19",
        host=OrganizationFactory(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        rsvp_deadline=starts - datetime.timedelta(days=5),
    )
    item = AgendaItemFactory(
        conference=conference, starts_at=starts, ends_at=starts + datetime.timedelta(minutes=30)
    )
    agenda_publish(conference=conference)
    organizer = UserFactory(username="bantochuc")
    ConferenceRoleFactory(conference=conference, user=organizer)
    invitation = InvitationFactory(
        conference=conference,
        organization=OrganizationFactory(
            name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
            kind="department",
            contact_emails=["vanthu@skhcn.quangninh.gov.vn"],
        ),
    )
    with run_commit_tasks():
        invitation_send(invitation=invitation)
    notice = conference_notices(conference=conference, kind="invitation").get()
    token, token_hash = token_new()
    RegistrationFactory(conference=conference, person=PersonFactory(), token_hash=token_hash)
    certificate = certificate_issue(
        conference=conference, kind="attendance", recipient_person=PersonFactory()
    )
    return {
        "conference": conference,
        "item": item,
        "organizer": organizer,
        "invitation": invitation,
        "notice": notice,
        "rsvp_path": "/" + invitation_link_create(invitation=invitation).split("/", 3)[3],
        "delegate_token": token,
        "certificate": certificate,
    }


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


OUR_PAGES = {
    "home": lambda s: (Client(), "/"),
    "conference": lambda s: (Client(), reverse("conferences:detail", args=["so-ket-19"])),
    "agenda": lambda s: (Client(), reverse("conferences:agenda", args=["so-ket-19"])),
    "agenda history": lambda s: (Client(), reverse("conferences:agenda-history", args=["so-ket-19"])),
    "certificate lookup": lambda s: (Client(), reverse("conferences:certificate-lookup")),
    "certificate": lambda s: (Client(), s["certificate"].get_absolute_url()),
    "unknown certificate": lambda s: (Client(), "/xac-minh/ZZZZZZZZZZZZ/"),
    "rsvp": lambda s: (Client(), s["rsvp_path"]),
    "link not valid": lambda s: (Client(), "/tra-loi/khong-phai-ma-that/"),
    "delegate": lambda s: (Client(), reverse("conferences:delegate", args=[s["delegate_token"]])),
    "page not found": lambda s: (Client(), "/khong-co-trang-nay/"),
    "organizer invitations": lambda s: (
        _signed_in(s["organizer"]),
        reverse("conferences:organizer-invitations", args=["so-ket-19"]),
    ),
    "organizer invitation": lambda s: (
        _signed_in(s["organizer"]),
        reverse("conferences:organizer-invitation", args=["so-ket-19", s["invitation"].pk]),
    ),
    "organizer answer": lambda s: (
        _signed_in(s["organizer"]),
        reverse("conferences:organizer-invitation-answer", args=["so-ket-19", s["invitation"].pk]),
    ),
    "agenda editor": lambda s: (
        _signed_in(s["organizer"]),
        reverse("conferences:agenda-editor", args=["so-ket-19"]),
    ),
    "agenda item": lambda s: (
        _signed_in(s["organizer"]),
        reverse("conferences:agenda-item-edit", args=["so-ket-19", s["item"].pk]),
    ),
    "agenda item move": lambda s: (
        _signed_in(s["organizer"]),
        reverse("conferences:agenda-item-move", args=["so-ket-19", s["item"].pk]),
    ),
    "agenda item delete": lambda s: (
        _signed_in(s["organizer"]),
        reverse("conferences:agenda-item-delete", args=["so-ket-19", s["item"].pk]),
    ),
    "outbox": lambda s: (_signed_in(s["organizer"]), reverse("conferences:outbox", args=["so-ket-19"])),
    "notice": lambda s: (
        _signed_in(s["organizer"]),
        reverse("conferences:notification", args=["so-ket-19", s["notice"].pk]),
    ),
    "import": lambda s: (_signed_in(UserFactory(is_staff=True)), reverse("conferences:organization-import")),
    "sign in": lambda s: (Client(), reverse("conferences:sign-in")),
    "sign out": lambda s: (_signed_in(s["organizer"]), reverse("conferences:sign-out")),
    "password forgotten": lambda s: (Client(), reverse("conferences:password-reset")),
    "password reset sent": lambda s: (Client(), reverse("conferences:password-reset-sent")),
    "password reset link": lambda s: (Client(), "/dat-lai-mat-khau/MQ/khong-phai-ma-that/"),
    "password reset complete": lambda s: (Client(), reverse("conferences:password-reset-complete")),
    "workspace": lambda s: (_signed_in(s["organizer"]), reverse("conferences:workspace")),
}
OTHER_PAGES = {
    "admin sign-in": lambda s: (Client(), "/admin/login/"),
    "admin": lambda s: (_signed_in(UserFactory(is_staff=True, is_superuser=True)), "/admin/"),
    "admin list": lambda s: (
        _signed_in(UserFactory(is_staff=True, is_superuser=True)),
        "/admin/conferences/conference/",
    ),
    "browsable API": lambda s: (Client(HTTP_ACCEPT="text/html"), "/api/v1/conferences/"),
    "API docs": lambda s: (Client(), reverse("api-docs")),
}


@pytest.mark.parametrize("page", sorted(OUR_PAGES))
def test_every_page_of_the_site_has_the_policy_and_no_inline_code(site, page):
    client, path = OUR_PAGES[page](site)

    response = client.get(path)

    assert response.status_code in (200, 404), response.status_code
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"] == POLICY
    assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize("page", sorted(OTHER_PAGES))
def test_admin_and_api_pages_have_the_policy(site, page):
    client, path = OTHER_PAGES[page](site)

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY


def test_the_policy_allows_nothing_inline():
    assert django_settings.CONTENT_SECURITY_POLICY == POLICY
    assert "unsafe" not in POLICY


def test_too_many_guesses_and_the_sign_in_lockout_have_the_policy(site, settings):
    settings.RSVP_GUESS_LIMIT = 1
    settings.AXES_FAILURE_LIMIT = 1
    client = Client()
    client.get("/tra-loi/khong-phai-ma-that/")

    too_many = client.get(site["rsvp_path"])
    locked = client.post("/admin/login/", {"username": "bantochuc", "password": "sai"})

    assert (too_many.status_code, too_many["Content-Security-Policy"]) == (429, POLICY)
    assert (locked.status_code, locked["Content-Security-Policy"]) == (429, POLICY)
    assert inline_code(too_many.content.decode()) == inline_code(locked.content.decode()) == []


def test_redoc_has_a_policy_of_its_own_with_a_fresh_style_nonce_and_nothing_inline(db):
    first = Client().get(reverse("api-redoc"))
    second = Client().get(reverse("api-redoc"))

    nonce = re.search(r"'nonce-([\w-]+)'", first["Content-Security-Policy"])[1]
    assert (
        first["Content-Security-Policy"]
        == POLICY.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")
        + "; worker-src 'self' blob:"
    )
    assert "unsafe" not in first["Content-Security-Policy"]
    assert f'nonce="{nonce}"' in first.content.decode()
    assert second["Content-Security-Policy"] != first["Content-Security-Policy"]
    assert inline_code(first.content.decode()) == []


def test_the_notice_preview_keeps_its_stricter_policy(site):
    response = _signed_in(site["organizer"]).get(f"/api/v1/notifications/{site['notice'].pk}/preview/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox; default-src 'none';")
