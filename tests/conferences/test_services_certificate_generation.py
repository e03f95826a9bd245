import os
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.enums import NoticeKind
from conferences.models import AgendaVersion, AuditEntry, Certificate, Job, Registration
from conferences.services.certificate_generation import (
    CHUNK_SIZE,
    certificate_chunk_render,
    certificate_reissue,
    certificates_generate,
)
from conferences.services.certificates import certificate_revoke
from conferences.services.jobs import job_advance, job_create, job_fail, job_finish, job_start
from conferences.services.rsvp import delegate_notice_url
from conferences.tasks import render_certificate_chunk
from core.exceptions import ApplicationError
from notifications.models import Notification
from tests.conferences.certificate_helpers import checked_in
from tests.factories import (
    AwardDecisionFactory,
    AwardFactory,
    OrganizationFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


def generate(conference, organizer, run_commit_tasks, kinds=("attendance",)) -> Job:
    with run_commit_tasks():
        job = certificates_generate(conference=conference, kinds=list(kinds), user=organizer)
    job.refresh_from_db()
    return job


# Jobs ---------------------------------------------------------------------------------------------------


def test_job_advance_adds_and_stops_at_the_total(conference):
    job = job_create(conference=conference, kind=Job.Kind.CERTIFICATES, total=5, params={})

    job_advance(job_id=job.pk, by=3)
    job_advance(job_id=job.pk, by=4)

    job.refresh_from_db()
    assert job.done == 5


def test_job_start_finish_and_fail_move_only_forward(conference):
    job = job_create(conference=conference, kind=Job.Kind.CERTIFICATES, total=2, params={})

    assert job_start(job_id=job.pk) is True
    assert job_start(job_id=job.pk) is False
    assert job_finish(job_id=job.pk, result={"url": "/x/"}) is True
    assert job_fail(job_id=job.pk, error="late") is False

    job.refresh_from_db()
    assert (job.status, job.done, job.result, job.error) == (Job.Status.DONE, 2, {"url": "/x/"}, "")
    assert job.started_at is not None and job.finished_at >= job.started_at


# Who gets what --------------------------------------------------------------------------------------------


def test_attendance_certificates_only_for_confirmed_checked_in_registrations(
    conference, organizer, run_commit_tasks, fake_renderer
):
    arrived = checked_in(conference, 2)
    RegistrationFactory(conference=conference)  # Never came.
    cancelled = checked_in(conference, 1)[0]
    Registration.objects.filter(pk=cancelled.pk).update(status=Registration.Status.CANCELLED)

    job = generate(conference, organizer, run_commit_tasks)

    certificates = list(Certificate.objects.filter(conference=conference).order_by("serial"))
    assert {c.registration_id for c in certificates} == {r.pk for r in arrived}
    assert [c.serial for c in certificates] == [
        f"{conference.starts_at.year}-{conference.pk:03d}-0000{n}" for n in (1, 2)
    ]
    assert all(c.file.name == f"certificates/{conference.pk}/{c.serial}.pdf" for c in certificates)
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 2, 2)
    assert job.result["url"] == f"/to-chuc/{conference.slug}/giay-chung-nhan/"


def test_speaker_certificates_for_speakers_of_paper_items_on_the_published_agenda(
    conference, organizer, run_commit_tasks, fake_renderer
):
    speaker, other_item_speaker, draft_only = PersonFactory(), PersonFactory(), PersonFactory()
    registration = RegistrationFactory(conference=conference, person=speaker)
    AgendaVersion.objects.create(
        conference=conference,
        number=1,
        published_at=timezone.now(),
        items=[
            {"id": 1, "kind": "paper", "speakers": [{"id": speaker.pk, "name": speaker.full_name}]},
            {"id": 2, "kind": "paper", "speakers": [{"id": speaker.pk, "name": speaker.full_name}]},
            {"id": 3, "kind": "opening", "speakers": [{"id": other_item_speaker.pk, "name": "x"}]},
        ],
    )

    generate(conference, organizer, run_commit_tasks, kinds=["speaker"])

    certificates = list(Certificate.objects.filter(conference=conference))
    assert [(c.kind, c.recipient_person_id, c.registration_id) for c in certificates] == [
        ("speaker", speaker.pk, registration.pk)
    ]
    assert draft_only.certificates.count() == 0


