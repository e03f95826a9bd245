"""Turn a document template into PDF bytes with WeasyPrint.

WeasyPrint is imported here, lazily: importing it costs time and memory that
web requests which make no PDF should not pay. One FontConfiguration and the
parsed stylesheet are shared by every render in a process (a fresh
FontConfiguration per render costs about 34 ms and leaks memory).
"""

import functools
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from conferences.documents.fetcher import make_fetcher

STYLESHEET = "css/documents.css"


@functools.cache
def _shared():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = make_fetcher()
    css_path = Path(settings.BASE_DIR) / "static" / STYLESHEET
    stylesheet = CSS(filename=str(css_path), font_config=fonts, url_fetcher=fetcher)
    return fonts, fetcher, stylesheet


@functools.cache
def shared_stylesheet(name: str):
    """A stylesheet of static/ parsed once per process, with the shared fonts and fetcher."""
    from weasyprint import CSS

    fonts, fetcher, _ = _shared()
    return CSS(
        filename=str(Path(settings.BASE_DIR) / "static" / name), font_config=fonts, url_fetcher=fetcher
    )


def render_document(html: str, *, stylesheet: str):
    """Lay out an HTML string with one of static/'s stylesheets; return WeasyPrint's Document.

    For callers that look at the pages before writing them (which certificate is on which page).
    """
    from weasyprint import HTML

    fonts, fetcher, _ = _shared()
    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.render(stylesheets=[shared_stylesheet(stylesheet)], font_config=fonts)


def render_pdf(template_name: str, context: dict, *, language: str = "vi") -> bytes:
    """Render a template from templates/documents/ to PDF bytes."""
    from weasyprint import HTML

    fonts, fetcher, stylesheet = _shared()
    with translation.override(language):
        html = render_to_string(template_name, context)
    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
