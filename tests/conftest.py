import contextlib
import datetime

import pytest
from django.utils import timezone, translation

from conferences.services.conferences import conference_create
from conferences.services.organizations import organization_create
from config.celery import app as celery_app
from tests.smtp_sink import SMTPSink


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Keep uploaded files, generated PDFs and mail of each test in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages raised by services outside a request are asserted in English.

    Requests choose their own language (Vietnamese unless the client asks for
    English), so the pages are still tested in Vietnamese.
    """
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Run tasks in-process in unit tests; integration tests send them to a real worker."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("://")[0]
    return f"hoinghi: database {db['ENGINE'].rsplit('.', 1)[-1]}, broker {broker}://"


@pytest.fixture
def run_commit_tasks(django_capture_on_commit_callbacks):
    """A block after which the tasks its commit sends run, as a worker would run them.

    What those tasks leave for after their own commit (the delivery of the notices
    they wrote) does not run, so their rows are seen as written: pending or held.
    """

    @contextlib.contextmanager
    def block():
        with django_capture_on_commit_callbacks() as callbacks:
            yield callbacks
        for callback in list(callbacks):
            callback()

    return block


@pytest.fixture
def conference(db):
    """A draft conference ten days ahead; test modules that need another one define their own."""
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    start = timezone.now() + datetime.timedelta(days=10)
    return conference_create(
        title_vi="Hội nghị sơ kết Quyết định 19",
        host=host,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
    )


@pytest.fixture
def smtp_sink(settings):
    """Point Django's SMTP backend at a real local SMTP server for the test."""
    with SMTPSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        yield sink


def pytest_configure(config):
    # The entry points make the local folders (SQLite's among them); pytest is one too.
    from config.local_dirs import ensure_local_dirs

    ensure_local_dirs()