def test_award_certificates_one_per_award_of_the_conference(
    conference, organizer, run_commit_tasks, fake_renderer
):
    decision = AwardDecisionFactory(conference=conference)
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", contact_emails=["vp@qn.vn"])
    person = PersonFactory(full_name="Lê Văn Cường")
    AwardFactory(decision=decision, recipient_organization=agency)
    AwardFactory(decision=decision, recipient_organization=None, recipient_person=person)
    AwardFactory(decision=AwardDecisionFactory(conference=None))  # Another occasion's award.

    job = generate(conference, organizer, run_commit_tasks, kinds=["award"])

    rows = sorted(
        Certificate.objects.filter(conference=conference).values_list("recipient_name", "award__decision")
    )
    assert rows == [("Lê Văn Cường", decision.pk), ("Sở Khoa học và Công nghệ tỉnh Quảng Ninh", decision.pk)]
    assert job.total == 2


def test_generate_again_issues_nothing_twice_and_renders_nothing_twice(
    conference, organizer, run_commit_tasks, fake_renderer
):
    checked_in(conference, 3)
    generate(conference, organizer, run_commit_tasks)

    second = generate(conference, organizer, run_commit_tasks)

    assert Certificate.objects.filter(conference=conference).count() == 3
    assert (second.status, second.total, second.done) == (Job.Status.DONE, 0, 0)
    assert sum(len(call) for call in fake_renderer.calls) == 3


def test_generate_leaves_out_a_revoked_holder(conference, organizer, run_commit_tasks, fake_renderer):
    checked_in(conference, 1)
    generate(conference, organizer, run_commit_tasks)
    certificate_revoke(certificate=Certificate.objects.get(), reason="Không tham dự")

    job = generate(conference, organizer, run_commit_tasks)

    assert Certificate.objects.filter(conference=conference).count() == 1
    assert job.total == 0


def test_generate_refuses_no_kind_and_an_unknown_kind(conference, organizer):
    with pytest.raises(ValidationError) as empty:
        certificates_generate(conference=conference, kinds=[], user=organizer)
    with pytest.raises(ValidationError) as unknown:
        certificates_generate(conference=conference, kinds=["diploma"], user=organizer)

    assert empty.value.message_dict == {"kinds": ["Choose at least one kind of certificate."]}
    assert unknown.value.message_dict == {"kinds": ["Unknown kind of certificate: diploma."]}
    assert Job.objects.count() == 0


def test_generate_while_a_job_runs_returns_that_job(
    conference, organizer, django_capture_on_commit_callbacks
):
    checked_in(conference, 2)
    with django_capture_on_commit_callbacks() as callbacks:  # The chunk tasks are not run.
        first = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
        second = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)

    assert second.pk == first.pk
    assert len(callbacks) == 1
    assert Certificate.objects.count() == 2


def test_generate_splits_the_rendering_into_chunks(conference, organizer, django_capture_on_commit_callbacks):
    checked_in(conference, CHUNK_SIZE + 1)
    sent = []

    # The patch outlives the block whose commit sends the tasks.
    with (
        mock.patch.object(render_certificate_chunk, "delay", lambda *args: sent.append(args)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)

    assert [len(ids) for _job, ids in sent] == [CHUNK_SIZE, 1]
    assert {job_id for job_id, _ids in sent} == {job.pk}
    assert AuditEntry.objects.get(action=AuditEntry.Action.CERTIFICATES_GENERATED).data == {
        "kinds": ["attendance"],
        "issued": CHUNK_SIZE + 1,
        "to_render": CHUNK_SIZE + 1,
    }


# Rendering chunks ------------------------------------------------------------------------------------------


def test_chunk_run_twice_stores_each_file_once_and_counts_once(
    conference, organizer, django_capture_on_commit_callbacks, fake_renderer
):
    checked_in(conference, 3)
    with django_capture_on_commit_callbacks():
        job = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    ids = job.params["ids"]

    first = certificate_chunk_render(job_id=job.pk, certificate_ids=ids)
    files = dict(Certificate.objects.values_list("pk", "file"))
    second = certificate_chunk_render(job_id=job.pk, certificate_ids=ids)

    job.refresh_from_db()
    assert (first, second) == (3, 0)
    assert dict(Certificate.objects.values_list("pk", "file")) == files
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 3, 3)
    assert len(fake_renderer.calls) == 1


