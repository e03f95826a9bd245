"""Uploaded paper files: judged by their content, stored under a random name in private storage.

    inspected = upload_inspect(upload, kinds=call.file_kinds, max_bytes=call.max_file_mb * MB)
    with stored_files_removed_on_error():      # around the transaction that writes the rows
        with transaction.atomic():
            revision = PaperRevision(paper=paper, number=n, ...)
            upload_store(revision=revision, upload=upload, inspected=inspected)
            revision.save()

Nothing here trusts the file's name, its declared content type or ``upload.size``: bytes
are counted as they are read, and the kind is what the bytes are. A refused file raises
``ValidationError({"file": [why]})`` before anything is stored.
"""

import contextlib
import contextvars
import hashlib
import io
import re
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from conferences.exports.paper_files import EXTENSIONS
from conferences.models import FileKind, PaperRevision
from core.text import nfc
from core.uploads import MB, too_large_message

NAME_MAX_LENGTH = 120

# A DOCX whose parts unpack to more than this many times the upload limit, or to more than
# ZIP_MAX_UNPACKED bytes, is a zip bomb (real papers unpack to a few times their size).
ZIP_MAX_RATIO = 20
ZIP_MAX_UNPACKED = 200 * MB
ZIP_MAX_ENTRIES = 2000
# Walking the objects of a PDF is bounded: a real paper has thousands, not millions.
PDF_MAX_OBJECTS = 500_000

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)activeX/", re.IGNORECASE)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_READ_CHUNK = 64 * 1024

# JavaScript can sit under these keys, or be an action of subtype /JavaScript; XFA forms carry scripts.
_PDF_SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA"}
_PDF_SCRIPT_ACTIONS = {"/JavaScript", "/Launch"}
_PDF_FILE_KEYS = {"/EmbeddedFiles", "/EmbeddedFile", "/EF"}
_PDF_FILE_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/3D"}


@dataclass(frozen=True)
class InspectedUpload:
    kind: str  # conferences.models.FileKind value: "pdf" or "docx"
    size: int  # bytes
    sha256: str
    name: str  # safe display name: basename, no control characters, NFC, <= 120 chars, kind's extension


def _refuse(message: str):
    raise ValidationError({"file": [message]})


def upload_inspect(upload: UploadedFile, *, kinds: Collection[str], max_bytes: int) -> InspectedUpload:
    """Return what the uploaded file is, or raise ValidationError({"file": [why]}).

    Accepted: a PDF that pypdf parses strictly, unencrypted, with no JavaScript (anywhere:
    names tree, open and additional actions, annotations, XFA) and no embedded files; a DOCX
    that is an Office Open XML word-processing package without macros, unpacking to a sane
    size with safe entry names. The file is rewound afterwards.
    """
    size, digest, head = _measure(upload, max_bytes=max_bytes)
    if head.startswith(b"%PDF-"):
        kind = FileKind.PDF.value
    elif head.startswith(b"PK\x03\x04"):
        kind = FileKind.DOCX.value
    else:
        _refuse(_("The file is not a PDF or Word (DOCX) file."))
    if kind not in kinds:
        accepted = ", ".join(label for value, label in FileKind.choices if value in kinds) or "-"
        _refuse(
            _("%(kind)s files are not accepted here; accepted: %(accepted)s.")
            % {"kind": dict(FileKind.choices)[kind], "accepted": accepted}
        )
    try:
        if kind == FileKind.PDF.value:
            _check_pdf(upload)
        else:
            _check_docx(upload, max_unpacked=min(ZIP_MAX_RATIO * max_bytes, ZIP_MAX_UNPACKED))
    finally:
        upload.seek(0)
    return InspectedUpload(kind=kind, size=size, sha256=digest, name=safe_file_name(upload.name, kind=kind))


