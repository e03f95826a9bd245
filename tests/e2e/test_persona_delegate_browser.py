"""Issue 13's delegate, from an empty database, on a phone: the answer, two delegates, a paper with a file.

What the organizer would have done (the conference, its call for papers, the invitation sent and
its e-mail approved) is made through the services; the agency's side happens in the browser, from
the link in the captured e-mail to the paper listed on the delegate's own page. Every page is
checked by axe-core and photographed (tests/e2e/journey.py).
"""

import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from conferences.models import Invitation, Paper, Registration
from conferences.services.call_for_papers import call_for_papers_update
from conferences.services.invitation_sending import invitation_send
from conferences.services.invitations import invitation_create
from notifications.models import Notification
from notifications.services.outbox import notification_approve
from tests import paper_files
from tests.e2e.conftest import NO_SIDEWAYS_SCROLL, TITLE, csp_reports, model_conference
from tests.e2e.orm import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}
AGENCY_EMAIL = "vanthu@skhcn.quangninh.gov.vn"
PRESENTER = ("Nguyễn Thị Minh Khai", "Phó Giám đốc", "khai@skhcn.quangninh.gov.vn", "0203 3835 111")
SECOND = ("Trần Văn Hùng", "Trưởng phòng Quản lý tiêu chuẩn chất lượng", "hung@skhcn.quangninh.gov.vn", "")
PAPER_TITLE = "Kinh nghiệm chuyển đổi sang TCVN ISO 9001:2015 tại tỉnh Quảng Ninh"
TOPIC = "Điều 3: Chuyển đổi hệ thống quản lý chất lượng"


