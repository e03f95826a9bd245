"""Turn a document template into PDF bytes with WeasyPrint.

WeasyPrint is imported here, lazily: importing it costs time and memory that
web requests which make no PDF should not pay. One FontConfiguration and the
parsed stylesheet are shared by every render in a process (a fresh
FontConfiguration per render costs about 34 ms and leaks memory).
"""

import contextlib
import functools
import gc
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from conferences.documents.fetcher import make_fetcher

STYLESHEET = "css/documents.css"
# Objects allocated between two collections of the youngest generation while a document renders
# (Python's default is 700). See _fewer_collections.
RENDER_GC_THRESHOLD = 10_000


@contextlib.contextmanager
def _fewer_collections():
    """Collect garbage less often while WeasyPrint lays out a document.

    Layout allocates a large graph of boxes that lives until the PDF is written;
    at Python's default threshold the collector walks it again and again, which
    cost a 200-item agenda a fifth of its time and a 1,000-item one more than a
    third (growing faster than the pages). Not switched off: that saved a little
    more time but nearly doubled the peak memory of the 1,000-item agenda.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], RENDER_GC_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


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
    with _fewer_collections():
        return document.render(stylesheets=[shared_stylesheet(stylesheet)], font_config=fonts)


def render_html(template_name: str, context: dict, *, language: str = "vi") -> str:
    """A template of templates/documents/ as HTML, in the document's language."""
    with translation.override(language):
        return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict, *, language: str = "vi") -> bytes:
    """Render a template from templates/documents/ to PDF bytes."""
    from weasyprint import HTML

    fonts, fetcher, stylesheet = _shared()
    html = render_html(template_name, context, language=language)
    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    with _fewer_collections():
        return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)


def documents_warm_up() -> None:
    """Load WeasyPrint, the fonts and the stylesheet now, by rendering a one-page document.

    A process's first PDF otherwise pays for them (about 0.5 s of CPU): run in
    each worker process as it starts, the first agenda after publishing does not.
    Not before a fork: WeasyPrint initialised in a parent has crashed forked children.
    """
    render_pdf("documents/base.html", {"issuer": {"name": "Hội nghị"}})


def documents_warm_up_chunk(_payload=None) -> None:
    """documents_warm_up as a chunk handler (workers.keep_helpers warms its helpers with it)."""
    documents_warm_up()
