import datetime
import itertools
import unicodedata
import zoneinfo
from io import StringIO

import pypdf
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
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
from conferences.selectors.review_stats import paper_review_stats

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "mat-khau-demo-thu-nghiem"
MODEL_CASE = "so-ket-quyet-dinh-19-2014"
UPCOMING = "so-ket-quyet-dinh-19-2014-giai-doan-2021-2025"
QUANG_NINH_CITATION = (
    "Đã có thành tích xuất sắc trong việc xây dựng, áp dụng Hệ thống quản lý chất lượng "
    "theo Tiêu chuẩn quốc gia TCVN ISO 9001 giai đoạn 2015 - 2020."
)


@pytest.fixture(autouse=True)
def _demo_password(monkeypatch, settings):
    monkeypatch.setenv(demo.PASSWORD_ENV, PASSWORD)
    # Hashing two passwords at full strength would dominate these tests' run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [
        model
        for label in ("conferences", "notifications")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    models += [get_user_model(), apps.get_model("auth", "Group")]
    return {model._meta.label: model.objects.count() for model in models}


@pytest.mark.django_db
def test_load_demo_creates_provinces_and_agencies_of_the_right_kinds():
    load_demo()

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


@pytest.mark.django_db
def test_load_demo_awards_the_quang_ninh_department_stored_in_nfc():
    load_demo()

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


@pytest.mark.django_db
def test_load_demo_creates_the_published_conference_with_its_accounts():
    output = load_demo()

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


@pytest.mark.django_db
def test_load_demo_agenda_has_thirteen_items_in_time_order():
    load_demo()

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


@pytest.mark.django_db
def test_load_demo_invites_every_agency_but_the_host_within_quotas():
    load_demo()

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


@pytest.mark.django_db
def test_load_demo_runs_the_call_for_papers_with_files_blind_reviews_and_decisions():
    load_demo()
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


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    load_demo()
    first = row_counts()

    output = load_demo()

    assert row_counts() == first
    assert "exists already" in output
    assert f"password: {PASSWORD}" in output


@pytest.mark.django_db
def test_load_demo_without_debug_needs_a_password_from_the_environment(monkeypatch, settings):
    monkeypatch.delenv(demo.PASSWORD_ENV)
    settings.DEBUG = False

    with pytest.raises(CommandError, match=demo.PASSWORD_ENV):
        load_demo()

    assert not Conference.objects.exists()


@pytest.mark.django_db
def test_load_demo_again_keeps_a_changed_password_and_does_not_print_it():
    load_demo()
    organizer = get_user_model().objects.get(username="bantochuc")
    organizer.set_password("mat-khau-moi-cua-ban-to-chuc")
    organizer.save()

    output = load_demo()

    organizer.refresh_from_db()
    assert organizer.check_password("mat-khau-moi-cua-ban-to-chuc")
    assert PASSWORD not in output
    assert "password was changed" in output


