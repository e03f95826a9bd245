"""A delegate's paper through their link: submit, edit (new revisions), withdraw, confirmation notice."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.models import CallForPapers, Paper, PaperAuthor, PaperRevision, PaperTopic, Person
from conferences.services.organizations import person_create
from conferences.services.papers import AuthorInput, paper_edit, paper_submit, paper_withdraw
from conferences.tasks import send_paper_received
from core.exceptions import ApplicationError
from notifications.models import Notification
from tests import paper_files
from tests.conferences.paper_helpers import delegate_with_link, me, open_call_kwargs, submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference_kwargs():
    return open_call_kwargs()


@pytest.fixture
def delegate(conference):
    return delegate_with_link(conference)[0]


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def assert_nothing_stored() -> None:
    assert Paper.objects.count() == 0
    assert PaperRevision.objects.count() == 0
    assert PaperAuthor.objects.count() == 0
    assert stored_files() == []


def test_paper_submit_creates_the_paper_its_authors_and_revision_1_with_the_file(delegate):
    coauthor = AuthorInput(
        full_name="Trần Thị Đồng Tác Giả", organization=delegate.organization, position="Phó phòng"
    )
    pdf = paper_files.valid_pdf()

    paper = paper_submit(
        **submission(delegate, authors=[me(delegate), coauthor], presenter_index=1),
        upload=paper_files.uploaded(pdf, name="../../Tham luận Quảng Ninh.pdf"),
    )

    paper.refresh_from_db()
    revision = PaperRevision.objects.get(paper=paper)
    assert (paper.status, paper.registration, paper.invitation) == (
        Paper.Status.SUBMITTED,
        delegate,
        delegate.invitation,
    )
    assert paper.presenting_organization == delegate.organization
    assert paper.current_revision == revision and revision.number == 1
    assert revision.title == paper.title == "Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh"
    assert revision.body == "# Mở đầu\n\nNội dung tham luận."
    assert (revision.file_kind, revision.file_size, revision.file_name) == (
        "pdf",
        len(pdf),
        "Tham luận Quảng Ninh.pdf",
    )
    assert paper.file.name == revision.file.name and revision.file.name.startswith(
        f"papers/{paper.conference_id}/"
    )
    assert revision.file.read() == pdf
    authorships = list(PaperAuthor.objects.filter(paper=paper).select_related("person"))
    assert [(a.order, a.person.full_name, a.is_presenter) for a in authorships] == [
        (1, delegate.person.full_name, False),
        (2, "Trần Thị Đồng Tác Giả", True),
    ]
    assert authorships[0].person == delegate.person  # Found by e-mail, not made again.
    assert revision.authors == [
        {
            "person": delegate.person.pk,
            "full_name": delegate.person.full_name,
            "organization": delegate.organization.pk,
            "organization_name": delegate.organization.name,
            "position": "Giám đốc",
            "is_presenter": False,
        },
        {
            "person": authorships[1].person.pk,
            "full_name": "Trần Thị Đồng Tác Giả",
            "organization": delegate.organization.pk,
            "organization_name": delegate.organization.name,
            "position": "Phó phòng",
            "is_presenter": True,
        },
    ]


def test_paper_submit_links_a_known_person_by_email_without_rewriting_them(delegate):
    known = person_create(full_name="Phạm Văn Đã Có", email="da-co@bo.gov.vn", position="Vụ trưởng")

    paper = paper_submit(
        **submission(
            delegate,
            authors=[
                me(delegate),
                AuthorInput(full_name="Kẻ Giả Mạo", email="DA-CO@bo.gov.vn", position="Khác"),
            ],
        )
    )

    known.refresh_from_db()
    assert (known.full_name, known.position) == ("Phạm Văn Đã Có", "Vụ trưởng")
    assert list(paper.authors.order_by("authorships__order")) == [delegate.person, known]
    assert Person.objects.filter(email="da-co@bo.gov.vn").count() == 1


@pytest.mark.parametrize(
    "second",
    [
        AuthorInput(full_name="Someone Else", email="dai-bieu-1@so1.gov.vn"),
        None,  # The same folded name and agency, without e-mail.
    ],
    ids=["same-email", "same-name-and-agency"],
)
def test_paper_submit_refuses_the_same_author_twice(delegate, second):
    second = second or AuthorInput(full_name="le van dai bieu 1", organization=delegate.organization)

    with pytest.raises(ValidationError) as excinfo:
        paper_submit(**submission(delegate, authors=[me(delegate), second]))

    assert list(excinfo.value.message_dict) == ["authors"]
    assert "is listed twice among the authors" in excinfo.value.message_dict["authors"][0]
    assert_nothing_stored()


def test_paper_submit_refuses_a_title_over_the_calls_limit(delegate, conference):
    CallForPapers.objects.filter(conference=conference).update(title_max_length=40)

    with pytest.raises(ValidationError) as excinfo:
        paper_submit(
            **submission(delegate, title="T" * 41), upload=paper_files.uploaded(paper_files.valid_pdf())
        )

    assert excinfo.value.message_dict == {"title": ["The title has 41 characters; at most 40 are allowed."]}
    assert_nothing_stored()


def test_paper_submit_needs_text_or_a_file_a_presenter_and_a_topic_when_there_are_topics(
    delegate, conference
):
    PaperTopic.objects.create(conference=conference, label="Điều 4")

    with pytest.raises(ValidationError) as excinfo:
        paper_submit(**submission(delegate, body="", presenter_index=3))

    assert excinfo.value.message_dict == {
        "topic": ["Choose a topic."],
        "body": ["Write the paper's text or attach a file (or both)."],
        "presenter": ["Choose the presenter among the authors."],
    }
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (paper_files.pdf_with_javascript(), "a.pdf", "JavaScript"),
        (paper_files.encrypted_pdf(), "a.pdf", "encrypted"),
        (paper_files.executable_as_pdf(), "a.pdf", "not a PDF or Word"),
        (paper_files.plain_zip_as_docx(), "a.docx", ""),
        (paper_files.docx_with_macros(), "a.docx", "macro"),
        (b"", "a.pdf", "The file is empty."),
        (b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1), "a.pdf", "1 MB"),
        (paper_files.valid_pdf(), "../" * 60 + "x\x00" * 30 + ".pdf", None),
    ],
    ids=[
        "javascript",
        "encrypted",
        "executable",
        "plain-zip",
        "macros",
        "empty",
        "too-large",
        "hostile-name",
    ],
)
def test_paper_submit_refuses_a_bad_file_and_stores_nothing(delegate, conference, data, name, message):
    CallForPapers.objects.filter(conference=conference).update(max_file_mb=1)
    upload = paper_files.uploaded(data, name=name)
    if message is None:  # A hostile name with good content is accepted under a safe name.
        paper = paper_submit(**submission(delegate), upload=upload)
        revision = paper.current_revision
        assert "/" not in revision.file_name and "\x00" not in revision.file_name
        assert len(revision.file_name) <= 120 and revision.file_name.endswith(".pdf")
        return

    with pytest.raises(ValidationError) as excinfo:
        paper_submit(**submission(delegate), upload=upload)

    assert list(excinfo.value.message_dict) == ["file"]
    assert message.lower() in excinfo.value.message_dict["file"][0].lower()
    assert_nothing_stored()


def test_paper_submit_deletes_the_stored_file_when_a_later_write_fails(delegate, monkeypatch):
    def fail(self, *args, **kwargs):
        assert self.file.name  # The file is stored by now.
        raise RuntimeError("database gone")

    monkeypatch.setattr(PaperRevision, "save", fail)

    with pytest.raises(RuntimeError):
        paper_submit(**submission(delegate), upload=paper_files.uploaded(paper_files.valid_pdf()))

    assert_nothing_stored()


@pytest.mark.parametrize(
    ("opens_in", "closes_in", "message"),
    [
        (None, -1, "The call for papers closed at"),
        (1, 3, "The call for papers opens at"),
    ],
    ids=["after-deadline", "before-opening"],
)
def test_paper_submit_refuses_outside_the_call(delegate, conference, opens_in, closes_in, message):
    now = timezone.now()
    CallForPapers.objects.filter(conference=conference).update(
        opens_at=now + datetime.timedelta(days=opens_in) if opens_in else None
    )
    conference.paper_deadline = now + datetime.timedelta(days=closes_in)
    conference.save(update_fields=["paper_deadline"])

    with pytest.raises(ValidationError) as excinfo:
        paper_submit(**submission(delegate), upload=paper_files.uploaded(paper_files.valid_pdf()))

    assert excinfo.value.message_dict["__all__"][0].startswith(message)
    assert_nothing_stored()


def test_paper_submit_is_open_until_the_deadline_and_not_at_it(delegate, conference):
    deadline = conference.paper_deadline

    with pytest.raises(ValidationError):
        paper_submit(**submission(delegate), now=deadline)
    paper = paper_submit(**submission(delegate), now=deadline - datetime.timedelta(microseconds=1))

    assert Paper.objects.get() == paper


def test_paper_submit_refuses_an_agency_not_asked_for_a_paper(conference):
    registration, _token = delegate_with_link(conference, paper_requested=False)

    with pytest.raises(ApplicationError) as excinfo:
        paper_submit(**submission(registration))

    assert excinfo.value.message == (
        "This conference takes papers only from agencies whose invitation asks for one."
    )
    CallForPapers.objects.filter(conference=conference).update(eligibility="any_delegate")
    registration.refresh_from_db()
    assert paper_submit(**submission(registration)).registration == registration


def test_paper_submit_refuses_a_second_paper_through_the_same_link(delegate):
    paper_submit(**submission(delegate))

    with pytest.raises(ValidationError) as excinfo:
        paper_submit(**submission(delegate, title="Bản thứ hai"))

    assert excinfo.value.message_dict == {
        "__all__": ["A paper has already been sent through this link; edit it instead."]
    }
    assert Paper.objects.count() == 1


def test_paper_edit_adds_a_revision_keeps_the_earlier_ones_and_the_file(delegate):
    pdf = paper_files.valid_pdf()
    paper = paper_submit(**submission(delegate), upload=paper_files.uploaded(pdf))
    first = paper.current_revision

    second = paper_edit(
        paper=paper,
        **{
            k: v
            for k, v in submission(delegate, title="Bản sửa", body="Nội dung 2").items()
            if k != "registration"
        },
    )
    docx = paper_files.valid_docx()
    third = paper_edit(
        paper=paper,
        **{k: v for k, v in submission(delegate, title="Bản ba", body="").items() if k != "registration"},
        upload=paper_files.uploaded(docx, name="ban-ba.docx"),
    )

    first.refresh_from_db()
    paper.refresh_from_db()
    assert [r.number for r in PaperRevision.objects.filter(paper=paper)] == [1, 2, 3]
    assert (first.title, first.body) == (
        "Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh",
        "# Mở đầu\n\nNội dung tham luận.",
    )
    assert (second.title, second.body, second.file.name) == ("Bản sửa", "Nội dung 2", first.file.name)
    assert second.file_sha256 == first.file_sha256 and second.file_kind == "pdf"
    assert (third.file_kind, third.file_name, third.file.read()) == ("docx", "ban-ba.docx", docx)
    assert third.file.name != first.file.name and first.file.read() == pdf
    assert (paper.title, paper.current_revision, paper.file.name) == ("Bản ba", third, third.file.name)
    assert PaperAuthor.objects.filter(paper=paper).count() == 1
    assert Person.objects.count() == 1


def test_paper_edit_is_refused_after_the_call_closes(delegate, conference):
    paper = paper_submit(**submission(delegate))

    with pytest.raises(ValidationError) as excinfo:
        paper_edit(
            paper=paper,
            **{k: v for k, v in submission(delegate, title="Muộn").items() if k != "registration"},
            now=conference.paper_deadline + datetime.timedelta(minutes=1),
        )

    assert excinfo.value.message_dict["__all__"][0].startswith("The call for papers closed at")
    assert PaperRevision.objects.filter(paper=paper).count() == 1


@pytest.mark.parametrize(
    ("status", "locked", "message"),
    [
        (Paper.Status.ACCEPTED, False, "A decided paper can no longer be changed."),
        (Paper.Status.WITHDRAWN, False, "This paper has been withdrawn."),
        (Paper.Status.REVISION_REQUESTED, True, "The final version of this paper is locked."),
    ],
)
def test_paper_edit_is_refused_once_decided_withdrawn_or_locked(delegate, status, locked, message):
    paper = paper_submit(**submission(delegate))
    Paper.objects.filter(pk=paper.pk).update(status=status, locked_at=timezone.now() if locked else None)

    with pytest.raises(ValidationError) as excinfo:
        paper_edit(paper=paper, **{k: v for k, v in submission(delegate).items() if k != "registration"})

    assert excinfo.value.message_dict == {"__all__": [message]}


def test_paper_edit_in_a_revision_round_is_allowed_until_it_closes(delegate, conference):
    paper = paper_submit(**submission(delegate))
    after_close = conference.paper_deadline + datetime.timedelta(days=1)
    CallForPapers.objects.filter(conference=conference).update(
        revision_closes_at=after_close + datetime.timedelta(days=1)
    )
    Paper.objects.filter(pk=paper.pk).update(status=Paper.Status.REVISION_REQUESTED)
    fields = {k: v for k, v in submission(delegate, title="Bản chỉnh sửa").items() if k != "registration"}

    revision = paper_edit(paper=paper, **fields, now=after_close)
    with pytest.raises(ValidationError):
        paper_edit(paper=paper, **fields, now=after_close + datetime.timedelta(days=2))

    paper.refresh_from_db()
    assert (revision.number, paper.status) == (2, Paper.Status.REVISION_REQUESTED)


def test_paper_withdraw_keeps_every_revision_and_frees_the_link_for_a_new_paper(delegate):
    paper = paper_submit(**submission(delegate))

    paper_withdraw(paper=paper, registration=delegate, reason="Trùng nội dung")

    paper.refresh_from_db()
    assert paper.status == Paper.Status.WITHDRAWN and paper.withdrawn_at is not None
    assert PaperRevision.objects.filter(paper=paper).count() == 1
    assert paper_submit(**submission(delegate, title="Tham luận mới")).pk != paper.pk
    with pytest.raises(ApplicationError):
        paper_withdraw(paper=paper, registration=delegate)


def test_paper_withdraw_refuses_another_link_and_a_decided_paper(conference, delegate):
    other, _token = delegate_with_link(conference, number=2)
    paper = paper_submit(**submission(delegate))

    with pytest.raises(ApplicationError) as excinfo:
        paper_withdraw(paper=paper, registration=other)
    assert excinfo.value.message == "Only the delegate who sent this paper can withdraw it."
    Paper.objects.filter(pk=paper.pk).update(status=Paper.Status.ACCEPTED)
    with pytest.raises(ApplicationError):
        paper_withdraw(paper=paper, registration=delegate)

    paper.refresh_from_db()
    assert paper.status == Paper.Status.ACCEPTED


def test_confirmation_is_written_once_per_revision_to_submitter_and_presenter(delegate, run_commit_tasks):
    presenter = AuthorInput(full_name="Ngô Thị Trình Bày", email="trinh-bay@so1.gov.vn")
    with run_commit_tasks():
        paper = paper_submit(**submission(delegate, authors=[me(delegate), presenter], presenter_index=1))
    send_paper_received(paper.current_revision_id)  # A second run (a redelivered task) writes nothing.

    rows = Notification.objects.filter(kind="paper_received").order_by("recipient_address")
    assert [(row.recipient_address, row.idempotency_key) for row in rows] == [
        ("dai-bieu-1@so1.gov.vn", f"paper:{paper.pk}:received:1|dai-bieu-1@so1.gov.vn"),
        ("trinh-bay@so1.gov.vn", f"paper:{paper.pk}:received:1|trinh-bay@so1.gov.vn"),
    ]
    assert "Kết quả áp dụng TCVN ISO 9001" in rows[0].subject
    assert "<strong>kết quả</strong>" in rows[0].body_html

    with run_commit_tasks():
        paper_edit(paper=paper, **{k: v for k, v in submission(delegate).items() if k != "registration"})
    # Revision 2 has the delegate alone as author and presenter: one more notice, keyed by revision 2.
    assert (
        Notification.objects.filter(idempotency_key__startswith=f"paper:{paper.pk}:received:2|").count() == 1
    )
    assert Notification.objects.filter(kind="paper_received").count() == 3


def test_confirmation_task_returns_quietly_when_the_revision_is_gone():
    assert send_paper_received(987654) == 0


def test_only_the_submitters_confirmation_carries_their_personal_link(delegate, run_commit_tasks, client):
    presenter = AuthorInput(full_name="Ngô Thị Trình Bày", email="trinh-bay@so1.gov.vn")
    with run_commit_tasks():
        paper_submit(**submission(delegate, authors=[me(delegate), presenter], presenter_index=1))

    mine = Notification.objects.get(kind="paper_received", recipient_address="dai-bieu-1@so1.gov.vn")
    theirs = Notification.objects.get(kind="paper_received", recipient_address="trinh-bay@so1.gov.vn")
    link = re.search(r"https?://\S+/dai-bieu/[\w.-]+/", mine.body_text)[0]
    assert "/dai-bieu/" not in theirs.body_text and "/dai-bieu/" not in theirs.body_html
    # The link opens the submitter's own page, with the paper on it.
    page = client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert page.status_code == 200
    assert "Kết quả áp dụng TCVN ISO 9001" in page.content.decode()
