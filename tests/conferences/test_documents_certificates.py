"""Certificate faces as PDFs: what each face prints, its QR code, its paper, and the split files."""

import io
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from conferences.documents.certificate_faces import certificate_context
from conferences.documents.certificates import CertificateLayoutError, render_certificate_pdfs
from conferences.models import Certificate, PaperAuthor
from conferences.selectors.certificates import certificates_for_rendering
from conferences.services.certificates import certificate_issue
from tests.factories import (
    MODEL_CASE,
    AwardCategoryFactory,
    AwardDecisionFactory,
    AwardFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://hoinghi.example.gov.vn"
DELEGATES = ["Nguyễn Thị Ánh Tuyết", "Đặng Văn Hưởng", "Trần Quốc Khánh"]
AGENCY = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
CITATION = (
    "Đã có thành tích xuất sắc trong việc xây dựng, áp dụng Hệ thống quản lý chất lượng theo "
    "Tiêu chuẩn quốc gia TCVN ISO 9001 giai đoạn 2015 - 2020"
)


@pytest.fixture
def conference_kwargs():
    return {**MODEL_CASE, "venue_name": "Hội trường tầng 1, Bộ Khoa học và Công nghệ"}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.DOCUMENT_PLACE = "Hà Nội"


@pytest.fixture
def agency():
    return OrganizationFactory(name=AGENCY, code="SKHCN-QN")


def attend(conference, agency, name: str, *, kind=Certificate.Kind.ATTENDANCE) -> Certificate:
    person = PersonFactory(full_name=name, organization=agency)
    registration = RegistrationFactory(conference=conference, person=person, organization=agency)
    return certificate_issue(
        conference=conference, kind=kind, recipient_person=person, registration=registration
    )


def text_of(data: bytes) -> str:
    """The PDF's text, NFC, with line breaks folded to spaces (long lines wrap)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def rendered(certificates) -> list[bytes]:
    return render_certificate_pdfs(certificates_for_rendering(ids=[c.pk for c in certificates]))


@pytest.fixture
def award_certificate(conference, agency):
    decision = AwardDecisionFactory(conference=conference)
    award = AwardFactory(
        decision=decision,
        category=AwardCategoryFactory(page_width_mm=400, page_height_mm=300),
        recipient_organization=agency,
        citation=CITATION,
        register_number="QN-2021-17",
    )
    return certificate_issue(
        conference=conference, kind=Certificate.Kind.AWARD, recipient_organization=agency, award=award
    )


def test_attendance_face_reads_back_with_holder_agency_conference_serial_and_code(conference, agency):
    certificate = attend(conference, agency, "Nguyễn Thị Ánh Tuyết")

    [data] = rendered([certificate])

    text = text_of(data)
    assert "GIẤY CHỨNG NHẬN" in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert AGENCY in text
    assert "BỘ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "Đã tham dự Hội nghị sơ kết Quyết định 19" in text
    assert "ngày 09 tháng 4 năm 2021" in text
    assert f"Số: {certificate.serial}" in text
    assert f"Mã xác minh: {certificate.verification_code}" in text


def mediabox_mm(data: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return float(box.width) * 25.4 / 72, float(box.height) * 25.4 / 72


def decode_qr(data: bytes, tmp_path) -> list[str]:
    """Print the page at 150 dpi with poppler and read every QR code on it with zbar."""
    pdf = tmp_path / "face.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", pdf, tmp_path / "face"], check=True)
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", tmp_path / "face.png"], capture_output=True, text=True, check=False
    )
    return found.stdout.split()


needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbar-tools is not installed (scripts/install-system-deps.sh)"
)


def test_speaker_face_names_the_paper_the_speaker_presents(conference, agency):
    certificate = attend(conference, agency, "Đặng Văn Hưởng", kind=Certificate.Kind.SPEAKER)
    paper = PaperFactory(
        conference=conference,
        title="Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh",
        status="accepted",
        presenting_organization=agency,
    )
    PaperAuthor.objects.create(paper=paper, person=certificate.recipient_person, order=1, is_presenter=True)

    [data] = rendered([certificate])

    text = text_of(data)
    assert "Đặng Văn Hưởng" in text
    assert (
        "Đã trình bày tham luận “Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh” tại "
        "Hội nghị sơ kết Quyết định 19" in text
    )
    assert f"Số: {certificate.serial}" in text


def test_award_face_reads_back_with_citation_decision_and_signer(award_certificate):
    [data] = rendered([award_certificate])

    text = text_of(data)
    decision = award_certificate.award.decision
    assert "BỘ TRƯỞNG BỘ KHOA HỌC VÀ CÔNG NGHỆ TẶNG BẰNG KHEN" in text
    assert AGENCY in text
    assert CITATION in text
    assert f"Quyết định số {decision.document.formatted} ngày 05/04/2021" in text
    assert decision.document.formatted == "01/QĐ-BKHCN"
    assert "Số sổ vàng: QN-2021-17" in text
    assert "Hà Nội, ngày 05 tháng 4 năm 2021 KT. BỘ TRƯỞNG THỨ TRƯỞNG" in text
    assert "Lê Xuân Định" in text
    assert f"Mã xác minh: {award_certificate.verification_code}" in text


def test_award_face_prints_on_the_category_paper(award_certificate):
    [data] = rendered([award_certificate])

    width, height = mediabox_mm(data)
    assert abs(width - 400) <= 1 * 25.4 / 72 and abs(height - 300) <= 1 * 25.4 / 72


def test_award_face_of_a_portrait_category_prints_portrait(award_certificate):
    award_certificate.award.category.__class__.objects.filter(pk=award_certificate.award.category_id).update(
        page_width_mm=210, page_height_mm=297
    )

    [data] = rendered([award_certificate])

    width, height = mediabox_mm(data)
    assert round(width) == 210 and round(height) == 297


def test_attendance_face_is_a4_landscape(conference, agency):
    [data] = rendered([attend(conference, agency, "Trần Quốc Khánh")])

    width, height = mediabox_mm(data)
    assert round(width) == 297 and round(height) == 210


@needs_zbar
def test_qr_code_of_each_face_decodes_to_its_verify_url(conference, agency, award_certificate, tmp_path):
    attendance = attend(conference, agency, "Nguyễn Thị Ánh Tuyết")

    files = rendered([attendance, award_certificate])

    assert decode_qr(files[0], tmp_path) == [f"{SITE}/xac-minh/{attendance.verification_code}/"]
    assert decode_qr(files[1], tmp_path) == [f"{SITE}/xac-minh/{award_certificate.verification_code}/"]


def test_a_chunk_with_a_very_long_name_still_gives_one_page_per_certificate(conference, agency):
    # 191 characters: the longest a person's name may be is 200 (PostgreSQL enforces it; SQLite does not).
    long_name = "Công Tằng Tôn Nữ Thị " + " ".join(["Phương Quỳnh Hương"] * 9)
    certificates = [
        attend(conference, agency, "Nguyễn Thị Ánh Tuyết"),
        attend(conference, agency, long_name),
        attend(conference, agency, "Đặng Văn Hưởng"),
    ]

    files = rendered(certificates)

    assert [len(PdfReader(io.BytesIO(f)).pages) for f in files] == [1, 1, 1]
    assert long_name in text_of(files[1])
    assert "Đặng Văn Hưởng" in text_of(files[2])
    assert (
        certificate_context(certificates_for_rendering(ids=[certificates[1].pk])[0])["holder_fit"] == "fit-5"
    )


def test_a_face_that_cannot_fit_raises_naming_its_certificate(conference, agency, award_certificate):
    award = award_certificate.award
    award.category.__class__.objects.filter(pk=award.category_id).update(
        page_width_mm=100, page_height_mm=100
    )
    award.__class__.objects.filter(pk=award.pk).update(citation=CITATION * 13)
    first = attend(conference, agency, "Nguyễn Thị Ánh Tuyết")

    with pytest.raises(CertificateLayoutError, match=f"Certificate {award_certificate.serial} .*one page"):
        rendered([first, award_certificate])


def test_split_files_name_only_their_own_holder(conference, agency, award_certificate):
    certificates = [attend(conference, agency, name) for name in DELEGATES]

    files = rendered(certificates)

    assert len(files) == 3
    for certificate, data in zip(certificates, files, strict=True):
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 1
        assert reader.metadata.title == f"Giấy chứng nhận tham dự – {certificate.serial}"
        assert reader.metadata.author == "Bộ Khoa học và Công nghệ"
        text = text_of(data)
        assert certificate.recipient_name in text
        for other in DELEGATES:
            if other != certificate.recipient_name:
                assert other not in text
                for encoding in ("utf-8", "utf-16-be"):
                    assert other.encode(encoding) not in data
                    assert other.split()[-1].encode(encoding) not in data


def test_split_files_carry_only_the_image_of_their_own_qr_code(conference, agency, award_certificate):
    files = rendered([attend(conference, agency, name) for name in DELEGATES] + [award_certificate])

    images = []
    for data in files:
        xobjects = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/XObject"].get_object()
        # The chunk's pages share one resources dictionary; each split file keeps only its QR code.
        assert len(xobjects) == 1
        [image] = [ref.get_object() for ref in xobjects.values()]
        assert (image["/Subtype"], image["/Width"], image["/Interpolate"]) == ("/Image", 41, False)
        assert data.count(b"/Subtype /Image") == 1
        images.append(image.get_data())
    assert len(set(images)) == 4


@needs_zbar
def test_each_split_file_carries_only_its_own_qr_code(conference, agency, tmp_path):
    certificates = [attend(conference, agency, name) for name in DELEGATES]

    files = rendered(certificates)

    for certificate, data in zip(certificates, files, strict=True):
        assert decode_qr(data, tmp_path) == [f"{SITE}/xac-minh/{certificate.verification_code}/"]


def test_rendering_a_chunk_takes_two_queries(conference, agency, django_assert_max_num_queries):
    ids = [attend(conference, agency, f"Nguyễn Văn Thử {n}").pk for n in range(4)]
    ids.append(attend(conference, agency, "Đặng Văn Hưởng", kind=Certificate.Kind.SPEAKER).pk)

    with django_assert_max_num_queries(2):
        files = render_certificate_pdfs(certificates_for_rendering(ids=ids))

    assert len(files) == 5


def test_certificates_for_rendering_keeps_the_order_of_the_ids(conference, agency):
    ids = [attend(conference, agency, name).pk for name in DELEGATES]

    found = certificates_for_rendering(ids=[ids[2], ids[0], 999_999, ids[1]])

    assert [c.pk for c in found] == [ids[2], ids[0], ids[1]]


def test_holder_is_the_name_the_agency_gave_for_the_registration(conference, agency):
    certificate = attend(conference, agency, "Nguyễn Thị Ánh Tuyết")
    certificate.registration.full_name = "Nguyễn Thị Ánh Tuyết (Phó Giám đốc)"
    certificate.registration.save()

    context = certificate_context(certificates_for_rendering(ids=[certificate.pk])[0])

    assert context["holder"] == "Nguyễn Thị Ánh Tuyết (Phó Giám đốc)"
    assert context["agency"] == AGENCY
    assert context["verify_url"] == f"{SITE}/xac-minh/{certificate.verification_code}/"


def test_an_nfd_name_prints_as_nfc(conference, agency):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    certificate = attend(conference, agency, "Trần Quốc Khánh")
    Certificate.objects.filter(pk=certificate.pk).update(recipient_name=nfd)

    [data] = rendered([certificate])

    raw = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Nguyễn Thị Ánh Tuyết" in raw


# The two layers: each face laid out once per chunk, each holder's own lines printed over it --------


def raster(data: bytes, tmp_path, name: str):
    """The page printed at 50 dpi by poppler, as a greyscale image."""
    from PIL import Image

    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-singlefile", pdf, tmp_path / name], check=True)
    return Image.open(tmp_path / f"{name}.pgm")


def test_a_chunk_of_one_conference_lays_its_face_out_once(conference, agency, monkeypatch):
    from conferences.documents import certificates

    laid_out = []
    render = certificates.render_document

    def counting(html, **kwargs):
        document = render(html, **kwargs)
        laid_out.append(len(document.pages))
        return document

    monkeypatch.setattr(certificates, "render_document", counting)
    people = [*DELEGATES, "Lê Thu Hằng", "Võ Đức Thắng"]

    files = rendered([attend(conference, agency, name) for name in people])

    assert laid_out == [2]  # the one face of the chunk and the atlas: no whole face, no page per holder
    assert [text_of(data).count(AGENCY) for data in files] == [1] * 5
    for name, data in zip(people, files, strict=True):
        assert name in text_of(data)


def test_a_layered_file_looks_like_the_whole_face(conference, agency, tmp_path):
    from PIL import ImageChops

    from conferences.documents.certificates import render_whole_faces

    [certificate] = certificates_for_rendering(ids=[attend(conference, agency, "Nguyễn Thị Ánh Tuyết").pk])

    [layered] = render_certificate_pdfs([certificate])
    [whole] = render_whole_faces([certificate])

    first, second = raster(layered, tmp_path, "layered"), raster(whole, tmp_path, "whole")
    assert first.size == second.size
    pixels = first.size[0] * first.size[1]
    ink = [first.histogram()[:128], second.histogram()[:128]]
    differing = ImageChops.difference(first, second).histogram()[96:]
    # The same face, lines and QR code in the same places. The layer prints the holder's name without
    # Pango's kerning, so the centred name may sit up to a point aside (about 0.3% of the pixels at
    # 50 dpi); a line missing or misplaced changes far more, and the amount of ink.
    assert sum(differing) < pixels * 0.004
    assert abs(sum(ink[0]) - sum(ink[1])) < sum(ink[1]) * 0.03


def test_pdftotext_reads_a_layered_face_in_order_with_its_diacritics(conference, agency, tmp_path):
    certificate = attend(conference, agency, "Đặng Văn Hưởng")
    [data] = rendered([certificate])
    (tmp_path / "face.pdf").write_bytes(data)

    text = subprocess.run(
        ["pdftotext", tmp_path / "face.pdf", "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]

    start = lines.index("Chứng nhận")
    assert lines[start + 1 : start + 3] == ["Đặng Văn Hưởng", AGENCY]
    assert lines[start + 3].startswith("Đã tham dự Hội nghị sơ kết Quyết định 19")
    assert f"Số: {certificate.serial}" in lines
    assert f"Mã xác minh: {certificate.verification_code}" in lines


def test_a_name_too_long_for_one_line_is_laid_out_whole_the_rest_layered(conference, agency, monkeypatch):
    from conferences.documents import certificates

    whole = []
    render_whole = certificates.render_whole_faces

    def recording(chunk, faces=None):
        whole.append([c.recipient_name for c in chunk])
        return render_whole(chunk, faces)

    monkeypatch.setattr(certificates, "render_whole_faces", recording)
    long_name = "Công Tằng Tôn Nữ Thị " + " ".join(["Phương Quỳnh Hương"] * 9)  # two lines even at fit-5

    files = rendered([attend(conference, agency, "Đặng Văn Hưởng"), attend(conference, agency, long_name)])

    assert whole == [[long_name]]
    assert "Đặng Văn Hưởng" in text_of(files[0]) and long_name in text_of(files[1])
    assert [len(PdfReader(io.BytesIO(data), strict=True).pages) for data in files] == [1, 1]


@pytest.mark.django_db(transaction=True)
def test_chunks_over_two_processes_give_each_certificate_its_own_file(conference, agency):
    from conferences.documents.certificates import render_certificate_chunks_parallel

    ids = [attend(conference, agency, f"Nguyễn Văn Thử {n}").pk for n in range(5)]

    files = render_certificate_chunks_parallel(ids, workers=2, chunk=2)

    assert list(files) == ids
    for n, pk in enumerate(ids):
        assert f"Nguyễn Văn Thử {n}" in text_of(files[pk])


def test_a_chunk_whose_atlas_cannot_be_read_is_laid_out_whole(conference, agency, monkeypatch):
    from conferences.documents import certificate_layers

    monkeypatch.setattr(certificate_layers, "read_atlas", lambda *args: None)
    certificates = [attend(conference, agency, name) for name in DELEGATES]

    files = rendered(certificates)

    for certificate, data in zip(certificates, files, strict=True):
        reader = PdfReader(io.BytesIO(data), strict=True)
        assert len(reader.pages) == 1 and certificate.recipient_name in text_of(data)
        assert reader.metadata.title == f"Giấy chứng nhận tham dự – {certificate.serial}"


def test_glyph_widths_are_read_in_both_forms_of_a_fonts_width_array():
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    from conferences.documents.certificate_layers import glyph_widths

    numbers = [NumberObject(n) for n in (3, 250, 17, 20, 500)]
    descendant = DictionaryObject(
        {
            NameObject("/DW"): NumberObject(1000),
            # 3: [250] (one width from glyph 3), then 17 20 500 (glyphs 17 to 20, each 500 wide)
            NameObject("/W"): ArrayObject([numbers[0], ArrayObject([numbers[1]]), *numbers[2:]]),
        }
    )
    font = DictionaryObject({NameObject("/DescendantFonts"): ArrayObject([descendant])})

    widths = glyph_widths(font)

    assert (widths[3], widths[17], widths[20], widths[4], widths[21]) == (250, 500, 500, 1000, 1000)
