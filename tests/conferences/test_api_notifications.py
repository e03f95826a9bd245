import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from conferences.models import ConferenceRole
from conferences.selectors.notices import conference_notice_scope
from conferences.services.conferences import conference_publish, conference_role_grant
from conferences.services.organizations import organization_create
from notifications.models import DeliveryAttempt, Notification, NotificationAttachment
from notifications.services import Recipient, notify
from tests.conferences.notice_helpers import make_held_notices, make_notice
from tests.factories import conference_build

pytestmark = pytest.mark.django_db

State = Notification.State
LIST_URL = "/api/v1/notifications/"
APPROVE_URL = "/api/v1/notifications/approve/"
CANCEL_URL = "/api/v1/notifications/cancel/"
COUNTS_URL = "/api/v1/notifications/counts/"


def detail_url(notification) -> str:
    return f"/api/v1/notifications/{notification.pk}/"


def make_user(username: str, **fields):
    return get_user_model().objects.create_user(username=username, password="mat-khau-thu-nghiem", **fields)


@pytest.fixture
def client():
    # Messages are asserted in English; DRF ships Vietnamese translations of its own.
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def other_conference(db):
    return conference_build(
        organization_create(name="Bộ Tư pháp", code="BTP", kind="ministry"),
        title_vi="Hội nghị tổng kết công tác pháp chế",
        days_ahead=20,
        hours=3,
    )


@pytest.fixture
def outsider(other_conference):
    """An organizer, but of another conference."""
    user = make_user("to-chuc-khac")
    conference_role_grant(conference=other_conference, user=user, role=ConferenceRole.Role.ORGANIZER)
    return user


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()["results"]]


# Access ------------------------------------------------------------------------------------------------


def test_anonymous_gets_401_in_the_error_format(client, conference):
    make_notice(conference, 1)

    response = client.get(LIST_URL)

    assert response.status_code == 401
    assert response.json() == {
        "message": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "errors": {},
    }


def test_user_who_organizes_nothing_gets_403(client, conference):
    make_notice(conference, 1)
    client.force_login(make_user("dai-bieu"))

    response = client.get(LIST_URL)

    assert response.status_code == 403
    assert response.json() == {
        "message": "Only a conference's organizers can manage its notices.",
        "code": "permission_denied",
        "errors": {},
    }


def test_reviewer_is_not_an_organizer(client, conference):
    reviewer = make_user("phan-bien")
    conference_role_grant(conference=conference, user=reviewer, role=ConferenceRole.Role.REVIEWER)
    client.force_login(reviewer)

    assert client.get(LIST_URL).status_code == 403


def test_list_shows_only_the_conferences_the_user_organizes(client, conference, organizer, other_conference):
    mine = [make_notice(conference, n) for n in range(2)]
    make_notice(other_conference, 9)
    client.force_login(organizer)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert sorted(ids(response)) == sorted(str(n.pk) for n in mine)


def test_a_superuser_sees_every_conference_and_staff_status_none(client, conference, other_conference):
    # Staff status only opens the admin (issue 9.3): it was enough to read every conference's outbox.
    make_notice(conference, 1)
    make_notice(other_conference, 2)
    client.force_login(make_user("nhan-vien", is_staff=True))
    assert client.get(LIST_URL).status_code == 403

    client.force_login(make_user("quan-tri", is_staff=True, is_superuser=True))

    assert client.get(LIST_URL).json()["count"] == 2


def test_staff_without_a_role_sees_no_notice(client, conference):
    # Organizer rights come from the conference's roles; is_staff only opens the admin.
    make_notice(conference, 1)
    client.force_login(make_user("nhan-vien", is_staff=True))

    assert client.get(LIST_URL).status_code == 403


