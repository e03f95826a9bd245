import pytest

# The stand-in certificate renderer, for the tests of certificate jobs.
from tests.conferences.certificate_helpers import fake_renderer  # noqa: F401


@pytest.fixture
def invitation_settings(settings):
    """Reminders 7 and 2 days before the RSVP deadline, links kept 3 days after it, messages in English.

    For the tests of sending and answering invitations: `pytest.mark.usefixtures("invitation_settings")`.
    """
    settings.RSVP_REMINDER_DAYS = [7, 2]
    settings.RSVP_LINK_GRACE_DAYS = 3
    settings.LANGUAGE_CODE = "en"  # ApplicationError messages are asserted in the source language.


@pytest.fixture
def send(run_commit_tasks):
    """invitation_send, then the worker's task it sends on commit; return the e-mails of that send."""
    from conferences.services.invitation_sending import invitation_send
    from notifications.models import Notification

    def run(invitation, **kwargs) -> list[Notification]:
        with run_commit_tasks():
            sent = invitation_send(invitation=invitation, **kwargs)
        return list(Notification.objects.filter(idempotency_key__startswith=f"{letter_key(sent)}|"))

    return run


def letter_key(invitation) -> str:
    """The idempotency key of the e-mails of the invitation's latest send."""
    return f"invitation:{invitation.pk}:sent:v{invitation.send_count}"


@pytest.fixture(params=["alone", "with a kept helper"])
def render_helper(request):
    """Each long document both ways: laid out in one piece (a web process), and in chunks over a
    helper kept as a Celery worker process keeps one (documents/chunks.py)."""
    from conferences.documents import workers

    if request.param == "alone":
        yield 0
        return
    workers.keep_helpers(1, wait=60)
    try:
        yield workers.kept_helpers()
    finally:
        workers.stop_kept_helpers()
