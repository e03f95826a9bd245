"""Certificate faces (attendance, speaker, award) as one single-page PDF each, made fast.

WeasyPrint's cost is per box and line of text it lays out, and per document. So
`render_certificate_pdfs` works in chunks of about 100 certificates, each laid out as ONE small
document: the chunk's distinct faces once, with the holder's own lines as placeholders, and an
atlas of their characters; each certificate's file is then its face's page plus its own lines and
QR code printed over it (`certificate_layers.py`). A certificate whose line would not fit on one
line of its placeholder goes the whole-face way (`render_whole_faces`): whole faces as one
document, one face per page (named pages give each kind its paper size), split into one file per
page with pypdf, each file keeping only what its page draws (its own QR code image; WeasyPrint
writes one resources dictionary for all pages) and the chunk's subset fonts.

The faces are laid out flat, which is what WeasyPrint does fastest (profiled, see the README):
block elements, the bottom lines and QR code absolutely positioned with fixed widths, no table,
float, flex, inline-block or shrink-to-fit width; no `id` on the faces (WeasyPrint tracks every id
as a link target, page after page); the page check reads the box tree instead.

Two ways to use both cores:
- inside Celery (prefork workers), send one task per chunk of ids; each task
  calls `certificates_for_rendering(ids=...)` and `render_certificate_pdfs`, and
  two worker processes then render two chunks at once;
- outside Celery (the benchmark, a management command), call
  `render_certificate_chunks_parallel(ids, workers=2)`: this process and fresh ones
  (spawn, never fork: forking after WeasyPrint's set-up has crashed workers) take
  chunks from one queue.

Every face must come out on exactly one page: a face that overflows onto a second page would
shift every later certificate onto the wrong file, so it raises `CertificateLayoutError` naming
the certificate.
"""

import io
from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from conferences.documents.certificate_faces import (
    CHUNK_SIZE,
    award_pages,
    certificate_faces,
    certificate_metadata,
    qr_code,
    qr_data_uri,
)
from conferences.documents.rendering import render_document
from conferences.models import Certificate

STYLESHEET = "css/certificates.css"
CHUNK_TEMPLATE = "documents/certificates/chunk.html"


class CertificateLayoutError(RuntimeError):
    """A chunk did not come out as one page per certificate."""


def _faces_on(page) -> list[str]:
    """The certificate ids (data-certificate) of the faces that a laid-out page holds, in order.

    Read from the page's box tree, not from `page.anchors`: an `id` on every face makes WeasyPrint
    track each one as a link target, page after page, which cost about 5 ms a face in a chunk of 100.
    """
    found, boxes = [], [page._page_box]
    while boxes:
        box = boxes.pop()
        element = getattr(box, "element", None)
        certificate = element.get("data-certificate") if element is not None else None
        if certificate is not None and getattr(box, "element_tag", None) == "div":
            found.append(certificate)  # a face: nothing inside it is another face
        else:
            boxes.extend(reversed(getattr(box, "children", ())))
    return list(dict.fromkeys(found))


def _check_pages(pages, certificates: Sequence[Certificate]) -> None:
    """Exactly one page per certificate: a face that spills over names its certificate."""
    by_id = {str(c.pk): c for c in certificates}
    previous = None
    for page in pages:
        faces = [f for f in _faces_on(page) if f in by_id]
        # A face's box is on every page it reaches: a page that starts no new face is the rest of
        # the one before.
        new = [f for f in faces if f != previous]
        if not new and previous is not None:
            certificate = by_id[previous]
            raise CertificateLayoutError(
                f"Certificate {certificate.serial} ({certificate.recipient_name[:80]!r}) does not fit on "
                "one page: shorten its name or citation."
            )
        previous = new[-1] if new else previous
    if len(pages) != len(certificates):
        raise CertificateLayoutError(
            f"A chunk of {len(certificates)} certificates came out as {len(pages)} pages."
        )


