import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from conferences.models import Conference, ConferenceRole
from conferences.selectors.notices import conference_notice_scope
from conferences.services.conferences import conference_create, conference_publish, conference_role_grant
from notifications.models import DeliveryAttempt, Notification
from notifications.services import Recipient, notify
from tests.conferences.notice_helpers import make_held_notices, make_notice

pytestmark = pytest.mark.django_db

State = Notification.State


def make_user(username: str, **fields):
    return get_user_model().objects.create_user(username=username, password="mat-khau-thu-nghiem", **fields)


def another_conference(conference):
    return conference_create(
        title_vi="Hội nghị tổng kết công tác pháp chế",
        host=conference.host,
        starts_at=conference.starts_at,
        ends_at=conference.ends_at,
    )


def slug_of(notification) -> str:
    """The slug of the conference whose scope the notice carries."""
    return Conference.objects.get(pk=int(notification.scope.split(":")[1])).slug


def outbox_url(conference) -> str:
    return f"/to-chuc/{conference.slug}/thong-bao/"


def detail_url(notification) -> str:
    return f"/to-chuc/{slug_of(notification)}/thong-bao/{notification.pk}/"


def bulk_url(conference) -> str:
    return f"/to-chuc/{conference.slug}/thong-bao/xu-ly/"


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def client():
    # Feedback is asserted in English, the source language of the messages.
    return Client(HTTP_ACCEPT_LANGUAGE="en")


# Access ------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client, conference):
    notice = make_notice(conference, 1)

    for url in (outbox_url(conference), detail_url(notice)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/dang-nhap/?next={url}"


def test_anonymous_post_changes_nothing(client, conference):
    notice = make_notice(conference, 1)

    response = client.post(bulk_url(conference), {"action": "approve", "ids": [str(notice.pk)]})

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")
    notice.refresh_from_db()
    assert notice.state == State.HELD


def test_another_user_gets_404_for_a_draft_and_403_once_published(client, conference):
    notice = make_notice(conference, 1)
    client.force_login(make_user("dai-bieu"))

    assert client.get(outbox_url(conference)).status_code == 404
    assert client.get(detail_url(notice)).status_code == 404
    conference_publish(conference=conference)
    assert client.get(outbox_url(conference)).status_code == 403
    assert client.get(detail_url(notice)).status_code == 403


def test_another_user_cannot_approve_through_the_page(client, conference):
    conference_publish(conference=conference)
    notice = make_notice(conference, 1)
    client.force_login(make_user("dai-bieu"))

    response = client.post(bulk_url(conference), {"action": "approve", "ids": [str(notice.pk)]})

    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.state == State.HELD


def test_notice_is_found_only_under_its_own_conference(client, conference, organizer):
    elsewhere = another_conference(conference)
    conference_role_grant(conference=elsewhere, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    notice = make_notice(conference, 1)
    client.force_login(organizer)

    assert client.get(detail_url(notice)).status_code == 200
    assert client.get(f"/to-chuc/{elsewhere.slug}/thong-bao/{notice.pk}/").status_code == 404


# Outbox ------------------------------------------------------------------------------------------------


def test_organizer_sees_the_outbox_with_counts(client, conference, organizer):
    for n, state in enumerate([State.HELD, State.HELD, State.SENT, State.DEAD]):
        make_notice(
            conference, n, state=state, last_error="550 5.1.1 User unknown" if state == "dead" else ""
        )
    client.force_login(organizer)

    response = client.get(outbox_url(conference))

    assert response.status_code == 200
    assert [(state, count) for state, _label, count in response.context["state_counts"]] == [
        ("held", 2),
        ("pending", 0),
        ("sending", 0),
        ("sent", 1),
        ("dead", 1),
        ("cancelled", 0),
    ]
    assert response.context["total"] == 4
    content = response.content.decode()
    assert content.count('<tr class="state-') == 4
    assert content.count('name="ids"') == 2  # only held and pending rows can be selected
    assert "550 5.1.1 User unknown" in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert 'value="approve"' in content and 'value="cancel"' in content


def test_outbox_filters_by_kind_state_and_recipient(client, conference, organizer):
    invitation = make_notice(conference, 1, recipient_name="Sở Tư pháp tỉnh Quảng Ninh")
    certificate = make_notice(conference, 2, kind="certificate", state=State.SENT)
    client.force_login(organizer)

    def listed(params) -> list:
        return [n.pk for n in client.get(outbox_url(conference), params).context["page_obj"]]

    assert listed({"kind": "certificate"}) == [certificate.pk]
    assert listed({"state": "held"}) == [invitation.pk]
    assert listed({"q": "Quảng Ninh"}) == [invitation.pk]
    assert listed({"q": "so2@"}) == [certificate.pk]
    # An unknown state is ignored rather than an error page.
    assert sorted(listed({"state": "lost"})) == sorted([invitation.pk, certificate.pk])


def test_outbox_paginates_60_rows_in_a_fixed_number_of_queries(
    client, conference, organizer, django_assert_max_num_queries
):
    make_held_notices(conference, 60)
    client.force_login(organizer)

    # Session, user, conference, organizer check, count, page, counts by state.
    with django_assert_max_num_queries(7):
        first = client.get(outbox_url(conference))

    assert first.content.decode().count('<tr class="state-') == 50
    second = client.get(outbox_url(conference), {"page": 2})
    assert second.content.decode().count('<tr class="state-') == 10
    assert 'href="?page=1"' in second.content.decode()


def test_approve_through_the_page_sends_the_selected_notices(
    client, conference, organizer, smtp_sink, django_capture_on_commit_callbacks
):
    first, second = notify(
        recipients=[
            Recipient(address="a@example.org", name="A"),
            Recipient(address="b@example.org", name="B"),
        ],
        kind="announcement",
        context={"conference": conference, "title": "Thay đổi phòng họp", "message": "Hội trường B."},
        idempotency_key="announcement:page",
        scope=conference_notice_scope(conference.pk),
        hold=True,
    )
    client.force_login(organizer)
    back = f"{outbox_url(conference)}?state=held"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            bulk_url(conference), {"action": "approve", "ids": [str(first.pk)], "next": back}
        )

    assert response.status_code == 302
    assert response["Location"] == back
    assert message_texts(response) == ["1 notice approved for sending."]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.SENT, State.HELD)
    assert smtp_sink.handler.message_ids == [first.message_id]


