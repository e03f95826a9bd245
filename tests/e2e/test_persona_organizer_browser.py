"""Issue 13's organizer, from an empty database: everything after the account is done in the browser.

The organizer signs in, imports the agencies from a workbook made from the site's own template,
creates the conference and its two rooms, adds a second organizer and a reviewer, invites the
departments and sends the invitations, approves the held e-mails in the outbox, and watches the
dashboard change when an agency answers from the link in its e-mail (a second journey).
Every page is checked by axe-core and photographed (tests/e2e/journey.py).
"""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from conferences import tasks
from conferences.models import (
    Conference,
    ConferenceRole,
    Invitation,
    Job,
    Organization,
    Registration,
    ReviewerInvitation,
    Room,
)
from conferences.services import invitation_sending
from notifications.models import Notification
from tests.e2e.conftest import csp_reports
from tests.e2e.orm import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "To-chuc-hoi-nghi-2026!"
TITLE = "Hội nghị sơ kết thực hiện Quyết định số 19/2014/QĐ-TTg giai đoạn 2015-2020"
HOST = "Bộ Khoa học và Công nghệ"
DEPARTMENTS = {
    "Sở Khoa học và Công nghệ tỉnh Quảng Ninh": "vanthu@skhcn.quangninh.gov.vn",
    "Sở Khoa học và Công nghệ thành phố Hải Phòng": "vanthu@skhcn.haiphong.gov.vn",
    "Sở Khoa học và Công nghệ tỉnh Nam Định": "vanthu@skhcn.namdinh.gov.vn",
}
ANSWERING = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"


def _organizer_account():
    user = get_user_model().objects.create_user(
        username="tochuc",
        email="tochuc@most.gov.vn",
        password=PASSWORD,
        first_name="Hà",
        last_name="Nguyễn Thu",
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="conferences", codename__in=["add_conference", "add_organization"]
        )
    )
    return user


