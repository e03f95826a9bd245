"""The set-up pages: create, settings and rooms, publish and close, the team; who may open them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conferences.models import AuditEntry, Conference, ConferenceRole, Room
from conferences.services.conferences import conference_publish
from notifications.models import Notification
from tests.conferences.setup_helpers import creator_make, link_token
from tests.factories import (
    AgendaItemFactory,
    ConferenceRoleFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    conference_build,
)

pytestmark = pytest.mark.django_db

PASSWORD = "to-chuc-2026-an-toan"
NEW = {
    "title_vi": "Hội nghị tổng kết Nghị quyết 30",
    "short_title": "Tổng kết NQ30",
    "kind": "final_review",
    "host": "Bộ Khoa học và Công nghệ",
    "starts_at": "2027-03-09T08:00",
    "ends_at": "2027-03-09T12:00",
    "rsvp_deadline": "2027-03-01T17:00",
    "default_delegate_quota": "2",
    "languages": ["vi", "en"],
    "rooms": "Hội trường A\nPhòng 201\n",
}


@pytest.fixture
def creator_client(client, host):
    client.force_login(creator_make())
    return client


# Who may open them ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["conference-edit", "conference-team", "conference-publish"])
def test_anonymous_visitors_are_sent_to_sign_in(client, conference, name):
    response = client.get(reverse(f"conferences:{name}", args=[conference.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("conferences:sign-in") + "?next=")


def test_the_create_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("conferences:conference-create"))
    assert response["Location"].startswith(reverse("conferences:sign-in"))


def test_the_create_page_is_refused_without_the_permission(client, db):
    client.force_login(UserFactory(password=None))
    assert client.get(reverse("conferences:conference-create")).status_code == 403


@pytest.mark.parametrize("name", ["conference-edit", "conference-team", "conference-close"])
def test_an_organizer_of_another_conference_gets_404_for_a_draft_and_403_for_a_published_one(
    client, host, conference, name
):
    other = conference_build(host, title_vi="Hội nghị khác")
    client.force_login(ConferenceRoleFactory(conference=other, user__password=None).user)
    url = reverse(f"conferences:{name}", args=[conference.slug])

    assert client.get(url).status_code == 404
    conference_publish(conference=conference)
    assert client.get(url).status_code == 403


# Create --------------------------------------------------------------------------------------------------


def test_the_create_page_labels_every_input_and_offers_the_agencies(creator_client):
    OrganizationFactory(name="Sở Nội vụ tỉnh Quảng Ninh")

    response = creator_client.get(reverse("conferences:conference-create"))

    html = response.content.decode()
    assert response.status_code == 200
    for name in (
        "title_vi",
        "host",
        "starts_at",
        "ends_at",
        "rsvp_deadline",
        "default_delegate_quota",
        "rooms",
    ):
        assert f'<label for="id_{name}"' in html, name
    assert 'type="datetime-local" name="starts_at"' in html
    assert 'list="host-suggestions"' in html and '<option value="Sở Nội vụ tỉnh Quảng Ninh">' in html
    assert "<legend>" in html and 'id="id_languages_0"' in html  # The languages: a labelled group of boxes.


def test_creating_a_conference_makes_a_draft_with_its_rooms_and_the_creator_as_organizer(
    creator_client, host
):
    response = creator_client.post(reverse("conferences:conference-create"), NEW)

    conference = Conference.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("conferences:conference-edit", args=[conference.slug])
    assert conference.slug == "hoi-nghi-tong-ket-nghi-quyet-30"
    assert (conference.host, conference.status, conference.default_delegate_quota) == (host, "draft", 2)
    assert conference.languages == ["vi", "en"]
    assert list(conference.rooms.values_list("name", flat=True)) == ["Hội trường A", "Phòng 201"]
    assert ConferenceRole.objects.get(conference=conference).role == "organizer"


def test_a_create_error_is_tied_to_its_field_in_vietnamese(creator_client):
    response = creator_client.post(
        reverse("conferences:conference-create"), {**NEW, "ends_at": "2027-03-09T07:00"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_ends_at_helptext id_ends_at_error"' in html
    assert 'id="id_ends_at_error"' in html
    assert "Thời gian kết thúc hội nghị phải sau thời gian bắt đầu." in html
    assert not Conference.objects.exists()


def test_a_create_error_is_in_english_for_an_english_reader(creator_client):
    response = creator_client.post(
        reverse("conferences:conference-create"),
        {**NEW, "host": "Bộ không tồn tại"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "No agency is named “Bộ không tồn tại”: pick one of the suggestions." in response.content.decode()
    assert 'aria-describedby="id_host_helptext id_host_error"' in response.content.decode()
    assert not Conference.objects.exists()


def test_a_reserved_word_as_the_address_is_refused_on_its_field(creator_client):
    response = creator_client.post(
        reverse("conferences:conference-create"), {**NEW, "slug": "nhom"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert 'id="id_slug_error"' in response.content.decode()
    assert not Conference.objects.exists()


# Settings and rooms --------------------------------------------------------------------------------------


def test_the_edit_page_saves_the_settings_and_offers_the_host_people_as_chair(
    organizer_client, conference, organizer, host
):
    chair = PersonFactory(full_name="Nguyễn Văn Chủ Trì", organization=host)
    PersonFactory(full_name="Người Cơ Quan Khác", organization=OrganizationFactory())
    url = reverse("conferences:conference-edit", args=[conference.slug])

    page = organizer_client.get(url).content.decode()
    assert "Nguyễn Văn Chủ Trì" in page and "Người Cơ Quan Khác" not in page

    data = {
        **NEW,
        "slug": conference.slug,
        "title_vi": conference.title_vi,
        "chair": chair.pk,
        "venue_name": "Trụ sở Bộ",
    }
    data.pop("rooms")
    response = organizer_client.post(url, data)

    assert response.status_code == 302
    conference.refresh_from_db()
    assert (conference.chair, conference.venue_name, conference.short_title) == (
        chair,
        "Trụ sở Bộ",
        "Tổng kết NQ30",
    )
    assert AuditEntry.objects.get(action="conference.changed").actor == organizer


def test_rooms_are_added_renamed_moved_and_removed_from_the_edit_page(organizer_client, conference):
    slug = conference.slug
    organizer_client.post(reverse("conferences:conference-room-add", args=[slug]), {"name": "Phòng A"})
    organizer_client.post(reverse("conferences:conference-room-add", args=[slug]), {"name": "Phòng B"})
    first, second = Room.objects.filter(conference=conference).order_by("position")

    organizer_client.post(
        reverse("conferences:conference-room-edit", args=[slug, first.pk]),
        {"name": "Hội trường", "capacity": "120"},
    )
    organizer_client.post(
        reverse("conferences:conference-room-move", args=[slug, second.pk]), {"direction": "up"}
    )

    rooms = Room.objects.filter(conference=conference).order_by("position")
    assert list(rooms.values_list("name", "capacity")) == [("Phòng B", None), ("Hội trường", 120)]
    page = organizer_client.get(reverse("conferences:conference-edit", args=[slug])).content.decode()
    assert 'Gỡ bỏ<span class="visually-hidden"> Hội trường</span>' in page  # The row action names its room.
    organizer_client.post(reverse("conferences:conference-room-remove", args=[slug, second.pk]))
    assert list(rooms.values_list("name", flat=True)) == ["Hội trường"]


def test_a_room_on_the_agenda_is_not_removed_and_the_page_says_why(organizer_client, conference, room_a):
    AgendaItemFactory(conference=conference, room=room_a)

    response = organizer_client.post(
        reverse("conferences:conference-room-remove", args=[conference.slug, room_a.pk]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert (
        "“Phòng A” is the room of 1 agenda item: move it to another room first." in response.content.decode()
    )
    assert Room.objects.filter(pk=room_a.pk).exists()


def test_a_room_of_another_conference_is_404(organizer_client, conference, host):
    other_room = Room.objects.create(conference=conference_build(host, title_vi="Khác"), name="Phòng X")
    url = reverse("conferences:conference-room-remove", args=[conference.slug, other_room.pk])
    assert organizer_client.post(url).status_code == 404
    assert Room.objects.filter(pk=other_room.pk).exists()


# Publish and close ---------------------------------------------------------------------------------------


def test_publish_asks_first_then_publishes_and_close_follows(organizer_client, conference):
    publish = reverse("conferences:conference-publish", args=[conference.slug])
    close = reverse("conferences:conference-close", args=[conference.slug])

    confirm = organizer_client.get(publish, HTTP_ACCEPT_LANGUAGE="en")
    assert confirm.status_code == 200 and "Yes, publish it" in confirm.content.decode()
    conference.refresh_from_db()
    assert conference.status == "draft"  # Opening the question changes nothing.

    organizer_client.post(publish)
    conference.refresh_from_db()
    assert conference.status == "published"
    organizer_client.post(close)
    conference.refresh_from_db()
    assert conference.status == "closed"


def test_closing_a_draft_is_refused_with_a_message(organizer_client, conference):
    response = organizer_client.post(
        reverse("conferences:conference-close", args=[conference.slug]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Only a published conference can be closed: publish it first." in response.content.decode()
    conference.refresh_from_db()
    assert conference.status == "draft"


# The team ------------------------------------------------------------------------------------------------


def test_the_team_page_grants_a_role_to_an_account_at_once(organizer_client, conference):
    colleague = UserFactory(password=None, email="dongnghiep@most.gov.vn")

    response = organizer_client.post(
        reverse("conferences:conference-team", args=[conference.slug]),
        {"email": "dongnghiep@most.gov.vn", "role": "reviewer"},
    )

    assert response.status_code == 302
    assert ConferenceRole.objects.filter(conference=conference, user=colleague, role="reviewer").exists()


def test_the_team_page_ties_an_error_to_the_email(organizer_client, conference, organizer):
    response = organizer_client.post(
        reverse("conferences:conference-team", args=[conference.slug]),
        {"email": organizer.email, "role": "organizer"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f"{organizer.email} is an organizer of this conference already." in html
    assert 'aria-describedby="id_email_error"' in html


def test_the_last_organizer_cannot_be_withdrawn_from_the_page(organizer_client, conference, organizer):
    role = ConferenceRole.objects.get(conference=conference, user=organizer)
    url = reverse("conferences:conference-team-withdraw", args=[conference.slug, role.pk])

    assert organizer_client.get(url).status_code == 200  # The question first.
    response = organizer_client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert "the conference&#x27;s last organizer: add another organizer first." in response.content.decode()
    assert ConferenceRole.objects.filter(pk=role.pk).exists()


def test_sign_up_invitation_end_to_end(client, organizer_client, conference, run_commit_tasks):
    """An organizer adds an address without an account; its owner opens the e-mailed link and signs up."""
    with run_commit_tasks():
        organizer_client.post(
            reverse("conferences:conference-team", args=[conference.slug]),
            {"email": "moi.tochuc@most.gov.vn", "role": "organizer", "full_name": "Trần Thị Tổ Chức"},
        )
    notice = Notification.objects.get(recipient_address="moi.tochuc@most.gov.vn")
    assert conference.title_vi in notice.subject
    assert notice.kind == "organizer_invitation"
    team_page = organizer_client.get(reverse("conferences:conference-team", args=[conference.slug]))
    assert "moi.tochuc@most.gov.vn" in team_page.content.decode()  # Listed as not yet accepted.

    token = link_token("moi.tochuc@most.gov.vn", "/nhom/moi/")
    url = reverse("conferences:team-accept", args=[token])
    client.logout()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "<h1>Join the organizers</h1>" in page.content.decode()
    response = client.post(url, {"password1": PASSWORD, "password2": PASSWORD})

    assert response["Location"] == reverse("conferences:conference-edit", args=[conference.slug])
    user = get_user_model().objects.get(email="moi.tochuc@most.gov.vn")
    assert user.check_password(PASSWORD)
    assert ConferenceRole.objects.filter(conference=conference, user=user, role="organizer").exists()
    assert client.get(response["Location"]).status_code == 200  # Signed in, and an organizer now.
    client.logout()
    assert client.get(url).status_code == 404  # The link worked once.


# A fixed number of queries whatever the size --------------------------------------------------------------


def _grow(conference, size: int) -> None:
    start = Room.objects.filter(conference=conference).count()
    for n in range(start, start + size):
        Room.objects.create(conference=conference, name=f"Phòng {n}")
        ConferenceRole.objects.create(conference=conference, user=UserFactory(password=None), role="reviewer")
        OrganizationFactory()


@pytest.mark.parametrize("name", ["conference-edit", "conference-team"])
def test_the_set_up_pages_read_a_fixed_number_of_queries(
    organizer_client, conference, name, django_assert_max_num_queries
):
    url = reverse(f"conferences:{name}", args=[conference.slug])
    _grow(conference, 2)
    organizer_client.get(url)  # Warm the session and the caches.
    with django_assert_max_num_queries(12) as small:
        organizer_client.get(url)
    _grow(conference, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert organizer_client.get(url).status_code == 200
