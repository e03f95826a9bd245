"""Helpers for the tests of certificate generation: a stand-in renderer and the people to certify."""

import io

import pytest
from pypdf import PdfWriter

from conferences.services import certificate_generation
from tests.factories import PersonFactory, RegistrationFactory


def tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF that names its certificate in its title."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=100)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class FakeRenderer:
    """Stands in for the documents layer: records each call's ids; can fail on the next call."""

    def __init__(self):
        self.calls: list[list[int]] = []
        self.fail_with: Exception | None = None

    def __call__(self, certificate_ids):
        from conferences.models import Certificate

        self.calls.append(list(certificate_ids))
        if self.fail_with is not None:
            error, self.fail_with = self.fail_with, None
            raise error
        certificates = list(Certificate.objects.filter(pk__in=certificate_ids).order_by("serial"))
        return [(c, tiny_pdf(c.serial)) for c in certificates]


@pytest.fixture
def fake_renderer(monkeypatch) -> FakeRenderer:
    renderer = FakeRenderer()
    monkeypatch.setattr(certificate_generation, "render_pdfs", renderer)
    return renderer


def checked_in(conference, count: int, *, email: bool = True) -> list:
    """`count` confirmed registrations of `conference` that have checked in."""
    from django.utils import timezone

    return [
        RegistrationFactory(
            conference=conference,
            person=PersonFactory() if email else PersonFactory(email=""),
            checked_in_at=timezone.now(),
        )
        for _n in range(count)
    ]
