"""The Chương trình PDF of a large published agenda: every item, both days, fixed columns."""

import io

import pytest
from pypdf import PdfReader

from conferences import tasks
from conferences.documents.agenda import agenda_context, render_agenda_pdf
from conferences.models import AgendaVersion
from devtools.data import agenda_at_scale
from tests.conferences.document_helpers import grid_tables

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
