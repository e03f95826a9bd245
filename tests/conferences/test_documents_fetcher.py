"""The one url_fetcher of the PDF documents: project static files and data: URLs, nothing else."""

import io

import pytest
from pypdf import PdfReader

from conferences.documents.fetcher import FetchRefused, make_fetcher


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks folded to spaces (a long name wraps in its column)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


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