def _measure(upload: UploadedFile, *, max_bytes: int) -> tuple[int, str, bytes]:
    """Count and hash the bytes actually there (not upload.size), stopping past max_bytes."""
    upload.seek(0)
    size, digest, head = 0, hashlib.sha256(), b""
    while chunk := upload.read(_READ_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            upload.seek(0)
            _refuse(too_large_message(max_bytes))
        if len(head) < 8:
            head += chunk[:8]
        digest.update(chunk)
    upload.seek(0)
    if size == 0:
        _refuse(_("The file is empty."))
    return size, digest.hexdigest(), head


def _megabytes(count: int) -> str:
    value = count / MB
    return f"{value:.0f}" if value >= 1 and value == int(value) else f"{value:.1f}"


# PDF ---------------------------------------------------------------------------------------


def _check_pdf(upload: UploadedFile) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    unreadable = _("The file is not a readable PDF (it may be damaged, or another kind of file renamed).")
    try:
        reader = PdfReader(upload, strict=True)
        if reader.is_encrypted:
            _refuse(_("The PDF is encrypted or protected by a password; send it without protection."))
        if len(reader.pages) < 1:
            _refuse(unreadable)
        finding = _pdf_finding(reader)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        _refuse(unreadable)
    except Exception:  # pypdf raises many kinds on hostile input; none of them may become a 500.
        _refuse(unreadable)
    if finding == "script":
        _refuse(_("The PDF contains JavaScript; save or print it again as a plain PDF."))
    if finding == "file":
        _refuse(_("The PDF contains embedded or attached files; send a PDF without attachments."))


def _pdf_finding(reader) -> str | None:
    """Return "script" or "file" if any object of the PDF can run code or carries a file."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    # Objects listed in the cross-reference tables but unreachable from the trailer count too:
    # a viewer repairing a damaged file may reach them.
    for generation, objects in reader.xref.items():
        stack.extend(IndirectObject(number, generation, reader) for number in objects)
    stack.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > PDF_MAX_OBJECTS:
                raise ValueError("too many objects")
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # Stream objects are dictionaries too.
            keys = set(node.keys())
            if keys & _PDF_SCRIPT_KEYS or _name(node, "/S") in _PDF_SCRIPT_ACTIONS:
                return "script"
            if keys & _PDF_FILE_KEYS or _name(node, "/Subtype") in _PDF_FILE_SUBTYPES:
                return "file"
            if _name(node, "/Type") == "/EmbeddedFile":
                return "file"
            # The raw values: indirect references are resolved once, above, with the seen set.
            stack.extend(dict.values(node))
        elif isinstance(node, ArrayObject):
            stack.extend(list.__iter__(node))
    return None


def _name(node, key: str):
    value = dict.get(node, key)
    return value.get_object() if hasattr(value, "get_object") and value is not None else value


# DOCX --------------------------------------------------------------------------------------


def _check_docx(upload: UploadedFile, *, max_unpacked: int) -> None:
    not_docx = _("The file is not a valid Word (DOCX) document.")
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        _refuse(not_docx)
    with archive:
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES:
            _refuse(_("The DOCX file has too many parts (more than %(count)d).") % {"count": ZIP_MAX_ENTRIES})
        if sum(entry.file_size for entry in entries) > max_unpacked:
            _refuse(
                _("The DOCX file unpacks to more than %(limit)s MB; it looks like a zip bomb.")
                % {"limit": _megabytes(max_unpacked)}
            )
        names = set()
        for entry in entries:
            if not _safe_entry_name(entry.filename):
                _refuse(_("The DOCX file contains parts with unsafe names (absolute paths or '..')."))
            if entry.flag_bits & 0x1:
                _refuse(_("The DOCX file is encrypted; send it without a password."))
            names.add(entry.filename)
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            _refuse(not_docx)
        if any(_MACRO_PARTS.search(name) for name in names):
            _refuse(_("The DOCX file contains macros or ActiveX controls; save it as a plain .docx."))
        try:
            content_types = _read_entry(archive, "[Content_Types].xml", limit=max_unpacked)
            declared = _declared_content_types(content_types)
            if b"macroenabled" in content_types.lower() or any("vbaProject" in t for t in declared):
                _refuse(_("The DOCX file contains macros or ActiveX controls; save it as a plain .docx."))
            if declared.get("/word/document.xml") != _DOCX_MAIN:
                _refuse(not_docx)
            _check_xml(archive, "word/document.xml", limit=max_unpacked)
        except (SafeElementTree.ParseError, DefusedXmlException, zipfile.BadZipFile, ValueError, OSError):
            _refuse(not_docx)
        except (EOFError, RuntimeError, NotImplementedError):  # truncated, encrypted, odd compression
            _refuse(not_docx)


def _safe_entry_name(name: str) -> bool:
    if not name or "\x00" in name or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return False
    return ".." not in re.split(r"[\\/]", name)


def _read_entry(archive: zipfile.ZipFile, name: str, *, limit: int) -> bytes:
    """Read one part, never more than limit bytes whatever its header claims."""
    with archive.open(name) as part:
        data = part.read(limit + 1)
    if len(data) > limit:
        raise ValueError("part larger than its limit")
    return data


def _declared_content_types(data: bytes) -> dict[str, str]:
    root = SafeElementTree.fromstring(data, forbid_dtd=True)
    if root.tag != f"{_CONTENT_TYPES_NS}Types":
        raise ValueError("not a content types part")
    declared = {}
    for override in root.iter(f"{_CONTENT_TYPES_NS}Override"):
        declared[override.get("PartName", "")] = override.get("ContentType", "")
    for default in root.iter(f"{_CONTENT_TYPES_NS}Default"):
        declared.setdefault("*." + default.get("Extension", "").lower(), default.get("ContentType", ""))
    return declared


def _check_xml(archive: zipfile.ZipFile, name: str, *, limit: int) -> None:
    """Parse a part as XML in a stream (no DTD, no entities); it must be well formed."""
    with archive.open(name) as part:
        counted = _LimitedReader(part, limit)
        for _event, element in SafeElementTree.iterparse(counted, events=("end",), forbid_dtd=True):
            element.clear()


class _LimitedReader(io.RawIOBase):
    def __init__(self, raw, limit: int):
        self.raw, self.left = raw, limit

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(_READ_CHUNK if size is None or size < 0 else size)
        self.left -= len(data)
        if self.left < 0:
            raise ValueError("part larger than its limit")
        return data


# Names -------------------------------------------------------------------------------------


def safe_file_name(name: str | None, *, kind: str) -> str:
    """Return the uploader's file name fit for display and downloads: never a path on disk.

    Its basename (after "/" and "\\"), without control characters, NFC, whitespace folded, no
    leading dots, at most NAME_MAX_LENGTH characters, ending in the detected kind's extension.
    """
    extension = EXTENSIONS[kind]
    base = re.split(r"[\\/]", name or "")[-1]
    base = nfc(base, multiline=False) or ""
    stem = _EXTENSION.sub("", base).strip(" .")
    stem = stem[: NAME_MAX_LENGTH - len(extension)].rstrip(" .")
    return f"{stem or 'paper'}{extension}"


# Figures -----------------------------------------------------------------------------------

# A figure is printed at most a page wide: more pixels only make the book heavy and slow.
FIGURE_MAX_SIDE = 2000
# Decoding is refused above this many pixels (a 50,000 x 50,000 image would need gigabytes).
FIGURE_MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class InspectedFigure:
    data: bytes  # re-encoded: no metadata, nothing but pixels
    extension: str  # ".png" or ".jpg"
    width: int
    height: int
    sha256: str


def figure_inspect(upload: UploadedFile, *, max_bytes: int) -> InspectedFigure:
    """Return the uploaded image re-encoded for printing, or raise ValidationError({"file": [why]}).

    Only PNG and JPEG, judged by their bytes (no SVG: it can name external files and
    entities); the pixel count is checked from the header before anything is decoded; the
    image is decoded, scaled down to FIGURE_MAX_SIDE and written anew, so what reaches
    WeasyPrint is plain pixels.
    """
    from PIL import Image, UnidentifiedImageError

    _size, _digest, head = _measure(upload, max_bytes=max_bytes)
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        _refuse(_("The figure is not a PNG or JPEG image."))
    try:
        with Image.open(upload) as image:
            if image.width * image.height > FIGURE_MAX_PIXELS:
                _refuse(_("The figure has too many pixels (at most %(count)s million).") % {"count": 40})
            image.load()
            keep_alpha = image.format == "PNG"
            image = image.convert("RGBA" if keep_alpha else "RGB")
            image.thumbnail((FIGURE_MAX_SIDE, FIGURE_MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="PNG" if keep_alpha else "JPEG", **({} if keep_alpha else {"quality": 85}))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        _refuse(_("The figure cannot be read as an image."))
    finally:
        upload.seek(0)
    data = out.getvalue()
    return InspectedFigure(
        data=data,
        extension=".png" if keep_alpha else ".jpg",
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


# Storage -----------------------------------------------------------------------------------

_stored_names: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "stored_paper_files", default=None
)


def upload_store(*, revision: PaperRevision, upload: UploadedFile, inspected: InspectedUpload) -> None:
    """Save an inspected upload as the revision's file (private storage, random name); no row save.

    Fills file, file_name, file_kind, file_size and file_sha256; the caller saves the revision.
    Inside stored_files_removed_on_error(), the file is deleted again if the block fails.
    """
    upload.seek(0)
    revision.file.save(inspected.name, upload, save=False)
    revision.file_name = inspected.name
    revision.file_kind = inspected.kind
    revision.file_size = inspected.size
    revision.file_sha256 = inspected.sha256
    stored_file_remember(revision.file)


def stored_file_remember(field_file) -> None:
    """Inside stored_files_removed_on_error(), have this just-saved file deleted if the block fails."""
    stored = _stored_names.get()
    if stored is not None:
        stored.append((field_file.storage, field_file.name))


@contextlib.contextmanager
def stored_files_removed_on_error() -> Iterator[None]:
    """Delete the files upload_store (or stored_file_remember) saved inside this block if it raises.

    Wrap the transaction that writes the rows: a rolled-back submission leaves no file.
    """
    stored: list = []
    token = _stored_names.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            with contextlib.suppress(OSError):
                storage.delete(name)
        raise
    finally:
        _stored_names.reset(token)