def test_cancel_through_the_page(client, conference, organizer):
    held = make_notice(conference, 1)
    sent = make_notice(conference, 2, state=State.SENT)
    client.force_login(organizer)

    response = client.post(bulk_url(conference), {"action": "cancel", "ids": [str(held.pk), str(sent.pk)]})

    assert response["Location"] == outbox_url(conference)
    assert message_texts(response) == [
        "1 notice cancelled.",
        "1 selected notice was left as it was: its state no longer allows this.",
    ]
    held.refresh_from_db()
    sent.refresh_from_db()
    assert (held.state, sent.state) == (State.CANCELLED, State.SENT)


def test_bulk_action_without_a_selection_changes_nothing(client, conference, organizer):
    notice = make_notice(conference, 1)
    client.force_login(organizer)

    response = client.post(bulk_url(conference), {"action": "approve"})

    assert response.status_code == 302
    assert message_texts(response) == ["Select at least one notice."]
    notice.refresh_from_db()
    assert notice.state == State.HELD


def test_bulk_action_ignores_ids_of_another_conference(client, conference, organizer):
    elsewhere = another_conference(conference)
    theirs = make_notice(elsewhere, 1)
    conference_role_grant(conference=elsewhere, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    client.force_login(organizer)

    # Even an organizer of both acts only on the conference in the address.
    response = client.post(bulk_url(conference), {"action": "approve", "ids": [str(theirs.pk)]})

    assert message_texts(response)[0] == "0 notices approved for sending."
    theirs.refresh_from_db()
    assert theirs.state == State.HELD


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/", "foo", "admin:index", ""])
def test_bulk_action_refuses_a_next_address_that_is_not_a_path_of_this_site(
    client, conference, organizer, back
):
    notice = make_notice(conference, 1)
    client.force_login(organizer)

    response = client.post(bulk_url(conference), {"action": "cancel", "ids": [str(notice.pk)], "next": back})

    assert response.status_code == 302
    assert response["Location"] == outbox_url(conference)
    assert message_texts(response) == ["1 notice cancelled."]
    notice.refresh_from_db()
    assert notice.state == State.CANCELLED


def test_bulk_action_with_a_bad_selection_and_next_foo_returns_to_the_outbox(client, conference, organizer):
    client.force_login(organizer)

    response = client.post(bulk_url(conference), {"action": "approve", "ids": ["nope"], "next": "foo"})

    assert response.status_code == 302
    assert response["Location"] == outbox_url(conference)
    assert message_texts(response) == ["The selection is not valid; reload the page and try again."]


# One notice --------------------------------------------------------------------------------------------


def test_detail_shows_the_delivery_log_and_a_sandboxed_preview(client, conference, organizer):
    notice = make_notice(
        conference,
        1,
        state=State.SENT,
        sent_at=timezone.now(),
        body_html='<p class="x">Kính gửi</p><script>alert("x")</script>',
        smtp_response="250 2.0.0 Ok",
    )
    DeliveryAttempt.objects.create(
        notification=notice,
        started_at=timezone.now(),
        worker="worker-1",
        outcome="retry",
        smtp_code=451,
        response="4.7.1 Greylisted, try again",
    )
    DeliveryAttempt.objects.create(
        notification=notice, started_at=timezone.now(), worker="worker-2", outcome="sent", smtp_code=250
    )
    client.force_login(organizer)

    response = client.get(detail_url(notice))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<tr class="outcome-') == 2
    assert "<td><code>4.7.1 Greylisted, try again</code></td>" in content
    assert "<td>451</td>" in content
    # The body is loaded into an iframe with an empty sandbox from the preview (which has its own
    # policy), never markup of this page: srcdoc would inherit this page's policy, which allows no
    # inline style.
    assert (
        f'<iframe class="preview" sandbox="" referrerpolicy="no-referrer" title="Message preview" '
        f'src="/api/v1/notifications/{notice.pk}/preview/"></iframe>'
    ) in content
    assert "Kính gửi</p>" not in content
    assert "alert" not in content
    assert "<script>" not in content
    assert f'action="{detail_url(notice)}gui-lai/"' in content  # a sent notice can be resent


def test_detail_of_a_text_notice_shows_it_in_pre(client, conference, organizer):
    notice = make_notice(conference, 1, body_text="Kính gửi <Sở>\nTrân trọng.")
    client.force_login(organizer)

    content = client.get(detail_url(notice)).content.decode()

    assert "Kính gửi &lt;Sở&gt;\nTrân trọng.</pre>" in content
    assert "<iframe" not in content
    assert "gui-lai/" not in content  # a held notice is approved or cancelled, not resent
    assert 'value="approve"' in content


def test_resend_through_the_page_creates_a_new_row(client, conference, organizer):
    notice = make_notice(conference, 1, state=State.DEAD, attempts=8)
    client.force_login(organizer)

    response = client.post(f"{detail_url(notice)}gui-lai/")

    copy = Notification.objects.get(resent_from=notice)
    assert response.status_code == 302
    assert response["Location"] == detail_url(copy)
    assert message_texts(response) == ["The notice was queued to be sent again."]
    assert (copy.state, copy.attempts, copy.recipient_address) == (State.PENDING, 0, "so1@example.vn")
    assert client.get(detail_url(copy)).status_code == 200


def test_resend_of_a_held_notice_is_refused_with_a_message(client, conference, organizer):
    notice = make_notice(conference, 1)
    client.force_login(organizer)

    response = client.post(f"{detail_url(notice)}gui-lai/")

    assert response["Location"] == detail_url(notice)
    assert message_texts(response) == ["Only a sent or failed notice can be sent again."]
    assert Notification.objects.count() == 1


# Conference page ---------------------------------------------------------------------------------------


def test_conference_page_shows_counts_and_the_outbox_link_to_organizers(client, conference, organizer):
    make_notice(conference, 1)
    make_notice(conference, 2, state=State.SENT)
    client.force_login(organizer)

    response = client.get(conference.get_absolute_url())

    assert response.context["notification_counts"] == {
        "held": 1,
        "pending": 0,
        "sending": 0,
        "sent": 1,
        "dead": 0,
        "cancelled": 0,
    }
    content = response.content.decode()
    assert "Notices: 1 held for approval · 0 pending · 1 sent · 0 failed" in content
    assert f'href="{outbox_url(conference)}"' in content


def test_conference_page_hides_the_outbox_from_the_public(client, conference):
    conference_publish(conference=conference)
    make_notice(conference, 1)

    response = client.get(conference.get_absolute_url())

    assert response.context["notification_counts"] is None
    assert outbox_url(conference) not in response.content.decode()
