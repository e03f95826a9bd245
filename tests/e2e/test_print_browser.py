"""Printing from the browser: the public agenda, a delegate's page and the organizer's list of
invitations and delegates, printed to PDF by chromium (print media, static/css/print.css) and read back."""

import datetime
import io
import unicodedata

import pypdf
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import sync_playwright

from conferences.services.agenda import agenda_item_create
from conferences.services.agenda_publishing import agenda_publish
from conferences.services.invitations import invitation_create, registration_create
from conferences.services.organizations import organization_create, person_create
from tests.conferences.paper_helpers import delegate_with_link
from tests.e2e.conftest import TITLE, launch_chromium
from tests.factories import ConferenceRoleFactory, conference_build

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

# The screen as shown and the PDF as printed, kept for a look after the run.
SCREENSHOT = "/tmp/print-e2e-{name}.png"
PRINTED = "/tmp/print-e2e-{name}.pdf"
ITEMS = 24
AGENCIES = 40
# What the screen shows around the content, in Vietnamese (the browser's language): the navigation,
# the language switch, the footer, and the buttons and form labels of each page.
SCREEN_ONLY = [
    "Xác minh giấy chứng nhận",
    "Tiếng Việt",
    "English",
    "hoinghi – quản lý hội nghị cho cơ quan nhà nước",
]
PAGE_SCREEN_ONLY = {
    "agenda": ["Thêm vào lịch (ICS)"],
    "delegate": ["Tải vé điện tử (PDF)", "Gửi tham luận"],
    "invitations": [
        "Lọc",
        "Nhắc",
        "Gửi lại",
        "Tạo giấy mời",
        "Phản hồi thay cơ quan, đơn vị",
        "Excel (XLSX)",
    ],
}


@pytest.fixture(autouse=True)
def _no_agenda_notices(settings):
    settings.AGENDA_NOTIFY_ALL = False


def flat(text: str) -> str:
    """Text as extracted, in NFC with its white space collapsed (lines wrap differently on paper)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def printed_pages(page, url: str, name: str) -> list[str]:
    page.goto(url)
    page.screenshot(path=SCREENSHOT.format(name=name), full_page=True)
    pdf = page.pdf(format="A4", print_background=True, path=PRINTED.format(name=name))
    return [flat(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def the_conference():
    host = organization_create(
        name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry", contact_emails=["vp@most.gov.vn"]
    )
    conference = conference_build(host, publish=True, title_vi=TITLE, days_ahead=20, hours=8)
    starts = timezone.localtime(conference.starts_at)
    for n in range(ITEMS):
        agenda_item_create(
            conference=conference,
            starts_at=starts + datetime.timedelta(minutes=15 * n),
            ends_at=starts + datetime.timedelta(minutes=15 * (n + 1)),
            kind="paper",
            title=f"Tham luận {n + 1}: kết quả áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001 "
            f"tại cơ quan hành chính nhà nước số {n + 1}",
            presenter_text=f"Sở Khoa học và Công nghệ tỉnh Thử {n + 1}",
        )
    agenda_publish(conference=conference)
    return conference


def many_invitations(conference) -> list[str]:
    """Invite AGENCIES departments; every third names a delegate. Return the delegates' names."""
    names = []
    for n in range(AGENCIES):
        agency = organization_create(
            name=f"Sở Khoa học và Công nghệ tỉnh Danh Sách {n + 1}",
            kind="department",
            contact_emails=[f"so{n + 1}@example.gov.vn"],
        )
        invitation = invitation_create(conference=conference, organization=agency)
        if n % 3 == 0:
            name = f"Trần Thị Đại Biểu {n + 1}"
            person = person_create(
                full_name=name, email=f"dai-bieu-{n + 1}@example.gov.vn", organization=agency
            )
            registration_create(
                conference=conference, person=person, organization=agency, invitation=invitation
            )
            names.append(name)
    return names


