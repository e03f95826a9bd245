"""Certificate faces (attendance, speaker, award) as one single-page PDF each, made fast.

A WeasyPrint render call costs a fixed part per document (set-up, font subsetting, writing the
file). So `render_certificate_pdfs` lays out about 100 faces as ONE HTML document, one face per page
(named pages give each kind its paper size), and splits the PDF into one file per page with pypdf.
Each split file keeps only what its page draws: its own QR code image (WeasyPrint writes one
resources dictionary for all pages) and the chunk's subset fonts.

The faces are laid out flat, which is what WeasyPrint does fastest (profiled, see the README):
block elements, the bottom lines and QR code absolutely positioned with fixed widths, no table,
float, flex, inline-block or shrink-to-fit width; the QR code a tiny PNG rather than SVG paths; no
`id` on the faces (WeasyPrint tracks every id as a link target, page after page); the page check
reads the box tree instead.

Two ways to use both cores:
- inside Celery (prefork workers), send one task per chunk of ids; each task
  calls `certificates_for_rendering(ids=...)` and `render_certificate_pdfs`, and
  two worker processes then render two chunks at once;
- outside Celery (the benchmark, a management command), call
  `render_certificate_chunks_parallel(ids, workers=2)`: it starts fresh processes
  (spawn, never fork: forking after WeasyPrint's set-up has crashed workers), each
  of which sets Django up once and renders whole chunks.

Every chunk must come out with exactly one page per certificate: a face that
overflows onto a second page would shift every later certificate onto the wrong
file, so it raises `CertificateLayoutError` naming the certificate.
"""

import io
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from conferences.documents.rendering import render_document
from conferences.models import Certificate
from conferences.selectors.certificates import speaker_paper_titles

CHUNK_SIZE = 100
STYLESHEET = "css/certificates.css"
ATTENDANCE_PAGE = "certificate-a4"  # A4 landscape, the attendance and speaker faces

# The kind as a file's title says it (the face itself prints its own heading).
KIND_TITLES = {
    Certificate.Kind.ATTENDANCE: "Giấy chứng nhận tham dự",
    Certificate.Kind.SPEAKER: "Giấy chứng nhận trình bày tham luận",
}

# Shrink-to-fit: (longest text in characters, CSS class). A longer text takes a smaller size;
# the page-count check catches what still overflows.
NAME_FITS = [(28, "fit-1"), (42, "fit-2"), (64, "fit-3"), (110, "fit-4")]
TEXT_FITS = [(160, "fit-1"), (320, "fit-2"), (600, "fit-3"), (1100, "fit-4")]


class CertificateLayoutError(RuntimeError):
    """A chunk did not come out as one page per certificate."""


def _fit(text: str, steps: list[tuple[int, str]]) -> str:
    length = len(text)
    for limit, css_class in steps:
        if length <= limit:
            return css_class
    return "fit-5"


@lru_cache(maxsize=2 * CHUNK_SIZE)  # bounded: a long-lived worker renders many thousands
def _qr_data_uri(url: str) -> str:
    import segno

    # A PNG of one pixel per module with a quiet zone of 4 (about 500 bytes), printed unsmoothed
    # (image-rendering: pixelated). Measured in a chunk of 100: about 3.5 ms a face less than the
    # same code as an SVG data URI and about 10 ms less than inline SVG (WeasyPrint parses and draws
    # some 500 path commands in Python). Each face's PNG is an image resource of the chunk:
    # split_pages keeps only the images a page draws, so no file carries another holder's code.
    return segno.make(url, error="m").png_data_uri(scale=1, border=4)


def verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL + certificate.get_absolute_url()


def _dd_mm_yyyy(value) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}" if value else ""


def _holder_name(certificate: Certificate) -> str:
    registration = certificate.registration
    # Registration.display_name without reading the person again: the registration's person is the
    # recipient, whose name the certificate kept when it was issued.
    if registration is not None and registration.full_name:
        return registration.full_name
    return certificate.recipient_name


def _agency(certificate: Certificate) -> str:
    if certificate.recipient_organization_id and certificate.kind != Certificate.Kind.AWARD:
        return certificate.recipient_organization.name
    person = certificate.recipient_person
    if person is not None and person.organization_id:
        return person.organization.name
    return ""


def page_name(certificate: Certificate) -> str:
    """The CSS named page of a face: A4 landscape, or the award category's own paper."""
    if certificate.kind == Certificate.Kind.AWARD and certificate.award_id:
        return f"award-{certificate.award.category_id}"
    return ATTENDANCE_PAGE


def certificate_title(certificate: Certificate) -> str:
    """The file's title: "<kind> – <serial>"."""
    if certificate.kind == Certificate.Kind.AWARD and certificate.award_id:
        kind = certificate.award.category.short_name.capitalize()
    else:
        kind = KIND_TITLES.get(certificate.kind, "Giấy chứng nhận")
    return f"{kind} – {certificate.serial}"


