import datetime
import io

import pytest
from pypdf import PdfReader

from conferences.documents.fetcher import FetchRefused, make_fetcher
from conferences.documents.rendering import render_pdf
from conferences.models import Organization
from conferences.templatetags.vn_format import gio, ngay_thang_nam, thu


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks folded to spaces (a long name wraps in its column)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def pdf_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return fonts


def test_dates_follow_decree_30_zero_padding():
    assert ngay_thang_nam(datetime.date(2021, 1, 5)) == "ngày 05 tháng 01 năm 2021"
    assert ngay_thang_nam(datetime.date(2021, 2, 28)) == "ngày 28 tháng 02 năm 2021"
    assert ngay_thang_nam(datetime.date(2021, 4, 9)) == "ngày 09 tháng 4 năm 2021"
    assert ngay_thang_nam(datetime.date(2021, 12, 25)) == "ngày 25 tháng 12 năm 2021"


def test_weekday_and_time_words():
    friday = datetime.datetime(2021, 4, 9, 8, 0)
    assert thu(friday) == "thứ Sáu"
    assert thu(datetime.date(2021, 4, 11)) == "Chủ nhật"
    assert gio(friday) == "08 giờ 00"


def test_header_renders_with_vietnamese_text_intact():
    issuer = Organization(name="Bộ Khoa học và Công nghệ", code="BKHCN")
    data = render_pdf(
        "documents/base.html",
        {
            "issuer": issuer,
            "parent_body": "",
            "document_number": "05/GM-BKHCN",
            "place": "Hà Nội",
            "issued_on": datetime.date(2021, 1, 5),
        },
    )
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "BỘ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "Số: 05/GM-BKHCN" in text
    assert "Hà Nội, ngày 05 tháng 01 năm 2021" in text
    # The Decree 30 typeface (a Times New Roman twin), not a silent fallback.
    assert pdf_fonts(data) >= {"Liberation-Serif-Bold", "Liberation-Serif-Italic"}


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///work/../etc/passwd",
        "http://127.0.0.1:8000/admin/",
        "https://example.org/logo.png",
        "ftp://example.org/x",
    ],
)
def test_fetcher_refuses_anything_outside_static_files(url):
    with pytest.raises(FetchRefused):
        make_fetcher().fetch(url)


def test_fetcher_serves_project_static_files_and_data_urls(settings):
    css = (settings.BASE_DIR / "static" / "css" / "documents.css").as_uri()
    assert b"@page" in make_fetcher().fetch(css).read()
    assert make_fetcher().fetch("data:text/plain,hello").read() == b"hello"


def test_local_file_attachment_is_not_embedded(tmp_path):
    from weasyprint import HTML

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    html = f'<link rel="attachment" href="{secret.as_uri()}"><p>Xin chào</p><img src="{secret.as_uri()}">'
    data = HTML(string=html, url_fetcher=make_fetcher()).write_pdf()
    assert b"TOP-SECRET-CONTENT" not in data
    assert "Xin chào" in pdf_text(data)
