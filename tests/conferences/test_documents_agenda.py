"""The Chương trình PDF of a large published agenda: every item, both days, fixed columns."""

import io
import time

import pytest
from pypdf import PdfReader

from conferences import tasks
from conferences.documents.agenda import LONG_AGENDA_ITEMS, agenda_context, render_agenda_pdf
from conferences.models import AgendaVersion
from devtools.data import agenda_at_scale
from tests.conferences.document_helpers import grid_tables, laid_in_chunks

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(monkeypatch):
    # The publishing task is not what these tests look at.
    monkeypatch.setattr(tasks.prepare_agenda_version, "delay", lambda *args: None)
    conference, _link = agenda_at_scale(
        slug="ct-lon", host_code="BKHCN-CT", items=48, registrations=0, rooms=8, days=2
    )
    return AgendaVersion.objects.select_related("conference__host__parent").get(conference=conference)


def test_scale_data_spreads_the_items_over_the_rooms_and_days(version):
    days = {item["date"] for item in version.items}
    rooms = {item["room"] for item in version.items}
    assert days == {"2021-04-08", "2021-04-09"}
    assert rooms == {f"Phòng {n}01" for n in range(1, 9)}
    assert version.conference.ends_at.date().isoformat() == "2021-04-09"


def test_scale_data_refuses_more_items_than_the_days_hold():
    with pytest.raises(ValueError, match="do not fit"):
        agenda_at_scale(items=1000, rooms=3, days=3)


def test_agenda_tables_have_fixed_columns_on_every_page(version):
    tables = grid_tables("documents/agenda.html", agenda_context(version))
    assert len(tables) >= 3  # Two days, the first running onto a second page.
    assert {layout for layout, _widths in tables} == {"fixed"}
    assert {tuple(widths) for _layout, widths in tables} == {(0.22, 0.48, 0.3)}


def test_agenda_pdf_lists_every_item_with_its_room_and_both_days(version):
    reader = PdfReader(io.BytesIO(render_agenda_pdf(version)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Thời gian: thứ Năm, ngày 08 tháng 4 năm 2021" in text
    assert "Thời gian: thứ Sáu, ngày 09 tháng 4 năm 2021" in text
    for n in range(1, 49):
        assert f"Tham luận số {n}: kết quả xây dựng" in text
    assert "Phòng 801" in text


@pytest.fixture
def long_version(monkeypatch):
    monkeypatch.setattr(tasks.prepare_agenda_version, "delay", lambda *args: None)
    conference, _link = agenda_at_scale(
        slug="ct-dai", host_code="BKHCN-CTD", items=LONG_AGENDA_ITEMS + 4, registrations=0, rooms=8, days=3
    )
    return AgendaVersion.objects.select_related("conference__host__parent").get(conference=conference)


def _page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_long_agenda_starts_each_day_on_a_page_and_numbers_every_page_but_the_first(
    long_version, render_helper
):
    pages = _page_texts(render_agenda_pdf(long_version))
    text = " ".join(pages)

    starts = [n for n, page in enumerate(pages) if "Thời gian: thứ" in page]
    assert len(starts) == 3 and starts[0] == 0
    for start in starts[1:]:  # the second and third days head pages of their own
        assert pages[start].startswith("Thời gian: thứ"), pages[start][:40]
    # Laid over the chunks' pages, or in the page's margin: either way their text comes last.
    for number, page in enumerate(pages[1:], start=2):
        assert page.endswith(f" {number}"), page[-40:]
    assert not pages[0].endswith(" 1")
    assert text.count("CHƯƠNG TRÌNH") == 1 and text.count("Độc lập - Tự do - Hạnh phúc") == 1
    assert text.count("Phiên bản 1, công bố") == 1 and "Phiên bản 1, công bố" in pages[-1]
    for n in range(1, LONG_AGENDA_ITEMS + 5):
        assert f"Tham luận số {n}: kết quả xây dựng" in text


def test_a_long_agenda_has_the_same_pages_with_or_without_a_helper(long_version):
    from conferences.documents import workers

    alone = render_agenda_pdf(long_version)
    workers.keep_helpers(1, wait=60)
    try:
        helper = workers._kept.processes[0].pid
        helped = render_agenda_pdf(long_version)
        chunk_pids = workers.run_chunks(
            [b"", b""], handler="tests.conferences.test_documents_agenda:chunk_process", kept_only=True
        )
    finally:
        workers.stop_kept_helpers()

    assert laid_in_chunks(helped) and not laid_in_chunks(alone)
    assert [sorted(page.split()) for page in _page_texts(helped)] == [
        sorted(page.split()) for page in _page_texts(alone)
    ]
    for pdf in (alone, helped):
        metadata = PdfReader(io.BytesIO(pdf)).metadata
        assert metadata.title == f"Chương trình – {long_version.conference.title_vi}"
    assert helper in chunk_pids  # the helper the agenda's chunks go to does take chunks


def chunk_process(_payload) -> int:
    import os

    time.sleep(0.5)
    return os.getpid()


def test_a_short_agenda_flows_from_day_to_day_in_one_piece(version):
    pages = _page_texts(render_agenda_pdf(version))
    second_day = next(n for n, page in enumerate(pages) if "thứ Sáu, ngày 09" in page)

    assert "thứ Năm, ngày 08" not in pages[second_day]  # the first day ends on this page
    assert pages[second_day].index("thứ Sáu") > 40
