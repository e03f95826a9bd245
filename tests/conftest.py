import pytest
from django.utils import translation

from config.celery import app as celery_app


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
