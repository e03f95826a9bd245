"""The e-ticket: one A6 page that reads back in Vietnamese, with a QR code that opens the personal page."""

import io
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from conferences.documents.e_ticket import render_e_ticket
from conferences.services.rsvp import delegate_notice_url, delegate_url
from core.ticket_codes import ticket_code_display
from core.tokens import token_new
from tests.factories import OrganizationFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

NAME = "Nguyễn Thị Minh Khai"
AGENCY = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"


@pytest.fixture
def delegate(conference):
    token, token_hash = token_new()
    registration = RegistrationFactory(
        conference=conference,
        person=PersonFactory(full_name=NAME),
        organization=OrganizationFactory(name=AGENCY),
        token_hash=token_hash,
    )
    registration.token = token
    return registration


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", " ".join(" ".join(p.extract_text() for p in reader.pages).split()))


def decoded_qr_codes(pdf: bytes, tmp_path) -> list[str]:
    """Rasterise the PDF with poppler and read every QR code on it with zbar."""
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run scripts/install-system-deps.sh (poppler-utils, zbar-tools).")
    (tmp_path / "ticket.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", str(tmp_path / "ticket.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    [image] = sorted(tmp_path.glob("page*.png"))
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return found.stdout.split()


def test_the_e_ticket_is_one_a6_page_with_name_agency_conference_and_code(conference, delegate):
    pdf = render_e_ticket(delegate, delegate_url=delegate_url(delegate.token))

    reader = PdfReader(io.BytesIO(pdf))
    text = pdf_text(pdf)
    assert len(reader.pages) == 1
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in reader.pages[0].mediabox[2:])
    assert (round(width_mm), round(height_mm)) == (105, 148)
    assert NAME in text
    assert AGENCY in text
    assert "Hội nghị sơ kết Quyết định 19" in text
    assert "VÉ DỰ HỘI NGHỊ" in text
    assert ticket_code_display(delegate.ticket_code) in text


def test_the_e_tickets_qr_code_decodes_to_the_personal_page(conference, delegate, tmp_path, settings):
    url = delegate_notice_url(delegate)

    codes = decoded_qr_codes(render_e_ticket(delegate, delegate_url=url), tmp_path)

    assert codes == [url]
    assert url.startswith(settings.SITE_URL + "/dai-bieu/")


def test_the_personal_page_offers_the_e_ticket(client, conference, delegate):
    page = client.get(f"/dai-bieu/{delegate.token}/", HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(f"/dai-bieu/{delegate.token}/ve.pdf")
    wrong = client.get("/dai-bieu/khong-co-that/ve.pdf")

    assert f'href="/dai-bieu/{delegate.token}/ve.pdf"' in page.content.decode()
    assert ticket_code_display(delegate.ticket_code) in page.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'inline; filename="ve-{conference.slug}-{delegate.ticket_code}.pdf"'
    )
    assert NAME in pdf_text(response.content)
    assert wrong.status_code == 404
