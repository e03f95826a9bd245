import datetime

import pytest
from django.utils import timezone

from conferences.services.conferences import conference_create
from conferences.services.organizations import organization_create
from tests.smtp_sink import SMTPSink


@pytest.fixture
def conference(db):
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
