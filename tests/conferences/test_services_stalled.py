"""Tasks that never ran (lost by the broker) are sent again by the beat sweep, and run once."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from conferences.models import AgendaVersion, Invitation, Job, Organization
from conferences.services.agenda_publishing import agenda_publish
from conferences.services.imports.jobs import import_start
from conferences.services.invitation_sending import invitation_revoke, invitation_send, invitation_send_bulk
from conferences.services.organizations import province_upsert
from conferences.services.stalled import stalled_work_redispatch
from notifications.models import Notification
from tests.conferences.invitation_helpers import make_invitation, notices
from tests.factories import ConferenceFactory, RegistrationFactory, local
from tests.factories import agenda_item_build as add

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("invitation_settings")]

LONG_AGO = datetime.timedelta(minutes=20)


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def lost(django_capture_on_commit_callbacks, call):
    """Run `call` and drop the tasks its commit would send, as a broker that lost them would."""
    with django_capture_on_commit_callbacks() as callbacks:
        result = call()
    assert callbacks, "the call sent no task to lose"
    return result


def test_a_lost_publish_task_is_sent_again_and_prepares_the_version_once(django_capture_on_commit_callbacks):
    conference = ConferenceFactory()  # 9 April 2021, 08:00-12:00
    RegistrationFactory(conference=conference)
    add(conference, (9, 0), (9, 15), "Khai mạc")
    version = lost(django_capture_on_commit_callbacks, lambda: agenda_publish(conference=conference))
    fresh = stalled_work_redispatch()
    AgendaVersion.objects.filter(pk=version.pk).update(published_at=timezone.now() - LONG_AGO)

    first = stalled_work_redispatch()
    second = stalled_work_redispatch()

    assert fresh == {
        "agenda_versions": 0,
        "letters": 0,
        "certificate_jobs": 0,
        "proceedings_jobs": 0,
        "invitation_jobs": 0,
        "import_jobs": 0,
    }  # Not stalled yet: the worker may be slow.
    assert first == {
        "agenda_versions": 1,
        "letters": 0,
        "certificate_jobs": 0,
        "proceedings_jobs": 0,
        "invitation_jobs": 0,
        "import_jobs": 0,
    }
    assert second == {
        "agenda_versions": 0,
        "letters": 0,
        "certificate_jobs": 0,
        "proceedings_jobs": 0,
        "invitation_jobs": 0,
        "import_jobs": 0,
    }
    version.refresh_from_db()
    assert version.prepared_at is not None


def test_a_lost_letter_is_written_once_and_held_for_an_organizer(
    conference, django_capture_on_commit_callbacks
):
    invitation = make_invitation(conference)
    lost(django_capture_on_commit_callbacks, lambda: invitation_send(invitation=invitation, hold=False))
    assert notices(invitation).count() == 0
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - LONG_AGO)

    first = stalled_work_redispatch()
    second = stalled_work_redispatch()

    assert (first, second) == (
        {
            "agenda_versions": 0,
            "letters": 1,
            "certificate_jobs": 0,
            "proceedings_jobs": 0,
            "invitation_jobs": 0,
            "import_jobs": 0,
        },
        {
            "agenda_versions": 0,
            "letters": 0,
            "certificate_jobs": 0,
            "proceedings_jobs": 0,
            "invitation_jobs": 0,
            "import_jobs": 0,
        },
    )
    letters = notices(invitation)
    assert sorted(letters.values_list("recipient_address", flat=True)) == [
        "lanhdao1@so.gov.vn",
        "vanthu1@so.gov.vn",
    ]
    assert set(letters.values_list("state", flat=True)) == {Notification.State.HELD}


def test_the_sweep_leaves_written_revoked_and_old_sends_alone(
    conference, django_capture_on_commit_callbacks, run_commit_tasks
):
    written = make_invitation(conference, 1)
    with run_commit_tasks():
        invitation_send(invitation=written)
    revoked = make_invitation(conference, 2)
    lost(django_capture_on_commit_callbacks, lambda: invitation_send(invitation=revoked))
    invitation_revoke(invitation=revoked, reason="Gửi nhầm")
    old = make_invitation(conference, 3)
    lost(django_capture_on_commit_callbacks, lambda: invitation_send(invitation=old))
    Invitation.objects.filter(pk__in=[written.pk, revoked.pk]).update(sent_at=timezone.now() - LONG_AGO)
    Invitation.objects.filter(pk=old.pk).update(sent_at=local(2021, 4, 1, 8, 0))

    assert stalled_work_redispatch() == {
        "agenda_versions": 0,
        "letters": 0,
        "certificate_jobs": 0,
        "proceedings_jobs": 0,
        "invitation_jobs": 0,
        "import_jobs": 0,
    }
    assert notices(written).count() == 2
    assert notices(revoked).count() == notices(old).count() == 0


def test_the_sweep_reads_the_letters_of_many_sends_in_a_fixed_number_of_queries(
    conference, django_capture_on_commit_callbacks, run_commit_tasks, django_assert_max_num_queries
):
    for n in range(12):
        with run_commit_tasks():
            invitation_send(invitation=make_invitation(conference, n))
    Invitation.objects.update(sent_at=timezone.now() - LONG_AGO)

    # Stalled versions, candidate invitations, the notices under their keys, stalled certificate,
    # proceedings and sending jobs, queued and running imports: however many sends.
    with django_assert_max_num_queries(8):
        assert stalled_work_redispatch() == {
            "agenda_versions": 0,
            "letters": 0,
            "certificate_jobs": 0,
            "proceedings_jobs": 0,
            "invitation_jobs": 0,
            "import_jobs": 0,
        }


# Jobs of sending invitations and importing agencies ------------------------------------------------------


def stall(job, ago: datetime.timedelta = LONG_AGO) -> None:
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - ago)


def test_a_lost_sending_job_sends_its_drafts_once_and_finishes(
    conference, django_capture_on_commit_callbacks, run_commit_tasks
):
    invitations = [make_invitation(conference, n) for n in range(3)]
    job = lost(
        django_capture_on_commit_callbacks,
        lambda: invitation_send_bulk(conference=conference, invitation_ids=[i.pk for i in invitations]),
    )
    assert stalled_work_redispatch()["invitation_jobs"] == 0  # Not stalled yet: the worker may be slow.
    stall(job)

    with run_commit_tasks():
        first = stalled_work_redispatch()
    with run_commit_tasks():
        second = stalled_work_redispatch()

    assert (first["invitation_jobs"], second["invitation_jobs"]) == (1, 0)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.result["sent"]) == (Job.Status.DONE, 3, 3, 3)
    for invitation in invitations:
        invitation.refresh_from_db()
        assert (invitation.status, invitation.send_count) == (Invitation.Status.SENT, 1)
        # One letter to each of the agency's two addresses, held for an organizer.
        assert set(notices(invitation).values_list("state", flat=True)) == {Notification.State.HELD}
        assert notices(invitation).count() == 2


def test_a_stalled_sending_job_sends_only_what_is_still_a_draft(
    conference, django_capture_on_commit_callbacks, run_commit_tasks
):
    sent_by_hand, revoked, waiting = (make_invitation(conference, n) for n in range(3))
    job = lost(
        django_capture_on_commit_callbacks,
        lambda: invitation_send_bulk(
            conference=conference, invitation_ids=[sent_by_hand.pk, revoked.pk, waiting.pk]
        ),
    )
    with run_commit_tasks():
        invitation_send(invitation=sent_by_hand)
    invitation_revoke(invitation=revoked, reason="Gửi nhầm")
    stall(job)

    with run_commit_tasks():
        assert stalled_work_redispatch()["invitation_jobs"] == 1

    sent_by_hand.refresh_from_db()
    waiting.refresh_from_db()
    assert (sent_by_hand.send_count, waiting.send_count) == (1, 1)
    assert notices(revoked).count() == 0
    job.refresh_from_db()
    assert job.status == Job.Status.DONE


def test_a_stalled_sending_job_with_no_draft_left_is_finished(conference, django_capture_on_commit_callbacks):
    invitation = make_invitation(conference)
    job = lost(
        django_capture_on_commit_callbacks,
        lambda: invitation_send_bulk(conference=conference, invitation_ids=[invitation.pk]),
    )
    invitation_revoke(invitation=invitation, reason="Gửi nhầm")
    stall(job)

    assert stalled_work_redispatch()["invitation_jobs"] == 1

    job.refresh_from_db()
    assert (job.status, job.done, job.result["sent"], job.result["left_as_drafts"]) == (
        Job.Status.DONE,
        1,
        1,
        0,
    )
    assert stalled_work_redispatch()["invitation_jobs"] == 0


@pytest.fixture
def import_file():
    province_upsert(code="22", name="Quảng Ninh", kind="province")
    rows = [
        ["Tên cơ quan", "Loại", "Tỉnh", "Cơ quan cấp trên", "Email", "Điện thoại"],
        ["Ủy ban nhân dân tỉnh Quảng Ninh", "UBND tỉnh", "22", "", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = default_storage.save(
        "imports/stalled-test.csv", ContentFile(buffer.getvalue().encode("utf-8-sig"))
    )
    yield path
    if default_storage.exists(path):
        default_storage.delete(path)


def test_a_lost_import_is_sent_again_and_imports_once(import_file, django_capture_on_commit_callbacks):
    job = lost(
        django_capture_on_commit_callbacks,
        lambda: import_start(path=import_file, filename="co-quan.csv", actor=None),
    )
    assert stalled_work_redispatch()["import_jobs"] == 0
    stall(job)

    first = stalled_work_redispatch()["import_jobs"]
    second = stalled_work_redispatch()["import_jobs"]

    assert (first, second) == (1, 0)
    job.refresh_from_db()
    assert (job.status, job.result["counts"]["create"]) == (Job.Status.DONE, 1)
    assert Organization.objects.filter(name="Ủy ban nhân dân tỉnh Quảng Ninh").count() == 1
    assert not default_storage.exists(import_file)


def test_an_import_whose_worker_died_is_run_again_only_after_an_hour(
    import_file, django_capture_on_commit_callbacks
):
    job = lost(
        django_capture_on_commit_callbacks,
        lambda: import_start(path=import_file, filename="co-quan.csv", actor=None),
    )
    # The worker started it and died: its transaction imported nothing, the job stays running.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    stall(job)

    assert stalled_work_redispatch()["import_jobs"] == 0  # Twenty minutes: perhaps a big file.
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING

    stall(job, datetime.timedelta(hours=2))
    assert stalled_work_redispatch()["import_jobs"] == 1

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert Organization.objects.filter(name="Ủy ban nhân dân tỉnh Quảng Ninh").count() == 1


def test_a_finished_import_is_left_alone(import_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(path=import_file, filename="co-quan.csv", actor=None)
    stall(job, datetime.timedelta(hours=2))

    assert stalled_work_redispatch()["import_jobs"] == 0
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
