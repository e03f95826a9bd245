import contextlib

import pytest
from django.utils import translation

from conferences.models import Conference, Organization
from conferences.services.organizations import organization_create
from config.celery import app as celery_app
from tests.factories import ConferenceRoleFactory, RoomFactory, conference_build
from tests.smtp_sink import SMTPSink


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Keep uploaded files, generated PDFs and mail of each test in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
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


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass skips what reads the same on any database, to stay in CI's time budget."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    skip = pytest.mark.skip(reason="sqlite_only: the same on any database; run in the SQLite pass")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("://")[0]
    return f"hoinghi: database {db['ENGINE'].rsplit('.', 1)[-1]}, broker {broker}://"


@pytest.fixture
def host(db) -> Organization:
    """The Ministry of Science and Technology: host of the tests' conferences and issuer of their letters."""
    return organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")


@pytest.fixture
def conference_kwargs() -> dict:
    """How a test module's `conference` differs from the default one, as conference_build's keywords.

    A module overrides this fixture to ask for the conference it needs, e.g.
    `return {"publish": True, "slug": "so-ket-19", "starts_at": local(2021, 4, 9, 8, 0)}`;
    a module whose conference has another host overrides `host`.
    """
    return {}


@pytest.fixture
def conference(host, conference_kwargs) -> Conference:
    """The conference a test is about.

    Unless `conference_kwargs` says otherwise: a draft of `host` titled
    "Hội nghị sơ kết Quyết định 19", ten days ahead and four hours long.
    """
    return conference_build(host, **conference_kwargs)


@pytest.fixture
def room_a(conference):
    return RoomFactory(conference=conference, name="Phòng A")


@pytest.fixture
def room_b(conference):
    return RoomFactory(conference=conference, name="Phòng B")


@pytest.fixture
def organizer(conference):
    """A user who organizes `conference`.

    Without a password: tests log in with force_login, and hashing one costs half a second.
    """
    return ConferenceRoleFactory(conference=conference, user__password=None).user


@pytest.fixture
def organizer_client(client, organizer):
    """The test module's `client`, logged in as `organizer`."""
    client.force_login(organizer)
    return client


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
