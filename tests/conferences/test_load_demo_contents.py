"""What load_demo builds, read by many tests from one load.

Loading the demo takes seconds, so the read-only tests share one load per module: the fixture
loads it in a transaction that stays open while this module's tests run (each in a savepoint
of its own, rolled back after it) and is rolled back at the end. The tests that load the demo
themselves (twice, with other arguments, catching what it sends on commit) are in
test_load_demo.py and test_load_demo_upcoming.py.
"""

import datetime
import itertools
import unicodedata

import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone

from conferences import demo
from conferences.models import (
    AgendaItem,
    Award,
    CallForPapers,
    Conference,
    ConferenceRole,
    Invitation,
    Organization,
    Paper,
    PaperTopic,
    Province,
    Registration,
    Review,
    ReviewAssignment,
)
from conferences.selectors.notices import invitation_letter_key
from conferences.selectors.papers import call_for_papers_get, call_state
from conferences.selectors.review_stats import paper_review_stats
from notifications.models import Notification
from tests.conferences.test_load_demo import (
    HANOI,
    MODEL_CASE,
    PASSWORD,
    QUANG_NINH_CITATION,
    load_demo,
)
from tests.conferences.test_load_demo_upcoming import QUANG_NINH, UPCOMING, local_path, printed, query_next

pytestmark = pytest.mark.django_db


def _file_settings(root) -> dict:
    from django.conf import settings

    return {
        "MEDIA_ROOT": root / "media",
        "PRIVATE_MEDIA_ROOT": root / "private",
        "STORAGES": {
            **settings.STORAGES,
            "private": {
                **settings.STORAGES["private"],
                "OPTIONS": {"location": root / "private", "base_url": None},
            },
        },
    }


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(autouse=True)
def _isolated_files(settings, demo_files):
    """Every test of this module reads the files of the one load (replaces the conftest's own)."""
    for name, value in _file_settings(demo_files).items():
        setattr(settings, name, value)


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker, demo_files):
    """load_demo's output; its rows stay until the module's last test has run."""
    with (
        pytest.MonkeyPatch.context() as patch,
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], **_file_settings(demo_files)
        ),
        transaction.atomic(),
    ):
        patch.setenv(demo.PASSWORD_ENV, PASSWORD)
        yield load_demo()
        transaction.set_rollback(True)


def test_load_demo_creates_provinces_and_agencies_of_the_right_kinds(demo_output):
    assert Province.objects.count() == 63
    assert dict(Province.objects.values_list("kind").annotate(n=Count("id"))) == {"province": 58, "city": 5}
    assert dict(Organization.objects.values_list("kind").annotate(n=Count("id"))) == {
        "ministry": 18,
        "ministerial_agency": 4,
        "department": 63,
    }
    host = Organization.objects.get(code="BKHCN")
    assert (host.name, host.short_name, host.kind) == ("Bộ Khoa học và Công nghệ", "Bộ KH&CN", "ministry")
    assert Organization.objects.filter(kind="department", province__isnull=True).count() == 0
    hcm = Organization.objects.get(kind="department", province__name="Hồ Chí Minh")
    assert hcm.name == "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh"
    hai_phong = Organization.objects.get(kind="department", province__name="Hải Phòng")
    assert hai_phong.name == "Sở Khoa học và Công nghệ thành phố Hải Phòng"
    assert hai_phong.contact_emails == ["so-khcn-hai-phong@demo.hoinghi.invalid"]