def test_list_item_fields(client, conference, organizer):
    notice = make_notice(conference, 1, state=State.DEAD, attempts=8, last_error="550 No such user")
    client.force_login(organizer)

    [item] = client.get(LIST_URL).json()["results"]

    assert item == {
        "id": str(notice.pk),
        "url": f"http://testserver/api/v1/notifications/{notice.pk}/",
        "conference": conference.slug,
        "kind": "invitation",
        "channel": "email",
        "state": "dead",
        "recipient_name": "Sở Khoa học và Công nghệ số 1",
        "recipient_address": "so1@example.vn",
        "subject": "Giấy mời dự hội nghị (1)",
        "attempts": 8,
        "sent_at": None,
        "next_attempt_at": None,
        "last_error": "550 No such user",
        "resent_from": None,
        "created_at": item["created_at"],
    }


def test_list_filters_by_kind_state_and_recipient(client, conference, organizer):
    agency = organization_create(name="Sở Tư pháp tỉnh Quảng Ninh", code="STP-QN")
    held_invitation = make_notice(
        conference, 1, recipient_name="Sở Tư pháp tỉnh Quảng Ninh", recipient_ref=f"organization:{agency.pk}"
    )
    sent_invitation = make_notice(
        conference, 2, state=State.SENT, recipient_address="vanthu@quangninh.gov.vn"
    )
    certificate = make_notice(conference, 3, kind="certificate", recipient_name="Ông Trần Quang Hải")
    client.force_login(organizer)

    assert ids(client.get(LIST_URL, {"kind": "certificate"})) == [str(certificate.pk)]
    assert ids(client.get(LIST_URL, {"state": "sent"})) == [str(sent_invitation.pk)]
    # Accents and case ignored, word by word, over the name and the address.
    by_recipient = client.get(LIST_URL, {"recipient": "quang"})
    assert sorted(ids(by_recipient)) == sorted(
        str(n.pk) for n in (held_invitation, sent_invitation, certificate)
    )
    assert ids(client.get(LIST_URL, {"recipient": "tu phap tinh quang ninh"})) == [str(held_invitation.pk)]
    # Both words also stand in the address vanthu@quangninh.gov.vn.
    assert sorted(ids(client.get(LIST_URL, {"recipient": "Quảng Ninh"}))) == sorted(
        [str(held_invitation.pk), str(sent_invitation.pk)]
    )
    both = client.get(LIST_URL, {"recipient": "quang", "state": "held", "kind": "invitation"})
    assert ids(both) == [str(held_invitation.pk)]


