"""The proceedings read back from the built PDF: pages, bookmarks, table of contents, text, order, reuse."""

import io
import re

import pytest
from pypdf import PdfReader

from conferences.documents.paper_text import render_paper_text_pdf
from conferences.models import Job, Organization, Proceedings
from conferences.services.proceedings import proceedings_build
from tests.conferences.proceedings_helpers import (
    accepted_paper,
    images_drawn,
    outline_titles,
    page_texts,
    publish_agenda_of,
)
from tests.factories import (
    ConferenceFactory,
    OrganizationFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UPLOADED_TITLE = "Tham luận tải lên của Sở Khoa học và Công nghệ Đắk Lắk"


def _uploaded_pdf(conference) -> bytes:
    body = "## Kết quả\n\n" + "Ứng dụng tiêu chuẩn ISO trong cơ quan hành chính nhà nước. " * 160
    return render_paper_text_pdf(
        organization=conference.host,
        title=UPLOADED_TITLE,
        authors=["Đỗ Văn Ước"],
        abstract="Tóm tắt.",
        body=body,
        conference_title=conference.title_vi,
    )


@pytest.fixture
def conference():
    conference = ConferenceFactory(proceedings_foreword="Kính gửi **các đại biểu** dự hội nghị.")
    papers = [
        accepted_paper(conference, title="Đổi mới quản lý chất lượng ở Ủy ban nhân dân tỉnh Quảng Ninh"),
        accepted_paper(conference, title=UPLOADED_TITLE, pdf=_uploaded_pdf(conference)),
        accepted_paper(conference, title="Ưu tiên số hóa hồ sơ một cửa", body="Nội dung. " * 900),
    ]
    # The agenda presents them in another order than they were made: the book follows the agenda.
    publish_agenda_of(conference, [papers[2], papers[0], papers[1]])
    return conference


@pytest.fixture(autouse=True)
def _builds_run_on_commit(django_capture_on_commit_callbacks):
    global _commit
    _commit = django_capture_on_commit_callbacks


def _build(conference, *, kind="book", variant="standard") -> Proceedings:
    """Build as an organizer does: the job's task runs when the request's transaction commits."""
    with _commit(execute=True):
        started = proceedings_build(conference=conference, kind=kind, variant=variant, user=UserFactory())
    if started.proceedings is not None:
        return started.proceedings
    started.job.refresh_from_db()
    assert started.job.status == Job.Status.DONE, started.job.error
    return Proceedings.objects.get(pk=started.job.result["proceedings"])


def _pdf(build: Proceedings) -> bytes:
    with build.file.open("rb") as handle:
        return handle.read()


def test_book_has_bookmarks_toc_pages_and_text_read_back(conference):
    build = _build(conference)
    pdf = _pdf(build)
    reader = PdfReader(io.BytesIO(pdf))
    texts = page_texts(pdf)

    assert build.pages == len(reader.pages) == len(texts)
    assert build.version == 1 and build.size == len(pdf)
    outline = outline_titles(pdf)
    papers = [(title, page) for level, title, page in outline if level == 2]
    # Every paper is a bookmark, in agenda order; the parts are bookmarks too.
    assert [title for title, _ in papers] == [
        "Ưu tiên số hóa hồ sơ một cửa",
        "Đổi mới quản lý chất lượng ở Ủy ban nhân dân tỉnh Quảng Ninh",
        UPLOADED_TITLE,
    ]
    parts = [title for level, title, _ in outline if level == 1]
    assert parts[:4] == ["Lời nói đầu", "Mục lục", "Chương trình hội nghị", "Các tham luận"]
    assert "Phụ lục: Danh sách đại biểu" not in parts  # Nobody registered: no annex.

    # Each title appears on its bookmarked page (the uploaded PDF's own text included) ...
    for title, page_index in papers:
        flat = " ".join(texts[page_index].split())
        assert title in flat, (title, page_index)
    # ... and the table of contents prints that page's number.
    toc_page = " ".join(next(t for t in texts if "MỤC LỤC" in t).split())
    for number, (title, page_index) in enumerate(papers, start=1):
        match = re.search(re.escape(f"{number}. ") + r".*?\.{3,} ?(\d+)", toc_page)
        assert match and int(match.group(1)) == page_index + 1, (title, toc_page)
        # The printed page number stands on that page (bottom of the page).
        assert texts[page_index].split()[-1] == str(page_index + 1)

    # The uploaded paper: its own pages, under the running header (the conference or its title).
    uploaded_index = papers[2][1]
    assert "Ứng dụng tiêu chuẩn ISO" in texts[uploaded_index + 1]
    assert texts[uploaded_index + 1].split()[-1] == str(uploaded_index + 2)
    header = texts[uploaded_index + 1].strip().split("\n")[0]
    assert conference.title_vi in header or UPLOADED_TITLE[:30] in " ".join(header.split())

    # Diacritics survive extraction; metadata and language say what the book is.
    whole = " ".join(" ".join(texts).split())
    assert "Đổi mới quản lý chất lượng ở Ủy ban nhân dân tỉnh Quảng Ninh" in whole
    assert "Kính gửi các đại biểu dự hội nghị." in whole
    assert reader.metadata.title == f"Kỷ yếu – {conference.title_vi}"
    assert reader.metadata.author == conference.host.name
    assert reader.metadata.subject == f"Kỷ yếu {conference.title_vi}"
    assert reader.trailer["/Root"]["/Lang"] == "vi"


def test_participants_annex_is_grouped_by_agency_kind_in_vietnamese_order(conference):
    ministry = OrganizationFactory(name="Bộ Khoa học và Công nghệ", kind=Organization.Kind.MINISTRY)
    province = OrganizationFactory(
        name="Ủy ban nhân dân tỉnh Bắc Ninh", kind=Organization.Kind.PROVINCIAL_COMMITTEE
    )
    # Given name first: Dũng < Đức < Hà < Uyên < Ưng; middle names before family names.
    for name, org in [
        ("Nguyễn Văn Ưng", province),
        ("Hoàng Văn An", province),  # first by name, but after every ministry's delegate
        ("Trần Thị Uyên", province),
        ("Lê Minh Đức", ministry),
        ("Đặng Văn Dũng", ministry),
        ("Phạm Thu Hà", ministry),
        ("Vũ Thu Hà", ministry),
        ("Bùi An Hà", ministry),
    ]:
        RegistrationFactory(conference=conference, person=PersonFactory(full_name=name, organization=org))
    texts = page_texts(_pdf(_build(conference)))
    annex = " ".join(" ".join(t.split()) for t in texts if "DANH SÁCH ĐẠI BIỂU" in t or "Bộ (" in t)
    order = [
        "Bộ",  # the group heading of ministries first
        "Đặng Văn Dũng",
        "Lê Minh Đức",
        "Bùi An Hà",
        "Phạm Thu Hà",
        "Vũ Thu Hà",
        "Hoàng Văn An",
        "Trần Thị Uyên",
        "Nguyễn Văn Ưng",
    ]
    positions = [annex.index(name) for name in order]
    assert positions == sorted(positions), annex


def test_unchanged_inputs_reuse_the_stored_book_and_a_changed_paper_makes_a_new_version(conference):
    first = _build(conference)
    jobs = Job.objects.count()
    again = proceedings_build(conference=conference, kind="book", variant="standard", user=UserFactory())
    assert again.job is None and again.proceedings == first
    assert Job.objects.count() == jobs

    paper = conference.papers.get(title__startswith="Ưu tiên")
    revision = paper.final_revision
    revision.body = "Nội dung mới."
    revision.save()
    second = _build(conference)
    assert second.pk != first.pk and second.version == 2
    assert first.file.storage.exists(first.file.name)  # the old build stays downloadable
    assert Proceedings.objects.filter(conference=conference).count() == 2


def test_book_of_abstracts_is_short_and_prints_no_bodies(conference):
    book = _build(conference)
    abstracts = _build(conference, kind="abstracts")
    texts = page_texts(_pdf(abstracts))
    whole = " ".join(" ".join(texts).split())
    assert abstracts.pages < book.pages
    assert "Tóm tắt của Ưu tiên số hóa hồ sơ một cửa" in whole
    assert "Nội dung. Nội dung." not in whole
    assert abstracts.version == 1


def test_pdfa_variant_has_pdfaid_part_and_embeds_every_font(conference):
    import subprocess

    build = _build(conference, variant="pdfa")
    pdf = _pdf(build)
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", xmp), xmp[:500]
    assert re.search(r"pdfaid:conformance(>|=\")B", xmp)
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts
    assert [t for level, t, _ in outline_titles(pdf) if level == 2]  # bookmarks kept after laying pages in


def test_print_variant_has_bleed_and_crop_marks(conference):
    standard = PdfReader(io.BytesIO(_pdf(_build(conference))))
    printed = PdfReader(io.BytesIO(_pdf(_build(conference, variant="print"))))
    bleed = 3 / 25.4 * 72  # 3 mm on every side
    assert float(printed.pages[0].mediabox.width) == pytest.approx(
        float(standard.pages[0].mediabox.width) + 2 * bleed, abs=0.5
    )
    trim = float(printed.pages[0].trimbox.width)
    assert trim == pytest.approx(float(standard.pages[0].mediabox.width), abs=1)


def test_awards_annex_and_paper_figures_are_printed(conference):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from conferences.services.proceedings import paper_figure_add
    from tests.factories import AwardFactory

    award = AwardFactory(
        decision__conference=conference,
        recipient_organization=OrganizationFactory(name="Sở Khoa học và Công nghệ Đồng Tháp"),
        citation="Đã có thành tích xuất sắc trong áp dụng ISO 9001",
    )
    image = io.BytesIO()
    Image.new("RGB", (800, 400), "teal").save(image, format="PNG")
    paper = conference.papers.get(title__startswith="Ưu tiên")
    paper_figure_add(
        paper=paper, upload=SimpleUploadedFile("h.png", image.getvalue()), caption="Số hồ sơ mỗi năm"
    )
    pdf = _pdf(_build(conference))
    texts = page_texts(pdf)
    whole = " ".join(" ".join(texts).split())
    assert f"Quyết định số {award.decision.document.formatted}" in whole
    assert "Sở Khoa học và Công nghệ Đồng Tháp" in whole
    assert "Đã có thành tích xuất sắc trong áp dụng ISO 9001" in whole
    assert "Hình 1. Số hồ sơ mỗi năm" in whole
    assert "Phụ lục: Khen thưởng" in [t for _level, t, _page in outline_titles(pdf)]
    reader = PdfReader(io.BytesIO(pdf))
    figure_page = next(i for i, t in enumerate(texts) if "Hình 1. Số hồ sơ mỗi năm" in " ".join(t.split()))
    assert images_drawn(reader.pages[figure_page])


def test_input_hash_follows_every_delegate_field_the_annex_prints(conference):
    from conferences.selectors.proceedings import proceedings_input_hash

    registration = RegistrationFactory(conference=conference, person=PersonFactory(full_name="Lê Văn Ưng"))
    before = proceedings_input_hash(conference=conference, kind="book")
    abstracts = proceedings_input_hash(conference=conference, kind="abstracts")
    assert proceedings_input_hash(conference=conference, kind="book") == before

    type(registration).objects.filter(pk=registration.pk).update(position="Phó Giám đốc Sở")
    assert proceedings_input_hash(conference=conference, kind="book") != before
    # The book of abstracts prints no delegates: its hash stays.
    assert proceedings_input_hash(conference=conference, kind="abstracts") == abstracts
    changed = proceedings_input_hash(conference=conference, kind="book")
    agency = OrganizationFactory(name="Sở Tư pháp tỉnh Điện Biên")
    type(registration).objects.filter(pk=registration.pk).update(organization=agency)
    assert proceedings_input_hash(conference=conference, kind="book") != changed