def test_chunk_resumes_after_a_partial_run(
    conference, organizer, django_capture_on_commit_callbacks, fake_renderer
):
    checked_in(conference, 3)
    with django_capture_on_commit_callbacks():
        job = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    ids = job.params["ids"]
    certificate_chunk_render(job_id=job.pk, certificate_ids=ids[:1])  # As if killed after the first.

    certificate_chunk_render(job_id=job.pk, certificate_ids=ids)

    job.refresh_from_db()
    assert fake_renderer.calls == [ids[:1], ids[1:]]
    assert (job.status, job.done) == (Job.Status.DONE, 3)


def test_chunk_that_loses_the_race_removes_its_copy(
    conference, organizer, django_capture_on_commit_callbacks
):
    from conferences.services import certificate_generation
    from tests.conferences.certificate_helpers import tiny_pdf

    checked_in(conference, 1)
    with django_capture_on_commit_callbacks():
        job = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    certificate = Certificate.objects.get()

    # Another run stores the file after this one rendered, before it records its own.
    certificate_generation._store(job.pk, [(certificate, tiny_pdf("first"))])
    stored = certificate_generation._store(job.pk, [(certificate, tiny_pdf("second"))])

    certificate.refresh_from_db()
    folder = certificate.file.storage.path(f"certificates/{conference.pk}")
    assert stored == []
    assert os.listdir(folder) == [f"{certificate.serial}.pdf"]


def test_file_of_a_worker_killed_before_recording_it_is_removed_by_the_resumed_run(
    conference, organizer, django_capture_on_commit_callbacks, fake_renderer
):
    from django.core.files.base import ContentFile

    checked_in(conference, 2)
    with django_capture_on_commit_callbacks():
        job = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    first, second = Certificate.objects.order_by("serial")
    storage = first.file.storage
    # The killed worker saved the first certificate's file (half written) and recorded nothing.
    orphan = storage.save(f"certificates/{conference.pk}/{first.serial}.pdf", ContentFile(b"%PDF-1.7 trunc"))

    certificate_chunk_render(job_id=job.pk, certificate_ids=job.params["ids"])

    first.refresh_from_db()
    second.refresh_from_db()
    folder = storage.path(f"certificates/{conference.pk}")
    assert sorted(os.listdir(folder)) == sorted(os.path.basename(c.file.name) for c in (first, second))
    assert first.file.name != orphan
    with first.file.open("rb") as recorded:
        assert b"trunc" not in recorded.read()


def test_render_failure_fails_the_job_and_a_rerun_finishes_it(
    conference, organizer, run_commit_tasks, fake_renderer
):
    checked_in(conference, 2)
    fake_renderer.fail_with = RuntimeError("font missing")

    failed = generate(conference, organizer, run_commit_tasks)
    rerun = generate(conference, organizer, run_commit_tasks)

    assert (failed.status, failed.done, failed.error) == (Job.Status.FAILED, 0, "RuntimeError: font missing")
    assert (rerun.status, rerun.total, rerun.done) == (Job.Status.DONE, 2, 2)
    assert Certificate.objects.filter(file="").count() == 0


def test_chunk_of_a_deleted_job_does_nothing(fake_renderer):
    assert certificate_chunk_render(job_id=987654, certificate_ids=[1, 2]) == 0
    assert fake_renderer.calls == []


# Notices --------------------------------------------------------------------------------------------------


def test_holders_get_one_held_notice_with_their_personal_link(
    conference, organizer, run_commit_tasks, fake_renderer
):
    registration = checked_in(conference, 1)[0]
    registration.token_hash = "a" * 64
    registration.save(update_fields=["token_hash"])
    decision = AwardDecisionFactory(conference=conference)
    agency = OrganizationFactory(
        contact_emails=["vanphong@skhcn.quangninh.gov.vn", "gd@skhcn.quangninh.gov.vn"]
    )
    AwardFactory(decision=decision, recipient_organization=agency)

    generate(conference, organizer, run_commit_tasks, kinds=["attendance", "award"])
    generate(conference, organizer, run_commit_tasks, kinds=["attendance", "award"])  # Nothing new.

    notices = Notification.objects.filter(kind=NoticeKind.CERTIFICATE).order_by("recipient_address")
    person_cert = Certificate.objects.get(kind="attendance")
    award_cert = Certificate.objects.get(kind="award")
    assert [(n.recipient_address, n.state, n.idempotency_key.split("|")[0]) for n in notices] == [
        ("gd@skhcn.quangninh.gov.vn", Notification.State.HELD, f"certificate:{award_cert.pk}:issued"),
        (registration.person.email, Notification.State.HELD, f"certificate:{person_cert.pk}:issued"),
        ("vanphong@skhcn.quangninh.gov.vn", Notification.State.HELD, f"certificate:{award_cert.pk}:issued"),
    ]
    person_notice = notices.get(recipient_address=registration.person.email)
    assert delegate_notice_url(registration) in person_notice.body_text
    assert (
        f"/xac-minh/{award_cert.verification_code}/"
        in notices.get(recipient_address="gd@skhcn.quangninh.gov.vn").body_text
    )


