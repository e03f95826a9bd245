"""The set-up API: create, change, publish and close conferences; the team. Same services as the pages."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from conferences.models import AuditEntry, Conference, ConferenceRole, ReviewAssignment, ReviewerInvitation
from conferences.services.conferences import conference_publish
from notifications.models import Notification
from tests.conferences.review_helpers import assign, paper_make, reviewer_make
from tests.conferences.setup_helpers import creator_make
from tests.factories import ConferenceRoleFactory, PersonFactory, UserFactory, conference_build

pytestmark = pytest.mark.django_db

NEW = {
    "title_vi": "Hội nghị tổng kết Nghị quyết 30",
    "short_title": "Tổng kết NQ30",
    "starts_at": "2027-03-09T08:00:00+07:00",
    "ends_at": "2027-03-09T12:00:00+07:00",
    "default_delegate_quota": 3,
    "languages": ["vi", "en"],
    "rooms": ["Hội trường A", "Phòng 201"],
}


def _as(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(organizer) -> APIClient:
    return _as(organizer)


@pytest.fixture
def base(conference) -> str:
    return f"/api/v1/conferences/{conference.slug}"


# Create ------------------------------------------------------------------------------------------------


def test_post_creates_a_draft_and_its_creator_organizes_it(host):
    creator = creator_make()

    response = _as(creator).post("/api/v1/conferences/", {**NEW, "host": host.pk}, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["slug"], data["status"], data["short_title"]) == (
        "hoi-nghi-tong-ket-nghi-quyet-30",
        "draft",
        "Tổng kết NQ30",
    )
    assert (data["default_delegate_quota"], data["languages"]) == (3, ["vi", "en"])
    assert [room["name"] for room in data["rooms"]] == ["Hội trường A", "Phòng 201"]
    conference = Conference.objects.get()
    assert ConferenceRole.objects.get(conference=conference).user == creator


def test_post_without_the_permission_is_403_and_anonymous_is_refused(host):
    assert (
        _as(UserFactory(password=None))
        .post("/api/v1/conferences/", {**NEW, "host": host.pk}, format="json")
        .status_code
        == 403
    )
    assert APIClient().post("/api/v1/conferences/", {**NEW, "host": host.pk}, format="json").status_code in (
        401,
        403,
    )
    assert not Conference.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2027-03-09T07:00:00+07:00"}, "ends_at"),
        ({"rsvp_deadline": "2027-03-10T08:00:00+07:00"}, "rsvp_deadline"),
        ({"default_delegate_quota": 0}, "default_delegate_quota"),
        ({"languages": ["fr"]}, "languages"),
        ({"languages": []}, "languages"),
        ({"slug": "nhom"}, "slug"),
        ({"host": 999999}, "host"),
        ({"title_vi": ""}, "title_vi"),
    ],
)
def test_post_answers_400_naming_the_field(host, change, field):
    response = _as(creator_make()).post(
        "/api/v1/conferences/", {**NEW, "host": host.pk, **change}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Some fields are not valid."
    assert field in body["errors"]
    assert not Conference.objects.exists()


# Change, publish, close ----------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent_and_audits(api, base, conference, organizer, host):
    chair = PersonFactory(organization=host)

    response = api.patch(f"{base}/", {"venue_name": "Trụ sở Bộ", "chair": chair.pk}, format="json")

    assert response.status_code == 200, response.json()
    conference.refresh_from_db()
    assert (conference.venue_name, conference.chair, conference.title_vi) == (
        "Trụ sở Bộ",
        chair,
        "Hội nghị sơ kết Quyết định 19",
    )
    assert AuditEntry.objects.get(action="conference.changed").data == {"fields": ["chair", "venue_name"]}


def test_patch_of_a_rule_answers_400_and_changes_nothing(api, base, conference):
    response = api.patch(f"{base}/", {"ends_at": "2000-01-01T00:00:00Z"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["ends_at"] == ["The conference must end after it starts."]
    ends_at = conference.ends_at
    conference.refresh_from_db()
    assert conference.ends_at == ends_at


def test_patch_cannot_set_the_status(api, base, conference):
    response = api.patch(f"{base}/", {"status": "closed"}, format="json")
    conference.refresh_from_db()
    assert response.status_code == 200 and conference.status == "draft"  # A read-only field: ignored.


def test_put_is_not_offered(api, base):
    assert api.put(f"{base}/", {}, format="json").status_code == 405


def test_publish_then_close(api, base, conference):
    assert api.post(f"{base}/close/").json()["message"] == (
        "Only a published conference can be closed: publish it first."
    )
    published = api.post(f"{base}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    closed = api.post(f"{base}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert api.post(f"{base}/publish/").status_code == 400


def test_an_organizer_of_another_conference_gets_404_on_a_draft_and_403_on_a_published_one(
    host, conference, base
):
    other = conference_build(host, title_vi="Hội nghị khác")
    stranger = _as(ConferenceRoleFactory(conference=other, user__password=None).user)

    assert stranger.patch(f"{base}/", {"venue_name": "X"}, format="json").status_code == 404
    assert stranger.post(f"{base}/publish/").status_code == 404
    assert stranger.get(f"{base}/team/").status_code == 404
    conference_publish(conference=conference)
    assert stranger.patch(f"{base}/", {"venue_name": "X"}, format="json").status_code == 403
    assert stranger.post(f"{base}/close/").status_code == 403
    assert stranger.get(f"{base}/team/").status_code == 403
    conference.refresh_from_db()
    assert (conference.status, conference.venue_name) == ("published", "")


# The team ------------------------------------------------------------------------------------------------


def test_the_team_lists_roles_and_open_invitations(api, base, conference, organizer, run_commit_tasks):
    with run_commit_tasks():
        api.post(f"{base}/team/", {"email": "moi@most.gov.vn", "role": "organizer"}, format="json")

    data = api.get(f"{base}/team/").json()

    assert [(m["role"], m["user"]) for m in data["members"]] == [("organizer", organizer.pk)]
    assert [(i["role"], i["email"]) for i in data["invitations"]] == [("organizer", "moi@most.gov.vn")]


def test_post_team_grants_an_account_or_invites_an_address(api, base, conference, run_commit_tasks):
    colleague = UserFactory(password=None, email="dongnghiep@most.gov.vn")

    granted = api.post(
        f"{base}/team/", {"email": "dongnghiep@most.gov.vn", "role": "reviewer"}, format="json"
    )
    with run_commit_tasks():
        invited = api.post(
            f"{base}/team/",
            {"email": "chua.co@most.gov.vn", "role": "organizer", "full_name": "Chưa Có Tài Khoản"},
            format="json",
        )

    assert granted.status_code == 201 and granted.json()["outcome"] == "granted"
    assert granted.json()["member"]["user"] == colleague.pk and granted.json()["invitation"] is None
    assert invited.status_code == 201 and invited.json()["outcome"] == "invited"
    assert invited.json()["invitation"]["role"] == "organizer"
    assert Notification.objects.get(recipient_address="chua.co@most.gov.vn").kind == "organizer_invitation"
    assert ReviewerInvitation.objects.get().role == "organizer"


def test_post_team_answers_400_naming_the_field(api, base, organizer):
    bad_role = api.post(f"{base}/team/", {"email": "a@most.gov.vn", "role": "chair"}, format="json")
    twice = api.post(f"{base}/team/", {"email": organizer.email, "role": "organizer"}, format="json")

    assert bad_role.status_code == 400 and "role" in bad_role.json()["errors"]
    assert twice.status_code == 400
    assert twice.json()["errors"]["email"] == [
        f"{organizer.email} is an organizer of this conference already."
    ]


def test_delete_withdraws_a_role_but_never_the_last_organizer(api, base, conference, organizer):
    only = ConferenceRole.objects.get(conference=conference, user=organizer)
    refused = api.delete(f"{base}/team/{only.pk}/")
    assert refused.status_code == 400
    assert refused.json()["code"] == "last_organizer"

    reviewer = reviewer_make(conference)
    assign(paper_make(conference), reviewer)
    role = ConferenceRole.objects.get(conference=conference, user=reviewer)
    assert api.delete(f"{base}/team/{role.pk}/").status_code == 204
    assert not ConferenceRole.objects.filter(pk=role.pk).exists()
    assert not ReviewAssignment.objects.exists()
    assert api.delete(f"{base}/team/{role.pk}/").status_code == 404


def test_a_role_of_another_conference_is_404(api, base, host):
    other_role = ConferenceRoleFactory(
        conference=conference_build(host, title_vi="Khác"), user__password=None
    )
    assert api.delete(f"{base}/team/{other_role.pk}/").status_code == 404
    assert ConferenceRole.objects.filter(pk=other_role.pk).exists()
    assert get_user_model().objects.filter(pk=other_role.user_id).exists()


def test_the_team_reads_a_fixed_number_of_queries(api, base, conference, django_assert_max_num_queries):
    def grow(size):
        for _n in range(size):
            ConferenceRole.objects.create(
                conference=conference, user=UserFactory(password=None), role="reviewer"
            )

    grow(2)
    with django_assert_max_num_queries(8) as small:
        api.get(f"{base}/team/")
    grow(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api.get(f"{base}/team/").json()["members"]) == 23
