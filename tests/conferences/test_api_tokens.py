"""Personal API tokens: made, listed and revoked; their expiry, read-only flag and conference scope."""

import datetime
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from conferences.models import ApiToken, AuditEntry, ConferenceRole, Job
from conferences.services.api_tokens import api_token_create, api_token_revoke
from conferences.services.conferences import conference_role_grant
from conferences.services.organizations import organization_create
from tests.conferences.notice_helpers import make_notice
from tests.conferences.review_helpers import assign, criteria_make, paper_make, reviewer_make
from tests.factories import OrganizationFactory, UserFactory, conference_build

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/auth/tokens/"
AGENCY = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
AUTHOR = "Nguyễn Văn Tác Giả"


def bearer(secret: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def signed_in(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def other(db):
    """Y: a second conference, of another host."""
    return conference_build(
        organization_create(name="Bộ Tư pháp", code="BTP", kind="ministry"),
        title_vi="Hội nghị tổng kết công tác pháp chế",
        days_ahead=20,
        hours=3,
    )


@pytest.fixture
def both(conference, other, organizer):
    """The organizer of `conference` (X) organizes `other` (Y) too."""
    conference_role_grant(conference=other, user=organizer, role=ConferenceRole.Role.ORGANIZER)
    return organizer


# ---- Making, listing, revoking ----


def test_a_token_is_made_over_the_api_and_its_secret_shown_once(organizer, conference):
    response = signed_in(organizer).post(
        LIST_URL,
        {"name": "Cổng thông tin", "expires_in_days": 30, "conference": conference.slug, "read_only": True},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("hn_") and len(secret) == 3 + 43
    assert (body["name"], body["conference"], body["read_only"], body["active"]) == (
        "Cổng thông tin",
        conference.slug,
        True,
        True,
    )
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[3:11] == body["prefix"]
    # Only the hash is kept: no column of the row holds the secret.
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(secret in str(value) or secret[3:] in str(value) for value in row.values())
    assert abs(token.expires_at - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(
        minutes=1
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.API_TOKEN_CREATED)
    assert (entry.actor, entry.object_id, entry.conference) == (organizer, str(token.pk), conference)
    assert secret not in str(entry.data)

    listed = signed_in(organizer).get(LIST_URL).json()
    assert [item["id"] for item in listed["results"]] == [token.pk]
    assert "secret" not in listed["results"][0]
    assert secret not in str(listed)


def test_a_token_is_revoked_once_and_others_tokens_are_not_found(organizer, conference):
    token, secret = api_token_create(user=organizer, name="Văn thư", expires_in_days=10)
    stranger = UserFactory(password=None)

    assert signed_in(stranger).delete(f"{LIST_URL}{token.pk}/").status_code == 404
    assert bearer(secret).get(f"/api/v1/conferences/{conference.slug}/").status_code == 200

    assert signed_in(organizer).delete(f"{LIST_URL}{token.pk}/").status_code == 204
    assert signed_in(organizer).delete(f"{LIST_URL}{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action=AuditEntry.Action.API_TOKEN_REVOKED).count() == 1
    response = bearer(secret).get(f"/api/v1/conferences/{conference.slug}/")
    assert (response.status_code, response.json()["code"]) == (401, "token_invalid")
    assert signed_in(organizer).get(LIST_URL).json()["results"][0]["active"] is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 400}, "expires_in_days"),
        ({"name": ""}, "name"),
        ({"conference": "khong-co-hoi-nghi-nay"}, "conference"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(organizer, payload, field):
    response = signed_in(organizer).post(LIST_URL, {"name": "Tích hợp"} | payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ApiToken.objects.exists()


def test_a_token_cannot_reach_beyond_the_users_conferences(organizer, other):
    response = signed_in(organizer).post(
        LIST_URL, {"name": "Rộng hơn", "conference": other.slug}, format="json"
    )

    assert (response.status_code, list(response.json()["errors"])) == (400, ["conference"])


def test_the_twenty_first_active_token_is_refused_and_a_name_is_unique(organizer):
    for n in range(20):
        api_token_create(user=organizer, name=f"Tích hợp {n}")

    response = signed_in(organizer).post(LIST_URL, {"name": "Thứ 21"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "quota_reached")

    api_token_revoke(token=ApiToken.objects.get(name="Tích hợp 0"), by=organizer)
    again = signed_in(organizer).post(LIST_URL, {"name": "Tích hợp 1"}, format="json")
    assert (again.status_code, list(again.json()["errors"])) == (400, ["name"])
    assert signed_in(organizer).post(LIST_URL, {"name": "Tích hợp 0"}, format="json").status_code == 201


def test_a_token_cannot_make_or_revoke_tokens(organizer):
    token, secret = api_token_create(user=organizer, name="Tích hợp")

    for response in (
        bearer(secret).post(LIST_URL, {"name": "Con"}, format="json"),
        bearer(secret).get(LIST_URL),
        bearer(secret).delete(f"{LIST_URL}{token.pk}/"),
    ):
        assert (response.status_code, response.json()["code"]) == (403, "token_cannot_manage_tokens")
    assert ApiToken.objects.count() == 1


# ---- Authentication ----


def test_unknown_expired_and_inactive_tokens_are_401_with_their_code(organizer, conference):
    url = f"/api/v1/conferences/{conference.slug}/team/"
    token, secret = api_token_create(user=organizer, name="Hết hạn", expires_in_days=1)
    assert bearer(secret).get(url).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = bearer(secret).get(url)
    unknown = bearer("hn_" + "x" * 43).get(url)
    assert (expired.status_code, expired.json()["code"]) == (401, "token_expired")
    assert (unknown.status_code, unknown.json()["code"]) == (401, "token_invalid")

    _live, live_secret = api_token_create(user=organizer, name="Còn hạn")
    type(organizer).objects.filter(pk=organizer.pk).update(is_active=False)
    inactive = bearer(live_secret).get(url)
    assert (inactive.status_code, inactive.json()["code"]) == (401, "token_invalid")


def test_pages_do_not_accept_a_token(organizer, conference, client):
    _token, secret = api_token_create(user=organizer, name="Tích hợp")

    response = client.get("/to-chuc/", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_last_used_is_written_at_most_once_a_minute(organizer, conference):
    token, secret = api_token_create(user=organizer, name="Tích hợp")
    client, url = bearer(secret), f"/api/v1/conferences/{conference.slug}/"

    def updates() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return sum(1 for query in queries if 'UPDATE "conferences_apitoken"' in query["sql"])

    assert updates() == 1
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert (updates(), updates()) == (0, 0)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    assert updates() == 1


# ---- Read-only ----


def test_a_read_only_token_reads_but_changes_nothing(organizer, conference):
    _token, secret = api_token_create(user=organizer, name="Chỉ đọc", read_only=True)
    client = bearer(secret)
    base = f"/api/v1/conferences/{conference.slug}"

    assert client.get(f"{base}/team/").status_code == 200
    for response in (
        client.patch(f"{base}/", {"title_vi": "Đổi tên"}, format="json"),
        client.post(f"{base}/publish/"),
        client.post(f"{base}/invitations/", {}, format="json"),
        client.delete(f"{base}/agenda/items/1/"),
        client.post("/api/v1/conferences/", {}, format="json"),
    ):
        assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    conference.refresh_from_db()
    assert conference.title_vi != "Đổi tên"


# ---- Scope ----


def test_a_scoped_token_reaches_its_conference_only(both, conference, other):
    """X is `conference`, Y `other`: the owner organizes both; the token is Y's."""
    _token, secret = api_token_create(user=both, name="Chỉ Y", conference=other)
    client = bearer(secret)
    x_job = Job.objects.create(conference=conference, kind=Job.Kind.CERTIFICATES, created_by=both)
    y_job = Job.objects.create(conference=other, kind=Job.Kind.CERTIFICATES, created_by=both)
    import_job = Job.objects.create(kind=Job.Kind.ORGANIZATION_IMPORT, created_by=both)
    x_notice, y_notice = make_notice(conference, 1), make_notice(other, 2)

    assert client.get(f"/api/v1/conferences/{other.slug}/team/").status_code == 200
    assert client.get(f"/api/v1/conferences/{conference.slug}/team/").status_code == 404  # a draft
    assert client.get(f"/api/v1/conferences/{conference.slug}/").status_code == 404
    assert [c["slug"] for c in client.get("/api/v1/conferences/").json()["results"]] == [other.slug]
    assert client.get(f"/api/v1/jobs/{y_job.pk}/").status_code == 200
    assert client.get(f"/api/v1/jobs/{x_job.pk}/").status_code == 404
    assert client.get(f"/api/v1/jobs/{import_job.pk}/").status_code == 404
    listed = client.get("/api/v1/notifications/").json()["results"]
    assert [item["id"] for item in listed] == [str(y_notice.pk)]
    assert client.get(f"/api/v1/notifications/{x_notice.pk}/").status_code == 404
    counts = client.get(f"/api/v1/notifications/counts/?conference={conference.slug}")
    assert counts.status_code in (400, 404)
    approved = client.post("/api/v1/notifications/approve/", {"ids": [str(x_notice.pk)]}, format="json")
    assert approved.status_code == 404 or approved.json()["approved"] == 0
    # Writes to what belongs to no conference are refused outright.
    created = client.post("/api/v1/conferences/", {"title_vi": "Mới"}, format="json")
    assert (created.status_code, created.json()["code"]) == (403, "token_scope")
    agency = client.post("/api/v1/organizations/", {"name": "Sở mới"}, format="json")
    assert (agency.status_code, agency.json()["code"]) == (403, "token_scope")


def test_a_scoped_token_of_staff_cannot_add_a_shared_award_category_under_its_conference(other):
    staff = UserFactory(password=None, is_staff=True)
    conference_role_grant(conference=other, user=staff, role=ConferenceRole.Role.ORGANIZER)
    _token, scoped = api_token_create(user=staff, name="Cổng", conference=other)
    _token, unscoped = api_token_create(user=staff, name="Tất cả")
    body = {
        "code": "giay-khen",
        "name_vi": "Giấy khen của Giám đốc Sở",
        "short_name": "GIẤY KHEN",
        "issuer_title": "GIÁM ĐỐC SỞ",
    }
    url = f"/api/v1/conferences/{other.slug}/award-categories/"

    refused = bearer(scoped).post(url, body, format="json")
    allowed = bearer(unscoped).post(url, body, format="json")

    assert (refused.status_code, refused.json()["code"]) == (403, "token_scope")
    assert allowed.status_code == 201, allowed.content
    assert bearer(scoped).get(url).status_code == 200  # Reading the shared list stays open.


def test_a_superusers_scoped_token_is_scoped_too(conference, other):
    superuser = UserFactory(password=None, is_superuser=True, is_staff=True)
    _token, secret = api_token_create(user=superuser, name="Quản trị Y", conference=other)
    client = bearer(secret)

    assert client.get(f"/api/v1/conferences/{other.slug}/team/").status_code == 200
    assert client.get(f"/api/v1/conferences/{conference.slug}/team/").status_code == 404


# ---- Blind review through a reviewer's token ----


def test_a_reviewers_token_sees_the_paper_blind(conference, other):
    criteria_make(conference)
    paper = paper_make(conference, organization=OrganizationFactory(name=AGENCY), author_name=AUTHOR)
    reviewer = reviewer_make(conference, full_name="Lê Văn Một")
    assign(paper, reviewer)
    _token, secret = api_token_create(user=reviewer, name="Phản biện", read_only=True, conference=conference)
    client = bearer(secret)
    base = f"/api/v1/conferences/{conference.slug}"

    reviews = client.get(f"{base}/papers/{paper.pk}/reviews/")
    assignments = client.get(f"{base}/review-assignments/")

    assert reviews.status_code == assignments.status_code == 200
    data = reviews.json()
    assert (data["paper"]["authors"], data["paper"]["agency"], data["paper"]["file_name"]) == (
        None,
        None,
        None,
    )
    for response in (reviews, assignments):
        text = response.content.decode()
        assert AGENCY not in text and AUTHOR not in text
        assert ".pdf" not in text.lower()
    # The paper itself, its file and its revisions are the organizers' and the author's only.
    for path in ("", "file/", "revisions/"):
        assert client.get(f"{base}/papers/{paper.pk}/{path}").status_code in (403, 404)


def test_a_reviewers_token_scoped_elsewhere_sees_no_paper(conference, other):
    criteria_make(conference)
    paper = paper_make(conference, organization=OrganizationFactory(name=AGENCY), author_name=AUTHOR)
    reviewer = reviewer_make(conference)
    assign(paper, reviewer)
    conference_role_grant(conference=other, user=reviewer, role=ConferenceRole.Role.REVIEWER)
    _token, secret = api_token_create(user=reviewer, name="Chỉ Y", conference=other)
    client = bearer(secret)
    base = f"/api/v1/conferences/{conference.slug}"

    assert client.get(f"{base}/papers/{paper.pk}/reviews/").status_code == 404
    assert client.get(f"{base}/review-assignments/").status_code == 404


# ---- The workspace page ----


def test_the_page_makes_a_token_shows_its_secret_once_and_revokes_it(organizer, conference, client):
    client.force_login(organizer)
    assert "/to-chuc/ma-api/" in client.get("/to-chuc/").content.decode()

    made = client.post(
        "/to-chuc/ma-api/",
        {
            "name": "Hệ thống văn bản",
            "expires_in_days": "30",
            "conference": str(conference.pk),
            "read_only": "on",
        },
    )

    assert made.status_code == 200
    token = ApiToken.objects.get()
    secret = made.context["secret"]
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.conference, token.read_only) == (conference, True)
    assert secret in made.content.decode()
    assert "<code>Authorization: Bearer hn_…</code>" in made.content.decode()
    again = client.get("/to-chuc/ma-api/").content.decode()
    assert secret not in again and f"hn_{token.prefix}" in again

    confirm = client.get(f"/to-chuc/ma-api/{token.pk}/thu-hoi/")
    assert confirm.status_code == 200 and token.name in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(f"/to-chuc/ma-api/{token.pk}/thu-hoi/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_page_refuses_bad_input_and_others_tokens(organizer, other, client):
    stranger = UserFactory(password=None)
    theirs, _secret = api_token_create(user=stranger, name="Của người khác")
    client.force_login(organizer)

    response = client.post(
        "/to-chuc/ma-api/", {"name": "Rộng", "expires_in_days": "400", "conference": str(other.pk)}
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"expires_in_days", "conference"}
    assert client.post(f"/to-chuc/ma-api/{theirs.pk}/thu-hoi/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert ApiToken.objects.count() == 1
