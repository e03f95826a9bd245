"""Issue 13's proof for the reviewer and the organizer, from an empty database.

What earlier personas did is seeded through the services: the conference with its call for
papers, three agencies' submitted papers, a reviewer with two of them assigned, and two agencies'
award nominations. Everything the reviewer and the organizer do then happens in the browser,
every page they land on checked by axe-core and photographed by the journey.
"""

import datetime
import io
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from conferences import tasks
from conferences.models import (
    AgendaItem,
    AgendaVersion,
    Award,
    Certificate,
    ConferenceRole,
    Job,
    Nomination,
    Paper,
    PaperTopic,
    Person,
    Proceedings,
    Review,
)
from conferences.services import certificate_generation
from conferences.services.call_for_papers import call_for_papers_update
from conferences.services.nominations import nomination_create
from conferences.services.papers import paper_submit
from conferences.services.review_assignment import review_assign
from tests.conferences.nomination_helpers import category_make
from tests.conferences.paper_helpers import delegate_with_link, submission
from tests.e2e.conftest import TITLE, model_conference
from tests.e2e.orm import in_thread
from tests.factories import PASSWORD, ConferenceRoleFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

DESKTOP = {"locale": "vi-VN", "viewport": {"width": 1280, "height": 900}}
TITLES = [
    "Kết quả áp dụng TCVN ISO 9001:2015 tại tỉnh Quảng Ninh",
    "Chuyển đổi hệ thống quản lý chất lượng ở Hải Phòng",
    "Kinh phí thực hiện Quyết định 19 tại Nam Định",
]
PROVINCES = ["Quảng Ninh", "Hải Phòng", "Nam Định"]
CITATION = "Đã có thành tích xuất sắc trong áp dụng Hệ thống quản lý chất lượng giai đoạn 2015 - 2020"


@dataclass
class Seeded:
    slug: str
    paper_ids: list[int]
    agencies: list[str]
    reviewer_id: int