# Revoke and reissue ---------------------------------------------------------------------------------------


def test_reissue_revokes_and_issues_a_new_serial_and_code_with_its_file(
    conference, organizer, run_commit_tasks, fake_renderer
):
    checked_in(conference, 1)
    generate(conference, organizer, run_commit_tasks)
    old = Certificate.objects.get()

    with run_commit_tasks():
        new = certificate_reissue(certificate=old, user=organizer, reason="Sai chức vụ")

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.revocation_reason, old.is_valid) == ("Sai chức vụ", False)
    assert new.is_valid and new.registration_id == old.registration_id
    assert new.serial == f"{conference.starts_at.year}-{conference.pk:03d}-00002"
    assert new.verification_code != old.verification_code
    assert new.file.name == f"certificates/{conference.pk}/{new.serial}.pdf"
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "object_id"))
    assert actions[-2:] == [
        (AuditEntry.Action.CERTIFICATE_REVOKED, str(old.pk)),
        (AuditEntry.Action.CERTIFICATE_REISSUED, str(new.pk)),
    ]


def test_reissue_of_an_award_certificate_moves_the_award(
    conference, organizer, run_commit_tasks, fake_renderer
):
    award = AwardFactory(decision=AwardDecisionFactory(conference=conference))
    generate(conference, organizer, run_commit_tasks, kinds=["award"])
    old = Certificate.objects.get()

    new = certificate_reissue(certificate=old, user=organizer, reason="Sai tên cơ quan")

    old.refresh_from_db()
    assert (old.award_id, new.award_id) == (None, award.pk)


def test_reissue_of_a_revoked_certificate_is_refused(conference, organizer, run_commit_tasks, fake_renderer):
    checked_in(conference, 1)
    generate(conference, organizer, run_commit_tasks)
    certificate = Certificate.objects.get()
    certificate_revoke(certificate=certificate, reason="Cấp nhầm", user=organizer)

    with pytest.raises(ApplicationError) as refused:
        certificate_reissue(certificate=certificate, user=organizer, reason="Lần hai")

    assert refused.value.message == "This certificate is already revoked."
    assert Certificate.objects.count() == 1


# End to end, with the real renderer -------------------------------------------------------------------


def test_generated_files_are_the_real_faces_each_naming_its_holder(conference, organizer, run_commit_tasks):
    import io

    from pypdf import PdfReader

    registrations = checked_in(conference, 3)
    registrations[0].person.full_name = "Nguyễn Thị Minh Khai"
    registrations[0].person.save()

    with run_commit_tasks():
        job = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 3, 3)
    for certificate in Certificate.objects.select_related("recipient_person"):
        with certificate.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        text = reader.pages[0].extract_text()
        assert len(reader.pages) == 1
        assert certificate.recipient_person.full_name in text
        assert certificate.verification_code in text
    others = [r.person.full_name for r in registrations[1:]]
    with Certificate.objects.get(registration=registrations[0]).file.open("rb") as handle:
        first_text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert not any(name in first_text for name in others)


def test_a_job_whose_chunk_was_lost_is_resumed_by_the_sweep(
    conference, organizer, django_capture_on_commit_callbacks, fake_renderer
):
    import datetime

    from conferences.services.stalled import stalled_work_redispatch

    checked_in(conference, 3)
    with django_capture_on_commit_callbacks():  # The broker loses the chunk: its task never runs.
        job = certificates_generate(conference=conference, kinds=["attendance"], user=organizer)
    fresh = stalled_work_redispatch()["certificate_jobs"]
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        resumed = stalled_work_redispatch()["certificate_jobs"]
    again = stalled_work_redispatch()["certificate_jobs"]

    job.refresh_from_db()
    assert (fresh, resumed, again) == (0, 1, 0)
    assert (job.status, job.done) == (Job.Status.DONE, 3)
    assert Certificate.objects.filter(file="").count() == 0
