"""The invitation letter (Giấy mời) read back from the PDF, with the agenda as its second page."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from conferences.documents.invitation_letter import invitation_letter_context, render_invitation_letter
from conferences.models import AgendaVersion, DocumentKind, DocumentNumber
from conferences.services.conferences import conference_create
from conferences.services.invitations import invitation_create
from conferences.services.organizations import organization_create, person_create
from tests.conferences.document_helpers import grid_tables
from tests.factories import local

pytestmark = pytest.mark.django_db

AGENCY = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
AGENDA_ITEMS = [
    {"start_label": "07:30", "end_label": "08:00", "title": "Đón tiếp đại biểu", "presenter": "Ban Tổ chức"},
    {
        "start_label": "08:50",
        "end_label": "09:05",
        "title": "Tham luận: Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh",
        "presenter": AGENCY,
    },
]


def folded(text: str) -> str:
    """Whitespace folded to single spaces: long names wrap in their column."""
    return " ".join(text.split())


def pages_text(data: bytes) -> list[str]:
    return [folded(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def text_lines_with_height(page) -> list[tuple[str, float]]:
    """Each piece of text on the page with its distance from the bottom edge, in points."""
    pieces: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            pieces.append((text.strip(), cm[5] + tm[5] * cm[3]))

    page.extract_text(visitor_text=visit)
    return pieces


@pytest.fixture
def invitation(settings):
    settings.DOCUMENT_PLACE = "Hà Nội"
    settings.INVITATION_SIGNING = {"authority": "KT. BỘ TRƯỞNG", "title": "THỨ TRƯỞNG", "name": "Trần Văn B"}
    settings.DOCUMENT_DRAFTING_UNIT = "TĐC"
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    chair = person_create(full_name="Trần Văn B", position="Thứ trưởng Bộ Khoa học và Công nghệ")
    conference = conference_create(
        title_vi="Hội nghị sơ kết tình hình triển khai Quyết định số 19/2014/QĐ-TTg giai đoạn 2015 - 2020",
        host=host,
        starts_at=local(2021, 4, 9, 8, 0),
        ends_at=local(2021, 4, 9, 11, 30),
        rsvp_deadline=local(2021, 4, 5, 17, 0),
        venue_name="Hội trường tầng 1, số 113 Trần Duy Hưng",
        venue_address="Hà Nội",
        chair=chair,
    )
    agency = organization_create(name=AGENCY, kind="department", contact_emails=["vanphong@qn.gov.vn"])
    invitation = invitation_create(
        conference=conference,
        organization=agency,
        delegate_quota=2,
        paper_requested=True,
        paper_topic="Kết quả áp dụng TCVN ISO 9001",
    )
    # The number as invitation_send takes it, on a fixed day.
    invitation.document = DocumentNumber.objects.create(
        issuer=host, kind=DocumentKind.INVITATION, year=2021, number=1, issued_on=datetime.date(2021, 3, 25)
    )
    invitation.save()
    return invitation


def publish_agenda(conference) -> AgendaVersion:
    return AgendaVersion.objects.create(
        conference=conference, number=1, items=AGENDA_ITEMS, published_at=local(2021, 3, 20, 9, 0)
    )


def test_letter_has_the_decree_30_header_and_the_agency_with_diacritics(invitation):
    [page] = pages_text(render_invitation_letter(invitation))

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Độc lập - Tự do - Hạnh phúc" in page
    assert "BỘ KHOA HỌC VÀ CÔNG NGHỆ" in page
    assert "Số: 01/GM-BKHCN" in page
    assert "Hà Nội, ngày 25 tháng 3 năm 2021" in page
    assert "GIẤY MỜI" in page
    assert f"Bộ Khoa học và Công nghệ trân trọng kính mời: Đại diện Lãnh đạo {AGENCY}" in page


def test_letter_gives_time_place_chair_quota_and_the_paper_request(invitation):
    [page] = pages_text(render_invitation_letter(invitation))

    assert "Thời gian: 08 giờ 00, thứ Sáu, ngày 09 tháng 4 năm 2021." in page
    assert "Địa điểm: Hội trường tầng 1, số 113 Trần Duy Hưng, Hà Nội." in page
    assert "Chủ trì: Đồng chí Trần Văn B, Thứ trưởng Bộ Khoa học và Công nghệ." in page
    assert "Số lượng đại biểu: 2 người." in page
    assert "chuẩn bị bài tham luận về chủ đề: Kết quả áp dụng TCVN ISO 9001" in page
    assert "trước ngày 05 tháng 4 năm 2021" in page
    assert "Nơi nhận: - Như trên; - Lưu: VT, TĐC." in page
    assert "KT. BỘ TRƯỞNG THỨ TRƯỞNG" in page
    assert "Trần Văn B" in page


def test_letter_without_a_published_agenda_is_one_page(invitation):
    pages = pages_text(render_invitation_letter(invitation))

    assert len(pages) == 1
    assert "CHƯƠNG TRÌNH" not in pages[0]


def test_letter_attaches_the_published_agenda_as_its_second_page(invitation):
    publish_agenda(invitation.conference)

    pages = pages_text(render_invitation_letter(invitation))

    assert len(pages) == 2
    assert "chương trình Hội nghị gửi kèm theo Giấy mời này" in pages[0]
    agenda = pages[1]
    assert "CHƯƠNG TRÌNH" in agenda
    assert (
        "(Kèm theo Giấy mời số 01/GM-BKHCN ngày 25 tháng 3 năm 2021 của Bộ Khoa học và Công nghệ)" in agenda
    )
    assert "07:30 - 08:00 Đón tiếp đại biểu Ban Tổ chức" in agenda
    assert "08:50 - 09:05 Tham luận: Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh" in agenda
    assert f"tại tỉnh Quảng Ninh {AGENCY}" in agenda
    assert "Thời gian: Sáng thứ Sáu, ngày 09 tháng 4 năm 2021" in agenda
    assert "Địa điểm: Hội trường tầng 1, số 113 Trần Duy Hưng, Hà Nội" in agenda
    assert agenda.startswith("BỘ KHOA HỌC VÀ CÔNG NGHỆ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")


def test_attached_agenda_has_fixed_columns(invitation):
    publish_agenda(invitation.conference)

    tables = grid_tables("documents/invitation_letter.html", invitation_letter_context(invitation))

    assert tables == [("fixed", [0.18, 0.49, 0.33])]


def test_agenda_page_has_its_number_at_the_top_and_the_first_page_none(invitation):
    publish_agenda(invitation.conference)

    first, second = PdfReader(io.BytesIO(render_invitation_letter(invitation))).pages

    pieces = text_lines_with_height(second)
    numbers = [height for text, height in pieces if text == "2"]
    assert len(numbers) == 1
    assert numbers[0] > max(height for text, height in pieces if text != "2")
    assert numbers[0] > float(second.mediabox.height) - 20 * 72 / 25.4  # Within the 20 mm top margin.
    assert "1" not in {text for text, _height in text_lines_with_height(first)}


def test_letter_not_numbered_yet_is_marked_as_a_draft_on_every_page(invitation):
    publish_agenda(invitation.conference)
    invitation.document = None  # Not sent yet: the number is taken on the first send.

    pages = pages_text(render_invitation_letter(invitation))

    assert ["DỰ THẢO" in page for page in pages] == [True, True]
    assert not re.search(r"\d+/GM-BKHCN", pages[0])
    assert "(Kèm theo Giấy mời ngày" in pages[1]


def test_numbered_letter_carries_no_draft_mark(invitation):
    [page] = pages_text(render_invitation_letter(invitation))

    assert "DỰ THẢO" not in page
