"""Rendering a document to PDF: the Decree 30 header, its Vietnamese text and typeface."""

import datetime
import gc
import io

import pytest
from pypdf import PdfReader

from conferences.documents import rendering
from conferences.documents.rendering import render_pdf
from conferences.models import Organization


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks folded to spaces (a long name wraps in its column)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def pdf_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return fonts


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


def test_rendering_collects_garbage_less_often_and_restores_the_threshold(monkeypatch):
    seen = []
    monkeypatch.setattr(gc, "get_threshold", lambda: (700, 10, 10))
    monkeypatch.setattr(gc, "set_threshold", lambda *threshold: seen.append(threshold))
    render_pdf("documents/base.html", {"issuer": Organization(name="Bộ Khoa học và Công nghệ")})
    assert seen == [(rendering.RENDER_GC_THRESHOLD, 10, 10), (700, 10, 10)]


def test_threshold_is_restored_when_a_render_fails():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), rendering._fewer_collections():
        assert gc.get_threshold()[0] == rendering.RENDER_GC_THRESHOLD
        raise RuntimeError
    assert gc.get_threshold() == before


def test_a_starting_worker_process_loads_the_renderer_and_keeps_its_helpers(settings):
    from celery.signals import worker_process_init

    import conferences.tasks  # noqa: F401  (connects the warm-up)
    from conferences.documents import workers

    settings.DOCUMENT_RENDER_HELPERS = 1
    rendering._shared.cache_clear()
    try:
        worker_process_init.send(sender=None)
        assert rendering._shared.cache_info().currsize == 1
        assert workers.kept_helpers() == 1
    finally:
        workers.stop_kept_helpers()


def test_a_worker_process_may_keep_no_helpers(settings):
    from celery.signals import worker_process_init

    import conferences.tasks  # noqa: F401
    from conferences.documents import workers

    settings.DOCUMENT_RENDER_HELPERS = 0
    worker_process_init.send(sender=None)
    assert workers.kept_helpers() == 0


def test_a_warm_up_that_fails_is_logged_and_the_worker_starts(monkeypatch, caplog):
    from celery.signals import worker_process_init

    import conferences.tasks  # noqa: F401

    def broken():
        raise OSError("no fonts")

    monkeypatch.setattr(rendering, "documents_warm_up", broken)
    worker_process_init.send(sender=None)
    assert "Could not warm up the PDF renderer." in caplog.text
