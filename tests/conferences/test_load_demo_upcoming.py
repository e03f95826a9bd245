"""load_demo's upcoming conference and the link it prints per persona, followed with the test client."""

import datetime
import re
import urllib.parse
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from conferences import demo
from conferences.models import (
    Conference,
    ConferenceRole,
    Invitation,
    Paper,
    Registration,
    ReviewAssignment,
)
from conferences.selectors.notices import invitation_letter_key
from conferences.selectors.papers import call_for_papers_get, call_state
from notifications.models import Notification

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "mat-khau-demo-thu-nghiem"
UPCOMING = "so-ket-quyet-dinh-19-2014-giai-doan-2021-2025"
QUANG_NINH = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"


@pytest.fixture(autouse=True)
def _demo_password(monkeypatch, settings):
    monkeypatch.setenv(demo.PASSWORD_ENV, PASSWORD)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def printed(output: str, label: str) -> str:
    """The URL printed after `label` in load_demo's output."""
    found = re.search(re.escape(label) + r"\S*:? (https?://\S+)", output)
    assert found, f"no {label!r} link in:\n{output}"
    return found.group(1)


def local_path(url: str, base: str = "http://127.0.0.1:8000") -> str:
    assert url.startswith(base + "/"), url
    return url[len(base) :]


@pytest.mark.django_db
def test_load_demo_builds_the_upcoming_conference_weeks_after_today_with_rsvp_and_call_open():
    load_demo()

    conference = Conference.objects.get(slug=UPCOMING)
    today = timezone.localdate()
    assert conference.status == Conference.Status.PUBLISHED
    assert conference.title_vi == (
        "Hội nghị sơ kết tình hình triển khai Quyết định số 19/2014/QĐ-TTg giai đoạn 2021 - 2025"
    )
    assert (conference.review_period_start, conference.review_period_end) == (2021, 2025)
    starts = conference.starts_at.astimezone(HANOI)
    assert (starts.date(), starts.hour, starts.minute) == (today + datetime.timedelta(days=28), 8, 0)
    assert conference.rsvp_deadline.astimezone(HANOI).date() == today + datetime.timedelta(days=21)
    assert conference.paper_deadline.astimezone(HANOI).date() == today + datetime.timedelta(days=18)
    assert list(conference.rooms.values_list("name", flat=True)) == ["Hội trường chính", "Phòng họp số 2"]
    assert call_state(call_for_papers_get(conference)).is_open
    roles = set(ConferenceRole.objects.filter(conference=conference).values_list("user__username", "role"))
    assert roles == {("bantochuc", "organizer"), ("phanbien", "reviewer"), ("phanbien2", "reviewer")}


@pytest.mark.django_db
def test_load_demo_sends_the_upcoming_invitations_and_records_a_few_answers():
    load_demo()

    conference = Conference.objects.get(slug=UPCOMING)
    invitations = Invitation.objects.filter(conference=conference)
    assert invitations.count() == 84
    assert dict(invitations.values_list("status").annotate(n=Count("id"))) == {
        "sent": 79,
        "accepted": 4,
        "declined": 1,
    }
    # Sent by the sending service: each numbered and counted once, none left a draft.
    assert not invitations.filter(document__isnull=True).exists()
    assert set(invitations.values_list("send_count", flat=True)) == {1}
    assert invitations.values("document__number").distinct().count() == 84
    # The persona's letter is in the outbox already, held for approval; the others come from the worker.
    quang_ninh = invitations.get(organization__name=QUANG_NINH)
    letter = Notification.objects.get(idempotency_key__startswith=invitation_letter_key(quang_ninh.pk, 1))
    assert (letter.kind, letter.state) == ("invitation", Notification.State.HELD)
    assert quang_ninh.status == Invitation.Status.SENT and quang_ninh.paper_requested
    delegates = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
    assert sorted(delegates.values_list("full_name", flat=True)) == [
        "Hoàng Quốc Việt", "Lê Thị Ngọc Ánh", "Nguyễn Minh Tâm", "Phạm Thị Thu Hà", "Đỗ Văn Kiên",
    ]  # fmt: skip
    # No delegate of the upcoming conference is a delegate of the model case.
    assert not Registration.objects.filter(
        person__in=delegates.values("person"), conference__slug="so-ket-quyet-dinh-19-2014"
    ).exists()
    paper = Paper.objects.get(conference=conference)
    assert paper.presenting_organization.name == "Sở Khoa học và Công nghệ thành phố Đà Nẵng"
    reviewers = set(ReviewAssignment.objects.filter(paper=paper).values_list("reviewer__username", flat=True))
    assert reviewers == {"phanbien", "phanbien2"}


