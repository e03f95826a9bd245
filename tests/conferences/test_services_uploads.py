import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from conferences.models import PaperRevision
from conferences.services.uploads import (
    InspectedUpload,
    safe_file_name,
    stored_files_removed_on_error,
    upload_inspect,
    upload_store,
)
from tests import paper_files
from tests.factories import PaperFactory

MB = 1024 * 1024
BOTH = ("pdf", "docx")


def refusal(data: bytes, *, name: str = "tham-luan.pdf", kinds=BOTH, max_bytes: int = 10 * MB) -> str:
    with pytest.raises(ValidationError) as caught:
        upload_inspect(paper_files.uploaded(data, name), kinds=kinds, max_bytes=max_bytes)
    return caught.value.message_dict["file"][0]


def test_upload_inspect_accepts_a_pdf_and_tells_its_size_and_hash():
    data = paper_files.valid_pdf(author="Sở KH&CN Quảng Ninh")
    upload = paper_files.uploaded(data, "Tham luận Quảng Ninh.pdf")

    inspected = upload_inspect(upload, kinds=BOTH, max_bytes=MB)

    assert inspected == InspectedUpload(
        kind="pdf", size=len(data), sha256=hashlib.sha256(data).hexdigest(), name="Tham luận Quảng Ninh.pdf"
    )
    assert upload.tell() == 0


def test_upload_inspect_accepts_a_docx_whatever_its_name_and_declared_type():
    data = paper_files.valid_docx()
    upload = paper_files.uploaded(data, "bao-cao.pdf", content_type="application/pdf")

    inspected = upload_inspect(upload, kinds=BOTH, max_bytes=MB)

    assert (inspected.kind, inspected.size, inspected.name) == ("docx", len(data), "bao-cao.docx")
    assert upload.read() == data


def test_upload_inspect_refuses_an_empty_file():
    assert refusal(b"") == "The file is empty."


def test_upload_inspect_refuses_a_file_over_the_limit_counting_the_bytes_not_the_claimed_size():
    upload = paper_files.uploaded(paper_files.valid_pdf(pages=40))
    upload.size = 10  # What the client claimed.

    with pytest.raises(ValidationError) as caught:
        upload_inspect(upload, kinds=BOTH, max_bytes=MB // 2 if len(upload.read()) > MB // 2 else 1000)

    assert caught.value.message_dict["file"][0].startswith("The file is larger than the limit of ")


def test_upload_inspect_says_the_limit_in_megabytes():
    big = paper_files.valid_pdf() + b"%" + b"x" * (2 * MB)

    assert refusal(big, max_bytes=2 * MB) == "The file is larger than the limit of 2 MB."


@pytest.mark.parametrize(
    ("builder", "message"),
    [
        (paper_files.html_as_pdf, "The file is not a PDF or Word (DOCX) file."),
        (paper_files.executable_as_pdf, "The file is not a PDF or Word (DOCX) file."),
        (
            paper_files.pdf_header_then_html,
            "The file is not a readable PDF (it may be damaged, or another kind of file renamed).",
        ),
        (
            paper_files.encrypted_pdf,
            "The PDF is encrypted or protected by a password; send it without protection.",
        ),
        (
            paper_files.pdf_with_javascript,
            "The PDF contains JavaScript; save or print it again as a plain PDF.",
        ),
        (
            paper_files.pdf_with_link_javascript,
            "The PDF contains JavaScript; save or print it again as a plain PDF.",
        ),
        (
            paper_files.pdf_with_attachment,
            "The PDF contains embedded or attached files; send a PDF without attachments.",
        ),
        (paper_files.plain_zip_as_docx, "The file is not a valid Word (DOCX) document."),
        (
            paper_files.docx_with_macros,
            "The DOCX file contains macros or ActiveX controls; save it as a plain .docx.",
        ),
        (
            paper_files.docm_content_types,
            "The DOCX file contains macros or ActiveX controls; save it as a plain .docx.",
        ),
    ],
    ids=lambda value: getattr(value, "__name__", "message"),
)
def test_upload_inspect_refuses_hostile_files_saying_why(builder, message):
    assert refusal(builder()) == message


def test_upload_inspect_finds_an_open_action_of_javascript():
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(paper_files.valid_pdf())))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    output = io.BytesIO()
    writer.write(output)

    assert refusal(output.getvalue()) == "The PDF contains JavaScript; save or print it again as a plain PDF."


def test_upload_inspect_refuses_a_kind_the_call_does_not_accept():
    assert refusal(paper_files.valid_docx(), kinds=("pdf",)) == (
        "DOCX (Word) files are not accepted here; accepted: PDF."
    )


def test_upload_inspect_refuses_a_docx_without_the_wordprocessing_main_part():
    entries = paper_files.docx_entries(main="application/vnd.openxmlformats-officedocument.spreadsheetml.x")

    assert refusal(paper_files.zip_bytes(entries)) == "The file is not a valid Word (DOCX) document."


