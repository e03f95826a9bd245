"""A forgotten password: the link goes through the outbox, works once, and tells nobody who has an account."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from conferences.enums import AccountNoticeKind
from conferences.services.accounts import ACCOUNT_NOTICE_SCOPE, password_reset_send
from notifications.models import Notification
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FORGOTTEN = "/quen-mat-khau/"
SENT = "/quen-mat-khau/da-gui/"
NEW_PASSWORD = "mat-khau-moi-cua-lan-2026"
LINK = re.compile(r"http://testserver(/dat-lai-mat-khau/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SITE_URL = "http://testserver"
    settings.PASSWORD_RESET_LIMIT = 5
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A deployment that holds every kind it lists: the reset link must go anyway.
    settings.NOTIFICATIONS_HELD_KINDS = ["announcement", "invitation"]
    cache.clear()


@pytest.fixture
def lan():
    return UserFactory(username="lan", email="lan@soqn.gov.vn", first_name="Lan", last_name="Nguyễn Thị")


def part(message, content_type: str) -> str:
    [found] = [p for p in message.walk() if p.get_content_type() == content_type]
    return found.get_payload(decode=True).decode(found.get_content_charset())


def ask(client: Client, email: str, **headers):
    return client.post(FORGOTTEN, {"email": email}, **headers)


def test_the_reset_link_is_delivered_through_the_outbox_and_sets_the_password(
    client, lan, smtp_sink, run_commit_tasks
):
    with run_commit_tasks():
        response = ask(client, "LAN@soqn.gov.vn", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302 and response["Location"] == SENT
    notice = Notification.objects.get()
    assert notice.kind == AccountNoticeKind.PASSWORD_RESET
    assert notice.scope == ACCOUNT_NOTICE_SCOPE
    assert notice.recipient_address == "lan@soqn.gov.vn"
    assert notice.recipient_ref == f"user:{lan.pk}"
    assert notice.state == Notification.State.SENT
    assert notice.subject == "Reset your hoinghi password"
    [message] = smtp_sink.handler.messages
    assert "lan@soqn.gov.vn" in message["To"]
    text = part(message, "text/plain")
    assert "Dear Lan Nguyễn Thị," in text and "“lan”" in text
    assert "The link works once, for 24 hours." in text
    path = LINK.search(text).group(1)
    assert LINK.search(part(message, "text/html")).group(1) == path

    form = client.get(path, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    assert set_url.endswith("/mat-khau-moi/")  # the token left the address bar
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302 and done["Location"] == "/dat-lai-mat-khau/xong/"
    lan.refresh_from_db()
    assert lan.check_password(NEW_PASSWORD) and not lan.check_password(PASSWORD)
    signed_in = client.post("/dang-nhap/", {"username": "lan", "password": NEW_PASSWORD})
    assert signed_in["Location"] == "/to-chuc/"

    used = Client(HTTP_ACCEPT_LANGUAGE="en").get(path, follow=True)
    assert "This password reset link is not valid" in used.content.decode()
    assert "Choose a new password" not in used.content.decode()


def test_setting_a_new_password_lifts_the_accounts_sign_in_lockout(client, lan, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        client.post("/dang-nhap/", {"username": "lan", "password": f"sai-{n}"})
    assert client.post("/dang-nhap/", {"username": "lan", "password": PASSWORD}).status_code == 429
    password_reset_send(email="lan@soqn.gov.vn", language="en")
    path = LINK.search(Notification.objects.get().body_text).group(1)

    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    signed_in = client.post("/dang-nhap/", {"username": "lan", "password": NEW_PASSWORD})

    assert signed_in.status_code == 302 and signed_in["Location"] == "/to-chuc/"


def test_the_notice_is_in_the_language_of_the_page(client, lan, run_commit_tasks):
    ask(client, "lan@soqn.gov.vn")

    assert Notification.objects.get().language == "vi"
    assert Notification.objects.get().body_text.startswith("Kính gửi Lan Nguyễn Thị,")


def test_an_unknown_address_gets_the_same_answer_and_no_notice(client, lan):
    known = ask(Client(HTTP_ACCEPT_LANGUAGE="en"), "lan@soqn.gov.vn")
    unknown = ask(Client(HTTP_ACCEPT_LANGUAGE="en"), "khong-co@soqn.gov.vn")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (302, SENT)
    assert list(Notification.objects.values_list("recipient_address", flat=True)) == ["lan@soqn.gov.vn"]
    page = client.get(SENT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "If an account has this address" in page


def test_no_link_for_an_inactive_account_or_one_without_a_password(client):
    UserFactory(email="nghi@soqn.gov.vn", is_active=False)
    UserFactory(email="khong-mat-khau@soqn.gov.vn", password=None)

    assert ask(client, "nghi@soqn.gov.vn")["Location"] == SENT
    assert ask(client, "khong-mat-khau@soqn.gov.vn")["Location"] == SENT
    assert Notification.objects.count() == 0


def test_a_bad_address_is_a_form_error_tied_to_its_field(client):
    response = ask(client, "khong-phai-dia-chi", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_email_error"><li>Enter a valid email address.</li></ul>' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert Notification.objects.count() == 0


def test_asking_twice_in_the_window_writes_one_notice(lan):
    first = password_reset_send(email="lan@soqn.gov.vn", language="en", now=1_000_000.0)
    again = password_reset_send(email="lan@soqn.gov.vn", language="en", now=1_000_000.0 + 60)
    later = password_reset_send(email="lan@soqn.gov.vn", language="en", now=1_000_000.0 + 3600)

    assert (first, again, later) == (1, 1, 1)
    assert Notification.objects.count() == 2


def test_one_client_is_refused_after_the_limit_whatever_the_addresses(client, lan):
    answers = [ask(client, f"nguoi-{n}@soqn.gov.vn").status_code for n in range(5)]
    refused = ask(client, "lan@soqn.gov.vn", HTTP_ACCEPT_LANGUAGE="en")
    other_client = ask(Client(REMOTE_ADDR="203.0.113.7"), "lan@soqn.gov.vn")

    assert answers == [302] * 5
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "Too many password reset links were asked for" in refused.content.decode()
    assert other_client.status_code == 302
    assert list(Notification.objects.values_list("recipient_address", flat=True)) == ["lan@soqn.gov.vn"]


def test_a_forged_link_shows_the_invalid_page(client, lan):
    response = client.get("/dat-lai-mat-khau/MQ/abc-123/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "This password reset link is not valid" in response.content.decode()
    assert 'href="/quen-mat-khau/"' in response.content.decode()


def test_the_account_notice_stays_out_of_a_conference_outbox(organizer_client, conference, lan):
    password_reset_send(email="lan@soqn.gov.vn", language="vi")

    page = organizer_client.get(f"/to-chuc/{conference.slug}/thong-bao/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert "lan@soqn.gov.vn" not in page.content.decode()