def test_the_agenda_a_delegate_page_and_the_delegate_list_print_without_the_screen_parts(
    live_server, chromium_path
):
    conference = the_conference()
    registration, token = delegate_with_link(conference)
    delegates = many_invitations(conference)
    organizer = ConferenceRoleFactory(conference=conference, user__password=None).user
    signed_in = Client()
    signed_in.force_login(organizer)
    session = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    pages = {
        "agenda": f"{live_server.url}/hoi-nghi/{conference.slug}/chuong-trinh/",
        "delegate": f"{live_server.url}/dai-bieu/{token}/",
        "invitations": f"{live_server.url}/to-chuc/{conference.slug}/giay-moi/",
    }

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            context = browser.new_context(locale="vi-VN")
            context.add_cookies(
                [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page = context.new_page()
            printed = {name: printed_pages(page, url, name) for name, url in pages.items()}
            # What paper gets: black on white, no header, through the print sheet.
            page.goto(pages["invitations"])
            page.emulate_media(media="print")
            style = page.evaluate(
                """() => ({
                    header: getComputedStyle(document.querySelector('.site-header')).display,
                    background: getComputedStyle(document.body).backgroundColor,
                    color: getComputedStyle(document.querySelector('td')).color,
                    row: getComputedStyle(document.querySelector('tbody tr')).breakInside,
                })"""
            )
        finally:
            browser.close()

    assert style == {
        "header": "none",
        "background": "rgba(0, 0, 0, 0)",
        "color": "rgb(0, 0, 0)",
        "row": "avoid",
    }
    for name, texts in printed.items():
        whole = " ".join(texts)
        assert flat(TITLE) in whole, name
        for screen_text in SCREEN_ONLY + PAGE_SCREEN_ONLY[name]:
            assert screen_text not in whole, (name, screen_text)

    # The agenda: every item, each whole on one page though the table runs over two.
    agenda = printed["agenda"]
    assert len(agenda) >= 2
    for n in range(ITEMS):
        title = flat(
            f"Tham luận {n + 1}: kết quả áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001 "
            f"tại cơ quan hành chính nhà nước số {n + 1}"
        )
        assert sum(title in text for text in agenda) == 1, title
    # The header row is printed again on every page.
    assert all("Thời gian" in text for text in agenda)

    # The delegate's page: the name, the ticket code and the agenda.
    delegate = " ".join(printed["delegate"])
    assert registration.person.full_name in delegate
    assert "Tham luận 1: kết quả áp dụng" in delegate

    # The delegate list: every agency and every named delegate, no row cut between two pages.
    invitations = printed["invitations"]
    assert len(invitations) >= 2
    for name in delegates:
        assert sum(name in text for text in invitations) == 1, name
    for n in range(AGENCIES):
        agency = f"Sở Khoa học và Công nghệ tỉnh Danh Sách {n + 1}"
        assert sum(text.count(agency + " ") + text.endswith(agency) for text in invitations) >= 1, agency


def test_the_organizers_delegate_list_prints_every_delegate_without_filters_boxes_or_buttons(
    live_server, chromium_path
):
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    conference = conference_build(host, publish=True, title_vi=TITLE, days_ahead=20)
    agency = organization_create(name="Sở Nội vụ tỉnh In Danh Sách", kind="department")
    invitation = invitation_create(conference=conference, organization=agency, delegate_quota=60)
    delegates = [f"Nguyễn Văn Đại Biểu In {n + 1}" for n in range(60)]
    for n, name in enumerate(delegates):
        person = person_create(full_name=name, email=f"in-{n + 1}@example.gov.vn", organization=agency)
        registration_create(conference=conference, person=person, organization=agency, invitation=invitation)
    organizer = ConferenceRoleFactory(conference=conference, user__password=None).user
    signed_in = Client()
    signed_in.force_login(organizer)
    session = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            context = browser.new_context(locale="vi-VN")
            context.add_cookies(
                [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page = context.new_page()
            printed = printed_pages(
                page, f"{live_server.url}/to-chuc/{conference.slug}/dai-bieu/", "delegates"
            )
            # On screen the selection boxes and the bulk action are there: print hides what is there.
            boxes_on_screen = page.locator('input[name="ids"]').count()
        finally:
            browser.close()

    assert boxes_on_screen == 60
    assert len(printed) >= 2
    whole = " ".join(printed)
    assert flat(TITLE) in whole
    for name in delegates:
        assert sum(name + " " in text or text.endswith(name) for text in printed) == 1, name
    # Neither the screen's frame nor the page's forms and export links reach paper (in either language).
    for screen_text in [
        *SCREEN_ONLY,
        "Excel (XLSX)",
        "Check in the selected delegates",
        "Điểm danh các đại biểu đã chọn",
        "Lọc",
    ]:
        assert screen_text not in whole, screen_text
    # No page comes out blank: each carries rows of the list.
    assert all("Sở Nội vụ tỉnh In Danh Sách" in text for text in printed)
