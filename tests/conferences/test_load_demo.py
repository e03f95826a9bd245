import datetime
import zoneinfo
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from conferences import demo
from conferences.models import (
    Conference,
    Registration,
)

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