def _organizer_has_invited() -> str:
    """The conference, its open call, the invitation sent and its held e-mail approved; the e-mail's text."""
    conference, department = model_conference(
        paper_deadline=lambda starts: starts - datetime.timedelta(days=7)
    )
    call_for_papers_update(
        conference=conference,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        topics=[TOPIC, "Điều 5: Kinh phí thực hiện"],
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
    notice = Notification.objects.get(kind="invitation", recipient_address=AGENCY_EMAIL)
    notification_approve(ids=[notice.pk])
    notice.refresh_from_db()
    assert notice.state == Notification.State.SENT
    return notice.body_text


def test_delegate_answers_on_a_phone_names_two_delegates_and_sends_a_paper_with_a_file(
    live_server, settings, journey, tmp_path
):
    settings.SITE_URL = live_server.url
    email = in_thread(_organizer_has_invited)
    link = re.search(r"https?://\S+/tra-loi/[\w-]+/", email)[0]
    assert link.startswith(live_server.url)
    pdf = paper_files.valid_pdf(text="Tham luan Quang Ninh", author="Sở KH&CN Quảng Ninh")
    upload = tmp_path / "tham-luan-quang-ninh.pdf"
    upload.write_bytes(pdf)

    walk = journey("delegate", **PHONE)
    page = walk.page
    reports = csp_reports(page)
    fits: dict[str, bool] = {}

    # The invitation's link: accept, name two delegates, the first presents the paper.
    page.goto(link)
    walk.visit("RSVP from the e-mail")
    fits["rsvp"] = page.evaluate(NO_SIDEWAYS_SCROLL)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_label("Chúng tôi sẽ tham dự").check()
    for number, (name, position, address, phone) in enumerate((PRESENTER, SECOND), start=1):
        row = page.get_by_role("group", name=f"Đại biểu {number}", exact=True)
        row.get_by_label("Họ và tên").fill(name)
        row.get_by_label("Chức vụ").fill(position)
        row.get_by_label("Thư điện tử").fill(address)
        if phone:
            row.get_by_label("Điện thoại").fill(phone)
    page.get_by_role("group", name="Đại biểu 1", exact=True).get_by_label(
        "Đại biểu này trình bày tham luận"
    ).check()
    walk.visit("RSVP with two delegates")
    page.get_by_role("button", name="Gửi phản hồi").click()
    page.wait_for_url(re.compile(r"\?saved=1$"))
    walk.visit("RSVP saved")
    fits["saved"] = page.evaluate(NO_SIDEWAYS_SCROLL)
    for name, *_rest in (PRESENTER, SECOND):
        expect(page.get_by_role("listitem").filter(has_text=name)).to_have_count(1)

    # The presenter's confirmation e-mail carries the link to their own page.
    confirmation = in_thread(
        lambda: Notification.objects.get(kind="registration_confirmation", recipient_address=PRESENTER[2])
    )
    own_page = re.search(r"https?://\S+/dai-bieu/[\w.-]+/", confirmation.body_text)[0]
    page.goto(own_page)
    walk.visit("Delegate's page")
    fits["delegate"] = page.evaluate(NO_SIDEWAYS_SCROLL)
    expect(page.get_by_role("heading", level=1)).to_have_text(PRESENTER[0])
    page.get_by_role("link", name="Gửi tham luận").click()
    page.wait_for_url(re.compile(r"/tham-luan/moi/$"))
    walk.visit("New paper")
    fits["form"] = page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_label("Tiêu đề").fill(PAPER_TITLE)
    page.get_by_label("Tóm tắt").fill("Tóm tắt kết quả chuyển đổi giai đoạn 2015 - 2020.")
    page.get_by_label("Chủ đề").select_option(label=TOPIC)
    page.get_by_label("Tệp (PDF hoặc DOCX)").set_input_files(upload)
    page.get_by_role("button", name="Gửi tham luận").click()
    page.wait_for_url(re.compile(r"/tham-luan/\d+/$"))
    walk.visit("Paper received")
    fits["paper"] = page.evaluate(NO_SIDEWAYS_SCROLL)
    expect(page.get_by_role("heading", level=1)).to_have_text(PAPER_TITLE)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"tham-luan-quang-ninh\.pdf")).first.click()
    downloaded = download.value.path().read_bytes()

    # Back on the delegate's page, the paper is listed.
    page.get_by_role("link", name="Trang đại biểu").click()
    page.wait_for_url(own_page)
    walk.visit("Delegate's page with the paper")
    expect(page.get_by_role("region", name="Tham luận").get_by_role("link", name=PAPER_TITLE)).to_be_visible()

    assert reports == []
    assert fits == dict.fromkeys(["rsvp", "saved", "delegate", "form", "paper"], True)
    assert downloaded == pdf
    assert "Tham luan Quang Ninh" in PdfReader(io.BytesIO(downloaded)).pages[0].extract_text()

    def rows_made():
        invitation = Invitation.objects.select_related("paper_presenter").get()
        paper = Paper.objects.select_related("registration__person", "topic", "current_revision").get()
        with paper.current_revision.file.open("rb") as stored:
            stored_bytes = stored.read()
        return {
            "invitation": (invitation.status, invitation.paper_presenter.full_name),
            "delegates": sorted(
                Registration.objects.filter(
                    invitation=invitation, status=Registration.Status.CONFIRMED
                ).values_list("person__full_name", "person__email")
            ),
            "paper": (paper.title, paper.status, paper.topic.label, paper.registration.person.email),
            "file": (paper.current_revision.file_name, stored_bytes),
            "confirmations": sorted(
                Notification.objects.filter(kind="registration_confirmation").values_list(
                    "recipient_address", "state"
                )
            ),
            "received": sorted(
                Notification.objects.filter(kind="paper_received").values_list("recipient_address", flat=True)
            ),
        }

    made = in_thread(rows_made)
    assert made["invitation"] == (Invitation.Status.ACCEPTED, PRESENTER[0])
    assert made["delegates"] == sorted([(PRESENTER[0], PRESENTER[2]), (SECOND[0], SECOND[2])])
    assert made["paper"] == (PAPER_TITLE, Paper.Status.SUBMITTED, TOPIC, PRESENTER[2])
    assert made["file"] == ("tham-luan-quang-ninh.pdf", pdf)
    # Each delegate named in the answer was sent a confirmation with their own page's link.
    assert made["confirmations"] == sorted([(PRESENTER[2], "sent"), (SECOND[2], "sent")])
    assert made["received"] == [PRESENTER[2]]
