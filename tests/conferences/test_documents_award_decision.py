"""The award decision and the ceremony's running sheet, read back from their PDFs."""

import io

import pytest
from pypdf import PdfReader

from conferences.documents.award_decision import (
    award_decision_context,
    award_decision_filename,
    render_award_decision,
)
from conferences.documents.ceremony_running_sheet import render_ceremony_running_sheet
from conferences.selectors.ceremony import award_decision_get, ceremony_running_order
from tests.conferences.ceremony_helpers import (
    HAI_PHONG,
    PERSON,
    PERSON_CITATION,
    QUANG_NINH,
    QUANG_NINH_CITATION,
    model_decision,
    two_batches,
)
from tests.conferences.document_helpers import grid_tables, laid_in_chunks

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference_kwargs():
    return {"legal_basis": "Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng Chính phủ"}


def pages_text(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_decision_pdf_reads_back_with_its_number_grounds_articles_and_annex(conference):
    decision, _awards = model_decision(conference)

    pages = pages_text(render_award_decision(award_decision_get(conference=conference, pk=decision.pk)))

    first, annex = pages[0], " ".join(pages[1:])
    assert "Số: 01/QĐ-BKHCN" in first
    assert "Hà Nội, ngày 05 tháng 4 năm 2021" in first
    assert "QUYẾT ĐỊNH" in first
    assert "Về việc tặng Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ" in first
    assert "BỘ TRƯỞNG BỘ KHOA HỌC VÀ CÔNG NGHỆ" in first
    # Signed in April 2021: the 2003 law (amended 2005, 2013) applied, then the reviewed decision.
    assert "Căn cứ Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003" in first
    assert "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng Chính phủ;" in first
    assert (
        "Điều 1. Tặng Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ cho 02 tập thể và 01 cá nhân "
        "(có danh sách kèm theo)" in first
    )
    assert "Điều 2. Quyết định này có hiệu lực kể từ ngày ký." in first
    assert "Điều 3." in first and "Nơi nhận:" in first and "- Như Điều 3;" in first
    assert "KT. BỘ TRƯỞNG THỨ TRƯỞNG" in first and "Trần Văn B" in first
    # The annex on a page of its own: its title, the reference to the decision, one row per recipient.
    assert QUANG_NINH not in first
    assert "DANH SÁCH" in annex
    assert (
        "(Kèm theo Quyết định số 01/QĐ-BKHCN ngày 05 tháng 4 năm 2021 của Bộ Khoa học và Công nghệ)" in annex
    )
    # The collectives, then the individuals, each part numbered from 1 under its heading.
    assert f"I. TẬP THỂ STT Tên tập thể, cá nhân Thành tích 1 {QUANG_NINH} {QUANG_NINH_CITATION}" in annex
    assert f"2 {HAI_PHONG}" in annex
    assert (
        f"II. CÁ NHÂN STT Tên tập thể, cá nhân Thành tích 1 {PERSON}, Phó Giám đốc {PERSON_CITATION}" in annex
    )
    assert annex.index(HAI_PHONG) < annex.index("II. CÁ NHÂN")
    assert "(Danh sách có 3 tập thể, cá nhân)" in annex
    assert award_decision_filename(decision) == "quyet-dinh-01-2021.pdf"


def test_annex_has_fixed_columns_as_wide_as_before(conference):
    decision, _awards = model_decision(conference)
    decision = award_decision_get(conference=conference, pk=decision.pk)

    tables = grid_tables("documents/award_decision.html", award_decision_context(decision))

    # One table per part (collectives, individuals): 12 mm of number plus padding and borders;
    # 38 % for the recipient, as the cells said before.
    assert tables == [("fixed", [0.096, 0.38, 0.524])] * 2


def test_decision_for_one_recipient_names_it_in_article_1(conference):
    decision, awards = model_decision(conference)
    awards[1].delete()
    awards[2].delete()

    first = pages_text(render_award_decision(award_decision_get(conference=conference, pk=decision.pk)))[0]

    assert f"cho {QUANG_NINH} (có danh sách kèm theo)" in first


def test_running_sheet_lists_each_batch_its_presenter_and_recipients_in_reading_order(conference):
    _decision, awards = model_decision(conference)
    two_batches(conference, awards)

    text = " ".join(
        pages_text(
            render_ceremony_running_sheet(
                conference=conference, batches=ceremony_running_order(conference=conference)
            )
        )
    )

    assert "KỊCH BẢN TRAO THƯỞNG" in text
    assert "Công bố Quyết định số 01/QĐ-BKHCN ngày 05 tháng 4 năm 2021" in text
    assert "Số đợt lên sân khấu: 2; số tập thể, cá nhân được khen thưởng: 3." in text
    batch_1 = text.index("Đợt 1: Tập thể xuất sắc Trao thưởng: Bộ trưởng Nguyễn Văn A")
    batch_2 = text.index("Đợt 2: Tập thể và cá nhân Trao thưởng: Thứ trưởng Trần Văn B")
    assert batch_1 < text.index(QUANG_NINH_CITATION) < batch_2 < text.index(HAI_PHONG) < text.index(PERSON)
    assert f"{PERSON}, Phó Giám đốc {PERSON_CITATION}" in text


def test_a_batch_longer_than_a_page_starts_under_the_intro_with_no_recipient_cut(conference):
    from conferences.services.awards import award_create
    from conferences.services.ceremony import ceremony_batches_set
    from conferences.services.organizations import organization_create
    from tests.conferences.ceremony_helpers import awards_item

    decision, awards = model_decision(conference)
    awards += [
        award_create(
            decision=decision,
            category=awards[0].category,
            citation=f"{QUANG_NINH_CITATION} (lần {n})",
            recipient_organization=organization_create(name=f"Sở Khoa học và Công nghệ tỉnh số {n}"),
        )
        for n in range(1, 15)
    ]
    ceremony_batches_set(
        conference=conference,
        agenda_item=awards_item(conference),
        batches=[{"title": "Tập thể", "presenter": "Bộ trưởng", "award_ids": [award.pk for award in awards]}],
    )

    pages = pages_text(
        render_ceremony_running_sheet(
            conference=conference, batches=ceremony_running_order(conference=conference)
        )
    )

    assert len(pages) >= 2
    assert "Đợt 1: Tập thể Trao thưởng: Bộ trưởng" in pages[0]  # not pushed onto the next page
    for n in range(1, 15):  # each recipient's name and citation on one page
        assert any(f"tỉnh số {n} {QUANG_NINH_CITATION} (lần {n})" in page for page in pages), n


def test_a_long_running_sheet_gives_each_batch_a_page_and_numbers_every_page_but_the_first(
    conference, monkeypatch, render_helper
):
    from conferences.documents import ceremony_running_sheet

    monkeypatch.setattr(ceremony_running_sheet, "LONG_SHEET_AWARDS", 3)  # "long" from the model's three
    _decision, awards = model_decision(conference)
    two_batches(conference, awards)

    pages = pages_text(
        render_ceremony_running_sheet(
            conference=conference, batches=ceremony_running_order(conference=conference)
        )
    )

    assert len(pages) == 2
    assert pages[0].count("KỊCH BẢN TRAO THƯỞNG") == 1 and "Đợt 1: Tập thể xuất sắc" in pages[0]
    assert pages[1].startswith("Đợt 2: Tập thể và cá nhân Trao thưởng: Thứ trưởng Trần Văn B")
    assert "KỊCH BẢN TRAO THƯỞNG" not in pages[1] and "Số đợt lên sân khấu: 2" in pages[0]
    assert pages[1].endswith(" 2") and not pages[0].endswith(" 1")
    assert HAI_PHONG in pages[1] and PERSON in pages[1] and QUANG_NINH_CITATION in pages[0]


def test_a_long_annex_starts_the_individuals_on_a_page_and_numbers_every_page_but_the_first(
    conference, monkeypatch, render_helper
):
    from conferences.documents import award_decision

    monkeypatch.setattr(award_decision, "LONG_ANNEX_AWARDS", 3)  # "long" from the model's three
    decision, _awards = model_decision(conference)

    pdf = render_award_decision(award_decision_get(conference=conference, pk=decision.pk))
    pages = pages_text(pdf)

    assert laid_in_chunks(pdf) == bool(render_helper)

    individuals = next(n for n, page in enumerate(pages) if "II. CÁ NHÂN" in page)
    assert pages[individuals].startswith(f"II. CÁ NHÂN STT Tên tập thể, cá nhân Thành tích 1 {PERSON}")
    assert HAI_PHONG in pages[individuals - 1] and "I. TẬP THỂ" in pages[individuals - 1]
    text = " ".join(pages)
    assert text.count("Điều 1.") == 1 and text.count("DANH SÁCH") == 1 and "Số: 01/QĐ-BKHCN" in pages[0]
    assert "(Danh sách có 3 tập thể, cá nhân)" in pages[-1] and "Danh sách có" not in pages[individuals - 1]
    for number, page in enumerate(pages[1:], start=2):
        assert page.endswith(f" {number}"), page[-40:]
    assert not pages[0].endswith(" 1")
    reader = PdfReader(
        io.BytesIO(render_award_decision(award_decision_get(conference=conference, pk=decision.pk)))
    )
    assert reader.metadata.title == "Quyết định 01/QĐ-BKHCN"
