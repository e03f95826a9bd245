"""A large book laid out in chunks over two processes, then numbered, headed and joined: read back.

The chunked book must read exactly as the same book laid out in one piece: every page's text
(running header, page number, table of contents' numbers) equal, and every bookmark on its page.
"""

import io
import re

import pytest
from pypdf import PdfReader

from conferences.documents import proceedings as documents
from conferences.documents.paper_text import render_paper_text_pdf
from conferences.models import Proceedings
from conferences.selectors.proceedings import proceedings_inputs
from tests.conferences.proceedings_helpers import (
    accepted_paper,
    outline_titles,
    page_texts,
    publish_agenda_of,
)
from tests.factories import (
    AwardFactory,
    ConferenceFactory,
    OrganizationFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

LONG = "Kết quả áp dụng ISO 9001 tại Ủy ban nhân dân các xã, phường, thị trấn. " * 120


@pytest.fixture
def conference():
    conference = ConferenceFactory(proceedings_foreword="Kính gửi **các đại biểu** dự hội nghị.")
    uploaded = render_paper_text_pdf(
        organization=conference.host,
        title="Tham luận tải lên",
        authors=["Đỗ Văn Ước"],
        abstract="Tóm tắt.",
        body="## Kết quả\n\n" + "Ứng dụng tiêu chuẩn ISO trong cơ quan hành chính nhà nước. " * 160,
        conference_title=conference.title_vi,
    )
    papers = [
        accepted_paper(
            conference,
            title=f"Tham luận số {n}: Đổi mới ở tỉnh Đắk Lắk",
            body=f"## Phần {n}\n\n" + LONG * (n % 3 + 1),
        )
        for n in range(1, 8)
    ]
    papers.insert(3, accepted_paper(conference, title="Tham luận tải lên", pdf=uploaded))
    publish_agenda_of(conference, papers)
    AwardFactory(
        decision__conference=conference, recipient_organization=OrganizationFactory(name="Sở Tư pháp")
    )
    agency = OrganizationFactory(name="Sở Nội vụ tỉnh Bắc Ninh")
    for n in range(60):
        RegistrationFactory(
            conference=conference, person=PersonFactory(full_name=f"Nguyễn Văn Ưng {n}", organization=agency)
        )
    return conference


def _books(conference, variant="standard"):
    inputs = proceedings_inputs(conference=conference, kind=Proceedings.Kind.BOOK)
    whole = documents.render_book(inputs, variant=variant, version=1)  # 8 papers: one piece
    chunked = documents.render_book(inputs, variant=variant, version=1, chunks=5)
    return whole, chunked


@pytest.mark.parametrize("variant", ["standard", "print"])
def test_chunked_book_reads_exactly_as_the_book_in_one_piece(conference, variant):
    whole, chunked = _books(conference, variant)

    assert chunked.pages == whole.pages == len(PdfReader(io.BytesIO(chunked.pdf)).pages)
    texts = page_texts(chunked.pdf)
    assert texts == page_texts(whole.pdf)
    assert outline_titles(chunked.pdf) == outline_titles(whole.pdf)
    first, joined = PdfReader(io.BytesIO(whole.pdf)).pages[-1], PdfReader(io.BytesIO(chunked.pdf)).pages[-1]
    assert (first.mediabox, first.trimbox) == (joined.mediabox, joined.trimbox)


def test_chunked_book_numbers_pages_continuously_and_its_toc_and_bookmarks_point_at_the_titles(conference):
    _whole, chunked = _books(conference)
    texts = page_texts(chunked.pdf)
    outline = outline_titles(chunked.pdf)

    # Every page after the two cover pages carries its own number, across the chunks' borders.
    assert [t.split()[-1] for t in texts[2:]] == [str(n) for n in range(3, len(texts) + 1)]
    papers = [(title, page) for level, title, page in outline if level == 2]
    assert len(papers) == 8 and papers[3][0] == "Tham luận tải lên"
    parts = [title for level, title, _ in outline if level == 1]
    assert parts == [
        "Lời nói đầu",
        "Mục lục",
        "Chương trình hội nghị",
        "Các tham luận",
        "Phụ lục: Khen thưởng",
        "Phụ lục: Danh sách đại biểu",
    ]
    toc = " ".join(" ".join(t.split()) for t in texts if "MỤC LỤC" in t)
    for number, (title, page_index) in enumerate(papers, start=1):
        assert title in " ".join(texts[page_index].split()), (title, page_index)
        match = re.search(re.escape(f"{number}. {title}") + r".*?\.{3,} ?(\d+)", toc)
        assert match and int(match.group(1)) == page_index + 1, (title, toc)
    # The uploaded paper's second page: its own text under the running header and the book's number.
    uploaded_index = papers[3][1]
    assert "Ứng dụng tiêu chuẩn ISO" in texts[uploaded_index + 1]
    # A right page's header is the paper on it; a left page's is the conference.
    right = next(i for i, (title, page) in enumerate(papers) if page % 2 == 0 and i != 3)
    assert papers[right][0][:20] in " ".join(texts[papers[right][1]].split("\n")[0].split())


def test_pdfa_variant_is_laid_out_in_one_piece_and_keeps_its_marks(conference):
    inputs = proceedings_inputs(conference=conference, kind=Proceedings.Kind.BOOK)
    book = documents.render_book(inputs, variant=Proceedings.Variant.PDFA, version=1, chunks=5)
    reader = PdfReader(io.BytesIO(book.pdf))
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert "pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