def test_list_filters_by_conference_slug(client, conference, other_conference, organizer):
    notice = make_notice(conference, 1)
    make_notice(other_conference, 2)
    conference_role_grant(conference=other_conference, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    client.force_login(organizer)

    assert client.get(LIST_URL).json()["count"] == 2
    assert ids(client.get(LIST_URL, {"conference": conference.slug})) == [str(notice.pk)]


def test_list_of_a_conference_the_user_does_not_organize(client, conference, outsider):
    make_notice(conference, 1)
    client.force_login(outsider)

    draft = client.get(LIST_URL, {"conference": conference.slug})
    assert draft.status_code == 404
    assert draft.json() == {"message": "No such conference.", "code": "not_found", "errors": {}}

    conference_publish(conference=conference)
    published = client.get(LIST_URL, {"conference": conference.slug})
    assert published.status_code == 403
    assert published.json() == {
        "message": "Only the organizers of this conference can see its notices.",
        "code": "permission_denied",
        "errors": {},
    }


def test_list_names_a_bad_filter(client, conference, organizer):
    client.force_login(organizer)

    response = client.get(LIST_URL, {"state": "lost", "kind": "postcard"})

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Some fields are not valid."
    assert sorted(body["errors"]) == ["kind", "state"]


def test_list_paginates_60_rows_in_a_fixed_number_of_queries(
    client, conference, organizer, django_assert_max_num_queries
):
    make_held_notices(conference, 60)
    client.force_login(organizer)

    # Session, user, organizer permission, conference, organizer check, count, page.
    with django_assert_max_num_queries(7):
        first = client.get(LIST_URL, {"conference": conference.slug})

    body = first.json()
    assert body["count"] == 60
    assert len(body["results"]) == 50
    assert body["previous"] is None
    assert body["next"] == f"http://testserver/api/v1/notifications/?conference={conference.slug}&page=2"
    second = client.get(body["next"]).json()
    assert len(second["results"]) == 10
    assert second["next"] is None
    everything = {item["id"] for item in body["results"]} | {item["id"] for item in second["results"]}
    assert len(everything) == 60


# One notice --------------------------------------------------------------------------------------------


def test_retrieve_shows_bodies_attachments_and_delivery_log(client, conference, organizer):
    sent_at = timezone.now()
    notice = make_notice(
        conference,
        1,
        state=State.SENT,
        attempts=2,
        body_html="<p>Kính gửi</p>",
        smtp_response="250 2.0.0 Ok: queued as 4F1",
        sent_at=sent_at,
    )
    NotificationAttachment.objects.create(
        notification=notice, filename="giay-moi.pdf", content_type="application/pdf", file="x/giay-moi.pdf"
    )
    first_try = sent_at - datetime.timedelta(minutes=2)
    DeliveryAttempt.objects.create(
        notification=notice,
        started_at=first_try,
        worker="w1",
        outcome="retry",
        smtp_code=451,
        response="4.7.1 Try again later",
    )
    DeliveryAttempt.objects.create(
        notification=notice, started_at=sent_at, worker="w2", outcome="sent", smtp_code=250, response="Ok"
    )
    client.force_login(organizer)

    response = client.get(detail_url(notice))

    assert response.status_code == 200
    body = response.json()
    assert body["subject"] == "Giấy mời dự hội nghị (1)"
    assert body["body_text"] == "Kính gửi: Sở Khoa học và Công nghệ số 1"
    assert body["body_html"] == "<p>Kính gửi</p>"
    assert body["state"] == "sent"
    assert body["attempts"] == 2
    assert body["smtp_response"] == "250 2.0.0 Ok: queued as 4F1"
    assert body["attachments"] == ["giay-moi.pdf"]
    assert body["preview_url"] == f"http://testserver/api/v1/notifications/{notice.pk}/preview/"
    assert [
        (row["outcome"], row["code"], row["response"], row["worker"]) for row in body["delivery_log"]
    ] == [
        ("retry", 451, "4.7.1 Try again later", "w1"),
        ("sent", 250, "Ok", "w2"),
    ]
    assert body["sent_at"] is not None and body["not_before"] is None and body["next_attempt_at"] is None


def test_retrieve_of_another_conferences_notice_is_404(client, conference, outsider):
    notice = make_notice(conference, 1)
    client.force_login(outsider)

    response = client.get(detail_url(notice))

    assert response.status_code == 404
    assert response.json() == {"message": "No such notice.", "code": "not_found", "errors": {}}


def test_retrieve_with_a_malformed_id_is_404(client, organizer):
    client.force_login(organizer)

    assert client.get(f"{LIST_URL}not-a-uuid/").status_code == 404


# Approve and cancel ------------------------------------------------------------------------------------


def held_announcements(conference, addresses):
    return notify(
        recipients=[Recipient(address=a, name=f"Đại biểu {i}") for i, a in enumerate(addresses)],
        kind="announcement",
        context={"conference": conference, "title": "Thay đổi phòng họp", "message": "Hội trường B."},
        idempotency_key="announcement:api",
        scope=conference_notice_scope(conference.pk),
        hold=True,
    )


def test_approve_releases_held_notices_and_they_are_sent(
    client, conference, organizer, smtp_sink, django_capture_on_commit_callbacks
):
    first, second, third = held_announcements(conference, ["a@example.org", "b@example.org", "c@example.org"])
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPROVE_URL, {"ids": [str(first.pk), str(second.pk)]}, format="json")

    assert response.status_code == 200
    assert response.json() == {"approved": 2}
    for row in (first, second, third):
        row.refresh_from_db()
    assert (first.state, second.state, third.state) == (State.SENT, State.SENT, State.HELD)
    assert sorted(smtp_sink.handler.message_ids) == sorted([first.message_id, second.message_id])