def split_pages(pdf: bytes, certificates: Sequence[Certificate]) -> list[bytes]:
    """One PDF file per page, each with only the resources its page draws and its own metadata."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(io.BytesIO(pdf))
    if len(reader.pages) != len(certificates):
        raise CertificateLayoutError(
            f"A chunk of {len(certificates)} certificates came out as {len(reader.pages)} pages."
        )
    files = []
    for page, certificate in zip(reader.pages, certificates, strict=True):
        # Filter the page's resources BEFORE the writer copies it: a copy clones every object the page
        # reaches, and the chunk's shared resources dictionary reaches every face's QR image.
        _keep_used_xobjects(page, NameObject)
        writer = PdfWriter()
        writer.add_page(page)
        writer.add_metadata(certificate_metadata(certificate))
        writer.compress_identical_objects()
        out = io.BytesIO()
        writer.write(out)
        files.append(out.getvalue())
    return files


def _keep_used_xobjects(page, NameObject) -> None:
    """Drop the images and forms that this page's content never draws.

    WeasyPrint writes one resources dictionary for every page of a document, so a page copied
    alone would carry every image of the chunk (another holder's QR code, were it an image).
    """
    import re

    from pypdf.generic import DictionaryObject

    resources = page.get("/Resources")
    if resources is None:
        return
    resources = resources.get_object()
    xobjects = resources.get("/XObject")
    if not xobjects:
        return
    xobjects = xobjects.get_object()
    content = page.get_contents()
    data = content.get_data() if content is not None else b""
    used = set(re.findall(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b", data))
    kept = DictionaryObject(
        {NameObject(name): ref for name, ref in xobjects.items() if name[1:].encode() in used}
    )
    own = DictionaryObject(dict(resources.items()))
    own[NameObject("/XObject")] = kept
    page[NameObject("/Resources")] = own


def render_whole_faces(certificates: Sequence[Certificate], faces: list[dict] | None = None) -> list[bytes]:
    """Lay the whole faces out as one document, one page each, and split it: one file per certificate.

    The way for faces whose own lines do not fit the static layer's placeholders (a very long name
    wraps), and the benchmark's one-render-per-certificate baseline.
    """
    faces = certificate_faces(certificates) if faces is None else faces
    for face in faces:
        face["qr"] = qr_data_uri(face["verify_url"])
    with translation.override("vi"):
        html = render_to_string(CHUNK_TEMPLATE, {"faces": faces, "award_pages": award_pages(certificates)})
    document = render_document(html, stylesheet=STYLESHEET)
    _check_pages(document.pages, certificates)
    return split_pages(document.write_pdf(), certificates)


def _render_layered(certificates: Sequence[Certificate], faces: list[dict]) -> list[bytes | None]:
    """Each certificate as its static page and its own lines (certificate_layers); None if they do not fit."""
    from pypdf import PdfReader

    from conferences.documents import certificate_layers as layers

    static: dict[str, int] = {}  # a static face's HTML -> its page
    first: list[Certificate] = []  # the first certificate of each static page, named if it overflows
    page_of: list[int] = []
    with translation.override("vi"):
        for certificate, face in zip(certificates, faces, strict=True):
            html = render_to_string(face["template"], {"face": {**face, "static": True, "ref": ""}})
            if html not in static:
                static[html] = len(first)
                first.append(certificate)
            page_of.append(static[html])
        atlas = layers.atlas_lines(faces)
        html = render_to_string(
            CHUNK_TEMPLATE,
            {
                "static_faces": [
                    mark_safe(page.replace('data-certificate=""', f'data-certificate="{c.pk}"', 1))
                    for page, c in zip(static, first, strict=True)
                ],
                "atlas": atlas,
                "award_pages": award_pages(certificates),
            },
        )
    document = render_document(html, stylesheet=STYLESHEET)
    *pages, atlas_page = document.pages
    _check_pages(pages, first)
    reader = PdfReader(io.BytesIO(document.write_pdf()))
    positions, spacing = layers.read_atlas_positions(atlas_page)
    glyphs = layers.read_atlas(reader, len(pages), positions, spacing, atlas)
    if glyphs is None:
        return [None] * len(certificates)
    slots = [layers.read_slots(page) for page in pages]
    written: dict[int, layers.StaticPage] = {}
    files: list[bytes | None] = []
    for certificate, face, index in zip(certificates, faces, page_of, strict=True):
        page_slots, qr_box = slots[index]
        operators = layers.draw_lines(layers.holder_lines(face), page_slots, glyphs)
        if operators is None or qr_box is None:
            files.append(None)
            continue
        if index not in written:
            written[index] = layers.StaticPage(reader, index)
        qr = layers.qr_image(qr_code(face["verify_url"]).matrix)
        files.append(
            written[index].file(operators, qr, qr_box, layers.info_dict(certificate_metadata(certificate)))
        )
    return files


def render_certificate_pdfs(certificates: Sequence[Certificate]) -> list[bytes]:
    """One single-page PDF per certificate, in order.

    Renders chunks of about 100: the static layer and atlas as one WeasyPrint document, each
    certificate's own lines printed over its static page (certificate_layers); the few whose lines do
    not fit are laid out whole and split with pypdf. `certificates` come from
    `certificates_for_rendering` (or have the same relations selected). Raises CertificateLayoutError
    if a face does not fit on one page.
    """
    certificates = list(certificates)
    files: list[bytes] = []
    for start in range(0, len(certificates), CHUNK_SIZE):
        chunk = certificates[start : start + CHUNK_SIZE]
        faces = certificate_faces(chunk)
        rendered = _render_layered(chunk, faces)
        whole = [n for n, data in enumerate(rendered) if data is None]
        if whole:
            for n, data in zip(
                whole, render_whole_faces([chunk[n] for n in whole], [faces[n] for n in whole]), strict=True
            ):
                rendered[n] = data
        files.extend(rendered)
    return files


# Outside Celery: chunks over fresh processes ------------------------------------------------


def render_certificate_chunks_parallel(
    ids: list[int], *, workers: int = 2, chunk: int = CHUNK_SIZE
) -> dict[int, bytes]:
    """Render certificates `ids` in chunks over `workers` processes (this one too); return {id: PDF bytes}.

    For callers outside Celery's prefork workers. The other processes are spawned, never forked,
    and each sets Django up (about a second) before it takes a chunk from the queue; this process,
    set up already, takes chunks from the same queue meanwhile, so no chunk waits for a process
    that is still starting.
    """
    from conferences.documents.workers import run_chunks

    ids = list(ids)
    chunks = [ids[n : n + chunk] for n in range(0, len(ids), chunk)]
    results: dict[int, bytes] = {}
    for pairs in run_chunks(
        chunks, handler="conferences.documents.certificate_workers:render_ids", workers=workers
    ):
        results.update(pairs)
    return {pk: results[pk] for pk in ids if pk in results}