def certificate_context(certificate: Certificate, *, paper_title: str = "") -> dict:
    """What one face shows. `paper_title` is the speaker's paper (see speaker_paper_titles)."""
    conference = certificate.conference
    holder = unicodedata.normalize("NFC", _holder_name(certificate))
    starts = timezone.localtime(conference.starts_at)
    ends = timezone.localtime(conference.ends_at)
    context = {
        "certificate": certificate,
        "kind": certificate.kind,
        "page": page_name(certificate),
        "issuer": conference.host,
        "conference": conference,
        "holder": holder,
        "holder_fit": _fit(holder, NAME_FITS),
        "agency": _agency(certificate),
        "starts_on": starts.date(),
        "ends_on": ends.date() if ends.date() != starts.date() else None,
        "place": settings.DOCUMENT_PLACE,
        "issued_on": timezone.localtime(certificate.issued_at).date(),
        "serial": certificate.serial,
        "code": certificate.verification_code,
        "verify_url": verify_url(certificate),
        "qr": _qr_data_uri(verify_url(certificate)),
        "paper_title": paper_title,
    }
    statement = conference.title_vi + (paper_title or "")
    context["statement_fit"] = _fit(statement, TEXT_FITS)
    award = certificate.award if certificate.award_id else None
    if certificate.kind == Certificate.Kind.AWARD and award is not None:
        decision = award.decision
        context.update(
            award=award,
            category=award.category,
            citation=award.citation,
            citation_fit=_fit(award.citation, TEXT_FITS),
            decision_number=decision.document.formatted,
            decision_date=_dd_mm_yyyy(decision.signed_on),
            signed_on=decision.signed_on,
            signing_authority=decision.signing_authority,
            signer_title=decision.signer_title,
            signer_name=decision.signer_name,
            register_number=award.register_number,
        )
    return context


def _award_pages(certificates: Sequence[Certificate]) -> list[dict]:
    """One named page per award category in the chunk, with the category's paper size."""
    pages = {}
    for certificate in certificates:
        if certificate.kind == Certificate.Kind.AWARD and certificate.award_id:
            category = certificate.award.category
            # The text scales with the paper (16 pt on 400 x 300 mm): sizes in the stylesheet are em
            # of this base; margins and the room kept for the bottom lines scale with it.
            scale = max(min(category.page_height_mm / 300, category.page_width_mm / 400), 0.5)
            margin, padding, padding_x, bottom = 12 * scale, 9 * scale, 30 * scale, 64 * scale
            pages[category.pk] = {
                "name": page_name(certificate),
                "width": category.page_width_mm,
                "height": category.page_height_mm,
                "base": f"{16 * scale:.2f}",
                "margin": f"{margin:.1f}",
                "padding": f"{padding:.1f}",
                "padding_x": f"{padding_x:.1f}",
                "content_height": f"{category.page_height_mm - 2 * (margin + padding) - 3 - bottom:.1f}",
                "bottom": f"{bottom:.1f}",
            }
    return list(pages.values())


def _chunk_html(certificates: Sequence[Certificate]) -> str:
    titles = {}
    if any(c.kind == Certificate.Kind.SPEAKER for c in certificates):
        titles = speaker_paper_titles(
            certificates=[c for c in certificates if c.kind == Certificate.Kind.SPEAKER]
        )
    faces = [
        certificate_context(
            c, paper_title=titles.get((c.conference_id, c.recipient_person_id), "") if titles else ""
        )
        for c in certificates
    ]
    with translation.override("vi"):
        return render_to_string(
            "documents/certificates/chunk.html", {"faces": faces, "award_pages": _award_pages(certificates)}
        )


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


def _check_pages(document, certificates: Sequence[Certificate]) -> None:
    """Exactly one page per certificate: a face that spills over names its certificate."""
    by_id = {str(c.pk): c for c in certificates}
    previous = None
    for page in document.pages:
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
    if len(document.pages) != len(certificates):
        raise CertificateLayoutError(
            f"A chunk of {len(certificates)} certificates came out as {len(document.pages)} pages."
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
        writer.add_metadata(
            {
                "/Title": certificate_title(certificate),
                "/Author": certificate.conference.host.name,
                "/Creator": "hoinghi",
            }
        )
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


def render_certificate_pdfs(certificates: Sequence[Certificate]) -> list[bytes]:
    """One single-page PDF per certificate, in order.

    Renders them as chunks of about 100 in one WeasyPrint document and splits the pages with
    pypdf. `certificates` come from `certificates_for_rendering` (or have the same relations
    selected). Raises CertificateLayoutError if a chunk's page count differs.
    """
    certificates = list(certificates)
    files: list[bytes] = []
    for start in range(0, len(certificates), CHUNK_SIZE):
        chunk = certificates[start : start + CHUNK_SIZE]
        document = render_document(_chunk_html(chunk), stylesheet=STYLESHEET)
        _check_pages(document, chunk)
        files.extend(split_pages(document.write_pdf(), chunk))
    return files


# Outside Celery: chunks over fresh processes ------------------------------------------------


def render_certificate_chunks_parallel(
    ids: list[int], *, workers: int = 2, chunk: int = CHUNK_SIZE
) -> dict[int, bytes]:
    """Render certificates `ids` in chunks over `workers` fresh processes; return {id: PDF bytes}.

    For callers outside Celery's prefork workers. The processes are spawned, never forked, and
    each sets Django up once (about a second), so this pays off from a few hundred certificates.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    from conferences.documents import certificate_workers

    ids = list(ids)
    chunks = [ids[n : n + chunk] for n in range(0, len(ids), chunk)]
    database_name = str(connections["default"].settings_dict["NAME"])
    results: dict[int, bytes] = {}
    with ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(chunks))),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=certificate_workers.setup,
        initargs=(database_name,),
    ) as pool:
        for pairs in pool.map(certificate_workers.render_ids, chunks):
            results.update(pairs)
    return results