def test_approve_twice_counts_only_the_first_time(client, conference, organizer):
    notice = make_notice(conference, 1)
    client.force_login(organizer)

    assert client.post(APPROVE_URL, {"ids": [str(notice.pk)]}, format="json").json() == {"approved": 1}
    assert client.post(APPROVE_URL, {"ids": [str(notice.pk)]}, format="json").json() == {"approved": 0}
    notice.refresh_from_db()
    assert notice.state == State.PENDING


def test_organizer_cannot_approve_another_conferences_notices(client, conference, outsider):
    notice = make_notice(conference, 1)
    client.force_login(outsider)

    response = client.post(APPROVE_URL, {"ids": [str(notice.pk)]}, format="json")

    assert response.status_code == 200
    assert response.json() == {"approved": 0}
    notice.refresh_from_db()
    assert notice.state == State.HELD
    assert notice.enqueued_at is None


def test_user_who_organizes_nothing_cannot_approve(client, conference):
    notice = make_notice(conference, 1)
    client.force_login(make_user("dai-bieu"))

    response = client.post(APPROVE_URL, {"ids": [str(notice.pk)]}, format="json")

    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.state == State.HELD


def test_anonymous_cannot_approve(client, conference):
    notice = make_notice(conference, 1)

    assert client.post(APPROVE_URL, {"ids": [str(notice.pk)]}, format="json").status_code == 401
    notice.refresh_from_db()
    assert notice.state == State.HELD


def test_cancel_stops_held_and_pending_notices_only(client, conference, organizer, other_conference):
    held = make_notice(conference, 1)
    pending = make_notice(conference, 2, state=State.PENDING)
    sent = make_notice(conference, 3, state=State.SENT)
    elsewhere = make_notice(other_conference, 4)
    client.force_login(organizer)

    response = client.post(
        CANCEL_URL, {"ids": [str(n.pk) for n in (held, pending, sent, elsewhere)]}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"cancelled": 2}
    for row in (held, pending, sent, elsewhere):
        row.refresh_from_db()
    assert [held.state, pending.state, sent.state, elsewhere.state] == [
        State.CANCELLED,
        State.CANCELLED,
        State.SENT,
        State.HELD,
    ]


