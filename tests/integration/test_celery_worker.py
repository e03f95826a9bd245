import datetime

import pytest
from django.utils import timezone

from conferences.models import Conference
from conferences.services.conferences import conference_create, conference_publish
from conferences.services.organizations import organization_create
from conferences.tasks import close_finished_conferences
from config.celery import app as celery_app
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_closes_finished_conference_through_the_broker(celery_worker_process):
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    now = timezone.now()
    finished = conference_create(
        title_vi="Hội nghị đã kết thúc",
        host=host,
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now - datetime.timedelta(days=1),
    )
    upcoming = conference_create(
        title_vi="Hội nghị sắp diễn ra",
        host=host,
        starts_at=now + datetime.timedelta(days=5),
        ends_at=now + datetime.timedelta(days=5, hours=4),
    )
    conference_publish(conference=finished)
    conference_publish(conference=upcoming)

    close_finished_conferences.apply_async(queue=celery_worker_process.queue)

    def closed():
        finished.refresh_from_db()
        return finished.status == Conference.Status.CLOSED

    assert wait_for(closed), celery_worker_process.log()
    upcoming.refresh_from_db()
    assert upcoming.status == Conference.Status.PUBLISHED
    assert finished.closed_at is not None
    log = celery_worker_process.log()
    assert "conferences.tasks.close_finished_conferences" in log
    assert "succeeded" in log
    print(f"\nworker on {celery_app.conf.broker_url.split('://')[0]}:// ran the task: {finished.slug} closed")
