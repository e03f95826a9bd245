"""Real PDF and DOCX files for tests, valid and hostile, built in memory.

    valid_pdf(text="Tham luận", author="Sở KH&CN Quảng Ninh") -> bytes
    valid_docx(creator="Nguyễn Văn A") -> bytes
    uploaded(data, name="x.pdf") -> SimpleUploadedFile

The hostile ones are what upload_inspect must refuse: a PDF with JavaScript, with an attached
file, encrypted, HTML renamed .pdf, an executable renamed .pdf, a plain zip renamed .docx,
a DOCX with macros.
"""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def _pdf_writer(*, text: str = "Tham luận", author: str = "", title: str = "", pages: int = 1) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    # One visible line; the text itself need not be extractable for these tests.
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 12 Tf 72 770 Td ({text.encode('ascii', 'replace').decode()}) Tj ET".encode())
    page = writer.pages[0]
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    page[NameObject("/Contents")] = writer._add_object(content)
    if author or title:
        metadata = {"/Producer": "Microsoft Word for Sở KH&CN", "/Creator": "Word"}
        if author:
            metadata["/Author"] = author
        if title:
            metadata["/Title"] = title
        writer.add_metadata(metadata)
    if author:
        xmp = DecodedStreamObject()
        xmp.set_data(_XMP.format(author=author).encode())
        xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def valid_pdf(*, text: str = "Tham luận", author: str = "", title: str = "", pages: int = 1) -> bytes:
    """A small valid PDF; with author/title it carries them in its info and (author) its XMP."""
    return _bytes(_pdf_writer(text=text, author=author, title=title, pages=pages))


def pdf_with_javascript() -> bytes:
    """A PDF that runs JavaScript when opened (/OpenAction and the /JavaScript names tree)."""
    writer = _pdf_writer()
    writer.add_open_action(JavaScript("app.alert('hi');"))
    return _bytes(writer)


def pdf_with_link_javascript() -> bytes:
    """A PDF whose only JavaScript is a link annotation's action, on page 1."""
    writer = _pdf_writer()
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(
                [NumberObject(0), NumberObject(0), NumberObject(9), NumberObject(9)]
            ),
            NameObject("/A"): action,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _bytes(writer)


def pdf_with_attachment() -> bytes:
    writer = _pdf_writer()
    writer.add_attachment("run.exe", b"MZ\x90\x00 not really")
    return _bytes(writer)


def encrypted_pdf() -> bytes:
    writer = _pdf_writer()
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    return _bytes(writer)


def html_as_pdf() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def pdf_header_then_html() -> bytes:
    """Starts like a PDF, is HTML with a script after that: no xref, no trailer."""
    return b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


def executable_as_pdf() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program"


CONTENT_TYPES_DOCX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "{extra}</Types>"
)
MAIN_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAIN_DOCM = "application/vnd.ms-word.document.macroEnabled.main+xml"

_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)
_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    '<w:p><w:ins w:id="1" w:author="{creator}" w:date="2021-03-01T00:00:00Z">'
    "<w:r><w:t>sửa</w:t></w:r></w:ins></w:p></w:body></w:document>"
)
_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator>"
    "<cp:lastModifiedBy>{creator}</cp:lastModifiedBy>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2021-03-01T00:00:00Z</dcterms:created>'
    "</cp:coreProperties>"
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Office Word</Application><Company>{company}</Company>"
    "<Manager>{creator}</Manager></Properties>"
)


def zip_bytes(entries: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return buffer.getvalue()


def docx_entries(
    *,
    text: str = "Tham luận",
    creator: str = "Nguyễn Văn A",
    title: str = "Tham luận của Sở KH&CN Quảng Ninh",
    company: str = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
    main: str = MAIN_DOCX,
    extra_types: str = "",
) -> dict[str, str | bytes]:
    """The parts of a minimal valid DOCX, to change one before zip_bytes()."""
    return {
        "[Content_Types].xml": CONTENT_TYPES_DOCX.format(main=main, extra=extra_types),
        "_rels/.rels": _RELS,
        "word/document.xml": _DOCUMENT.format(text=text, creator=creator),
        "docProps/core.xml": _CORE.format(title=title, creator=creator),
        "docProps/app.xml": _APP.format(company=company, creator=creator),
    }


def valid_docx(**kwargs) -> bytes:
    """A minimal valid DOCX whose properties name its author, title and company (see docx_entries)."""
    return zip_bytes(docx_entries(**kwargs))


def docx_with_macros() -> bytes:
    entries = docx_entries()
    entries["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro"
    return zip_bytes(entries)


def docm_content_types() -> bytes:
    return zip_bytes(docx_entries(main=MAIN_DOCM))


def plain_zip_as_docx() -> bytes:
    return zip_bytes({"readme.txt": "not a document", "[Content_Types].xml": "<Types/>"})


def uploaded(data: bytes, name: str = "tham-luan.pdf", content_type: str = PDF_TYPE) -> SimpleUploadedFile:
    """An uploaded file as Django hands it to a view (the name and type are the client's claim)."""
    return SimpleUploadedFile(name, data, content_type=content_type)
