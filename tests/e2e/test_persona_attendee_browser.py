"""Issue 13's proof for the attendee, from an empty database.

Seeded through the services, as earlier personas left it: a published conference with a published
agenda, and an agency's answer naming the attendee as its delegate (whose confirmation e-mail
carries the personal link). On a phone, the attendee opens that link, takes the agenda as a PDF and
as a calendar; an organizer checks them in by typing the code from their page, generates the
certificates and approves the notices; the attendee follows the notice's links to the certificate
and verifies it on the public page. Every page is checked by axe-core and photographed.
"""

import datetime
import io
import re

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from conferences.models import Certificate, ConferenceRole, Registration
from conferences.services.agenda import agenda_item_create
from conferences.services.agenda_publishing import agenda_publish
from conferences.services.conferences import conference_publish
from conferences.services.invitation_sending import invitation_send
from conferences.services.invitations import invitation_create
from conferences.services.rsvp import DelegateInput, rsvp_submit
from notifications.models import Notification
from tests.e2e.conftest import NO_SIDEWAYS_SCROLL, TITLE, model_conference
from tests.e2e.orm import in_thread
from tests.factories import PASSWORD, ConferenceRoleFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

PHONE = {"locale": "vi-VN", "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"locale": "vi-VN", "viewport": {"width": 1280, "height": 900}}
ATTENDEE = "Nguyễn Thị Minh Khai"
EMAIL = "khai@skhcn.quangninh.gov.vn"
OPENING = "Khai mạc hội nghị"
REPORT = "Báo cáo sơ kết 5 năm thực hiện Quyết định 19"


def _seed() -> dict:
    conference, department = model_conference()
    conference_publish(conference=conference)
    organizer = UserFactory(username="bantochuc", email="bantochuc@most.gov.vn")
    ConferenceRoleFactory(conference=conference, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    starts = conference.starts_at
    agenda_item_create(
        conference=conference,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=30),
        title=OPENING,
        presenter_text="Lãnh đạo Bộ Khoa học và Công nghệ",
    )
    agenda_item_create(
        conference=conference,
        starts_at=starts + datetime.timedelta(minutes=30),
        ends_at=starts + datetime.timedelta(minutes=90),
        title=REPORT,
        presenter_text="Tổng cục Tiêu chuẩn Đo lường Chất lượng",
    )
    agenda_publish(conference=conference)
    invitation = invitation_create(
        conference=conference, organization=department, addressee="Đại diện Lãnh đạo Sở", delegate_quota=2
    )
    invitation_send(invitation=invitation)
    rsvp_submit(
        invitation=invitation,
        accept=True,
        delegates=[DelegateInput(full_name=ATTENDEE, email=EMAIL, position="Phó Giám đốc")],
    )
    confirmation = Notification.objects.get(kind="registration_confirmation", recipient_address=EMAIL)
    return {"slug": conference.slug, "confirmation": confirmation.body_text}


def _sign_in(walk, base: str, username: str) -> None:
    page = walk.page
    page.goto(f"{base}/dang-nhap/")
    walk.visit("Sign in")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pdf_text(data: bytes) -> str:
    return _folded("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _fits(walk) -> None:
    assert walk.page.evaluate(NO_SIDEWAYS_SCROLL), f"{walk.page.url} scrolls sideways on a phone"


def _certificate_notice(address: str):
    notice = Notification.objects.get(kind="certificate", recipient_address=address)
    return notice.state, notice.body_text


def test_attendee_takes_the_agenda_is_checked_in_by_code_and_verifies_the_certificate(
    live_server, settings, journey
):
    base = live_server.url
    settings.SITE_URL = base  # The e-mails' links point at this live server.
    seeded = in_thread(_seed)
    slug = seeded["slug"]
    personal_link = re.search(r"https?://\S+/dai-bieu/[\w.-]+/", seeded["confirmation"])[0]
    assert personal_link.startswith(base)

    # The attendee, on a phone: the personal page, the agenda as a PDF and as a calendar ---------------
    attendee = journey("attendee", **PHONE)
    page = attendee.page
    page.goto(personal_link)
    attendee.visit("Delegate's page")
    _fits(attendee)
    expect(page.get_by_role("heading", level=1)).to_have_text(ATTENDEE)
    expect(page.locator(".not-checked-in")).to_be_visible()
    ticket_code = page.locator(".ticket-code strong").inner_text().strip()
    assert ticket_code

    agenda_links = page.locator(".agenda-links")
    # The PDF opens inline (to read on the phone): it is fetched in the attendee's session.
    pdf_answer = page.request.get(base + agenda_links.get_by_role("link", name="PDF").get_attribute("href"))
    assert pdf_answer.ok and pdf_answer.headers["content-type"] == "application/pdf"
    agenda_text = _pdf_text(pdf_answer.body())
    assert TITLE.split(" giai đoạn")[0] in agenda_text
    assert OPENING in agenda_text and REPORT in agenda_text

    with page.expect_download() as info:
        agenda_links.get_by_role("link", name="Thêm vào lịch (ICS)").click()
    with open(info.value.path(), "rb") as file:
        calendar = icalendar.Calendar.from_ical(file.read())
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert {OPENING, REPORT} <= set(events)
    opening_start = events[OPENING].decoded("DTSTART")

    agenda_links.get_by_role("link", name="Toàn bộ chương trình").click()
    page.wait_for_url(f"{base}/hoi-nghi/{slug}/chuong-trinh/")
    attendee.visit("Public agenda")
    _fits(attendee)
    expect(page.locator("main")).to_contain_text(REPORT)

    registration = in_thread(
        lambda: Registration.objects.select_related("conference").get(person__email=EMAIL)
    )
    assert opening_start == registration.conference.starts_at
    assert registration.checked_in_at is None

    # The organizer at the door, then on the certificates and notices pages -----------------------------
    organizer = journey("organizer-door", **PHONE)
    door = organizer.page
    _sign_in(organizer, base, "bantochuc")
    door.wait_for_url(f"{base}/to-chuc/")
    door.goto(f"{base}/to-chuc/{slug}/diem-danh/")
    organizer.visit("Check-in")
    _fits(organizer)
    door.get_by_label("Mã vé").fill(ticket_code)
    door.keyboard.press("Enter")
    expect(door.locator("#check-in-result")).to_have_attribute("data-outcome", "checked_in")
    expect(door.locator("#check-in-message")).to_contain_text(ATTENDEE)
    expect(door.locator("#check-in-arrived")).to_have_text("1")
    organizer.visit("Attendee checked in")
    checked_in = in_thread(lambda: Registration.objects.get(pk=registration.pk).checked_in_at)
    assert checked_in is not None and checked_in <= timezone.now()

    door.set_viewport_size(DESKTOP["viewport"])
    door.goto(f"{base}/to-chuc/{slug}/giay-chung-nhan/")
    organizer.visit("Certificates")
    door.locator("section.generate").get_by_role("button", name="Tạo", exact=True).click()
    door.wait_for_url(f"{base}/to-chuc/{slug}/giay-chung-nhan/")
    widget = door.locator(".job-progress")
    expect(widget).to_have_attribute("data-job-status", "done", timeout=60_000)
    bar = widget.locator("progress")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "1"
    expect(widget.locator(".job-result")).to_be_visible()
    organizer.visit("Certificate generated")
    expect(door.locator("table.certificates tbody tr")).to_have_count(1)
    expect(door.locator("table.certificates tbody tr")).to_contain_text(ATTENDEE)

    assert in_thread(_certificate_notice, EMAIL)[0] == "held"
    door.goto(f"{base}/to-chuc/{slug}/thong-bao/?kind=certificate&state=held")
    organizer.visit("Held certificate notice")
    door.get_by_role("checkbox", name=f"Chọn thông báo gửi {EMAIL}").check()
    door.get_by_role("button", name="Duyệt các mục đã chọn").click()
    door.wait_for_load_state()
    organizer.visit("Certificate notice approved")
    expect(door.locator("ul.messages")).to_contain_text("1")

    state, _text = in_thread(_certificate_notice, EMAIL)
    assert state == "sent"
    # The e-mail as the attendee received it (the test's mail backend keeps what was sent).
    (received,) = [m for m in mail.outbox if m.to == [EMAIL] and "/xac-minh/" in m.body]
    assert ATTENDEE in received.body
    notice = received.body
    download_link = re.search(r"https?://\S+/dai-bieu/[\w.-]+/", notice)[0]
    verify_link = re.search(r"https?://\S+/xac-minh/[\w.-]+/", notice)[0]
    assert download_link.startswith(base) and verify_link.startswith(base)
    code = verify_link.rstrip("/").rsplit("/", 1)[1]

    # The attendee again: the notice's links, the certificate, the public verification ----------------
    page.goto(download_link)
    attendee.visit("Delegate's page with the certificate")
    _fits(attendee)
    expect(page.locator(".checked-in")).to_be_visible()
    certificates = page.locator("ul.certificates li")
    expect(certificates).to_have_count(1)
    with page.expect_download() as info:
        certificates.get_by_role("link", name="Tải xuống (PDF)").click()
    with open(info.value.path(), "rb") as file:
        certificate_pdf = file.read()
    certificate_text = _pdf_text(certificate_pdf)
    assert ATTENDEE in certificate_text

    page.goto(verify_link)
    attendee.visit("Certificate verified from the notice")
    _fits(attendee)
    expect(page.locator(".result.valid")).to_contain_text("Giấy chứng nhận này còn hiệu lực.")
    expect(page.locator(".result.valid")).to_contain_text(ATTENDEE)

    page.goto(f"{base}/xac-minh/")
    attendee.visit("Verification page")
    page.get_by_label("Mã xác minh").fill(code)
    page.get_by_role("button", name="Xác minh").click()
    page.wait_for_load_state()
    attendee.visit("Certificate verified by code")
    _fits(attendee)
    expect(page.locator(".result.valid")).to_contain_text(ATTENDEE)
    verified = page.locator(".result.valid").inner_text()

    certificate = in_thread(lambda: Certificate.objects.get())
    assert (certificate.kind, certificate.registration_id, certificate.revoked_at) == (
        Certificate.Kind.ATTENDANCE,
        registration.pk,
        None,
    )
    assert certificate.serial in verified
