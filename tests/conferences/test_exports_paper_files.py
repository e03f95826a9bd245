import io
import zipfile

import pytest
from defusedxml import ElementTree
from django.http import Http404
from pypdf import PdfReader

from conferences.exports.paper_files import ascii_file_name, content_disposition, paper_file_response
from conferences.models import PaperRevision
from conferences.services.uploads import upload_inspect, upload_store
from tests import paper_files
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
AGENCY = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
CORE = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
DC = "{http://purl.org/dc/elements/1.1/}"


def revision_with(conference, data: bytes, name: str) -> PaperRevision:
    upload = paper_files.uploaded(data, name)
    inspected = upload_inspect(upload, kinds=("pdf", "docx"), max_bytes=MB)
    paper = PaperFactory(conference=conference)
    revision = PaperRevision(paper=paper, number=2, title=paper.title)
    upload_store(revision=revision, upload=upload, inspected=inspected)
    revision.save()
    return revision


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_paper_file_response_serves_the_stored_pdf_as_an_attachment(conference):
    data = paper_files.valid_pdf(author=AGENCY)
    revision = revision_with(conference, data, "Tham luận Quảng Ninh.pdf")

    response = paper_file_response(revision=revision, blind=False)

    assert body(response) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Tham-luan-Quang-Ninh.pdf"; '
        "filename*=UTF-8''Tham%20lu%E1%BA%ADn%20Qu%E1%BA%A3ng%20Ninh.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_paper_file_response_blind_pdf_has_a_neutral_name_and_no_metadata(conference):
    data = paper_files.valid_pdf(author=AGENCY, title="Tham luận của Sở KH&CN Quảng Ninh", pages=2)
    revision = revision_with(conference, data, "Sở KH&CN Quảng Ninh - tham luận.pdf")
    assert PdfReader(io.BytesIO(data)).metadata["/Author"] == AGENCY  # What there is to scrub.

    response = paper_file_response(revision=revision, blind=True)

    served = body(response)
    reader = PdfReader(io.BytesIO(served))
    assert reader.metadata is None
    assert reader.xmp_metadata is None
    assert "/Metadata" not in reader.trailer["/Root"]
    assert len(reader.pages) == 2
    assert b"Quang" not in served and "Quảng".encode() not in served and b"Word" not in served
    name = f"tham-luan-{revision.paper_id}-v2.pdf"
    assert response["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_paper_file_response_blind_pdf_drops_annotation_authors(conference):
    from pypdf import PdfWriter
    from pypdf.annotations import Text
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(paper_files.valid_pdf())))
    note = Text(text="Ghi chú", rect=(10, 10, 30, 30))
    note[NameObject("/T")] = TextStringObject("Nguyen Van A")
    writer.add_annotation(page_number=0, annotation=note)
    output = io.BytesIO()
    writer.write(output)
    revision = revision_with(conference, output.getvalue(), "x.pdf")

    served = body(paper_file_response(revision=revision, blind=True))

    annotation = PdfReader(io.BytesIO(served)).pages[0]["/Annots"][0].get_object()
    assert annotation["/Subtype"] == "/Text"
    assert "/T" not in annotation
    assert b"Nguyen Van A" not in served


def test_paper_file_response_blind_docx_names_no_one_and_stays_a_package(conference):
    data = paper_files.valid_docx(creator="Nguyễn Văn A", company=AGENCY)
    revision = revision_with(conference, data, "Tham luận.docx")

    response = paper_file_response(revision=revision, blind=True)

    served = body(response)
    with zipfile.ZipFile(io.BytesIO(served)) as archive:
        core = ElementTree.fromstring(archive.read("docProps/core.xml"))
        app = archive.read("docProps/app.xml")
        document = archive.read("word/document.xml")
        assert archive.namelist() == list(paper_files.docx_entries())
    assert core.tag == f"{CORE}coreProperties"
    assert core.find(f"{DC}creator") is None
    assert core.find(f"{CORE}lastModifiedBy") is None
    assert core.find(f"{DC}title") is None
    assert b"Company" not in app and b"Manager" not in app
    assert "Nguyễn".encode() not in served and "Quảng".encode() not in served
    assert b'w:author=""' in document
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="tham-luan-{revision.paper_id}-v2.docx"'
    )
    # Still what upload_inspect accepts as a DOCX.
    again = upload_inspect(paper_files.uploaded(served, "x.docx"), kinds=("docx",), max_bytes=MB)
    assert again.kind == "docx"


def test_paper_file_response_without_a_file_is_a_404(conference):
    paper = PaperFactory(conference=conference)
    revision = PaperRevision.objects.create(paper=paper, number=1, title=paper.title)

    with pytest.raises(Http404):
        paper_file_response(revision=revision, blind=False)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Tham luận Quảng Ninh.pdf", "Tham-luan-Quang-Ninh.pdf"),
        ("Đề án số 19/2014.docx", "De-an-so-19-2014.docx"),
        ('a"b;c\r\n.pdf', "a-b-c.pdf"),
        ("Тезисы.pdf", "tham-luan.pdf"),
        ("không đuôi", "khong-duoi.pdf"),
    ],
)
def test_ascii_file_name(name, expected):
    assert ascii_file_name(name, fallback_extension=".pdf") == expected


def test_content_disposition_never_carries_a_line_break_or_quote():
    header = content_disposition('x"\r\nSet-Cookie: a=b.pdf')

    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2
