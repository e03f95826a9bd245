import csv
import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from conferences.models import CallForPapers, ConferenceRole, Paper, PaperAuthor, PaperRevision, Review
from conferences.services.agenda import agenda_fill_from_papers
from conferences.services.conferences import conference_publish
from conferences.services.paper_decisions import paper_decide, revision_round_close
from tests.factories import (
    ConferenceRoleFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    ReviewCriterionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def criteria(conference):
    return [
        ReviewCriterionFactory(
            conference=conference, code="noi-dung", label="Nội dung", max_score=10, weight=3
        ),
        ReviewCriterionFactory(
            conference=conference, code="trinh-bay", label="Trình bày", max_score=5, weight=1
        ),
    ]


def reviewer(conference, name: str, agency: str):
    user = ConferenceRoleFactory(conference=conference, role=ConferenceRole.Role.REVIEWER).user
    PersonFactory(full_name=name, organization=OrganizationFactory(name=agency), user=user)
    return user


@pytest.fixture
def reviewed_paper(conference, criteria):
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    paper = PaperFactory(
        conference=conference,
        title='=HYPERLINK("http://x") Áp dụng TCVN ISO 9001 ở Quảng Ninh',
        presenting_organization=agency,
        submitted_at=datetime.datetime(2021, 3, 1, 1, 30, tzinfo=datetime.UTC),
    )
    author = PersonFactory(full_name="Phạm Thị Hường", organization=agency)
    PaperAuthor.objects.create(paper=paper, person=author, order=1, is_presenter=True)
    first = PaperRevision.objects.create(paper=paper, number=1, title=paper.title)
    PaperRevision.objects.create(paper=paper, number=2, title=paper.title)
    Paper.objects.filter(pk=paper.pk).update(current_revision=first)
    Review.objects.create(
        paper=paper,
        reviewer=reviewer(conference, "Lê Văn Thẩm", "Bộ Nội vụ"),
        scores={"noi-dung": 8, "trinh-bay": 4},
        comment="Số liệu rõ ràng.",
        confidential_comment="Nên chọn trình bày ở phiên toàn thể.",
        recommendation=Review.Recommendation.ACCEPT,
        status=Review.Status.SUBMITTED,
        submitted_at=datetime.datetime(2021, 3, 5, 2, 0, tzinfo=datetime.UTC),
    )
    Review.objects.create(
        paper=paper,
        reviewer=reviewer(conference, "Đỗ Thị Định", "Bộ Tư pháp"),
        scores={"noi-dung": 4, "trinh-bay": 1},
        comment="Thiếu phần đánh giá.",
        recommendation=Review.Recommendation.MAJOR_REVISION,
        status=Review.Status.SUBMITTED,
    )
    paper.refresh_from_db()
    return paper


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


BASE = "/to-chuc/{slug}/tham-luan/"


# Exports -------------------------------------------------------------------------------------------------


def test_papers_xlsx_has_the_figures_and_keeps_a_formula_as_text(
    client, organizer, conference, reviewed_paper
):
    client.force_login(organizer)

    response = client.get(BASE.format(slug=conference.slug) + "danh-sach.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="tham-luan-{conference.slug}-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã", "Tiêu đề", "Chủ đề")
    # Weighted: (3*8/10 + 4/5)/4 = 80.0 and (3*4/10 + 1/5)/4 = 35.0.
    assert rows[1] == (
        reviewed_paper.pk,
        reviewed_paper.title,
        None,
        "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        "Phạm Thị Hường (Sở Khoa học và Công nghệ tỉnh Quảng Ninh)",
        "Phạm Thị Hường",
        "Đã nộp",
        "08:30 01/03/2021",
        None,
        2,
        57.5,
        45,
        2,
        0,
    )
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_papers_csv_reads_back_with_bom_and_guarded_formula(client, organizer, conference, reviewed_paper):
    client.force_login(organizer)

    response = client.get(BASE.format(slug=conference.slug) + "danh-sach.csv")

    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'" + reviewed_paper.title
    assert rows[1][7] == "08:30 01/03/2021"
    assert rows[1][10:] == ["57.5", "45.0", "2", "0"]


def test_reviews_xlsx_names_reviewers_scores_and_confidential_comments(
    client, organizer, conference, reviewed_paper
):
    client.force_login(organizer)

    response = client.get(BASE.format(slug=conference.slug) + "phan-bien.xlsx")

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][4:6] == ("Nội dung (tối đa 10, hệ số 3)", "Trình bày (tối đa 5, hệ số 1)")
    assert rows[1][2:] == (
        "Lê Văn Thẩm",
        "Bộ Nội vụ",
        8,
        4,
        80,
        "Chấp nhận",
        "Số liệu rõ ràng.",
        "Nên chọn trình bày ở phiên toàn thể.",
        "Đã nộp",
        "09:00 05/03/2021",
    )
    assert rows[2][2:7] == ("Đỗ Thị Định", "Bộ Tư pháp", 4, 1, 35)


def test_reviews_csv_reads_back(client, organizer, conference, reviewed_paper):
    client.force_login(organizer)

    response = client.get(BASE.format(slug=conference.slug) + "phan-bien.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert rows[1][2:7] == ["Lê Văn Thẩm", "Bộ Nội vụ", "8", "4", "80.0"]


def test_exports_of_200_papers_take_a_fixed_number_of_queries(
    client, organizer, conference, criteria, django_assert_max_num_queries
):
    user = reviewer(conference, "Lê Văn Thẩm", "Bộ Nội vụ")
    agency = OrganizationFactory()
    for n in range(200):
        paper = PaperFactory(conference=conference, presenting_organization=agency)
        PaperAuthor.objects.create(paper=paper, person=PersonFactory(organization=agency), order=1)
        Review.objects.create(paper=paper, reviewer=user, scores={"noi-dung": n % 10, "trinh-bay": 2})
    client.force_login(organizer)

    for name in ("danh-sach.xlsx", "danh-sach.csv", "phan-bien.xlsx", "phan-bien.csv"):
        with django_assert_max_num_queries(10):
            response = client.get(BASE.format(slug=conference.slug) + name)
        assert response.status_code == 200
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 201


# Access --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["danh-sach.xlsx", "danh-sach.csv", "phan-bien.xlsx", "phan-bien.csv", "tom-tat-phan-bien.pdf"]
)
def test_a_non_organizer_gets_404_for_a_draft_and_403_once_published(
    client, conference, reviewed_paper, name
):
    client.force_login(UserFactory())
    urls = [
        BASE.format(slug=conference.slug) + name,
        BASE.format(slug=conference.slug) + f"{reviewed_paper.pk}/{name}",
    ]
    if name != "tom-tat-phan-bien.pdf":
        urls = urls[:1]

    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    conference_publish(conference=conference)
    assert [client.get(url).status_code for url in urls] == [403] * len(urls)


# Review summary PDFs ---------------------------------------------------------------------------------------


def test_one_papers_summary_has_scores_names_and_confidential_comments(
    client, organizer, conference, reviewed_paper
):
    client.force_login(organizer)

    response = client.get(BASE.format(slug=conference.slug) + f"{reviewed_paper.pk}/tom-tat-phan-bien.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "TÓM TẮT KẾT QUẢ PHẢN BIỆN THAM LUẬN" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Sở Khoa học và Công nghệ tỉnh Quảng Ninh" in text
    assert "Phạm Thị Hường" in text
    assert "80,00" in text or "80.00" in text
    assert "35,00" in text or "35.00" in text
    assert "57,50/100" in text or "57.50/100" in text
    assert "chênh lệch lớn (trên 30 điểm)" in text
    assert "Lê Văn Thẩm (Bộ Nội vụ)" in text
    assert "Nên chọn trình bày ở phiên toàn thể." in text
    assert "Thiếu phần đánh giá." in text


def test_a_paper_of_another_conference_is_a_404(client, organizer, conference):
    client.force_login(organizer)
    elsewhere = PaperFactory()

    response = client.get(BASE.format(slug=conference.slug) + f"{elsewhere.pk}/tom-tat-phan-bien.pdf")

    assert response.status_code == 404


def test_every_papers_summary_is_built_by_a_worker_then_served(
    client, organizer, conference, reviewed_paper, django_capture_on_commit_callbacks
):
    PaperFactory(conference=conference, title="Cải cách hành chính tại Hải Phòng")
    client.force_login(organizer)
    url = BASE.format(slug=conference.slug) + "tom-tat-phan-bien.pdf"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pending = client.get(url)
    assert pending.status_code == 202
    assert "The PDF is being prepared" in pending.content.decode()
    assert len(callbacks) == 1

    response = client.get(url)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    first_page = " ".join(reader.pages[0].extract_text().split())
    assert "Áp dụng TCVN ISO 9001 ở Quảng Ninh" in first_page
    assert "Cải cách hành chính tại Hải Phòng" not in first_page
    assert "Cải cách hành chính tại Hải Phòng" in pdf_text(response.content)

    # A new review changes the digest: the old PDF is not served for the new data.
    Review.objects.filter(paper=reviewed_paper).update(
        updated_at=timezone.now() + datetime.timedelta(seconds=5)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.get(url).status_code == 202
    assert len(callbacks) == 1


# The revision round and the agenda -------------------------------------------------------------------------


def test_closing_the_revision_round_from_the_button(client, organizer, conference, reviewed_paper):
    CallForPapers.objects.filter(conference=conference).update(
        revision_closes_at=timezone.now() + datetime.timedelta(days=2)
    )
    paper_decide(paper=reviewed_paper, status=Paper.Status.REVISION_REQUESTED)
    client.force_login(organizer)

    response = client.post(BASE.format(slug=conference.slug) + "dong-vong-sua/")

    assert response.status_code == 302
    assert response["Location"] == BASE.format(slug=conference.slug)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The revision round is closed: 1 paper was locked and accepted."
    ]
    reviewed_paper.refresh_from_db()
    assert reviewed_paper.status == Paper.Status.ACCEPTED
    assert reviewed_paper.final_revision.number == 1


def test_a_non_organizer_cannot_close_the_round(client, conference, reviewed_paper):
    conference_publish(conference=conference)
    CallForPapers.objects.filter(conference=conference).update(
        revision_closes_at=timezone.now() + datetime.timedelta(days=2)
    )
    paper_decide(paper=reviewed_paper, status=Paper.Status.REVISION_REQUESTED)
    client.force_login(UserFactory())

    assert client.post(BASE.format(slug=conference.slug) + "dong-vong-sua/").status_code == 403
    reviewed_paper.refresh_from_db()
    assert reviewed_paper.status == Paper.Status.REVISION_REQUESTED


def test_quick_fill_offers_papers_accepted_now_and_at_the_round_close(conference, reviewed_paper):
    later = PaperFactory(conference=conference)
    undecided = PaperFactory(conference=conference)
    CallForPapers.objects.filter(conference=conference).update(
        revision_closes_at=timezone.now() + datetime.timedelta(days=2)
    )
    paper_decide(paper=reviewed_paper, status=Paper.Status.ACCEPTED)
    paper_decide(paper=later, status=Paper.Status.REVISION_REQUESTED)

    first = agenda_fill_from_papers(conference=conference, starts_at=timezone.localtime(conference.starts_at))
    revision_round_close(conference=conference)
    second = agenda_fill_from_papers(
        conference=conference, starts_at=timezone.localtime(conference.starts_at)
    )

    assert [item.paper_id for item in first] == [reviewed_paper.pk]
    assert [item.paper_id for item in second] == [later.pk]
    undecided.refresh_from_db()
    assert not hasattr(undecided, "agenda_item")