def test_upload_inspect_refuses_a_docx_whose_xml_declares_entities():
    entries = paper_files.docx_entries()
    entries["word/document.xml"] = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]><d>&a;&a;</d>'

    assert refusal(paper_files.zip_bytes(entries)) == "The file is not a valid Word (DOCX) document."


def test_upload_inspect_refuses_a_zip_bomb():
    entries = paper_files.docx_entries()
    entries["word/media/padding.bin"] = b"\0" * (25 * MB)  # Deflates to about 25 KB.
    data = paper_files.zip_bytes(entries)
    assert len(data) < MB

    message = refusal(data, max_bytes=MB)

    assert message == "The DOCX file unpacks to more than 20 MB; it looks like a zip bomb."


def test_upload_inspect_refuses_a_zip_with_too_many_entries():
    entries = paper_files.docx_entries()
    entries.update({f"word/part{n}.xml": "" for n in range(2001)})

    assert refusal(paper_files.zip_bytes(entries, compression=zipfile.ZIP_STORED)) == (
        "The DOCX file has too many parts (more than 2000)."
    )


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/passwd", "word/../../x.xml", "C:\\x.xml", "a\\..\\b"])
def test_upload_inspect_refuses_a_zip_with_unsafe_entry_names(name):
    entries = paper_files.docx_entries()
    entries[name] = "x"

    assert refusal(paper_files.zip_bytes(entries)) == (
        "The DOCX file contains parts with unsafe names (absolute paths or '..')."
    )


def test_upload_inspect_refuses_a_truncated_docx():
    assert refusal(paper_files.valid_docx()[:-200]) == "The file is not a valid Word (DOCX) document."


def test_safe_file_name_of_a_long_name_with_a_path_and_nul():
    name = "../../" + "Tham luận\x00 " + "Quảng Ninh " * 30 + ".exe.pdf"
    assert len(name) > 300

    safe = safe_file_name(name, kind="pdf")

    assert safe.startswith("Tham luận Quảng Ninh Quảng Ninh")
    assert safe.endswith("Quảng N.pdf")
    assert len(safe) == 120
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("C:\\Users\\an\\Báo cáo.PDF", "pdf", "Báo cáo.pdf"),
        ("bao-cao.doc", "docx", "bao-cao.docx"),
        ("Tham lua\u0323\u0302n.pdf", "pdf", "Tham luận.pdf"),  # NFD in, NFC out.
        ("  hai   dòng\n\tmột  .pdf", "pdf", "hai dòng một.pdf"),
        ("../..", "pdf", "paper.pdf"),
        ("", "docx", "paper.docx"),
        (".pdf", "pdf", "paper.pdf"),
        ("Kế hoạch v1.2 cuối", "pdf", "Kế hoạch v1.2 cuối.pdf"),
    ],
)
def test_safe_file_name(name, kind, expected):
    assert safe_file_name(name, kind=kind) == expected


@pytest.mark.django_db
def test_upload_store_saves_under_a_random_name_in_private_storage(conference, settings):
    data = paper_files.valid_pdf()
    upload = paper_files.uploaded(data, "../Tham luận.pdf")
    inspected = upload_inspect(upload, kinds=BOTH, max_bytes=MB)
    paper = PaperFactory(conference=conference)
    revision = PaperRevision(paper=paper, number=1, title=paper.title)

    upload_store(revision=revision, upload=upload, inspected=inspected)
    revision.save()

    revision.refresh_from_db()
    assert revision.file.name.startswith(f"papers/{conference.pk}/")
    assert revision.file.name.endswith(".pdf")
    assert "Tham" not in revision.file.name
    assert (revision.file_name, revision.file_kind, revision.file_size) == ("Tham luận.pdf", "pdf", len(data))
    assert revision.file_sha256 == hashlib.sha256(data).hexdigest()
    on_disk = settings.PRIVATE_MEDIA_ROOT / revision.file.name
    assert on_disk.read_bytes() == data
    assert not str(on_disk).startswith(str(settings.MEDIA_ROOT))


@pytest.mark.django_db
def test_a_failed_transaction_leaves_no_stored_file(conference, settings):
    upload = paper_files.uploaded(paper_files.valid_pdf())
    inspected = upload_inspect(upload, kinds=BOTH, max_bytes=MB)
    paper = PaperFactory(conference=conference)

    with pytest.raises(RuntimeError), stored_files_removed_on_error(), transaction.atomic():
        revision = PaperRevision(paper=paper, number=1, title=paper.title)
        upload_store(revision=revision, upload=upload, inspected=inspected)
        revision.save()
        raise RuntimeError("a later step failed")

    assert PaperRevision.objects.count() == 0
    assert list((settings.PRIVATE_MEDIA_ROOT / "papers").rglob("*.pdf")) == []


@pytest.mark.django_db
def test_a_refused_upload_stores_nothing(conference, settings):
    upload = SimpleUploadedFile("x.pdf", paper_files.pdf_with_javascript())

    with pytest.raises(ValidationError):
        upload_inspect(upload, kinds=BOTH, max_bytes=MB)

    assert not (settings.PRIVATE_MEDIA_ROOT / "papers").exists()
