import pytest


@pytest.fixture
def invitation_settings(settings):
    """Reminders 7 and 2 days before the RSVP deadline, links kept 3 days after it, messages in English.

    For the tests of sending and answering invitations: `pytest.mark.usefixtures("invitation_settings")`.
    """
    settings.RSVP_REMINDER_DAYS = [7, 2]
    settings.RSVP_LINK_GRACE_DAYS = 3
    settings.LANGUAGE_CODE = "en"  # ApplicationError messages are asserted in the source language.
