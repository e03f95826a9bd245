"""The site's sign-in and sign-out pages: where people land, the header, the lockout."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conferences.models import ConferenceRole
from tests.factories import PASSWORD, ConferenceFactory, ConferenceRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/dang-nhap/"
SIGN_OUT = "/dang-xuat/"
WORKSPACE = "/to-chuc/"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def sign_in(client: Client, user, password: str = PASSWORD, next: str | None = None, **headers):
    data = {"username": user.username, "password": password} | ({"next": next} if next else {})
    return client.post(SIGN_IN, data, **headers)


def test_the_account_pages_have_their_vietnamese_addresses():
    assert reverse("conferences:sign-in") == SIGN_IN
    assert reverse("conferences:sign-out") == SIGN_OUT
    assert reverse("conferences:workspace") == WORKSPACE
    assert reverse("conferences:password-reset") == "/quen-mat-khau/"


def test_the_sign_in_page_links_to_the_password_reset(client):
    english = client.get(SIGN_IN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vietnamese = client.get(SIGN_IN).content.decode()

    assert 'href="/quen-mat-khau/"' in english and "Forgot your password?" in english
    assert '<label for="id_username">Username or e-mail</label>' in english
    assert '<label for="id_password">Password</label>' in english
    assert '<html lang="vi">' in vietnamese and "Đăng nhập" in vietnamese


def test_an_organizer_lands_on_the_workspace(client, conference):
    user = ConferenceRoleFactory(conference=conference).user

    response = sign_in(client, user)

    assert response.status_code == 302
    assert response["Location"] == WORKSPACE


def test_a_person_without_a_conference_lands_on_the_workspace(client):
    response = sign_in(client, UserFactory())

    assert response["Location"] == WORKSPACE


def test_a_reviewer_of_one_conference_lands_on_its_papers(client, conference):
    user = ConferenceRoleFactory(conference=conference, role=ConferenceRole.Role.REVIEWER).user

    response = sign_in(client, user)

    assert response["Location"] == reverse("conferences:reviewer-papers", args=[conference.slug])


def test_a_reviewer_of_two_conferences_or_who_also_organizes_lands_on_the_workspace(client, conference):
    reviewer = ConferenceRoleFactory(conference=conference, role=ConferenceRole.Role.REVIEWER).user
    ConferenceRoleFactory(conference=ConferenceFactory(), user=reviewer, role=ConferenceRole.Role.REVIEWER)
    both = ConferenceRoleFactory(conference=conference, role=ConferenceRole.Role.REVIEWER).user
    ConferenceRoleFactory(conference=ConferenceFactory(), user=both, role=ConferenceRole.Role.ORGANIZER)

    assert sign_in(client, reviewer)["Location"] == WORKSPACE
    client.logout()
    assert sign_in(client, both)["Location"] == WORKSPACE


def test_a_safe_next_wins_and_a_foreign_one_is_ignored(client, conference):
    user = ConferenceRoleFactory(conference=conference).user
    page = reverse("conferences:outbox", args=[conference.slug])

    assert sign_in(client, user, next=page)["Location"] == page
    client.logout()
    assert sign_in(client, user, next="https://evil.example/")["Location"] == WORKSPACE


def test_a_wrong_password_shows_the_error_and_signs_no_one_in(client):
    user = UserFactory()

    response = sign_in(client, user, password="sai", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert client.get(WORKSPACE).status_code == 302


def test_the_site_sign_in_locks_out_after_too_many_failures(client):
    user = UserFactory(username="vanthu")

    failures = [sign_in(client, user, password=f"sai-{n}").status_code for n in range(3)]
    right = sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), user)

    assert failures == [200, 200, 429]
    assert right.status_code == 429
    assert right["Retry-After"] == "900"
    assert "Too many failed sign-ins" in right.content.decode()


def test_failures_by_username_and_by_address_count_toward_one_lockout():
    user = UserFactory(username="vanthu", email="vanthu@skhcn.gov.vn")
    # Each attempt from its own address, so only the account's count can lock.
    attempts = [
        ("vanthu", "10.0.0.1"),
        ("VanThu@SKHCN.gov.vn", "10.0.0.2"),
        ("vanthu@skhcn.gov.vn", "10.0.0.3"),
    ]
    failures = [
        Client(REMOTE_ADDR=ip).post(SIGN_IN, {"username": typed, "password": "sai"}).status_code
        for typed, ip in attempts
    ]
    right = sign_in(Client(REMOTE_ADDR="10.0.0.4"), user)

    assert failures == [200, 200, 429]
    assert right.status_code == 429


def test_an_unknown_address_is_counted_as_typed(client):
    from conferences.auth_backends import sign_in_identifier

    UserFactory(username="vanthu", email="vanthu@skhcn.gov.vn")

    assert sign_in_identifier(None, {"username": " vanthu@skhcn.gov.vn "}) == "vanthu"
    assert sign_in_identifier(None, {"username": "khong-co@skhcn.gov.vn"}) == "khong-co@skhcn.gov.vn"
    assert sign_in_identifier(None, {"username": "vanthu"}) == "vanthu"


def test_organizer_pages_send_the_anonymous_to_the_site_sign_in(client, conference):
    url = reverse("conferences:outbox", args=[conference.slug])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={url}"


def test_sign_out_asks_on_get_and_signs_out_on_post(client):
    user = UserFactory(first_name="Lan", last_name="Nguyễn Thị")
    client.force_login(user)

    page = client.get(SIGN_OUT, HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert '<form method="post" action="/dang-xuat/">' in page.content.decode()
    assert client.get(WORKSPACE).status_code == 200  # GET did not sign out
    response = client.post(SIGN_OUT)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get(WORKSPACE)["Location"] == f"{SIGN_IN}?next={WORKSPACE}"


def test_sign_out_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())

    assert client.post(SIGN_OUT).status_code == 403
    assert client.get(WORKSPACE).status_code == 200


def test_the_header_shows_the_workspace_the_name_and_sign_out_when_signed_in(client):
    user = UserFactory(first_name="Lan", last_name="Nguyễn Thị")

    anonymous = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(user)
    signed_in = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vietnamese = client.get("/").content.decode()

    assert '<a href="/dang-nhap/">Sign in</a>' in anonymous
    assert 'href="/to-chuc/"' not in anonymous and "/dang-xuat/" not in anonymous
    assert '<a href="/to-chuc/">Workspace</a>' in signed_in
    assert '<span class="account-name">Lan Nguyễn Thị</span>' in signed_in
    assert 'action="/dang-xuat/"' in signed_in and '<button type="submit">Sign out</button>' in signed_in
    assert '<a href="/dang-nhap/">' not in signed_in
    assert "/ngon-ngu/en/" in signed_in  # the language switch stays
    # "Sign out" and "Workspace" are new msgids (TRANSLATIONS_auth.md): the page is Vietnamese around them.
    assert '<html lang="vi">' in vietnamese and "Hội nghị" in vietnamese
    assert 'action="/dang-xuat/"' in vietnamese
