"""Tasks that never ran (lost by the broker) are sent again by the beat sweep, and run once."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from conferences.models import AgendaVersion, Invitation
from conferences.services.agenda_publishing import agenda_publish
from conferences.services.invitation_sending import invitation_revoke, invitation_send
from conferences.services.stalled import stalled_work_redispatch
from notifications.models import Notification
from tests.conferences.invitation_helpers import make_invitation, notices
from tests.factories import ConferenceFactory, RegistrationFactory, local
from tests.factories import agenda_item_build as add

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("invitation_settings")]

LONG_AGO = datetime.timedelta(minutes=20)


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def lost(django_capture_on_commit_callbacks, call):
    """Run `call` and drop the tasks its commit would send, as a broker that lost them would."""
    with django_capture_on_commit_callbacks() as callbacks:
        result = call()
    assert callbacks, "the call sent no task to lose"
    return result


def test_a_lost_publish_task_is_sent_again_and_prepares_the_version_once(django_capture_on_commit_callbacks):
    conference = ConferenceFactory()  # 9 April 2021, 08:00-12:00
    RegistrationFactory(conference=conference)
    add(conference, (9, 0), (9, 15), "Khai mạc")
    version = lost(django_capture_on_commit_callbacks, lambda: agenda_publish(conference=conference))
    fresh = stalled_work_redispatch()
    AgendaVersion.objects.filter(pk=version.pk).update(published_at=timezone.now() - LONG_AGO)

    first = stalled_work_redispatch()
    second = stalled_work_redispatch()

    assert fresh == {
        "agenda_versions": 0,
        "letters": 0,
        "certificate_jobs": 0,
        "proceedings_jobs": 0,
    }  # Not stalled yet: the worker may be slow.
    assert first == {"agenda_versions": 1, "letters": 0, "certificate_jobs": 0, "proceedings_jobs": 0}
    assert second == {"agenda_versions": 0, "letters": 0, "certificate_jobs": 0, "proceedings_jobs": 0}
    version.refresh_from_db()
    assert version.prepared_at is not None


def test_a_lost_letter_is_written_once_and_held_for_an_organizer(
    conference, django_capture_on_commit_callbacks
):
    invitation = make_invitation(conference)
    lost(django_capture_on_commit_callbacks, lambda: invitation_send(invitation=invitation, hold=False))
    assert notices(invitation).count() == 0
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - LONG_AGO)

    first = stalled_work_redispatch()
    second = stalled_work_redispatch()

    assert (first, second) == (
        {"agenda_versions": 0, "letters": 1, "certificate_jobs": 0, "proceedings_jobs": 0},
        {"agenda_versions": 0, "letters": 0, "certificate_jobs": 0, "proceedings_jobs": 0},
    )
    letters = notices(invitation)
    assert sorted(letters.values_list("recipient_address", flat=True)) == [
        "lanhdao1@so.gov.vn",
        "vanthu1@so.gov.vn",
    ]
    assert set(letters.values_list("state", flat=True)) == {Notification.State.HELD}


def test_the_sweep_leaves_written_revoked_and_old_sends_alone(
    conference, django_capture_on_commit_callbacks, run_commit_tasks
):
    written = make_invitation(conference, 1)
    with run_commit_tasks():
        invitation_send(invitation=written)
    revoked = make_invitation(conference, 2)
    lost(django_capture_on_commit_callbacks, lambda: invitation_send(invitation=revoked))
    invitation_revoke(invitation=revoked, reason="Gửi nhầm")
    old = make_invitation(conference, 3)
    lost(django_capture_on_commit_callbacks, lambda: invitation_send(invitation=old))
    Invitation.objects.filter(pk__in=[written.pk, revoked.pk]).update(sent_at=timezone.now() - LONG_AGO)
    Invitation.objects.filter(pk=old.pk).update(sent_at=local(2021, 4, 1, 8, 0))

    assert stalled_work_redispatch() == {
        "agenda_versions": 0,
        "letters": 0,
        "certificate_jobs": 0,
        "proceedings_jobs": 0,
    }
    assert notices(written).count() == 2
    assert notices(revoked).count() == notices(old).count() == 0


def test_the_sweep_reads_the_letters_of_many_sends_in_a_fixed_number_of_queries(
    conference, django_capture_on_commit_callbacks, run_commit_tasks, django_assert_max_num_queries
):
    for n in range(12):
        with run_commit_tasks():
            invitation_send(invitation=make_invitation(conference, n))
    Invitation.objects.update(sent_at=timezone.now() - LONG_AGO)

    # Stalled versions, candidate invitations, the notices under their keys, stalled certificate
    # and proceedings jobs: however many sends.
    with django_assert_max_num_queries(5):
        assert stalled_work_redispatch() == {
            "agenda_versions": 0,
            "letters": 0,
            "certificate_jobs": 0,
            "proceedings_jobs": 0,
        }
