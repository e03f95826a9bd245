"""A paper revision's file as a download, and the blind copy reviewers get; stored_file_response
serves any uploaded file (nominations use it too).

Who may download is NOT decided here: the calling view or API action checks access (an
organizer of the conference, the paper's own delegate link, an assigned reviewer) and
whether the conference reviews blind, then calls paper_file_response().
"""

import io
import re
import unicodedata
import zipfile
from urllib.parse import quote

from defusedxml import ElementTree as SafeElementTree
from django.http import FileResponse, Http404, HttpResponse

from conferences.models import FileKind, PaperRevision

CONTENT_TYPES = {
    FileKind.PDF.value: "application/pdf",
    FileKind.DOCX.value: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {FileKind.PDF.value: ".pdf", FileKind.DOCX.value: ".docx"}

# What a blind copy of a DOCX keeps of its properties parts: valid, empty packages of them.
_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    b' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
_EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
_EMPTY_PARTS = {
    "docprops/core.xml": _EMPTY_CORE,
    "docprops/app.xml": _EMPTY_APP,
    "docprops/custom.xml": _EMPTY_CUSTOM,
}
# Tracked changes, comments and their people name who wrote them (w:author="Nguyễn Văn A").
_PERSON_ATTRIBUTES = re.compile(rb'(\s(?:w|w15|w16cex|w16cid):(?:author|initials|userId|providerId))="[^"]*"')
# Annotations whose /T is the name of the person who made them (PDF 1.7, 12.5.6.2).
_MARKUP_ANNOTATIONS = {
    "/Text",
    "/FreeText",
    "/Line",
    "/Square",
    "/Circle",
    "/Polygon",
    "/PolyLine",
    "/Highlight",
    "/Underline",
    "/Squiggly",
    "/StrikeOut",
    "/Stamp",
    "/Caret",
    "/Ink",
    "/FileAttachment",
    "/Sound",
    "/Redact",
}


def paper_file_response(*, revision: PaperRevision, blind: bool) -> HttpResponse:
    """Return the revision's file as an attachment; with blind=True, a copy that names no one.

    The caller has already checked that the requester may read this paper (this function
    does not) and decides blind from the call for papers and who asks. Open: the stored
    bytes under the uploader's name folded to ASCII (plus its UTF-8 form, RFC 5987). Blind:
    the name is tham-luan-<paper id>-v<number>.<ext> and the bytes are rewritten without
    the PDF's document information and XMP metadata, or the DOCX's core, app and custom
    properties and the authors of its tracked changes and comments. Raises Http404 when the
    revision has no file.
    """
    if not revision.file:
        raise Http404("no file")
    kind = revision.file_kind or FileKind.PDF.value
    extension = EXTENSIONS.get(kind, "")
    neutral = f"tham-luan-{revision.paper_id}-v{revision.number}{extension}"
    content_type = CONTENT_TYPES.get(kind, "application/octet-stream")
    if not blind:
        return stored_file_response(
            file=revision.file, kind=kind, name=revision.file_name, neutral_name=neutral
        )
    with revision.file.open("rb") as stored:
        data = stored.read()
    data = scrubbed_pdf(data) if kind == FileKind.PDF.value else scrubbed_docx(data)
    return _attachment(HttpResponse(data, content_type=content_type), neutral, extension)


def stored_file_response(*, file, kind: str, name: str, neutral_name: str) -> FileResponse:
    """An uploaded PDF or DOCX (a paper's, a nomination's) as an attachment, under the uploader's name.

    `name` is the name as sent (folded to ASCII plus its UTF-8 form, RFC 5987), `neutral_name`
    the one used when it is empty. The caller has checked who may read it and that there is a file.
    """
    kind = kind or FileKind.PDF.value
    response = FileResponse(file.open("rb"), content_type=CONTENT_TYPES.get(kind, "application/octet-stream"))
    name = unicodedata.normalize("NFC", name or neutral_name)
    return _attachment(response, name, EXTENSIONS.get(kind, ""))


def _attachment(response: HttpResponse, name: str, extension: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition(name, fallback_extension=extension)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def ascii_file_name(name: str, *, fallback_extension: str = "") -> str:
    """Fold a file name to ASCII letters, digits, ".", "_" and "-" ("Tham luận Quảng Ninh.pdf" ->
    "Tham-luan-Quang-Ninh.pdf")."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = re.sub(r"[^A-Za-z0-9._-]+", "-", stripped.encode("ascii", "ignore").decode())
    stem, dot, extension = folded.rpartition(".")
    if not dot:
        stem, extension = folded, fallback_extension
    extension = re.sub(r"[^A-Za-z0-9]", "", extension)[:10]
    stem = re.sub(r"-{2,}", "-", stem).strip("-.") or "tham-luan"
    return f"{stem}.{extension}" if extension else stem


def content_disposition(name: str, *, fallback_extension: str = "") -> str:
    """`attachment; filename="<ASCII>"; filename*=UTF-8''<name percent-encoded>` (RFC 6266, 5987)."""
    ascii_name = ascii_file_name(name, fallback_extension=fallback_extension)
    utf8_name = name.replace("\r", "").replace("\n", "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(utf8_name, safe='')}"


def scrubbed_pdf(data: bytes) -> bytes:
    """The pages of a PDF, rewritten without document information, XMP and annotation authors.

    Only what the pages reach is written (no /Info, no catalog /Metadata, no outlines).
    """
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in reader.pages:
        _strip_page(page)
        writer.add_page(page)
    writer.metadata = None  # No /Info at all, not even a /Producer.
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _strip_page(page) -> None:
    """Remove XMP streams and private application data reachable from a page; markup authors."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[int] = set()
    stack: list = [page]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, DictionaryObject):
            for key in ("/Metadata", "/PieceInfo"):
                dict.pop(node, key, None)
            if dict.get(node, "/Subtype") in _MARKUP_ANNOTATIONS:
                dict.pop(node, "/T", None)
            stack.extend(value for key, value in dict.items(node) if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(list.__iter__(node))


def scrubbed_docx(data: bytes) -> bytes:
    """The DOCX package with empty property parts and no authors on tracked changes and comments.

    The parts stay where the package's relationships and content types expect them, so the
    document opens as before.
    """
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            content = source.read(entry)
            lowered = entry.filename.lower()
            if lowered in _EMPTY_PARTS:
                content = _EMPTY_PARTS[lowered]
            elif lowered.startswith("word/") and lowered.endswith(".xml"):
                content = _PERSON_ATTRIBUTES.sub(rb'\1=""', content)
                SafeElementTree.fromstring(content, forbid_dtd=True)  # Still well formed.
            clean = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            clean.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(clean, content)
    return output.getvalue()


def figure_image_response(figure) -> FileResponse:
    """A paper's figure shown in the page: pixels re-encoded at upload, served under its own type.

    The caller has already checked that the requester may read the paper.
    """
    jpeg = figure.image.name.endswith(".jpg")
    response = FileResponse(figure.image.open("rb"), content_type="image/jpeg" if jpeg else "image/png")
    response["Content-Disposition"] = (
        f'inline; filename="hinh-{figure.paper_id}-{figure.pk}.{"jpg" if jpeg else "png"}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
