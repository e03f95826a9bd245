import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.uploads import SizeLimitUploadHandler, too_large_message
from tests.core.upload_urls import LIMIT, RecordingUploadHandler

pytestmark = pytest.mark.urls("tests.core.upload_urls")

BIG = 5 * 1024 * 1024


@pytest.fixture(autouse=True)
def _recording_handlers(settings):
    settings.FILE_UPLOAD_HANDLERS = [
        "tests.core.upload_urls.RecordingUploadHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    RecordingUploadHandler.received = 0


def file_of(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("tham-luan.pdf", b"%PDF-" + b"x" * (size - 5), content_type="application/pdf")


def test_a_body_over_the_limit_stops_at_the_first_chunk_past_it(client):
    response = client.post("/plain/", {"title": "Tham luận", "file": file_of(BIG)}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    report = response.json()
    assert report["refusal"] == "The file is larger than the limit of 0.1 MB."
    assert report["files"] == {}
    assert report["title"] == "Tham luận"  # The other fields are kept, to show the form again.
    # 64 KB chunks: the second one passes 100 KB; the 5 MB file would be 80 of them.
    assert report["chunks"] == 2
    assert LIMIT < report["received"] <= 2 * SizeLimitUploadHandler.chunk_size
    # The handlers that store the file got only what was below the limit, never the rest.
    assert 0 < RecordingUploadHandler.received <= SizeLimitUploadHandler.chunk_size


def test_a_file_within_the_limit_is_handed_to_the_view(client):
    response = client.post("/plain/", {"title": "x", "file": file_of(LIMIT)})

    report = response.json()
    assert report["refusal"] is None
    assert report["files"] == {"file": LIMIT}
    assert RecordingUploadHandler.received == LIMIT


def test_the_limit_counts_all_files_of_the_request(client):
    response = client.post(
        "/plain/", {"a": file_of(LIMIT // 2 + 1), "b": file_of(LIMIT // 2 + 1)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.json()["refusal"] == "The file is larger than the limit of 0.1 MB."


def test_the_limited_view_still_checks_csrf():
    client = Client(enforce_csrf_checks=True)

    refused = client.post("/plain/", {"file": file_of(10)})
    client.cookies["csrftoken"] = "a" * 32
    accepted = client.post("/plain/", {"csrfmiddlewaretoken": "a" * 32, "file": file_of(10)})

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert accepted.json()["files"] == {"file": 10}


def test_an_api_upload_over_the_limit_is_a_400_that_says_why(client):
    response = client.post("/api/", {"title": "x", "file": file_of(BIG)}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {
        "message": "Some fields are not valid.",
        "code": "invalid",
        "errors": {"file": ["The file is larger than the limit of 0.1 MB."]},
    }
    assert 0 < RecordingUploadHandler.received <= SizeLimitUploadHandler.chunk_size


def test_an_api_upload_within_the_limit_is_parsed(client):
    response = client.post("/api/", {"title": "x", "file": file_of(1000)})

    assert response.status_code == 200
    assert response.json() == {"title": "x", "files": {"file": 1000}}


@pytest.mark.parametrize(("limit", "text"), [(10 * 1024 * 1024, "10"), (1536 * 1024, "1.5")])
def test_too_large_message_says_the_limit_in_megabytes(limit, text):
    assert too_large_message(limit) == f"The file is larger than the limit of {text} MB."
