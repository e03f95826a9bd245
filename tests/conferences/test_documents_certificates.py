"""Certificate faces as PDFs: what each face prints, its QR code, its paper, and the split files."""

import io
import os
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from conferences.documents.certificates import (
    CertificateLayoutError,
    certificate_context,
    render_certificate_pdfs,
)
from conferences.models import Certificate, PaperAuthor
from conferences.selectors.certificates import certificates_for_rendering
from conferences.services.certificates import certificate_issue
from tests.factories import (
    MODEL_CASE,
    AwardCategoryFactory,
    AwardDecisionFactory,
    AwardFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://hoinghi.example.gov.vn"
DELEGATES = ["Nguyễn Thị Ánh Tuyết", "Đặng Văn Hưởng", "Trần Quốc Khánh"]
AGENCY = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
CITATION = (
    "Đã có thành tích xuất sắc trong việc xây dựng, áp dụng Hệ thống quản lý chất lượng theo "
    "Tiêu chuẩn quốc gia TCVN ISO 9001 giai đoạn 2015 - 2020"
)


@pytest.fixture
def conference_kwargs():
    return {**MODEL_CASE, "venue_name": "Hội trường tầng 1, Bộ Khoa học và Công nghệ"}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.DOCUMENT_PLACE = "Hà Nội"


@pytest.fixture
def agency():
    return OrganizationFactory(name=AGENCY, code="SKHCN-QN")


def attend(conference, agency, name: str, *, kind=Certificate.Kind.ATTENDANCE) -> Certificate:
    person = PersonFactory(full_name=name, organization=agency)
    registration = RegistrationFactory(conference=conference, person=person, organization=agency)
    return certificate_issue(conference=conference, kind=kind, recipient_person=person, registration=registration)


def text_of(data: bytes) -> str:
    """The PDF's text, NFC, with line breaks folded to spaces (long lines wrap)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def rendered(certificates) -> list[bytes]:
    return render_certificate_pdfs(certificates_for_rendering(ids=[c.pk for c in certificates]))


@pytest.fixture
def award_certificate(conference, agency):
    decision = AwardDecisionFactory(conference=conference)
    award = AwardFactory(
        decision=decision,
        category=AwardCategoryFactory(page_width_mm=400, page_height_mm=300),
        recipient_organization=agency,
        citation=CITATION,
        register_number="QN-2021-17",
    )
    return certificate_issue(
        conference=conference, kind=Certificate.Kind.AWARD, recipient_organization=agency, award=award
    )


def test_attendance_face_reads_back_with_holder_agency_conference_serial_and_code(conference, agency):
    certificate = attend(conference, agency, "Nguyễn Thị Ánh Tuyết")

    [data] = rendered([certificate])

    text = text_of(data)
    assert "GIẤY CHỨNG NHẬN" in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert AGENCY in text
    assert "BỘ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "Đã tham dự Hội nghị sơ kết Quyết định 19" in text
    assert "ngày 09 tháng 4 năm 2021" in text
    assert f"Số: {certificate.serial}" in text
    assert f"Mã xác minh: {certificate.verification_code}" in text