def _seed() -> Seeded:
    conference, _department = model_conference(
        paper_deadline=lambda starts: starts - datetime.timedelta(days=7),
        nomination_deadline=lambda starts: starts - datetime.timedelta(days=7),
    )
    call_for_papers_update(
        conference=conference,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        blind_review=True,
        topics=["Điều 3: Chuyển đổi hệ thống quản lý chất lượng"],
        criteria=[
            {"code": "noi-dung", "label": "Nội dung", "max_score": 10, "weight": 2},
            {"code": "trinh-bay", "label": "Trình bày", "max_score": 5, "weight": 1},
        ],
    )
    organizer = UserFactory(username="bantochuc", email="bantochuc@most.gov.vn")
    ConferenceRoleFactory(conference=conference, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    reviewer = UserFactory(username="phanbien", email="pb.mot@vienkhcn.gov.vn")
    ConferenceRole.objects.create(conference=conference, user=reviewer, role=ConferenceRole.Role.REVIEWER)
    Person.objects.create(full_name="Đỗ Văn Phản Biện", email=reviewer.email, user=reviewer)
    topic = PaperTopic.objects.get(conference=conference)
    category = category_make()
    paper_ids, agencies = [], []
    for number, (title, province) in enumerate(zip(TITLES, PROVINCES, strict=True), start=1):
        registration, _token = delegate_with_link(conference, number=number)
        registration.organization.name = f"Sở Khoa học và Công nghệ tỉnh {province}"
        registration.organization.save(update_fields=["name"])
        paper = paper_submit(
            **submission(
                registration,
                title=title,
                topic=topic,
                body=f"# Mở đầu\n\nTỉnh {province} đã **chuyển đổi** 100% cơ quan hành chính.",
            )
        )
        paper_ids.append(paper.pk)
        agencies.append(registration.organization.name)
        if number <= 2:  # The first two agencies nominate themselves through their delegate's link.
            nomination_create(
                conference=conference,
                category=category,
                nominee_organization=registration.organization,
                justification=f"Sở đã áp dụng TCVN ISO 9001 ở mọi phòng ban tại {province}.",
                by_registration=registration,
            )
    for paper_id in paper_ids[:2]:
        review_assign(paper=Paper.objects.get(pk=paper_id), reviewer=reviewer, assigned_by=organizer)
    return Seeded(slug=conference.slug, paper_ids=paper_ids, agencies=agencies, reviewer_id=reviewer.pk)


def _sign_in(walk, base: str, username: str) -> None:
    page = walk.page
    page.goto(f"{base}/dang-nhap/")
    walk.visit("Sign in")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _sidebar(page, name: str) -> None:
    page.get_by_role("navigation", name=re.compile(".")).get_by_role(
        "link", name=name, exact=True
    ).first.click()


def _download(page, locator) -> tuple[str, bytes]:
    with page.expect_download() as info:
        locator.click()
    download = info.value
    with open(download.path(), "rb") as file:
        return download.suggested_filename, file.read()


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_reviewer_reviews_then_organizer_accepts_publishes_awards_certifies_and_builds_the_book(
    live_server, journey, monkeypatch
):
    base = live_server.url
    queued = _queue_jobs(monkeypatch)
    seeded = in_thread(_seed)
    slug = seeded.slug
    first = seeded.paper_ids[0]

    # The reviewer ------------------------------------------------------------------------------
    reviewer = journey("reviewer", **DESKTOP)
    page = reviewer.page
    _sign_in(reviewer, base, "phanbien")
    page.wait_for_url(f"{base}/phan-bien/{slug}/")
    reviewer.visit("Assigned papers")
    assigned = page.locator("table tbody tr")
    expect(assigned).to_have_count(2)
    page.get_by_role("link", name=TITLES[0]).click()
    page.wait_for_url(f"{base}/phan-bien/{slug}/{first}/")
    reviewer.visit("Paper to review")
    # Blind review: the agency that sent the paper is not named on the reviewer's page.
    expect(page.locator("main")).not_to_contain_text(seeded.agencies[0])
    page.get_by_label("Nội dung").fill("9")
    page.get_by_label("Trình bày").fill("4")
    page.get_by_label("Ý kiến gửi tác giả").fill("Bố cục rõ ràng, số liệu đầy đủ.")
    page.get_by_label("Đề xuất").select_option("accept")
    page.get_by_role("button", name="Nộp phiếu phản biện").click()
    page.wait_for_load_state()
    reviewer.visit("Review submitted")
    page.goto(f"{base}/phan-bien/{slug}/")
    reviewer.visit("Assigned papers after the review")
    expect(page.get_by_role("row", name=re.compile(re.escape(TITLES[0])))).to_contain_text("Đã nộp")

    review = in_thread(lambda: Review.objects.get(paper_id=first, reviewer_id=seeded.reviewer_id))
    assert review.status == Review.Status.SUBMITTED
    assert review.scores == {"noi-dung": 9, "trinh-bay": 4}
    assert (review.recommendation, review.comment) == ("accept", "Bố cục rõ ràng, số liệu đầy đủ.")

    # The organizer: decisions ------------------------------------------------------------------
    organizer = journey("organizer-review", **DESKTOP)
    page = organizer.page
    _sign_in(organizer, base, "bantochuc")
    page.wait_for_url(f"{base}/to-chuc/")
    organizer.visit("Workspace")
    page.goto(f"{base}/to-chuc/{slug}/")
    organizer.visit("Dashboard")
    _sidebar(page, "Tham luận")
    page.wait_for_url(f"{base}/to-chuc/{slug}/tham-luan/")
    organizer.visit("Papers")
    for title in TITLES:
        page.get_by_role("checkbox", name=title).check()
    page.locator("#decide-selected").get_by_role("button", name="Chấp nhận", exact=True).click()
    page.wait_for_load_state()
    organizer.visit("Papers accepted")
    expect(page.locator("ul.messages")).to_contain_text("3")
    statuses = in_thread(lambda: [(p.status, p.locked_at is not None) for p in Paper.objects.all()])
    assert statuses == [(Paper.Status.ACCEPTED, True)] * 3

    # The agenda: filled from the accepted papers, then published --------------------------------
    _sidebar(page, "Chương trình")
    page.wait_for_url(f"{base}/to-chuc/{slug}/chuong-trinh/")
    organizer.visit("Agenda editor")
    page.get_by_role("button", name="Xếp tham luận").click()
    page.wait_for_url(re.compile(rf"/to-chuc/{slug}/chuong-trinh/"))
    organizer.visit("Agenda filled from papers")
    for title in TITLES:
        expect(page.locator("main")).to_contain_text(title)
    page.get_by_role("button", name="Công bố phiên bản 1").click()
    page.wait_for_url(re.compile(rf"/to-chuc/{slug}/chuong-trinh/"))
    organizer.visit("Agenda published")
    expect(page.locator(".latest-version")).to_contain_text("1")
    page.get_by_role("link", name="Xem chương trình công khai").click()
    page.wait_for_url(f"{base}/hoi-nghi/{slug}/chuong-trinh/")
    organizer.visit("Public agenda")
    for title in TITLES:
        expect(page.locator("main")).to_contain_text(title)
    agenda = in_thread(
        lambda: (
            list(AgendaVersion.objects.values_list("number", flat=True)),
            sorted(AgendaItem.objects.filter(kind=AgendaItem.Kind.PAPER).values_list("paper_id", flat=True)),
        )
    )
    assert agenda == ([1], sorted(seeded.paper_ids))

    # The award decision: made on the awards page, filled from the nominations -------------------
    page.goto(f"{base}/to-chuc/{slug}/")
    _sidebar(page, "Khen thưởng")
    page.wait_for_url(f"{base}/to-chuc/{slug}/khen-thuong/")
    organizer.visit("Award decisions")
    page.get_by_label("Chủ đề").fill("Về việc tặng Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ")
    page.get_by_label("Ngày ký").fill("2026-12-15")
    page.get_by_label("Thẩm quyền ký").fill("KT. BỘ TRƯỞNG")
    page.get_by_label("Chức vụ người ký").fill("THỨ TRƯỞNG")
    page.get_by_label("Họ và tên người ký").fill("Trần Văn Bình")
    page.get_by_role("button", name="Tạo quyết định").click()
    page.wait_for_url(re.compile(rf"/to-chuc/{slug}/khen-thuong/\d+/them/$"))
    organizer.visit("Decision created")
    _sidebar(page, "Đề nghị khen thưởng")
    page.wait_for_url(f"{base}/to-chuc/{slug}/de-nghi-khen-thuong/")
    organizer.visit("Nominations")
    nominations = page.locator("table.nominations-table tbody tr")
    expect(nominations).to_have_count(2)
    for agency in seeded.agencies[:2]:
        nominations.filter(has_text=agency).get_by_role("checkbox").check()
    page.get_by_label("Vào quyết định").select_option(index=1)
    page.get_by_label("Nội dung thành tích").first.fill(CITATION)
    page.get_by_role("button", name="Duyệt vào quyết định").click()
    page.wait_for_url(f"{base}/to-chuc/{slug}/de-nghi-khen-thuong/")
    organizer.visit("Nominations approved")
    expect(page.locator("ul.messages")).to_contain_text("2")
    _sidebar(page, "Khen thưởng")
    page.wait_for_url(f"{base}/to-chuc/{slug}/khen-thuong/")
    organizer.visit("Decision with its awards")
    expect(page.locator("table.awards-table tbody tr")).to_have_count(2)
    # The decision opens inline (to read before signing): fetched in the organizer's session.
    decision_link = page.get_by_role("link", name="Quyết định (PDF)")
    answer = page.request.get(base + decision_link.get_attribute("href"))
    decision_pdf = answer.body()
    decision_text = _folded(_pdf_text(decision_pdf))
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    assert re.search(r'inline; filename=".+\.pdf"', answer.headers["content-disposition"])
    assert decision_pdf.startswith(b"%PDF")
    assert "Về việc tặng Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ" in decision_text
    assert "Trần Văn Bình" in decision_text
    for agency in seeded.agencies[:2]:
        assert agency in decision_text
    assert (
        in_thread(lambda: sorted(Nomination.objects.values_list("status", flat=True)))
        == [Nomination.Status.APPROVED] * 2
    )

    # Certificates: generated as a job, its bar filled chunk by chunk as a worker renders them ------
    _sidebar(page, "Giấy chứng nhận")
    page.wait_for_url(f"{base}/to-chuc/{slug}/giay-chung-nhan/")
    organizer.visit("Certificates")
    page.locator("section.generate").get_by_role("button", name="Tạo", exact=True).click()
    page.wait_for_url(f"{base}/to-chuc/{slug}/giay-chung-nhan/")
    widget = page.locator(".job-progress")
    expect(widget).to_have_attribute("data-job-status", "queued")
    expect(widget.locator("progress")).to_have_attribute("max", "5")
    organizer.visit("Certificates queued")
    assert [len(args[1]) for args in queued["certificates"]] == [2, 2, 1]
    counts = page.locator("table.certificate-counts")
    expect(counts.locator('tr[data-kind="speaker"] td').nth(1)).to_have_text("3")  # Not rendered yet.
    navigations = _navigations(page)
    for done, args in zip((2, 4, 5), queued["certificates"], strict=True):
        in_thread(tasks.render_certificate_chunk, *args)
        expect(widget.locator("progress")).to_have_attribute("value", str(done), timeout=15_000)
    _job_done(page)
    # The counts the job changed are read again when it ends: all valid, none left to render.
    expect(counts.locator('tr[data-kind="speaker"] td').nth(0)).to_have_text("3")
    expect(counts.locator('tr[data-kind="speaker"] td').nth(1)).to_have_text("0")
    expect(counts.locator('tr[data-kind="award"] td').nth(0)).to_have_text("2")
    assert navigations == []  # The bar moved and the counts changed without the page reloading.
    organizer.visit("Certificates generated")
    certificates = in_thread(
        lambda: sorted(
            Certificate.objects.filter(revoked_at__isnull=True)
            .exclude(file="")
            .values_list("kind", flat=True)
        )
    )
    assert certificates == sorted([Certificate.Kind.AWARD] * 2 + [Certificate.Kind.SPEAKER] * 3)
    page.locator(".job-result").click()
    page.wait_for_load_state()
    organizer.visit("Certificates job result")
    expect(page.locator("table.certificates tbody tr")).to_have_count(5)

    # The proceedings: built as a job, the book downloaded and read back --------------------------
    _sidebar(page, "Kỷ yếu")
    page.wait_for_url(f"{base}/to-chuc/{slug}/ky-yeu/")
    organizer.visit("Proceedings")
    page.locator("section.build").get_by_role("button", name="Lập", exact=True).click()
    page.wait_for_url(f"{base}/to-chuc/{slug}/ky-yeu/")
    expect(widget).to_have_attribute("data-job-status", "queued")
    expect(page.locator("table.proceedings-builds")).to_have_count(0)
    organizer.visit("Proceedings queued")
    navigations = _navigations(page)
    (job_id,) = queued["proceedings"]
    in_thread(tasks.build_proceedings, job_id)
    _job_done(page)
    assert navigations == []
    organizer.visit("Proceedings built")
    # The job's result is the book itself: its link downloads it.
    book_name, book = _download(page, widget.locator(".job-result"))
    page.reload()
    organizer.visit("Proceedings with its build")
    expect(page.locator("table.proceedings-builds tbody tr")).to_have_count(1)
    book_text = _folded(_pdf_text(book))
    assert book_name.endswith(".pdf")
    assert TITLE.split(" giai đoạn")[0] in book_text
    for title in TITLES:
        assert title in book_text
    jobs = in_thread(
        lambda: sorted(Job.objects.values_list("kind", "status")),
    )
    # The decision PDF was rendered by a job on the documents queue (eager here) when first asked for.
    assert jobs == sorted(
        [
            (Job.Kind.CERTIFICATES, Job.Status.DONE),
            (Job.Kind.DOCUMENT, Job.Status.DONE),
            (Job.Kind.PROCEEDINGS, Job.Status.DONE),
        ]
    )
    assert in_thread(lambda: Proceedings.objects.count()) == 1
    assert in_thread(lambda: list(Award.objects.values_list("citation", flat=True))) == [CITATION] * 2


def _navigations(page) -> list[str]:
    """The main frame's navigations from now on: a bar that needs a reload to move records one."""
    seen: list[str] = []
    page.on("framenavigated", lambda frame: seen.append(frame.url) if frame == page.main_frame else None)
    return seen


def _queue_jobs(monkeypatch) -> dict[str, list]:
    """Hold the certificate and proceedings tasks for the test to run as the worker, step by step.

    Tasks run eagerly in tests, so a job would be done before its page shows; held, the organizer
    sees it queued and watches the bar move as each piece is run.
    """
    queued: dict[str, list] = {"certificates": [], "proceedings": []}
    monkeypatch.setattr(certificate_generation, "CHUNK_SIZE", 2)
    monkeypatch.setattr(
        tasks.render_certificate_chunk, "delay", lambda *args: queued["certificates"].append(args)
    )
    monkeypatch.setattr(tasks.build_proceedings, "delay", lambda job_id: queued["proceedings"].append(job_id))
    return queued


def _job_done(page) -> None:
    """The job's widget: the bar full, the text at its end, the result link shown."""
    widget = page.locator(".job-progress")
    expect(widget).to_have_attribute("data-job-status", "done", timeout=60_000)
    bar = widget.locator("progress")
    expect(bar).to_have_attribute("value", re.compile(r"^[1-9]\d*$"))
    assert bar.get_attribute("value") == bar.get_attribute("max")
    expect(widget.locator(".job-text")).to_contain_text("Đã hoàn thành")
    expect(widget.locator(".job-result")).to_be_visible()
    expect(widget.locator(".job-result")).to_have_text("Xem kết quả")
