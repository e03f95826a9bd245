"""Accepted, locked papers and a published agenda for the proceedings tests, and reading the book back."""

import io
import subprocess

from django.core.files.base import ContentFile
from django.utils import timezone

from conferences.models import AgendaItem, FileKind, Paper, PaperRevision
from conferences.services.agenda_publishing import agenda_publish
from tests.factories import AgendaItemFactory, PaperFactory

BODY = """## Mở đầu

Quyết định 19 đã được triển khai ở **63 tỉnh, thành phố**. Đường, Ưu tiên, Ứng dụng, Ổn định.

| Năm | Số cơ quan |
| --- | --- |
| 2019 | 120 |

- Một
- Hai
"""


def accepted_paper(
    conference, *, title: str, body: str = BODY, pdf: bytes | None = None, authors=None
) -> Paper:
    """A paper accepted with its final revision locked: Markdown text, or only an uploaded PDF."""
    paper = PaperFactory(conference=conference, title=title, status=Paper.Status.ACCEPTED)
    revision = PaperRevision(
        paper=paper,
        number=1,
        title=title,
        abstract=f"Tóm tắt của {title}: kết quả, khó khăn và kiến nghị.",
        body="" if pdf is not None else body,
        authors=authors
        if authors is not None
        else [{"full_name": "Nguyễn Thị Hương", "organization_name": "Sở Khoa học và Công nghệ Hà Nội"}],
    )
    if pdf is not None:
        revision.file.save("paper.pdf", ContentFile(pdf), save=False)
        revision.file_kind = FileKind.PDF
        revision.file_sha256 = __import__("hashlib").sha256(pdf).hexdigest()
    revision.save()
    Paper.objects.filter(pk=paper.pk).update(
        final_revision=revision, current_revision=revision, locked_at=timezone.now()
    )
    paper.refresh_from_db()
    return paper


def publish_agenda_of(conference, papers: list[Paper]):
    """Publish an agenda presenting these papers in this order, in equal slots of the conference's time."""
    slot = (conference.ends_at - conference.starts_at) / max(len(papers), 1)
    for index, paper in enumerate(papers):
        starts_at = conference.starts_at + index * slot
        AgendaItemFactory(
            conference=conference,
            starts_at=starts_at,
            ends_at=starts_at + slot,
            title=paper.title[:400],
            kind=AgendaItem.Kind.PAPER,
            paper=paper,
        )
    return agenda_publish(conference=conference)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as pdftotext lays it out (the text a reader copies)."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]


def outline_titles(pdf: bytes) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark, depth first."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return found


def images_drawn(page) -> list:
    """The images a page draws, those inside its form XObjects (a joined book's body pages) too."""
    found = []

    def walk(resources):
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject["/Subtype"] == "/Image":
                found.append(xobject)
            elif xobject["/Subtype"] == "/Form" and "/Resources" in xobject:
                walk(xobject["/Resources"].get_object())

    walk(page["/Resources"].get_object())
    return found
