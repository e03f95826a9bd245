"""Figures a delegate adds to their paper for the proceedings: service, pages, API, organizer page."""

import io
import os

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from conferences.models import Paper, PaperFigure
from conferences.services.paper_decisions import paper_decide
from conferences.services.papers import paper_submit
from conferences.services.proceedings import paper_figure_add, paper_figure_remove
from core.exceptions import ApplicationError
from tests.conferences.paper_helpers import delegate_with_link, open_call_kwargs, submission

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Keep the throttles' counters in memory, not in the shared file cache of earlier runs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def conference_kwargs():
    return {**open_call_kwargs(), "publish": True}


@pytest.fixture
def delegate(conference):
    return delegate_with_link(conference)


@pytest.fixture
def other(conference):
    return delegate_with_link(conference, number=2)


@pytest.fixture
def paper(delegate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        return paper_submit(**submission(delegate[0]))


def png(width=400, height=200, color="teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name="hinh.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def stored_figure_files(settings) -> list[str]:
    root = settings.PRIVATE_MEDIA_ROOT / "figures"
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def lock(paper):
    paper_decide(paper=paper, status=Paper.Status.ACCEPTED)
    paper.refresh_from_db()
    assert paper.locked_at is not None


# The service ---------------------------------------------------------------------------------------------


def test_the_submitting_link_adds_figures_in_order_and_removes_them(
    paper, delegate, settings, django_capture_on_commit_callbacks
):
    registration = delegate[0]
    first = paper_figure_add(
        paper=paper, upload=upload(png()), caption=" Sơ đồ  quy trình ", registration=registration
    )
    second = paper_figure_add(paper=paper, upload=upload(png(color="navy")), registration=registration)
    assert [(f.pk, f.position) for f in paper.figures.order_by("position")] == [(first.pk, 0), (second.pk, 1)]
    assert first.caption == "Sơ đồ quy trình"
    assert len(stored_figure_files(settings)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        paper_figure_remove(paper=paper, figure_id=first.pk, registration=registration)
    assert list(paper.figures.values_list("pk", flat=True)) == [second.pk]
    assert stored_figure_files(settings) == [os.fspath(settings.PRIVATE_MEDIA_ROOT / second.image.name)]
    # A later figure comes after the last one, not into the freed place.
    third = paper_figure_add(paper=paper, upload=upload(png()), registration=registration)
    assert third.position == 2


def test_another_link_and_a_locked_paper_are_refused(paper, delegate, other, settings):
    with pytest.raises(ApplicationError, match="Only the delegate who sent this paper"):
        paper_figure_add(paper=paper, upload=upload(png()), registration=other[0])
    figure = paper_figure_add(paper=paper, upload=upload(png()), registration=delegate[0])
    lock(paper)
    with pytest.raises(ApplicationError):
        paper_figure_add(paper=paper, upload=upload(png()), registration=delegate[0])
    with pytest.raises(ApplicationError):
        paper_figure_remove(paper=paper, figure_id=figure.pk, registration=delegate[0])
    assert list(paper.figures.all()) == [figure]
    assert len(stored_figure_files(settings)) == 1


def test_the_stored_file_goes_when_the_row_cannot_be_written(paper, delegate, settings, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(PaperFigure, "save", broken_save)
    with pytest.raises(RuntimeError):
        paper_figure_add(paper=paper, upload=upload(png()), registration=delegate[0])
    assert stored_figure_files(settings) == []


# The delegate's pages ------------------------------------------------------------------------------------


def page_url(token, paper) -> str:
    return reverse("conferences:delegate-paper", args=[token, paper.pk])


def add_url(token, paper) -> str:
    return reverse("conferences:delegate-paper-figure-new", args=[token, paper.pk])


def test_the_delegate_adds_sees_and_removes_a_figure_on_the_paper_page(client, paper, delegate):
    token = delegate[1]
    page = client.get(page_url(token, paper))
    assert page.status_code == 200
    assert "Hình 1" in page.content.decode()  # how to refer to figures in the text
    assert f'action="{add_url(token, paper)}"' in page.content.decode()

    added = client.post(add_url(token, paper), {"file": upload(png()), "caption": "Số hồ sơ mỗi năm"})
    assert added.status_code == 302
    figure = paper.figures.get()
    assert figure.caption == "Số hồ sơ mỗi năm"
    shown = client.get(page_url(token, paper)).content.decode()
    assert "Số hồ sơ mỗi năm" in shown
    image = client.get(reverse("conferences:delegate-paper-figure", args=[token, paper.pk, figure.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")

    removed = client.post(
        reverse("conferences:delegate-paper-figure-delete", args=[token, paper.pk, figure.pk])
    )
    assert removed.status_code == 302
    assert not paper.figures.exists()


def test_hostile_and_oversized_images_are_refused_next_to_the_file_input(client, paper, delegate, settings):
    token = delegate[1]
    svg = client.post(add_url(token, paper), {"file": upload(SVG, "hinh.svg"), "caption": ""})
    assert svg.status_code == 400
    assert svg.context["figure_form"].errors["file"]

    # A PNG header with 50,000 x 50,000 pixels is refused before decoding.
    huge = io.BytesIO()
    Image.new("1", (50_000, 50_000)).save(huge, format="PNG")
    bomb = client.post(add_url(token, paper), {"file": upload(huge.getvalue())})
    assert bomb.status_code == 400 and bomb.context["figure_form"].errors["file"]

    # Past 10 MB the upload stops while it streams in.
    big = client.post(
        add_url(token, paper), {"file": upload(b"\x89PNG\r\n\x1a\n" + b"\0" * (10 * 1024 * 1024))}
    )
    assert big.status_code == 400
    assert any("10 MB" in e for e in big.context["figure_form"].errors["file"])
    assert not paper.figures.exists()
    assert stored_figure_files(settings) == []


def test_another_link_gets_404_and_a_locked_paper_shows_no_upload(client, paper, delegate, other):
    figure = paper_figure_add(paper=paper, upload=upload(png()), registration=delegate[0])
    stranger = other[1]
    assert client.post(add_url(stranger, paper), {"file": upload(png())}).status_code == 404
    assert (
        client.get(
            reverse("conferences:delegate-paper-figure", args=[stranger, paper.pk, figure.pk])
        ).status_code
        == 404
    )
    delete = reverse("conferences:delegate-paper-figure-delete", args=[stranger, paper.pk, figure.pk])
    assert client.post(delete).status_code == 404
    assert paper.figures.count() == 1

    lock(paper)
    token = delegate[1]
    page = client.get(page_url(token, paper)).content.decode()
    assert f'action="{add_url(token, paper)}"' not in page
    refused = client.post(add_url(token, paper), {"file": upload(png())})
    assert refused.status_code == 400
    assert refused.context["figure_form"].non_field_errors()
    assert paper.figures.count() == 1


def test_organizers_see_the_figures_on_the_paper_page(client, organizer, paper, delegate):
    figure = paper_figure_add(paper=paper, upload=upload(png()), caption="Biểu đồ", registration=delegate[0])
    client.force_login(organizer)
    page = client.get(reverse("conferences:organizer-paper", args=[paper.conference.slug, paper.pk]))
    assert page.status_code == 200
    image_url = reverse(
        "conferences:organizer-paper-figure", args=[paper.conference.slug, paper.pk, figure.pk]
    )
    assert image_url in page.content.decode() and "Biểu đồ" in page.content.decode()
    assert client.get(image_url)["Content-Type"] == "image/png"


# The API -------------------------------------------------------------------------------------------------


def delegate_api(token: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Delegate {token}")
    return client


def figures_url(paper, *rest) -> str:
    return (
        "/".join([f"/api/v1/conferences/{paper.conference.slug}/papers/{paper.pk}/figures", *map(str, rest)])
        + "/"
    )


def test_api_delegate_adds_lists_and_removes_figures(paper, delegate, organizer):
    api = delegate_api(delegate[1])
    first = api.post(
        figures_url(paper), {"file": upload(png()), "caption": "Hình ảnh hội nghị"}, format="multipart"
    )
    assert first.status_code == 201, first.json()
    second = api.post(figures_url(paper), {"file": upload(png(color="red"))}, format="multipart")
    listed = second.json()
    assert [(f["number"], f["caption"]) for f in listed] == [(1, "Hình ảnh hội nghị"), (2, "")]

    organizers = APIClient()
    organizers.force_authenticate(organizer)
    assert organizers.get(figures_url(paper)).json() == listed
    assert organizers.post(figures_url(paper), {"file": upload(png())}, format="multipart").status_code == 403

    removed = api.delete(figures_url(paper, listed[0]["id"]))
    assert removed.status_code == 200
    assert [(f["number"], f["id"]) for f in removed.json()] == [(1, listed[1]["id"])]


def test_api_refuses_hostile_files_other_links_and_locked_papers(paper, delegate, other):
    api = delegate_api(delegate[1])
    svg = api.post(figures_url(paper), {"file": upload(SVG, "x.svg")}, format="multipart")
    assert svg.status_code == 400
    assert "file" in svg.json()["errors"]
    big = api.post(
        figures_url(paper),
        {"file": upload(b"\x89PNG\r\n\x1a\n" + b"\0" * (10 * 1024 * 1024))},
        format="multipart",
    )
    assert big.status_code == 400 and "file" in big.json()["errors"]

    stranger = delegate_api(other[1])
    assert stranger.get(figures_url(paper)).status_code == 404
    assert stranger.post(figures_url(paper), {"file": upload(png())}, format="multipart").status_code == 404
    figure = paper_figure_add(paper=paper, upload=upload(png()), registration=delegate[0])
    assert stranger.delete(figures_url(paper, figure.pk)).status_code == 404

    lock(paper)
    locked = api.post(figures_url(paper), {"file": upload(png())}, format="multipart")
    assert locked.status_code == 400
    assert "locked" in locked.json()["message"]
    assert api.delete(figures_url(paper, figure.pk)).status_code == 400
    assert paper.figures.count() == 1
