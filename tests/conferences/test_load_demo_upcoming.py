"""load_demo's upcoming conference and the link it prints per persona, followed with the test client."""

import datetime
import re
import urllib.parse
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conferences import demo
from conferences.models import (
    Conference,
)

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


def query_next(path: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["next"][0]


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
