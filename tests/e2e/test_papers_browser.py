"""The paper workflow in a real browser: a delegate sends a paper from an e-mail link, a reviewer reviews it.

As in test_rsvp_browser.py, the data is made through the services before the browser starts
and checked after it closes: Playwright's sync API runs an event loop, so the ORM is never
touched while a browser session is open. The delegate pages are phone-first, so the delegate
drives them on a phone-sized viewport and no page may scroll sideways.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import sync_playwright

from conferences.models import Paper, PaperRevision, PaperTopic, Registration, Review
from conferences.services.call_for_papers import call_for_papers_update
from conferences.services.invitation_sending import invitation_send
from conferences.services.invitations import invitation_create
from conferences.services.organizations import organization_create
from conferences.services.papers import paper_submit
from conferences.services.review_assignment import review_assign
from conferences.services.reviewers import reviewer_invite
from conferences.services.reviews import review_submit
from conferences.services.rsvp import DelegateInput, rsvp_submit
from notifications.models import Notification
from tests import paper_files
from tests.conferences.paper_helpers import delegate_with_link, submission
from tests.conferences.review_helpers import reviewer_make
from tests.e2e.conftest import assert_accessible, csp_reports, launch_chromium, model_conference
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PAPER_TITLE = "Kinh nghiệm chuyển đổi sang TCVN ISO 9001:2015 tại tỉnh Quảng Ninh"
SECOND_TITLE = "Kinh nghiệm chuyển đổi sang TCVN ISO 9001:2015 tại tỉnh Quảng Ninh (bản sửa)"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _conference(*, blind_review: bool = True):
    conference, department = model_conference(
        paper_deadline=lambda starts: starts - datetime.timedelta(days=7)
    )
    call_for_papers_update(
        conference=conference,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        blind_review=blind_review,
        topics=["Điều 3: Chuyển đổi hệ thống quản lý chất lượng", "Điều 5: Kinh phí thực hiện"],
        criteria=[
            {"code": "noi-dung", "label": "Nội dung", "max_score": 10, "weight": 2},
            {"code": "trinh-bay", "label": "Trình bày", "max_score": 5, "weight": 1},
        ],
    )
    return conference, department


def _phone_page(browser):
    return browser.new_page(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)


def test_delegate_sends_a_paper_with_a_file_from_the_email_link_and_changes_it(
    live_server, settings, chromium_path, tmp_path
):
    settings.SITE_URL = live_server.url
    conference, department = _conference()
    co_author_agency = organization_create(
        name="Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Quảng Ninh", kind="other", contact_emails=[]
    )
    invitation = invitation_create(
        conference=conference,
        organization=department,
        addressee="Đại diện Lãnh đạo Sở",
        delegate_quota=2,
        paper_requested=True,
        paper_topic="Kinh nghiệm chuyển đổi sang TCVN ISO 9001:2015",
    )
    invitation_send(invitation=invitation)
    rsvp_submit(
        invitation=invitation,
        accept=True,
        delegates=[
            DelegateInput(
                full_name="Nguyễn Thị Minh Khai", email="khai@skhcn.quangninh.gov.vn", position="Phó Giám đốc"
            )
        ],
        presenter_email="khai@skhcn.quangninh.gov.vn",
    )
    confirmation = Notification.objects.get(
        kind="registration_confirmation", recipient_address="khai@skhcn.quangninh.gov.vn"
    )
    link = re.search(r"https?://\S+/dai-bieu/[\w.-]+/", confirmation.body_text)[0]
    assert link.startswith(live_server.url)
    pdf = paper_files.valid_pdf(text="Tham luan Quang Ninh", author="Sở KH&CN Quảng Ninh")
    pdf_path = tmp_path / "tham-luan-quang-ninh.pdf"
    pdf_path.write_bytes(pdf)
    second_pdf = paper_files.valid_pdf(text="Ban sua", pages=2)
    second_path = tmp_path / "tham-luan-ban-sua.pdf"
    second_path.write_bytes(second_pdf)
    html_path = tmp_path / "bao-cao.pdf"
    html_path.write_bytes(paper_files.html_as_pdf())

    widths: dict[str, bool] = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            page = _phone_page(browser)
            reports = csp_reports(page)
            page.goto(link)
            assert_accessible(page)
            lang = page.locator("html").get_attribute("lang")
            widths["delegate"] = page.evaluate(NO_SIDEWAYS_SCROLL)
            page.click('a[href$="/tham-luan/moi/"]')
            page.wait_for_url(re.compile(r"/tham-luan/moi/$"))
            assert_accessible(page)
            widths["form"] = page.evaluate(NO_SIDEWAYS_SCROLL)

            page.fill("#id_title", PAPER_TITLE)
            page.fill("#id_abstract", "Tóm tắt **kết quả** chuyển đổi giai đoạn 2015 - 2020.")
            page.select_option("#id_topic", label="Điều 3: Chuyển đổi hệ thống quản lý chất lượng")
            page.fill("#id_body", "# Mở đầu\n\nTỉnh đã **chuyển đổi** 100% cơ quan hành chính.")
            rows_before = page.locator("tr.author-row").count()
            page.click("button.add-author")
            new_row = rows_before  # 0-based index of the row the button added
            page.fill(f"#id_authors-{new_row}-full_name", "Trần Văn Hùng")
            page.select_option(f"#id_authors-{new_row}-organization", label=co_author_agency.name)
            page.fill(f"#id_authors-{new_row}-email", "hung@tdc.quangninh.gov.vn")
            page.fill(f"#id_authors-{new_row}-position", "Trưởng phòng")
            page.check(f'input[name="presenter"][value="{new_row}"]')

            # A page of HTML named .pdf is refused with the reason next to the file field; the text stays.
            page.set_input_files("#id_file", str(html_path))
            page.click("form.paper-form button[type=submit]")
            page.wait_for_load_state()
            refusal = page.locator("div.field.has-error:has(#id_file)").inner_text()
            kept_title = page.input_value("#id_title")
            kept_presenter = page.locator(f'input[name="presenter"][value="{new_row}"]').is_checked()
            widths["refused"] = page.evaluate(NO_SIDEWAYS_SCROLL)
            assert_accessible(page)  # the refusal is tied to the file field
            page.screenshot(path="/tmp/papers-e2e-refused.png", full_page=True)

            page.set_input_files("#id_file", str(pdf_path))
            page.click("form.paper-form button[type=submit]")
            page.wait_for_url(re.compile(r"/tham-luan/\d+/$"))
            assert_accessible(page)
            received = page.locator("ul.messages").inner_text()
            widths["detail"] = page.evaluate(NO_SIDEWAYS_SCROLL)
            page.screenshot(path="/tmp/papers-e2e-submitted.png", full_page=True)

            page.click('a[href$="/sua/"]')
            page.wait_for_url(re.compile(r"/sua/$"))
            assert_accessible(page)
            widths["edit"] = page.evaluate(NO_SIDEWAYS_SCROLL)
            page.screenshot(path="/tmp/papers-e2e-form.png", full_page=True)
            page.fill("#id_title", SECOND_TITLE)
            page.set_input_files("#id_file", str(second_path))
            page.click("form.paper-form button[type=submit]")
            page.wait_for_url(re.compile(r"/tham-luan/\d+/$"))
            assert_accessible(page)
            versions = page.locator("table.revisions tbody tr").all_inner_texts()
            heading = page.locator("h1").inner_text()
            widths["history"] = page.evaluate(NO_SIDEWAYS_SCROLL)
            page.screenshot(path="/tmp/papers-e2e-history.png", full_page=True)
        finally:
            browser.close()

    assert reports == []
    assert lang == "vi"
    assert widths == dict.fromkeys(["delegate", "form", "refused", "detail", "edit", "history"], True)
    assert "Tệp không phải là tệp PDF hoặc Word (DOCX)." in refusal
    assert kept_title == PAPER_TITLE
    assert kept_presenter is True
    assert "Ban Tổ chức đã nhận được tham luận của Ông/Bà." in received
    assert heading == SECOND_TITLE
    assert len(versions) == 2
    assert versions[0].startswith("1") and PAPER_TITLE in versions[0]
    assert versions[1].startswith("2") and SECOND_TITLE in versions[1]

    registration = Registration.objects.get(person__email="khai@skhcn.quangninh.gov.vn")
    paper = Paper.objects.get()
    assert paper.registration == registration
    assert (paper.title, paper.status, paper.topic.label) == (
        SECOND_TITLE,
        Paper.Status.SUBMITTED,
        "Điều 3: Chuyển đổi hệ thống quản lý chất lượng",
    )
    revisions = list(PaperRevision.objects.filter(paper=paper).order_by("number"))
    assert [(r.number, r.title, r.file_name) for r in revisions] == [
        (1, PAPER_TITLE, "tham-luan-quang-ninh.pdf"),
        (2, SECOND_TITLE, "tham-luan-ban-sua.pdf"),
    ]
    assert paper.current_revision == revisions[1]
    with revisions[0].file.open("rb") as stored:
        assert stored.read() == pdf
    with revisions[1].file.open("rb") as stored:
        assert stored.read() == second_pdf
    assert "tham-luan-quang-ninh" not in revisions[0].file.name
    assert revisions[0].body == "# Mở đầu\n\nTỉnh đã **chuyển đổi** 100% cơ quan hành chính."
    authors = list(paper.authorships.select_related("person__organization").order_by("order"))
    assert [(a.person.full_name, a.person.organization.name, a.is_presenter) for a in authors] == [
        ("Nguyễn Thị Minh Khai", "Sở Khoa học và Công nghệ tỉnh Quảng Ninh", False),
        ("Trần Văn Hùng", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Quảng Ninh", True),
    ]
    # One confirmation per revision, to the submitting delegate and to the presenter named in the form.
    # The subject is in the notice's language (Vietnamese once translated): it is checked by its title.
    received_notices = Notification.objects.filter(kind="paper_received")
    assert sorted((n.idempotency_key, n.subject.endswith(f": {PAPER_TITLE}")) for n in received_notices) == [
        (f"paper:{paper.pk}:received:1|hung@tdc.quangninh.gov.vn", True),
        (f"paper:{paper.pk}:received:1|khai@skhcn.quangninh.gov.vn", True),
        (f"paper:{paper.pk}:received:2|hung@tdc.quangninh.gov.vn", False),
        (f"paper:{paper.pk}:received:2|khai@skhcn.quangninh.gov.vn", False),
    ]
    assert all(
        SECOND_TITLE in n.subject for n in received_notices if n.idempotency_key.split("|")[0].endswith(":2")
    )


AUTHOR = "Lê Văn Đại Biểu 1"
AGENCY = "Sở Khoa học và Công nghệ tỉnh Thử 1"
REVIEW_TITLE = "Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh"


def test_reviewer_accepts_from_the_email_link_and_submits_a_blind_review(
    live_server, settings, chromium_path, django_user_model
):
    settings.SITE_URL = live_server.url
    conference, _department = _conference(blind_review=True)
    organizer = UserFactory()
    registration, _token = delegate_with_link(conference)
    pdf = paper_files.valid_pdf(author=AGENCY, title=f"Tham luận của {AGENCY}")
    paper = paper_submit(
        **submission(
            registration,
            title=REVIEW_TITLE,
            topic=PaperTopic.objects.filter(conference=conference).first(),
            upload=paper_files.uploaded(pdf, name="Tham luan So KHCN Thu 1 - Le Van Dai Bieu.pdf"),
        )
    )
    # Another reviewer has reviewed already: their review shows only once this reviewer submits.
    other = reviewer_make(conference, full_name="Phạm Thị Phản Biện Hai")
    review_assign(paper=paper, reviewer=other, assigned_by=organizer)
    review_submit(
        paper=paper,
        reviewer=other,
        recommendation="minor_revision",
        scores={"noi-dung": 7, "trinh-bay": 3},
        comment="Cần bổ sung số liệu năm 2020.",
    )
    reviewer_invite(
        conference=conference,
        email="pb.mot@vienkhcn.gov.vn",
        full_name="Đỗ Văn Phản Biện",
        invited_by=organizer,
    )
    email = Notification.objects.get(kind="reviewer_invitation", recipient_address="pb.mot@vienkhcn.gov.vn")
    link = re.search(r"https?://\S+/phan-bien/moi/[\w-]+/", email.body_text)[0]
    assert link.startswith(live_server.url)

    # First session: the link makes the account; the reviewer lands signed in on their (empty) list.
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            context = browser.new_context(locale="vi-VN", viewport=PHONE)
            page = context.new_page()
            accept_reports = csp_reports(page)
            page.goto(link)
            assert_accessible(page)
            accept_lang = page.locator("html").get_attribute("lang")
            page.fill("#id_password1", "Phan-bien-2026!")
            page.fill("#id_password2", "Phan-bien-2026!")
            page.click("section.reviewer-accept button[type=submit]")
            page.wait_for_url(re.compile(rf"/phan-bien/{conference.slug}/$"))
            assert_accessible(page)
            landed = page.locator("h1").inner_text()
            signed_in = context.storage_state()
        finally:
            browser.close()

    reviewer = django_user_model.objects.get(email="pb.mot@vienkhcn.gov.vn")
    assert reviewer.check_password("Phan-bien-2026!")
    review_assign(paper=paper, reviewer=reviewer, assigned_by=organizer)
    list_url = f"{live_server.url}/phan-bien/{conference.slug}/"

    # Second session, signed in by the cookie of the first: read blind, download, draft, submit.
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            context = browser.new_context(locale="vi-VN", viewport=PHONE, storage_state=signed_in)
            page = context.new_page()
            reports = csp_reports(page)
            page.goto(list_url)
            assert_accessible(page)
            page.click(f'a[href$="/phan-bien/{conference.slug}/{paper.pk}/"]')
            page.wait_for_url(re.compile(rf"/{paper.pk}/$"))
            assert_accessible(page)
            lang = page.locator("html").get_attribute("lang")
            blind_text = page.locator("main").inner_text()
            blind_html = page.content()
            with page.expect_download() as download_info:
                page.click(f'a[href$="/{paper.pk}/tep/"]')
            download = download_info.value
            suggested = download.suggested_filename
            with open(download.path(), "rb") as file:
                downloaded = file.read()

            page.fill("#id_score_noi-dung", "8")
            page.fill("#id_comment", "Bố cục rõ ràng.")
            page.click('button[name="draft"]')
            page.wait_for_load_state()
            draft_score = page.input_value("#id_score_noi-dung")
            draft_comment = page.input_value("#id_comment")
            others_before = page.locator("section.other-review").count()

            page.fill("#id_score_noi-dung", "9")
            page.fill("#id_score_trinh-bay", "4")
            page.fill("#id_confidential_comment", "Không có xung đột lợi ích.")
            page.select_option("#id_recommendation", "accept")
            page.click('button[name="submit"]')
            page.wait_for_load_state()
            others_after = page.locator("section.other-review").all_inner_texts()
            wide_enough = page.evaluate(NO_SIDEWAYS_SCROLL)
            page.screenshot(path="/tmp/papers-e2e-review.png", full_page=True)
        finally:
            browser.close()

    assert accept_reports == [] and reports == []
    assert accept_lang == "vi" and lang == "vi"
    assert landed  # the reviewer's list, signed in (a sign-in page would not match the URL above)
    for name in (AUTHOR, AGENCY, "Tham luan So KHCN", "Le Van Dai Bieu", registration.person.email):
        assert name not in blind_text
        assert name not in blind_html
        assert name not in suggested
    assert suggested == f"tham-luan-{paper.pk}-v1.pdf"
    assert "Tóm tắt <strong>kết quả</strong>" in blind_html  # the Markdown rendered, not shown raw
    assert downloaded.startswith(b"%PDF") and AGENCY.encode() not in downloaded
    assert (draft_score, draft_comment, others_before) == ("8", "Bố cục rõ ràng.", 0)
    assert len(others_after) == 1
    assert "Cần bổ sung số liệu năm 2020." in others_after[0]
    assert "Phạm Thị Phản Biện Hai" not in others_after[0]
    assert wide_enough is True

    review = Review.objects.get(paper=paper, reviewer=reviewer)
    assert review.status == Review.Status.SUBMITTED
    assert review.scores == {"noi-dung": 9, "trinh-bay": 4}
    assert (review.recommendation, review.comment, review.confidential_comment) == (
        "accept",
        "Bố cục rõ ràng.",
        "Không có xung đột lợi ích.",
    )
    assert review.submitted_at is not None
