"""The delegate's paper pages, opened by their personal link."""

import pytest
from django.urls import reverse

from conferences.models import CallForPapers, Paper, PaperRevision, Review
from conferences.services.papers import paper_decide, paper_submit
from tests import paper_files
from tests.conferences.paper_helpers import delegate_with_link, open_call_kwargs, submission
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference_kwargs():
    return open_call_kwargs()


@pytest.fixture
def delegate(conference):
    return delegate_with_link(conference)


def form_data(registration, **changes) -> dict:
    data = {
        "title": "Kết quả áp dụng TCVN ISO 9001",
        "abstract": "Tóm tắt **kết quả**.",
        "body": "",
        "presenter": "0",
        "authors-TOTAL_FORMS": "2",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "30",
        "authors-0-full_name": registration.person.full_name,
        "authors-0-organization": str(registration.organization_id),
        "authors-0-email": registration.person.email,
        "authors-0-position": "Giám đốc",
        "authors-1-full_name": "",
        "authors-1-organization": "",
        "authors-1-email": "",
        "authors-1-position": "",
    }
    return {**data, **changes}


def test_delegate_sends_a_paper_with_a_file_from_the_page(client, delegate, run_commit_tasks):
    registration, token = delegate
    page = client.get(reverse("conferences:delegate-paper-new", kwargs={"token": token}))
    data = form_data(registration, file=paper_files.uploaded(paper_files.valid_pdf(), name="tham-luan.pdf"))

    with run_commit_tasks():
        response = client.post(reverse("conferences:delegate-paper-new", kwargs={"token": token}), data)

    paper = Paper.objects.get()
    assert page.status_code == 200 and "paper_authors.js" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "conferences:delegate-paper", kwargs={"token": token, "pk": paper.pk}
    )
    assert (paper.title, paper.current_revision.file_name) == (
        "Kết quả áp dụng TCVN ISO 9001",
        "tham-luan.pdf",
    )
    detail = client.get(response["Location"])
    html = detail.content.decode()
    assert "<strong>kết quả</strong>" in html and "tham-luan.pdf" in html
    download = client.get(
        reverse("conferences:delegate-paper-file", kwargs={"token": token, "pk": paper.pk, "number": 1})
    )
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (paper_files.pdf_with_javascript(), "a.pdf", "JavaScript"),
        (paper_files.encrypted_pdf(), "a.pdf", "encrypted"),
        (paper_files.executable_as_pdf(), "a.exe.pdf", "not a PDF or Word"),
        (paper_files.plain_zip_as_docx(), "a.docx", ""),
        (paper_files.docx_with_macros(), "a.docx", "macro"),
        (b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10), "a.pdf", "larger than the limit of 1 MB"),
    ],
    ids=["javascript", "encrypted", "executable", "plain-zip", "macros", "too-large"],
)
def test_page_refuses_a_bad_file_says_why_keeps_the_text_and_stores_nothing(
    client, conference, delegate, data, name, message
):
    CallForPapers.objects.filter(conference=conference).update(max_file_mb=1)
    registration, token = delegate

    response = client.post(
        reverse("conferences:delegate-paper-new", kwargs={"token": token}),
        form_data(registration, body="Nội dung đã gõ", file=paper_files.uploaded(data, name=name)),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Nội dung đã gõ" in html and "Kết quả áp dụng TCVN ISO 9001" in html
    assert (Paper.objects.count(), PaperRevision.objects.count()) == (0, 0)


def test_page_refuses_after_the_deadline(client, conference, delegate):
    registration, token = delegate
    import datetime

    from django.utils import timezone

    conference.paper_deadline = timezone.now() - datetime.timedelta(minutes=1)
    conference.save(update_fields=["paper_deadline"])

    response = client.post(
        reverse("conferences:delegate-paper-new", kwargs={"token": token}),
        form_data(registration, body="Nội dung"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "The call for papers closed at" in response.content.decode()
    assert Paper.objects.count() == 0


def test_another_delegates_paper_is_a_404_on_every_page(client, conference, delegate):
    _registration, token = delegate
    other, _other_token = delegate_with_link(conference, number=2)
    theirs = paper_submit(**submission(other))

    for name, extra in [
        ("delegate-paper", {}),
        ("delegate-paper-edit", {}),
        ("delegate-paper-file", {"number": 1}),
    ]:
        url = reverse(f"conferences:{name}", kwargs={"token": token, "pk": theirs.pk, **extra})
        assert client.get(url).status_code == 404, name
    withdraw = reverse("conferences:delegate-paper-withdraw", kwargs={"token": token, "pk": theirs.pk})
    assert client.post(withdraw, {"confirm": "yes"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Paper.Status.SUBMITTED


def test_reviews_are_shown_to_the_author_only_after_the_decision(client, delegate):
    registration, token = delegate
    paper = paper_submit(**submission(registration))
    reviewer = UserFactory(username="nguoi-phan-bien")
    Review.objects.create(
        paper=paper,
        reviewer=reviewer,
        comment="Cần bổ sung số liệu",
        confidential_comment="Bí mật",
        recommendation="accept",
    )
    url = reverse("conferences:delegate-paper", kwargs={"token": token, "pk": paper.pk})

    before = client.get(url).content.decode()
    paper_decide(paper=paper, status=Paper.Status.ACCEPTED)
    after = client.get(url).content.decode()

    assert "Cần bổ sung số liệu" not in before
    assert "Cần bổ sung số liệu" in after
    assert "Bí mật" not in after and "nguoi-phan-bien" not in after


def test_withdraw_needs_the_confirmation_and_keeps_the_versions(client, delegate):
    registration, token = delegate
    paper = paper_submit(**submission(registration))
    url = reverse("conferences:delegate-paper-withdraw", kwargs={"token": token, "pk": paper.pk})

    client.post(url, {})
    paper.refresh_from_db()
    assert paper.status == Paper.Status.SUBMITTED
    client.post(url, {"confirm": "yes"})
    paper.refresh_from_db()
    assert paper.status == Paper.Status.WITHDRAWN
    assert PaperRevision.objects.filter(paper=paper).count() == 1


def test_edit_page_saves_a_new_version(client, delegate):
    registration, token = delegate
    paper = paper_submit(**submission(registration))

    response = client.post(
        reverse("conferences:delegate-paper-edit", kwargs={"token": token, "pk": paper.pk}),
        form_data(registration, title="Bản sửa", body="Nội dung mới"),
    )

    assert response.status_code == 302
    assert [(r.number, r.title) for r in PaperRevision.objects.filter(paper=paper)] == [
        (1, "Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh"),
        (2, "Bản sửa"),
    ]


def test_paper_pages_have_a_fixed_number_of_queries(client, delegate, django_assert_max_num_queries):
    registration, token = delegate
    paper = paper_submit(**submission(registration))
    for number in range(2, 8):
        from conferences.services.papers import paper_edit

        fields = {
            k: v for k, v in submission(registration, title=f"Bản {number}").items() if k != "registration"
        }
        paper_edit(paper=paper, **fields)

    # registration, call, paper (+ authors, revisions), reviews not read before the decision.
    with django_assert_max_num_queries(6):
        client.get(reverse("conferences:delegate-paper", kwargs={"token": token, "pk": paper.pk}))
    # registration, agenda version, certificates, call, papers with authors and revisions.
    with django_assert_max_num_queries(7):
        client.get(reverse("conferences:delegate", kwargs={"token": token}))