@pytest.mark.django_db
def test_load_demo_writes_notices_to_delegates_one_sent_at_once_one_held(django_capture_on_commit_callbacks):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks() as callbacks:
        load_demo()
    delegates = Registration.objects.filter(conference__slug=MODEL_CASE).exclude(person__email="").count()
    upcoming_delegates = Registration.objects.filter(conference__slug=UPCOMING).count()
    assert (delegates, upcoming_delegates) == (90, 5)
    assert (
        Notification.objects.filter(kind="announcement", state=Notification.State.HELD).count() == delegates
    )
    assert (
        Notification.objects.filter(kind="announcement", state=Notification.State.PENDING).count()
        == delegates
    )
    # The answers are recorded by rsvp_submit, so each delegate also gets the confirmation with
    # their personal link and e-ticket: written by one task per delegate after the load commits.
    from conferences.services.rsvp import _send_confirmation
    from conferences.tasks import prepare_agenda_version, write_paper_decision_notices
    from notifications.tasks import deliver_notifications

    confirming = [c for c in callbacks if c.func is _send_confirmation]
    assert len(confirming) == delegates + upcoming_delegates
    assert not Notification.objects.filter(kind="registration_confirmation").exists()
    pending = Notification.objects.filter(state=Notification.State.PENDING)
    announcement = {str(pk) for pk in pending.filter(kind="announcement").values_list("pk", flat=True)}
    # Delivery of what is not held is queued when the load commits, the announcement in batches of
    # 100; the published agenda's exports are left to one worker task.
    deliveries = [c for c in callbacks if c.func == deliver_notifications.delay]
    queued = [set(c.args[0]) for c in deliveries]
    assert set().union(*queued) == announcement
    assert len([batch for batch in queued if batch <= announcement]) == -(-delegates // 100)
    assert sum(1 for c in callbacks if c.func == prepare_agenda_version.delay) == 1
    # The papers' decisions send one task that writes their held letters.
    assert sum(1 for c in callbacks if c.func == write_paper_decision_notices.delay) == 1
    # Each of the five papers came in through the submission service: one confirmation task each.
    from conferences.services.papers import _send_received

    received = [c for c in callbacks if c.func is _send_received]
    assert len(received) == 5 + 1
    # The certificates of the day: one dispatch of the job's chunks to the workers.
    from conferences.services.certificate_generation import _dispatch

    assert sum(1 for c in callbacks if getattr(c, "func", None) is _dispatch) == 1
    # The proceedings: one build sent to the documents queue.
    from conferences.services import proceedings

    assert sum(1 for c in callbacks if getattr(c, "func", None) is proceedings._dispatch) == 1
    # The upcoming conference's 84 letters: one task each, written by the worker after the load.
    from conferences.tasks import send_invitation_letter

    letters = [c for c in callbacks if getattr(c, "func", None) == send_invitation_letter.delay]
    assert len(letters) == 84
    assert len(callbacks) == len(deliveries) + 4 + len(received) + len(confirming) + len(letters)
    with django_capture_on_commit_callbacks() as again:
        load_demo()
    assert again == []


@pytest.mark.django_db
def test_load_demo_runs_the_day_ceremony_door_and_certificates(django_capture_on_commit_callbacks, client):
    from conferences.models import CeremonyState, Certificate, Job

    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    conference = Conference.objects.get(slug=MODEL_CASE)
    confirmed = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
    arrived = confirmed.filter(checked_in_at__isnull=False)

    state = CeremonyState.objects.select_related("current_batch").get(conference=conference)
    assert (state.current_batch.position, state.current_batch.awards.count()) == (1, 3)
    # Every seventh delegate stays away; the others were checked in by the organizer from 07:15.
    assert arrived.count() == confirmed.count() - confirmed.count() // 7
    first = timezone.localtime(arrived.order_by("checked_in_at").first().checked_in_at, HANOI)
    assert (first.date(), first.hour, first.minute) == (datetime.date(2021, 4, 9), 7, 15)
    assert set(arrived.values_list("checked_in_by__username", flat=True)) == {"bantochuc"}
    # The certificates of the day, rendered by the job's chunks: one file each.
    certificates = Certificate.objects.filter(conference=conference)
    counts = {kind: certificates.filter(kind=kind).count() for kind in Certificate.Kind.values}
    assert counts == {"attendance": arrived.count(), "speaker": 5, "award": 4}
    assert not certificates.filter(file="").exists()
    job = Job.objects.get(conference=conference, kind=Job.Kind.CERTIFICATES)
    assert (job.status, job.done, job.total) == (Job.Status.DONE, certificates.count(), certificates.count())
    # The proceedings of the model case, built by its job: the five papers and the foreword.
    book = conference.proceedings.get()
    assert (book.kind, book.variant, book.version) == ("book", "standard", 1)
    assert book.pages > 10 and book.job.status == Job.Status.DONE
    assert "năm năm" in conference.proceedings_foreword
    # The upcoming conference's letters, written by the worker: one e-mail per agency, held for approval.
    from notifications.models import Notification

    upcoming = Conference.objects.get(slug=UPCOMING)
    letters = Notification.objects.filter(kind="invitation", scope=f"conference:{upcoming.pk}")
    assert (letters.count(), set(letters.values_list("state", flat=True))) == (84, {"held"})
    award = certificates.filter(kind="award").order_by("serial").first()
    page = client.get(award.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and award.recipient_name in page.content.decode()