def _workbook(template: bytes) -> bytes:
    """The agencies, under the headings of the downloaded template's first sheet."""
    headings = [cell.value for cell in load_workbook(io.BytesIO(template)).worksheets[0][1]]
    rows = [{"Tên cơ quan": HOST, "Mã": "BKHCN", "Loại": "Bộ", "Email": "vanphong@most.gov.vn"}]
    rows += [{"Tên cơ quan": name, "Loại": "Sở", "Email": email} for name, email in DEPARTMENTS.items()]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append([row.get(heading, "") for heading in headings])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_organizer_sets_up_a_conference_invites_the_agencies_and_follows_the_answers(
    live_server, settings, journey, tmp_path, monkeypatch
):
    settings.SITE_URL = live_server.url
    # The test is the worker of the sending job: its chunks (one invitation each) wait until it runs
    # them one by one, so the organizer sees the bar move; the other tasks run at once (eagerly).
    monkeypatch.setattr(invitation_sending, "SEND_CHUNK_SIZE", 1)
    chunks: list[tuple] = []
    monkeypatch.setattr(tasks.send_invitations, "delay", lambda *args: chunks.append(args))
    in_thread(_organizer_account)
    walk = journey("organizer", locale="vi-VN", viewport=DESKTOP)
    page = walk.page
    reports = csp_reports(page)
    starts = timezone.localtime(timezone.now()).replace(hour=8, minute=0, second=0, microsecond=0)
    starts += datetime.timedelta(days=30)

    # Sign in.
    page.goto(f"{live_server.url}/dang-nhap/")
    walk.visit("Sign in")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("tochuc@most.gov.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)

    # Import the agencies, the host among them, from a workbook with the template's columns.
    page.goto(f"{live_server.url}/to-chuc/co-quan/nhap/")
    walk.visit("Import agencies")
    with page.expect_download() as template:
        page.get_by_role("link", name="Tải tệp mẫu (.xlsx)").click()
    upload = tmp_path / "co-quan.xlsx"
    upload.write_bytes(_workbook(template.value.path().read_bytes()))
    page.get_by_label("Tệp").set_input_files(upload)
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_url(re.compile(r"/nhap/xem-truoc/$"))
    walk.visit("Import preview")
    for name in [HOST, *DEPARTMENTS]:
        expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()
    page.get_by_role("button", name="Nhập dữ liệu", exact=True).click()
    page.wait_for_url(re.compile(r"/to-chuc/co-quan/nhap/$"))
    latest = page.get_by_role("region", name="Lần nhập gần nhất")
    expect(latest.get_by_role("status")).to_contain_text(re.compile(r"Đã hoàn thành: (\d+)/\1"))
    expect(latest).to_contain_text("co-quan.xlsx: tạo mới 4 cơ quan, cập nhật 0, giữ nguyên 0.")
    walk.visit("Import done")

    # Create the conference, then add its two rooms on its settings page.
    page.goto(f"{live_server.url}/to-chuc/moi/")
    walk.visit("New conference")
    page.get_by_label("Tiêu đề (tiếng Việt)").fill(TITLE)
    page.get_by_label("Cơ quan chủ trì").fill(HOST)
    page.get_by_label("Thời gian bắt đầu").fill(_local(starts))
    page.get_by_label("Thời gian kết thúc").fill(_local(starts + datetime.timedelta(hours=4)))
    page.get_by_label("Hạn phản hồi").fill(_local(starts - datetime.timedelta(days=10)))
    page.get_by_label("Địa điểm:", exact=True).fill("Hội trường tầng 1, 113 Trần Duy Hưng, Hà Nội")
    page.get_by_role("button", name="Tạo hội nghị").click()
    page.wait_for_url(re.compile(r"/to-chuc/[\w-]+/cai-dat/$"))
    slug = re.search(r"/to-chuc/([\w-]+)/cai-dat/$", page.url)[1]
    for room, capacity in (("Hội trường tầng 1", "300"), ("Phòng họp số 2", "40")):
        adding = page.get_by_role("form", name="Thêm phòng họp")
        adding.get_by_label("Tên phòng").fill(room)
        adding.get_by_label("Sức chứa").fill(capacity)
        adding.get_by_role("button", name="Thêm phòng").click()
        expect(page.get_by_role("textbox", name=f"Tên phòng {room}")).to_have_value(room)
    walk.visit("Settings with two rooms")

    # The team: a second organizer and a reviewer, both without an account yet.
    page.goto(f"{live_server.url}/to-chuc/{slug}/nhom/")
    walk.visit("Team")
    for email, name, role in (
        ("pho.ban@most.gov.vn", "Trần Văn Phó", "Ban Tổ chức"),
        ("phan.bien@vienkhcn.gov.vn", "Lê Thị Phản Biện", "Người phản biện"),
    ):
        page.get_by_label("Thư điện tử").fill(email)
        page.get_by_label("Vai trò").select_option(label=role)
        page.get_by_label("Họ và tên").fill(name)
        page.get_by_role("button", name="Thêm", exact=True).click()
        expect(page.get_by_role("cell", name=f"{name} <{email}>")).to_be_visible()
    walk.visit("Team with two invitations")
    # Their sign-up invitations are in the outbox, sent at once (they are never held).
    page.goto(f"{live_server.url}/to-chuc/{slug}/thong-bao/")
    for address, kind in (
        ("pho.ban@most.gov.vn", "Thư mời tham gia ban tổ chức hội nghị"),
        ("phan.bien@vienkhcn.gov.vn", "Thư mời phản biện tham luận"),
    ):
        row = page.get_by_role("row").filter(has_text=address)
        expect(row.get_by_role("cell", name=kind, exact=True)).to_be_visible()
        expect(row.get_by_role("cell", name="Đã gửi", exact=True)).to_be_visible()
    walk.visit("Outbox with the team's invitations")

    # Invite the departments as a group, then send the drafts and watch the job's bar fill up.
    page.goto(f"{live_server.url}/to-chuc/{slug}/giay-moi/")
    walk.visit("Invitations, none yet")
    group = page.get_by_role("region", name="Mời một nhóm cơ quan, đơn vị")
    group.get_by_label("Loại cơ quan").select_option(label="Sở")
    group.get_by_label("Số đại biểu mỗi cơ quan").fill("2")
    group.get_by_role("button", name="Tạo giấy mời").click()
    expect(page.get_by_role("checkbox", name=re.compile("^Chọn giấy mời gửi "))).to_have_count(3)
    walk.visit("Invitations as drafts")
    page.get_by_label("Chọn mọi dòng trên trang này").check()
    page.get_by_role("button", name="Gửi các giấy mời nháp đã chọn").click()
    sending = page.get_by_role("status").filter(has=page.get_by_role("progressbar"))
    expect(sending).to_have_attribute("data-job-status", "queued")
    walk.visit("Invitations waiting for a worker")
    bar = sending.get_by_role("progressbar")
    assert len(chunks) == 3
    for done, args in enumerate(chunks, start=1):
        in_thread(lambda args=args: tasks.send_invitations(*args))
        expect(bar).to_have_attribute("value", str(done), timeout=10_000)
        if done < len(chunks):
            expect(sending).to_contain_text(f"Đang thực hiện: {done}/3")
    expect(sending).to_have_attribute("data-job-status", "done")
    expect(sending).to_contain_text("Đã hoàn thành: 3/3")
    walk.visit("Invitations sent")

    # The e-mails wait in the outbox until the organizer approves them.
    sending.get_by_role("link", name="Xem kết quả").click()
    expect(page.get_by_role("checkbox", name=re.compile("^Chọn thông báo gửi "))).to_have_count(3)
    walk.visit("Outbox, held invitations")
    page.get_by_label("Chọn mọi dòng trên trang này").check()
    page.get_by_role("button", name="Duyệt các mục đã chọn").click()
    expect(page.get_by_text("Đã duyệt gửi 3 thông báo.")).to_be_visible()
    walk.visit("Outbox, approved")

    page.goto(f"{live_server.url}/to-chuc/{slug}/")
    walk.visit("Dashboard before the answers")
    numbers = page.get_by_label("Số liệu chính")
    expect(numbers).to_contain_text("Giấy mời3")
    accepted = page.get_by_role("table", name="Giấy mời theo trạng thái").get_by_role(
        "row", name="Đã chấp nhận"
    )
    expect(accepted.get_by_role("cell")).to_have_text("0")

    # An agency answers from the link in its e-mail, in a browser of its own.
    email = in_thread(
        lambda: Notification.objects.get(kind="invitation", recipient_address=DEPARTMENTS[ANSWERING])
    )
    link = re.search(r"https?://\S+/tra-loi/[\w-]+/", email.body_text)[0]
    agency = journey("agency", locale="vi-VN", viewport=DESKTOP)
    agency.page.goto(link)
    agency.visit("RSVP from the e-mail")
    agency.page.get_by_label("Chúng tôi sẽ tham dự").check()
    delegate = agency.page.get_by_role("group", name="Đại biểu 1", exact=True)
    delegate.get_by_label("Họ và tên").fill("Nguyễn Thị Minh Khai")
    delegate.get_by_label("Chức vụ").fill("Phó Giám đốc")
    delegate.get_by_label("Thư điện tử").fill("khai@skhcn.quangninh.gov.vn")
    agency.page.get_by_role("button", name="Gửi phản hồi").click()
    agency.page.wait_for_url(re.compile(r"\?saved=1$"))
    agency.visit("RSVP saved")

    page.reload()
    walk.visit("Dashboard after one answer")
    expect(numbers).to_contain_text("Đại biểu đã đăng ký1")
    expect(accepted.get_by_role("cell")).to_have_text("1")

    def rows_made():
        conference = Conference.objects.get(slug=slug)
        return {
            "host": conference.host.name,
            "rooms": list(
                Room.objects.filter(conference=conference).order_by("position").values_list("name", flat=True)
            ),
            "organizations": Organization.objects.count(),
            "team invitations": sorted(
                ReviewerInvitation.objects.filter(conference=conference).values_list("email", "role")
            ),
            "organizers": list(
                ConferenceRole.objects.filter(conference=conference, role="organizer").values_list(
                    "user__email", flat=True
                )
            ),
            "invitations": sorted(
                Invitation.objects.filter(conference=conference).values_list(
                    "organization__name", "status", "delegate_quota"
                )
            ),
            "jobs": sorted(Job.objects.values_list("kind", "status", "done", "total")),
            "e-mails": sorted(
                Notification.objects.filter(
                    kind__in=["invitation", "organizer_invitation", "reviewer_invitation"]
                ).values_list("kind", "recipient_address", "state")
            ),
            "delegates": list(
                Registration.objects.filter(conference=conference).values_list("person__full_name", flat=True)
            ),
        }

    assert reports == []
    made = in_thread(rows_made)
    assert made["host"] == HOST
    assert made["rooms"] == ["Hội trường tầng 1", "Phòng họp số 2"]
    assert made["organizations"] == 4
    assert made["team invitations"] == [
        ("phan.bien@vienkhcn.gov.vn", "reviewer"),
        ("pho.ban@most.gov.vn", "organizer"),
    ]
    assert made["organizers"] == ["tochuc@most.gov.vn"]
    assert made["invitations"] == sorted(
        (name, "accepted" if name == ANSWERING else "sent", 2) for name in DEPARTMENTS
    )
    assert made["jobs"] == sorted(
        [(Job.Kind.ORGANIZATION_IMPORT, "done", 1, 1), (Job.Kind.INVITATIONS, "done", 3, 3)]
    )
    # Approved, the invitations went out, as did the team's sign-up invitations (never held).
    assert made["e-mails"] == sorted(
        [("invitation", email, "sent") for email in DEPARTMENTS.values()]
        + [
            ("organizer_invitation", "pho.ban@most.gov.vn", "sent"),
            ("reviewer_invitation", "phan.bien@vienkhcn.gov.vn", "sent"),
        ]
    )
    assert made["delegates"] == ["Nguyễn Thị Minh Khai"]
