"""A hostile paper cannot make the proceedings read local files, reach the network or print active content.

Two layers are tried: the paper as it really arrives (Markdown with raw HTML, sanitised by
core.markdown), and the same HTML handed to WeasyPrint unsanitised, where the restricted
fetcher alone must refuse every file and URL.
"""

import base64
import io
import socket
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conferences.models import Job, Proceedings
from conferences.services.proceedings import paper_figure_add, proceedings_build
from tests.conferences.proceedings_helpers import accepted_paper, page_texts, publish_agenda_of
from tests.factories import ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWD_LINE = Path("/etc/passwd").read_text().splitlines()[0]  # "root:x:0:0:..."
SETTINGS_TEXT = "CELERY_TASK_ROUTES"  # a line of config/settings.py
# A render of this small book takes about a second; the hostile one must not take much more.
NORMAL_SECONDS = 20


@pytest.fixture
def listener():
    """A TCP socket on a loopback port that counts the connections it receives."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    yield server
    server.close()


def _connections(server) -> int:
    count = 0
    while True:
        try:
            connection, _address = server.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def _hostile_body(port: int) -> str:
    url = f"http://127.0.0.1:{port}"
    entity_svg = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY leak SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><text y="50">&leak;</text></svg>'
    )
    entity_uri = "data:image/svg+xml;base64," + base64.b64encode(entity_svg.encode()).decode()
    return f"""## Nội dung độc hại

Đoạn mở đầu vẫn được in.

<img src="file:///etc/passwd">
<link rel="attachment" href="file:///etc/passwd">
<link rel="stylesheet" href="{url}/style.css">
<style>@import url("{url}/import.css"); body {{ background: url("{url}/bg.png"); }}</style>
<p style="background-image: url('{url}/inline.png')">Đoạn có nền.</p>
<img src="../../config/settings.py"><a href="../../config/settings.py">cài đặt</a>
<img src="{url}/img.png">
![ảnh]({url}/markdown.png)
<iframe src="{url}/frame"></iframe>
<object data="file:///etc/passwd" type="text/plain"></object>
<embed src="{url}/embed">
<script>document.write("SCRIPT" + "-RAN")</script>
<img src="{entity_uri}">
<svg xmlns="http://www.w3.org/2000/svg" width="50000" height="50000">
<rect width="50000" height="50000"/></svg>
<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/><image href="{url}/svg.png"/></svg>

Đoạn kết vẫn được in.
"""


def _build(conference, capture) -> tuple[Proceedings, bytes, float]:
    started = time.monotonic()
    with capture(execute=True):
        result = proceedings_build(conference=conference, kind="book", variant="standard", user=UserFactory())
    elapsed = time.monotonic() - started
    result.job.refresh_from_db()
    assert result.job.status == Job.Status.DONE, result.job.error
    build = Proceedings.objects.get(pk=result.job.result["proceedings"])
    with build.file.open("rb") as handle:
        return build, handle.read(), elapsed


def _assert_clean(pdf: bytes, server) -> None:
    from pypdf import PdfReader

    text = " ".join(" ".join(page_texts(pdf)).split())
    assert "Đoạn mở đầu vẫn được in." in text and "Đoạn kết vẫn được in." in text
    for leaked in (PASSWD_LINE, "root:x:0", SETTINGS_TEXT, "SECRET_KEY", "SCRIPT-RAN"):
        assert leaked not in text
        assert leaked.encode() not in pdf
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})
    assert b"/EmbeddedFile" not in pdf and b"/JavaScript" not in pdf
    assert _connections(server) == 0


@pytest.mark.parametrize("where", ["paper", "foreword"])
def test_hostile_markdown_builds_in_normal_time_with_nothing_of_it(
    where, listener, django_capture_on_commit_callbacks
):
    port = listener.getsockname()[1]
    conference = ConferenceFactory(
        proceedings_foreword=_hostile_body(port)
        if where == "foreword"
        else "Đoạn mở đầu vẫn được in. Đoạn kết vẫn được in."
    )
    paper = accepted_paper(
        conference,
        title="Tham luận độc hại",
        body=_hostile_body(port) if where == "paper" else "Bình thường.",
    )
    publish_agenda_of(conference, [paper])
    _, pdf, elapsed = _build(conference, django_capture_on_commit_callbacks)
    assert elapsed < NORMAL_SECONDS
    _assert_clean(pdf, listener)


def test_fetcher_alone_refuses_everything_when_the_html_is_not_sanitised(
    listener, monkeypatch, django_capture_on_commit_callbacks
):
    """Defence in depth: even raw HTML reaches no file and no server through WeasyPrint."""
    port = listener.getsockname()[1]
    monkeypatch.setattr("conferences.documents.proceedings.markdown_to_html", lambda text: text)
    conference = ConferenceFactory()
    paper = accepted_paper(conference, title="Tham luận độc hại", body=_hostile_body(port))
    publish_agenda_of(conference, [paper])
    _, pdf, elapsed = _build(conference, django_capture_on_commit_callbacks)
    assert elapsed < NORMAL_SECONDS
    _assert_clean(pdf, listener)


def _image_upload(data: bytes, name="hinh.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_figures_take_only_real_png_or_jpeg_of_sane_size():
    conference = ConferenceFactory()
    paper = accepted_paper(conference, title="Tham luận có hình")
    svg = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'
    with pytest.raises(ValidationError) as refused:
        paper_figure_add(paper=paper, upload=_image_upload(svg, "hinh.svg"))
    assert "file" in refused.value.message_dict

    # A PNG whose header claims 50,000 x 50,000 pixels is refused before it is decoded.
    huge = io.BytesIO()
    Image.new("1", (50_000, 50_000)).save(huge, format="PNG")
    started = time.monotonic()
    with pytest.raises(ValidationError):
        paper_figure_add(paper=paper, upload=_image_upload(huge.getvalue()))
    assert time.monotonic() - started < 5

    ok = io.BytesIO()
    Image.new("RGB", (3000, 1500), "navy").save(ok, format="PNG")
    figure = paper_figure_add(paper=paper, upload=_image_upload(ok.getvalue()), caption="Biểu đồ số liệu")
    assert (figure.width, figure.height) == (2000, 1000)  # scaled down to a page's worth of pixels
    assert figure.image.name.startswith(f"figures/{conference.pk}/")
    assert paper.figures.count() == 1 and settings.PRIVATE_MEDIA_ROOT