def query_next(path: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["next"][0]


# Loading the demo costs seconds: one load, each printed link followed in turn, as a newcomer would.
@pytest.mark.django_db
def test_load_demo_printed_links_open_each_persona_page(client):
    output = load_demo()

    # The agency: its RSVP link is the one in its invitation e-mail, and opens its answer page.
    rsvp = local_path(printed(output, "RSVP link"))
    assert rsvp.startswith("/tra-loi/")
    page = client.get(rsvp, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert QUANG_NINH in page.content.decode() and "2021 - 2025" in page.content.decode()
    letter = Notification.objects.get(kind="invitation", recipient_name=QUANG_NINH)
    assert rsvp in letter.body_text

    # The delegate named on an answered invitation: their page, with the open call for papers.
    assert "Delegate (Phạm Thị Thu Hà)" in output
    page = client.get(local_path(printed(output, "personal page")), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Phạm Thị Thu Hà" in body and "Sở Khoa học và Công nghệ thành phố Hải Phòng" in body
    assert "Send a paper" in body

    # The reviewer: the sign-in link signs in and lands on the paper to review.
    assert "username: phanbien\n" in output
    sign_in = local_path(printed(output, "Reviewer"))
    assert client.get(sign_in).status_code == 200
    response = client.post(
        sign_in, {"username": "phanbien", "password": PASSWORD, "next": query_next(sign_in)}
    )
    assert (response.status_code, response["Location"]) == (302, f"/phan-bien/{UPCOMING}/")
    papers = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert papers.status_code == 200
    assert "Chuyển đổi số trong duy trì Hệ thống quản lý chất lượng" in papers.content.decode()

    # The organizer: the sign-in link lands on the upcoming conference's invitations.
    client.logout()
    sign_in = local_path(printed(output, "Organizer"))
    response = client.post(
        sign_in, {"username": "bantochuc", "password": PASSWORD, "next": query_next(sign_in)}
    )
    assert (response.status_code, response["Location"]) == (302, f"/to-chuc/{UPCOMING}/giay-moi/")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert QUANG_NINH in page.content.decode()


@pytest.mark.django_db
def test_load_demo_prints_links_on_the_base_url_given_and_the_same_ones_again(client):
    first = load_demo("--base-url", "https://hoinghi.example.vn/")
    again = load_demo("--base-url", "https://hoinghi.example.vn")

    links = [printed(first, label) for label in ("Organizer", "RSVP link", "personal page", "Reviewer")]
    assert all(link.startswith("https://hoinghi.example.vn/") for link in links)
    assert "//" not in "".join(link.removeprefix("https://") for link in links)
    assert [
        printed(again, label) for label in ("Organizer", "RSVP link", "personal page", "Reviewer")
    ] == links
    assert "The upcoming conference 'so-ket-quyet-dinh-19-2014-giai-doan-2021-2025' exists already" in again
    assert Conference.objects.filter(slug=UPCOMING).count() == 1
    rsvp = local_path(printed(again, "RSVP link"), base="https://hoinghi.example.vn")
    assert client.get(rsvp).status_code == 200


@pytest.mark.django_db
def test_load_demo_default_base_url_follows_demo_address(monkeypatch):
    monkeypatch.setenv("DEMO_ADDRESS", "0.0.0.0:8080")

    output = load_demo()

    assert printed(output, "RSVP link").startswith("http://0.0.0.0:8080/tra-loi/")
    assert "http://0.0.0.0:8080/admin/" in output
    assert "deadline has passed" not in output


@pytest.mark.django_db
def test_load_demo_again_after_the_upcoming_rsvp_deadline_says_it_has_passed():
    load_demo()
    # As if the demo had been loaded five weeks ago.
    Conference.objects.filter(slug=UPCOMING).update(rsvp_deadline=timezone.now() - datetime.timedelta(days=1))

    output = load_demo()

    assert "its RSVP deadline has passed" in output
    assert Conference.objects.filter(slug__startswith=UPCOMING).count() == 1
