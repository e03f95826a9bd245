"""A certificate job survives its worker killed with SIGKILL mid-run: each certificate ends with one file.

300 attendance certificates go out as three chunks of 100 to a real worker with two pool
processes. Once the first chunk is recorded, the worker and its pool are killed. A new
worker is started and the stalled-work sweep sends again the chunks of what has no file
(with the filesystem broker a killed worker's message is gone; with Redis it also comes
back after the visibility timeout: both runs are then safe together).
"""

import io
import os
import time

import pytest
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from conferences.models import Certificate, Job
from conferences.services.certificate_generation import certificate_jobs_resume, certificates_generate
from conferences.services.conferences import conference_create
from conferences.services.organizations import organization_create
from config.celery import app as celery_app
from tests.factories import ConferenceRoleFactory, RegistrationFactory
from tests.integration.conftest import wait_for, worker_log

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CERTIFICATES = 300


@pytest.fixture
def chunks_routed_to():
    previous = celery_app.conf.task_routes

    def route(queue: str) -> None:
        celery_app.conf.update(task_routes={"conferences.tasks.render_certificate_chunk": {"queue": queue}})

    yield route
    celery_app.conf.update(task_routes=previous)


def test_a_certificate_job_resumes_after_its_worker_is_killed(start_worker, chunks_routed_to, settings):
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    start = timezone.now() + timezone.timedelta(days=10)
    conference = conference_create(
        title_vi="Hội nghị sơ kết Quyết định 19",
        host=host,
        starts_at=start,
        ends_at=start + timezone.timedelta(hours=4),
    )
    organizer = ConferenceRoleFactory(conference=conference).user
    for _ in range(CERTIFICATES):
        RegistrationFactory(conference=conference, checked_in_at=timezone.now())

    workers = [
        start_worker(concurrency=2, own_process_group=True, extra_env={"CELERY_VISIBILITY_TIMEOUT": "5"})
    ]
    chunks_routed_to(workers[0].queue)
    began = time.monotonic()
    job = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    assert job.total == CERTIFICATES

    def first_chunk_recorded():
        job.refresh_from_db()
        return 0 < job.done < CERTIFICATES

    assert wait_for(first_chunk_recorded, timeout=120, interval=0.05), worker_log(workers)
    killed = workers[0].kill()
    done_at_kill = Job.objects.get(pk=job.pk).done
    stored_at_kill = Certificate.objects.exclude(file="").count()
    assert stored_at_kill < CERTIFICATES, "the kill came after the job had finished"

    workers.append(start_worker(concurrency=2, extra_env={"CELERY_VISIBILITY_TIMEOUT": "5"}))
    assert certificate_jobs_resume(stalled_before=timezone.now() + timezone.timedelta(seconds=1)) == 1

    def finished():
        job.refresh_from_db()
        return job.status == Job.Status.DONE

    assert wait_for(finished, timeout=180, interval=0.2), worker_log(workers)
    elapsed = time.monotonic() - began

    certificates = list(Certificate.objects.filter(conference=conference).order_by("serial"))
    assert len(certificates) == CERTIFICATES
    assert [int(c.serial.rsplit("-", 1)[-1]) for c in certificates] == list(range(1, CERTIFICATES + 1))
    assert len({c.verification_code for c in certificates}) == CERTIFICATES
    names = [c.file.name for c in certificates]
    assert len(set(names)) == CERTIFICATES and all(names)
    for certificate in certificates[:: CERTIFICATES // 10]:
        with certificate.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        assert len(reader.pages) == 1
        assert certificate.recipient_name in reader.pages[0].extract_text()
    assert all(os.path.exists(c.file.path) for c in certificates)
    assert (job.done, job.total, job.error) == (CERTIFICATES, CERTIFICATES, "")
    # Files a killed process wrote and never recorded stay behind as unreferenced copies.
    folder = os.path.dirname(certificates[0].file.path)
    orphans = len(os.listdir(folder)) - CERTIFICATES
    assert 0 <= orphans <= CERTIFICATES - stored_at_kill
    broker = celery_app.conf.broker_url.split("://")[0]
    print(
        f"\n{broker}:// + {connection.vendor}: killed {len(killed)} processes at done={done_at_kill} "
        f"({stored_at_kill} files recorded); finished {CERTIFICATES} in {elapsed:.1f} s; "
        f"{orphans} unrecorded copies left on disk"
    )