@pytest.mark.parametrize(
    "payload",
    [{}, {"ids": []}, {"ids": ["not-a-uuid"]}, {"ids": "0b0e6c4e-5a43-4cf1-a1a5-3c1e1d2d9a10"}],
    ids=["missing", "empty", "not-uuids", "not-a-list"],
)
@pytest.mark.parametrize("url", [APPROVE_URL, CANCEL_URL])
def test_bulk_actions_name_bad_ids(client, conference, organizer, url, payload):
    notice = make_notice(conference, 1)
    client.force_login(organizer)

    response = client.post(url, payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Some fields are not valid."
    assert list(body["errors"]) == ["ids"]
    notice.refresh_from_db()
    assert notice.state == State.HELD


# Resend, preview, counts -------------------------------------------------------------------------------


def test_resend_creates_a_new_row(client, conference, organizer):
    notice = make_notice(conference, 1, state=State.DEAD, attempts=8, last_error="550 mailbox full")
    client.force_login(organizer)

    response = client.post(f"{detail_url(notice)}resend/")

    assert response.status_code == 201
    body = response.json()
    copy = Notification.objects.get(pk=body["id"])
    assert copy.pk != notice.pk
    assert copy.resent_from_id == notice.pk
    assert body["resent_from"] == str(notice.pk)
    assert body["subject"] == notice.subject
    assert (copy.recipient_address, copy.attempts, copy.last_error) == ("so1@example.vn", 0, "")
    assert copy.state == State.PENDING  # queued on commit, which this test never reaches
    notice.refresh_from_db()
    assert notice.state == State.DEAD
    assert Notification.objects.count() == 2


def test_resend_of_a_held_notice_is_refused(client, conference, organizer):
    notice = make_notice(conference, 1)
    client.force_login(organizer)

    response = client.post(f"{detail_url(notice)}resend/")

    assert response.status_code == 400
    assert response.json() == {
        "message": "Only a sent or failed notice can be sent again.",
        "code": "not_resendable",
        "errors": {},
    }
    assert Notification.objects.count() == 1


def test_resend_of_another_conferences_notice_is_404(client, conference, outsider):
    notice = make_notice(conference, 1, state=State.SENT)
    client.force_login(outsider)

    assert client.post(f"{detail_url(notice)}resend/").status_code == 404
    assert Notification.objects.count() == 1


def test_preview_returns_the_html_body(client, conference, organizer):
    html = '<!DOCTYPE html><html><body><p class="greeting">Kính gửi: Sở Tư pháp</p></body></html>'
    notice = make_notice(conference, 1, body_html=html)
    client.force_login(organizer)

    response = client.get(f"{detail_url(notice)}preview/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode() == html
    assert response["Content-Security-Policy"].startswith("sandbox;")


@pytest.mark.parametrize(
    "accept", ["text/html", "text/*", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"]
)
def test_preview_serves_a_client_that_accepts_html(client, conference, organizer, accept):
    notice = make_notice(conference, 1, body_html="<p>Kính gửi: Sở Tư pháp</p>")
    client.force_login(organizer)

    response = client.get(f"{detail_url(notice)}preview/", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode() == "<p>Kính gửi: Sở Tư pháp</p>"


def test_preview_refuses_a_client_that_accepts_only_json(client, conference, organizer):
    notice = make_notice(conference, 1, body_html="<p>Kính gửi: Sở Tư pháp</p>")
    client.force_login(organizer)

    response = client.get(f"{detail_url(notice)}preview/", HTTP_ACCEPT="application/json")

    assert response.status_code == 406
    assert response.json() == {
        "message": "Could not satisfy the request Accept header.",
        "code": "not_acceptable",
        "errors": {},
    }


def test_preview_of_a_text_notice_is_escaped_in_pre(client, conference, organizer):
    notice = make_notice(
        conference, 1, subject="Thư mời", body_text="Kính gửi <Sở> & các đơn vị\nTrân trọng."
    )
    client.force_login(organizer)

    response = client.get(f"{detail_url(notice)}preview/")

    assert response.status_code == 200
    assert response.content.decode() == (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thư mời</title></head>'
        '<body><pre style="white-space: pre-wrap">Kính gửi &lt;Sở&gt; &amp; các đơn vị\nTrân trọng.</pre>'
        "</body></html>"
    )


def test_preview_of_another_conferences_notice_is_404_json(client, conference, outsider):
    notice = make_notice(conference, 1, body_html="<p>bí mật</p>")
    client.force_login(outsider)

    response = client.get(f"{detail_url(notice)}preview/")

    assert response.status_code == 404
    assert response.json() == {"message": "No such notice.", "code": "not_found", "errors": {}}


def test_counts_by_state(client, conference, organizer, other_conference):
    for n, state in enumerate([State.HELD, State.HELD, State.HELD, State.SENT, State.DEAD, State.CANCELLED]):
        make_notice(conference, n, state=state)
    make_notice(other_conference, 99, state=State.PENDING)
    client.force_login(organizer)

    response = client.get(COUNTS_URL, {"conference": conference.slug})

    assert response.status_code == 200
    assert response.json() == {"held": 3, "pending": 0, "sending": 0, "sent": 1, "dead": 1, "cancelled": 1}


def test_counts_need_a_conference(client, organizer):
    client.force_login(organizer)

    response = client.get(COUNTS_URL)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["conference"]


def test_counts_of_a_conference_the_user_does_not_organize(client, conference, outsider):
    client.force_login(outsider)

    assert client.get(COUNTS_URL, {"conference": conference.slug}).status_code == 404
    conference_publish(conference=conference)
    assert client.get(COUNTS_URL, {"conference": conference.slug}).status_code == 403


def test_schema_documents_the_notification_endpoints(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/",
        "/api/v1/notifications/{id}/preview/",
        "/api/v1/notifications/{id}/resend/",
        "/api/v1/notifications/approve/",
        "/api/v1/notifications/cancel/",
        "/api/v1/notifications/counts/",
    } <= set(paths)
    assert "text/html" in paths["/api/v1/notifications/{id}/preview/"]["get"]["responses"]["200"]["content"]
