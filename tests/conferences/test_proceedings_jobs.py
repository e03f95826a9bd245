"""Proceedings builds as jobs: a lost build is sent again by the stalled-work sweep; builds are audited."""

import datetime

import pytest
from django.utils import timezone

from conferences.models import AuditEntry, Job, Proceedings
from conferences.services.proceedings import proceedings_build
from conferences.services.stalled import stalled_work_redispatch
from tests.conferences.proceedings_helpers import accepted_paper, publish_agenda_of
from tests.factories import ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    conference = ConferenceFactory()
    publish_agenda_of(conference, [accepted_paper(conference, title="Đổi mới quản lý chất lượng")])
    return conference


def test_a_lost_build_is_sent_again_once_and_stores_one_book(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as lost:  # The broker loses the task: it never runs.
        started = proceedings_build(
            conference=conference, kind="book", variant="standard", user=UserFactory()
        )
    assert lost and started.job is not None
    fresh = stalled_work_redispatch()["proceedings_jobs"]
    Job.objects.filter(pk=started.job.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        resumed = stalled_work_redispatch()["proceedings_jobs"]
    again = stalled_work_redispatch()["proceedings_jobs"]

    job = Job.objects.get(pk=started.job.pk)
    assert (fresh, resumed, again) == (0, 1, 0)
    assert job.status == Job.Status.DONE, job.error
    assert Proceedings.objects.filter(conference=conference).count() == 1


def test_a_build_stuck_running_is_sent_again_and_a_second_run_stores_nothing_new(
    conference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = proceedings_build(conference=conference, kind="book", variant="standard", user=UserFactory())
    stored = Proceedings.objects.get(conference=conference)
    # A worker died after storing the book but before finishing the job.
    Job.objects.filter(pk=first.job.pk).update(
        status=Job.Status.RUNNING, updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert stalled_work_redispatch()["proceedings_jobs"] == 1
    job = Job.objects.get(pk=first.job.pk)
    assert job.status == Job.Status.DONE
    assert job.result["proceedings"] == stored.pk
    assert list(Proceedings.objects.filter(conference=conference)) == [stored]


def test_a_started_build_is_audited_and_a_stored_book_returned_is_not(
    conference, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        started = proceedings_build(conference=conference, kind="book", variant="pdfa", user=user)
    with django_capture_on_commit_callbacks(execute=True):
        again = proceedings_build(conference=conference, kind="book", variant="pdfa", user=user)
    assert again.job is None and again.proceedings is not None

    entry = AuditEntry.objects.get(conference=conference, action=AuditEntry.Action.PROCEEDINGS_BUILD_STARTED)
    assert (entry.actor, entry.object_type, entry.object_id) == (user, "job", str(started.job.pk))
    assert entry.data["kind"] == "book" and entry.data["variant"] == "pdfa"