def test_load_demo_awards_the_quang_ninh_department_stored_in_nfc(demo_output):
    nfd_name = unicodedata.normalize("NFD", "Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    department = Organization.objects.get(name=nfd_name)  # NFC fields normalise lookups too.
    assert department.name == unicodedata.normalize("NFC", nfd_name)
    assert unicodedata.is_normalized("NFC", department.name)
    assert department.short_name == "Sở KH&CN Quảng Ninh"
    assert department.province.code == "22"

    first = Award.objects.select_related("decision__document").order_by("ceremony_order").first()
    assert first.recipient_organization == department
    assert first.citation == QUANG_NINH_CITATION
    assert first.category.issuer_title == "BỘ TRƯỞNG BỘ KHOA HỌC VÀ CÔNG NGHỆ"
    decision = first.decision
    assert decision.document.formatted == "01/QĐ-BKHCN"
    assert decision.signed_on == datetime.date(2021, 4, 5)
    assert (decision.signer_title, decision.signer_name) == ("BỘ TRƯỞNG", "Nguyễn Văn A")
    assert list(decision.awards.values_list("ceremony_order", flat=True)) == [1, 2, 3, 4]


def test_load_demo_creates_the_published_conference_with_its_accounts(demo_output):
    output = demo_output
    conference = Conference.objects.get(slug="so-ket-quyet-dinh-19-2014")
    assert conference.status == Conference.Status.PUBLISHED
    assert conference.starts_at == datetime.datetime(2021, 4, 9, 7, 30, tzinfo=HANOI)
    assert conference.ends_at == datetime.datetime(2021, 4, 9, 11, 30, tzinfo=HANOI)
    assert conference.rsvp_deadline.astimezone(HANOI).date() == datetime.date(2021, 4, 5)
    assert (conference.review_period_start, conference.review_period_end) == (2015, 2020)
    assert conference.host.code == "BKHCN"
    assert (conference.chair.full_name, conference.chair.position) == ("Trần Văn B", "Thứ trưởng")
    assert list(conference.rooms.values_list("name", flat=True)) == ["Hội trường chính"]
    assert conference.review_criteria.count() == 3

    organizer = get_user_model().objects.get(username="bantochuc")
    assert organizer.is_staff and not organizer.is_superuser
    assert organizer.check_password(PASSWORD)
    assert organizer.has_perm("conferences.change_conference")
    # The outbox admin is the superusers'; organizers read the outbox on their conference's page.
    assert not organizer.has_perm("notifications.view_notification")
    assert not organizer.has_perm("auth.change_user")
    roles = set(ConferenceRole.objects.filter(conference=conference).values_list("user__username", "role"))
    assert roles == {("bantochuc", "organizer"), ("phanbien", "reviewer"), ("phanbien2", "reviewer")}
    assert "http://127.0.0.1:8000/admin/" in output
    assert "username: bantochuc" in output
    assert f"password: {PASSWORD}" in output


def test_load_demo_agenda_has_thirteen_items_in_time_order(demo_output):
    items = list(AgendaItem.objects.filter(conference__slug="so-ket-quyet-dinh-19-2014"))
    assert len(items) == 13
    assert [item.kind for item in items] == [
        "other", "other", "opening", "report", "paper", "paper", "paper",
        "break", "paper", "paper", "discussion", "awards", "closing",
    ]  # fmt: skip
    assert items[0].starts_at == datetime.datetime(2021, 4, 9, 7, 30, tzinfo=HANOI)
    assert items[-1].ends_at == datetime.datetime(2021, 4, 9, 11, 30, tzinfo=HANOI)
    for before, after in itertools.pairwise(items):
        assert before.ends_at == after.starts_at
    assert [item.position for item in items] == list(range(13))
    assert items[0].presenter_text == "Ban Tổ chức"
    assert items[4].title.startswith("Tham luận 1: Kết quả xây dựng, áp dụng Hệ thống quản lý chất lượng")
    for item in items:
        if item.kind == AgendaItem.Kind.PAPER:
            assert item.paper.status == Paper.Status.ACCEPTED
            assert item.presenting_organization == item.paper.presenting_organization
    assert items[4].presenting_organization.name == "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"


def test_load_demo_invites_every_agency_but_the_host_within_quotas(demo_output):
    invitations = Invitation.objects.filter(conference__slug="so-ket-quyet-dinh-19-2014")
    assert invitations.count() == Organization.objects.exclude(code="BKHCN").count() == 84
    assert not invitations.filter(organization__code="BKHCN").exists()
    assert dict(invitations.values_list("status").annotate(n=Count("id"))) == {
        "accepted": 60,
        "declined": 4,
        "sent": 20,
    }
    departments = invitations.filter(organization__kind=Organization.Kind.DEPARTMENT)
    assert set(departments.values_list("delegate_quota", flat=True)) == {2}
    ministries = invitations.exclude(organization__kind=Organization.Kind.DEPARTMENT)
    assert set(ministries.values_list("delegate_quota", flat=True)) == {1}
    requested = invitations.filter(paper_requested=True)
    assert requested.count() == 5
    assert set(requested.values_list("status", flat=True)) == {"accepted"}

    over_quota = invitations.annotate(
        delegates=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED))
    ).values_list("delegates", "delegate_quota", "status")
    for delegates, quota, status in over_quota:
        assert delegates <= quota
        assert (delegates > 0) == (status == Invitation.Status.ACCEPTED)
    registrations = Registration.objects.filter(conference__slug=MODEL_CASE).select_related(
        "invitation", "person"
    )
    assert registrations.count() == 90
    for registration in registrations:
        assert registration.person.organization_id == registration.invitation.organization_id
    speakers = registrations.filter(role=Registration.Role.SPEAKER)
    assert speakers.count() == 5
    submitted = Review.objects.filter(paper__conference__slug=MODEL_CASE, status=Review.Status.SUBMITTED)
    assert submitted.count() == 10


def test_load_demo_runs_the_call_for_papers_with_files_blind_reviews_and_decisions(demo_output):
    conference = Conference.objects.get(slug=MODEL_CASE)
    call = CallForPapers.objects.get(conference=conference)
    papers = list(Paper.objects.filter(conference=conference).select_related("current_revision", "topic"))

    assert (call.blind_review, call.reviewers_per_paper) == (True, 2)
    assert PaperTopic.objects.filter(conference=conference).count() == 4
    assert len(papers) == 5
    for paper in papers:
        revision = paper.current_revision
        # Each paper came in as a PDF of its text, checked and stored under a random name.
        assert (revision.number, revision.file_kind) == (1, "pdf")
        assert revision.file_name.startswith("Tham luận Sở") or revision.file_name.startswith("Tham luận Bộ")
        assert revision.file_name not in revision.file.name
        with revision.file.open("rb") as handle:
            text = "".join(page.extract_text() for page in pypdf.PdfReader(handle).pages)
        assert "THAM LUẬN" in text
        assert paper.topic is not None
        assert paper.status == Paper.Status.ACCEPTED
        assert paper.final_revision_id == revision.pk and paper.locked_at is not None
        assert ReviewAssignment.objects.filter(paper=paper).count() == 2
    stats = paper_review_stats(
        conference_id=conference.pk, paper_ids=[p.pk for p in papers], margin=call.disagreement_margin
    )
    flagged = sorted(p.title for p in papers if stats[p.pk].disagreement)
    # Only the Hồ Chí Minh paper's two reviews differ by more than the margin (88 against 46 of 100).
    assert len(flagged) == 1 and "Thành phố Hồ Chí Minh" in flagged[0]
    assert all(stats[p.pk].done == 2 for p in papers)


def test_load_demo_builds_the_upcoming_conference_weeks_after_today_with_rsvp_and_call_open(demo_output):
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


def test_load_demo_sends_the_upcoming_invitations_and_records_a_few_answers(demo_output):
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


# Each printed link followed in turn, as a newcomer would.
def test_load_demo_printed_links_open_each_persona_page(client, demo_output):
    output = demo_output
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
