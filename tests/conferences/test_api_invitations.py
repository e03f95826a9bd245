"""The invitations API: invitations, the letter PDF, sending, the RSVP link and registrations."""

import datetime
import io
import unicodedata

import pytest
from django.core.cache import cache
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from conferences.models import (
    AuditEntry,
    DocumentKind,
    Invitation,
    InvitationLink,
    Job,
    Organization,
    Registration,
)
from conferences.services.documents import document_number_allocate
from conferences.services.invitation_sending import (
    invitation_letter_send,
    invitation_link_create,
    invitation_send,
)
from conferences.services.organizations import organization_create, province_upsert
from conferences.templatetags.vn_format import ngay_thang_nam
from core.tokens import token_new
from notifications.models import Notification
from tests.conferences.stored_document_helpers import rendered_get, served
from tests.factories import (
    ConferenceFactory,
    InvitationFactory,
    OrganizationFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUANG_NINH = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
LINK_NOT_VALID = (
    "This link does not open an invitation. It may be mistyped, expired or withdrawn; "
    "please contact the organizers."
)


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Keep the throttles' counters in memory, not in the shared file cache of earlier runs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()  # Local-memory caches of one process share their store: start each test at zero.


@pytest.fixture
def client():
    # Messages are asserted in English; DRF ships Vietnamese translations of its own.
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def conference_kwargs():
    return {
        "title_en": "Mid-term review of Decision 19",
        "deadline_in_days": 5,  # Five days before the conference.
        "venue_name": "Hội trường tầng 1",
        "venue_address": "113 Trần Duy Hưng, Hà Nội",
    }


@pytest.fixture
def as_organizer(client, organizer):
    client.force_authenticate(organizer)
    return client


@pytest.fixture
def quang_ninh():
    return province_upsert(code="22", name="Quảng Ninh", kind="province")


@pytest.fixture
def department(quang_ninh):
    return organization_create(
        name=QUANG_NINH,
        kind=Organization.Kind.DEPARTMENT,
        province=quang_ninh,
        contact_emails=["vanthu@skhcn.quangninh.gov.vn"],
    )


@pytest.fixture
def invitation(conference, department):
    return InvitationFactory(conference=conference, organization=department, delegate_quota=2)


def url(conference, suffix: str = "") -> str:
    return f"/api/v1/conferences/{conference.slug}/invitations/{suffix}"


def registrations_url(conference, suffix: str = "") -> str:
    return f"/api/v1/conferences/{conference.slug}/registrations/{suffix}"


def rsvp_url(token: str) -> str:
    return f"/api/v1/rsvp/{token}/"


def sent_with_token(invitation: Invitation) -> str:
    """Send the invitation (the request's half and the worker's) and return the token of a fresh RSVP link."""
    sent = invitation_send(invitation=invitation)
    invitation_letter_send(invitation_id=sent.pk, send=sent.send_count)
    return invitation_link_create(invitation=invitation).rstrip("/").rsplit("/", 1)[-1]


def pdf_text(data: bytes) -> str:
    """The PDF's text in NFC with every run of whitespace folded: long names wrap across lines."""
    pages = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(unicodedata.normalize("NFC", pages).split())


def assert_error(response, status_code: int, message: str | None = None) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    if message is not None:
        assert body["message"] == message
    return body


DELEGATES = [
    {
        "full_name": "Nguyễn Văn Hùng",
        "email": "hung@skhcn.quangninh.gov.vn",
        "position": "Giám đốc",
        "phone": "0203 3835 100",
    },
    {"full_name": "Trần Thị Lan", "email": "lan@skhcn.quangninh.gov.vn", "position": "Chuyên viên"},
]


# Permissions ---------------------------------------------------------------------------------------


def test_invitations_require_authentication(client, conference):
    response = client.get(url(conference))

    assert_error(response, 401, "Authentication credentials were not provided.")


def test_invitations_refuse_a_user_who_does_not_organize_the_conference(client, conference):
    conference.status = "published"
    conference.save()
    client.force_authenticate(UserFactory())

    response = client.get(url(conference))

    assert_error(response, 403, "Only the conference's organizers can do this.")


def test_invitations_of_a_draft_conference_are_not_found_by_non_organizers(client, conference, invitation):
    client.force_authenticate(UserFactory())

    response = client.post(url(conference, f"{invitation.pk}/send/"), {}, format="json")

    assert_error(response, 404, "No such conference.")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_count) == ("draft", 0)


def test_organizer_of_one_conference_cannot_touch_another_conferences_invitations(
    client, conference, organizer, department
):
    other = ConferenceFactory(published=True)
    theirs = InvitationFactory(conference=other, organization=department)
    client.force_authenticate(organizer)

    listed = client.get(url(other))
    sent = client.post(url(other, f"{theirs.pk}/send/"), {}, format="json")
    revoked = client.post(url(other, f"{theirs.pk}/revoke/"), {"reason": "x"}, format="json")
    through_own = client.post(url(conference, f"{theirs.pk}/send/"), {}, format="json")
    letter = client.get(url(conference, f"{theirs.pk}/letter.pdf"))
    deleted = client.delete(url(conference, f"{theirs.pk}/"))

    assert_error(listed, 403)
    assert_error(sent, 403)
    assert_error(revoked, 403)
    assert_error(through_own, 404, "No such invitation.")
    assert_error(letter, 404, "No such invitation.")
    assert_error(deleted, 404, "No such invitation.")
    theirs.refresh_from_db()
    assert (theirs.status, theirs.send_count, theirs.document_id) == ("draft", 0, None)
    assert not Notification.objects.exists()


def test_staff_status_reaches_no_invitations_and_a_superuser_reaches_all(client, invitation):
    # Staff status only opens the admin (issue 9.3): it was enough to read any conference's invitations.
    client.force_authenticate(UserFactory(is_staff=True))
    assert_error(client.get(url(invitation.conference)), 404, "No such conference.")  # A draft.

    client.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(url(invitation.conference))

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [invitation.pk]


# List, read, counts ----------------------------------------------------------------------------------


def test_invitation_list_shows_each_invitation_with_its_delegates(as_organizer, conference, invitation):
    person = PersonFactory(full_name="Nguyễn Văn Hùng", email="hung@skhcn.quangninh.gov.vn", phone="")
    registration = RegistrationFactory(
        conference=conference, person=person, invitation=invitation, organization=invitation.organization
    )
    RegistrationFactory(conference=conference, invitation=invitation, status=Registration.Status.CANCELLED)

    response = as_organizer.get(url(conference))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == invitation.pk
    assert row["status"] == "draft"
    assert row["invitee_name"] == QUANG_NINH
    assert row["organization"] == {
        "id": invitation.organization_id,
        "name": QUANG_NINH,
        "short_name": "",
        "kind": "department",
        "province": "22",
        "contact_emails": ["vanthu@skhcn.quangninh.gov.vn"],
    }
    assert row["person"] is None
    assert (row["delegate_quota"], row["document_number"], row["issued_on"], row["send_count"]) == (
        2,
        None,
        None,
        0,
    )
    assert row["delegates"] == [
        {
            "full_name": "Nguyễn Văn Hùng",
            "email": "hung@skhcn.quangninh.gov.vn",
            "position": "Chuyên viên",
            "phone": "",
            "registration": registration.pk,
            "checked_in_at": None,
        }
    ]
    assert row["letter_url"] == f"http://testserver{url(conference, f'{invitation.pk}/letter.pdf')}"


def test_invitation_list_filters_by_status_kind_province_and_folded_name(
    as_organizer, conference, invitation, quang_ninh
):
    hai_phong = province_upsert(code="31", name="Hải Phòng", kind="city")
    other_department = OrganizationFactory(
        name="Sở Khoa học và Công nghệ thành phố Hải Phòng", kind="department", province=hai_phong
    )
    sent = InvitationFactory(conference=conference, organization=other_department, status="sent")
    ministry = InvitationFactory(
        conference=conference, organization=OrganizationFactory(name="Bộ Nội vụ", kind="ministry")
    )

    def ids(query: str) -> list[int]:
        response = as_organizer.get(url(conference) + query)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids("?status=sent") == [sent.pk]
    assert ids("?kind=department") == [invitation.pk, sent.pk]  # Sorted by province code: 22, 31.
    assert ids("?kind=ministry") == [ministry.pk]
    assert ids("?province=22") == [invitation.pk]
    assert ids("?q=quang%20ninh") == [invitation.pk]
    assert ids("?q=S%E1%BB%9E%20KHOA%20HOC%20hai") == [sent.pk]  # "SỞ KHOA HOC hai"
    assert ids("?q=noi%20vu&kind=ministry") == [ministry.pk]


def test_invitation_list_name_filter_finds_invited_people(as_organizer, conference, invitation):
    person = InvitationFactory(
        conference=conference, organization=None, person=PersonFactory(full_name="Lê Xuân Định")
    )

    response = as_organizer.get(url(conference) + "?q=dinh")

    assert [row["id"] for row in response.json()["results"]] == [person.pk]


def test_invitation_list_names_an_unknown_status_filter(as_organizer, conference):
    response = as_organizer.get(url(conference) + "?status=maybe")

    body = assert_error(response, 400, "Some fields are not valid.")
    assert list(body["errors"]) == ["status"]


def test_invitation_list_of_fifty_takes_a_fixed_number_of_queries(
    client, conference, organizer, quang_ninh, django_assert_max_num_queries
):
    for _ in range(50):
        invitation = InvitationFactory(
            conference=conference,
            organization=OrganizationFactory(kind="department", province=quang_ninh),
            person=PersonFactory(),
            paper_presenter=PersonFactory(),
            status=Invitation.Status.SENT,
            # A document number and its issuer for every row, as a sent invitation has.
            document=document_number_allocate(
                issuer=conference.host, kind=DocumentKind.INVITATION, issued_on=timezone.localdate()
            ),
        )
        RegistrationFactory(
            conference=conference, invitation=invitation, organization=invitation.organization
        )
    token = Token.objects.create(user=organizer)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    with django_assert_max_num_queries(8):
        response = client.get(url(conference))

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 50
    assert all(len(row["delegates"]) == 1 and row["document_number"] for row in results)


def test_invitation_detail_of_an_unknown_id_is_not_found(as_organizer, conference):
    response = as_organizer.get(url(conference, "999999/"))

    assert_error(response, 404, "No such invitation.")


def test_invitation_counts_by_state_and_by_kind_and_province(
    as_organizer, conference, invitation, quang_ninh
):
    for status in ("sent", "sent", "accepted", "declined"):
        InvitationFactory(
            conference=conference,
            organization=OrganizationFactory(kind="department", province=quang_ninh),
            status=status,
        )

    response = as_organizer.get(url(conference, "counts/"))

    assert response.status_code == 200
    assert response.json() == {
        "by_status": {"draft": 1, "sent": 2, "accepted": 1, "declined": 1, "revoked": 0},
        "no_answer": 2,
        "groups": [
            {
                "kind": "department",
                "province": "Quảng Ninh",
                "total": 5,
                "accepted": 1,
                "declined": 1,
                "no_answer": 2,
            }
        ],
    }


# Create, change, delete -----------------------------------------------------------------------------


def test_invitation_create_stores_a_draft_for_the_agency(as_organizer, conference, department):
    response = as_organizer.post(
        url(conference),
        {
            "organization": department.pk,
            "delegate_quota": 2,
            "paper_requested": True,
            "paper_topic": unicodedata.normalize("NFD", "Kinh nghiệm chuyển đổi ISO 9001:2015"),
            "note": "Đề nghị Sở cử Lãnh đạo tham dự.",
            "addressee": "Đại diện Lãnh đạo Sở",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    invitation = Invitation.objects.get(conference=conference)
    assert response.json()["id"] == invitation.pk
    assert response.json()["status"] == "draft"
    assert (invitation.organization, invitation.person, invitation.status) == (department, None, "draft")
    assert (invitation.delegate_quota, invitation.paper_requested) == (2, True)
    assert invitation.paper_topic == "Kinh nghiệm chuyển đổi ISO 9001:2015"  # Stored in NFC.
    assert (invitation.note, invitation.addressee) == (
        "Đề nghị Sở cử Lãnh đạo tham dự.",
        "Đại diện Lãnh đạo Sở",
    )
    assert invitation.document_id is None
    assert not invitation.links.exists()


def test_invitation_create_invites_a_person(as_organizer, conference):
    # Of the host agency: a person the conference's organizers may see (issue 9.2).
    person = PersonFactory(full_name="Lê Xuân Định", organization=conference.host)

    response = as_organizer.post(url(conference), {"person": person.pk}, format="json")

    assert response.status_code == 201
    invitation = Invitation.objects.get(conference=conference)
    assert (invitation.person, invitation.organization, invitation.delegate_quota) == (person, None, 1)
    assert response.json()["invitee_name"] == "Lê Xuân Định"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "organization"),
        ({"organization": 999999}, "organization"),
        ({"organization": "self", "delegate_quota": 0}, "delegate_quota"),
        ({"organization": "self", "paper_topic": "x" * 401}, "paper_topic"),
    ],
)
def test_invitation_create_names_the_bad_field(as_organizer, conference, department, payload, field):
    if payload.get("organization") == "self":
        payload = {**payload, "organization": department.pk}

    response = as_organizer.post(url(conference), payload, format="json")

    body = assert_error(response, 400, "Some fields are not valid.")
    assert list(body["errors"]) == [field]
    assert not Invitation.objects.exists()


def test_invitation_create_refuses_an_agency_invited_already(as_organizer, conference, invitation):
    response = as_organizer.post(url(conference), {"organization": invitation.organization_id}, format="json")

    body = assert_error(response, 400)
    assert body["errors"] == {"organization": ["This organization is already invited to the conference."]}
    assert Invitation.objects.count() == 1


def test_invitation_create_refuses_a_person_of_another_conference_as_if_unknown(
    as_organizer, conference, department
):
    # A delegate of another conference, of an agency this one did not invite (issue 9.2): before,
    # the answer was 201 with their name, position, e-mail and phone.
    elsewhere = RegistrationFactory(
        person=PersonFactory(
            full_name="Lê Văn Khác", phone="0912 000 111", organization=OrganizationFactory()
        )
    ).person
    unknown = elsewhere.pk + 1000

    refused = as_organizer.post(url(conference), {"person": elsewhere.pk}, format="json")
    missing = as_organizer.post(url(conference), {"person": unknown}, format="json")

    body = assert_error(refused, 400, "Some fields are not valid.")
    assert body["errors"] == {"person": [f'Invalid pk "{elsewhere.pk}" - object does not exist.']}
    assert assert_error(missing, 400)["errors"] == {
        "person": [f'Invalid pk "{unknown}" - object does not exist.']
    }
    assert "Lê Văn Khác" not in refused.content.decode()
    assert not Invitation.objects.filter(conference=conference).exists()


def test_invitation_create_invites_people_of_invited_agencies_and_of_the_conference(
    as_organizer, conference, department
):
    InvitationFactory(conference=conference, organization=department)
    of_an_invited_agency = PersonFactory(organization=department)
    registered = RegistrationFactory(conference=conference, person=PersonFactory()).person

    for person in (of_an_invited_agency, registered):
        response = as_organizer.post(url(conference), {"person": person.pk}, format="json")
        assert response.status_code == 201, response.content

    assert set(Invitation.objects.filter(person__isnull=False).values_list("person", flat=True)) == {
        of_an_invited_agency.pk,
        registered.pk,
    }


def test_invitation_create_refuses_the_host_agency(as_organizer, conference, host):
    response = as_organizer.post(url(conference), {"organization": host.pk}, format="json")

    body = assert_error(response, 400, "Some fields are not valid.")
    assert body["errors"] == {"organization": ["The host agency does not invite itself."]}
    assert not Invitation.objects.exists()


def test_invitation_update_changes_a_draft(as_organizer, conference, invitation):
    invitation.note = "Đề nghị gửi danh sách sớm."
    invitation.save()

    response = as_organizer.patch(
        url(conference, f"{invitation.pk}/"), {"delegate_quota": 3, "paper_requested": True}, format="json"
    )

    assert response.status_code == 200, response.content
    invitation.refresh_from_db()
    assert (invitation.delegate_quota, invitation.paper_requested) == (3, True)
    assert invitation.note == "Đề nghị gửi danh sách sớm."  # Fields not sent are left alone.
    assert response.json()["delegate_quota"] == 3


def test_invitation_update_refuses_a_sent_invitation(as_organizer, conference, invitation):
    invitation_send(invitation=invitation)

    response = as_organizer.patch(url(conference, f"{invitation.pk}/"), {"delegate_quota": 5}, format="json")

    body = assert_error(response, 400, "Only a draft invitation can be changed.")
    assert body["code"] == "not_draft"
    invitation.refresh_from_db()
    assert invitation.delegate_quota == 2


def test_invitation_put_is_not_allowed(as_organizer, conference, invitation):
    response = as_organizer.put(url(conference, f"{invitation.pk}/"), {"delegate_quota": 5}, format="json")

    assert_error(response, 405)


def test_invitation_delete_removes_a_draft(as_organizer, conference, invitation):
    response = as_organizer.delete(url(conference, f"{invitation.pk}/"))

    assert response.status_code == 204
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


def test_invitation_delete_refuses_a_sent_invitation(as_organizer, conference, invitation):
    invitation_send(invitation=invitation)

    response = as_organizer.delete(url(conference, f"{invitation.pk}/"))

    assert_error(response, 400, "Only a draft invitation can be deleted.")
    assert Invitation.objects.filter(pk=invitation.pk, status="sent").exists()


# Bulk create -------------------------------------------------------------------------------------------


def test_bulk_create_skips_organizations_invited_already(as_organizer, conference, invitation):
    first = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Bắc Ninh")
    second = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Hà Giang")

    response = as_organizer.post(
        url(conference, "bulk/"),
        {
            "organizations": [first.pk, invitation.organization_id, second.pk, first.pk],
            "delegate_quota": 2,
            "paper_requested": True,
            "paper_topic": "ISO 9001:2015",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json() == {"created": 2, "skipped": [QUANG_NINH]}
    new = Invitation.objects.filter(conference=conference).exclude(pk=invitation.pk).order_by("pk")
    assert [(i.organization, i.delegate_quota, i.paper_requested, i.paper_topic, i.status) for i in new] == [
        (first, 2, True, "ISO 9001:2015", "draft"),
        (second, 2, True, "ISO 9001:2015", "draft"),
    ]
    invitation.refresh_from_db()
    assert (invitation.delegate_quota, invitation.paper_requested) == (2, False)


def test_bulk_create_invites_every_organization_of_a_kind(as_organizer, conference, invitation):
    departments = [OrganizationFactory(kind="department") for _ in range(3)]
    OrganizationFactory(kind="ministry")

    response = as_organizer.post(url(conference, "bulk/"), {"organization_kind": "department"}, format="json")

    assert response.status_code == 201
    assert response.json() == {"created": 3, "skipped": [QUANG_NINH]}
    invited = set(Invitation.objects.filter(conference=conference).values_list("organization_id", flat=True))
    assert invited == {invitation.organization_id, *(d.pk for d in departments)}


def test_bulk_create_by_kind_leaves_out_the_host(as_organizer, conference, host):
    home_affairs = organization_create(name="Bộ Nội vụ", code="BNV", kind="ministry")

    response = as_organizer.post(url(conference, "bulk/"), {"organization_kind": "ministry"}, format="json")

    assert response.json() == {"created": 1, "skipped": []}
    assert list(Invitation.objects.values_list("organization", flat=True)) == [home_affairs.pk]


def test_bulk_create_by_list_leaves_out_the_host(as_organizer, conference, host, department):
    response = as_organizer.post(
        url(conference, "bulk/"), {"organizations": [host.pk, department.pk]}, format="json"
    )

    assert response.json() == {"created": 1, "skipped": []}
    assert list(Invitation.objects.values_list("organization", flat=True)) == [department.pk]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "Give either a list of organizations or an organization kind."),
        ({"organizations": [1], "organization_kind": "ministry"}, None),
        ({"organizations": []}, None),
        ({"organizations": [999999, 999998]}, "No organization with id 999999, 999998."),
    ],
)
def test_bulk_create_names_the_organizations_field(as_organizer, conference, payload, message):
    response = as_organizer.post(url(conference, "bulk/"), payload, format="json")

    body = assert_error(response, 400)
    assert list(body["errors"]) == ["organizations"]
    if message:
        assert body["errors"]["organizations"] == [message]
    assert not Invitation.objects.exists()


# Sending --------------------------------------------------------------------------------------------


def test_send_numbers_the_letter_and_writes_the_email_with_the_pdf(
    as_organizer, conference, invitation, organizer, run_commit_tasks
):
    with run_commit_tasks():
        response = as_organizer.post(url(conference, f"{invitation.pk}/send/"), {}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["letter_pending"] is True  # The answer did not wait for the letter.
    invitation.refresh_from_db()
    assert (invitation.status, invitation.send_count) == ("sent", 1)
    assert invitation.sent_at is not None
    assert invitation.document.formatted == "01/GM-BKHCN"
    assert response.json()["document_number"] == "01/GM-BKHCN"
    assert response.json()["status"] == "sent"
    notice = Notification.objects.get(kind="invitation")
    assert notice.state == Notification.State.PENDING  # One invitation sent by hand goes now.
    assert (notice.recipient_address, notice.recipient_ref, notice.scope) == (
        "vanthu@skhcn.quangninh.gov.vn",
        f"organization:{invitation.organization_id}",
        f"conference:{invitation.conference_id}",
    )
    attachment = notice.attachments.get()
    assert (attachment.filename, attachment.content_type) == ("giay-moi-01.pdf", "application/pdf")
    assert attachment.file.read().startswith(b"%PDF")
    assert invitation.links.filter(revoked_at=None).count() == 1
    audit = AuditEntry.objects.get(action="invitation.sent")
    assert (audit.actor, audit.object_id, audit.data) == (
        organizer,
        str(invitation.pk),
        {"send": 1, "document": "01/GM-BKHCN"},
    )


def test_send_with_hold_keeps_the_email_for_approval(as_organizer, conference, invitation, run_commit_tasks):
    with run_commit_tasks():
        response = as_organizer.post(url(conference, f"{invitation.pk}/send/"), {"hold": True}, format="json")

    assert response.status_code == 200
    assert Notification.objects.get(kind="invitation").state == Notification.State.HELD


def test_send_again_keeps_the_number_and_writes_a_new_email(
    as_organizer, conference, invitation, run_commit_tasks
):
    with run_commit_tasks():
        as_organizer.post(url(conference, f"{invitation.pk}/send/"), {}, format="json")

    with run_commit_tasks():
        response = as_organizer.post(url(conference, f"{invitation.pk}/send/"), {}, format="json")

    assert response.status_code == 200
    invitation.refresh_from_db()
    assert (invitation.send_count, invitation.document.formatted) == (2, "01/GM-BKHCN")
    assert Notification.objects.filter(kind="invitation").count() == 2
    assert invitation.links.count() == 2


def test_send_refuses_an_agency_without_an_email_address(as_organizer, conference):
    silent = InvitationFactory(conference=conference, organization=OrganizationFactory(name="Sở Nội vụ"))

    response = as_organizer.post(url(conference, f"{silent.pk}/send/"), {}, format="json")

    body = assert_error(response, 400, "Sở Nội vụ has no e-mail address to send the invitation to.")
    assert list(body["errors"]) == ["contact_emails"]
    silent.refresh_from_db()
    assert (silent.status, silent.document_id) == ("draft", None)


def test_bulk_send_queues_drafts_held_for_approval(
    as_organizer, conference, invitation, django_capture_on_commit_callbacks
):
    second = InvitationFactory(
        conference=conference, organization=OrganizationFactory(contact_emails=["vanthu@sonv.gov.vn"])
    )
    already = InvitationFactory(conference=conference, organization=OrganizationFactory(), status="sent")
    elsewhere = InvitationFactory(organization=OrganizationFactory(contact_emails=["a@b.gov.vn"]))

    with django_capture_on_commit_callbacks(execute=True):
        response = as_organizer.post(
            url(conference, "send/"),
            {"ids": [invitation.pk, second.pk, already.pk, elsewhere.pk]},
            format="json",
        )

    assert response.status_code == 202, response.content
    job = Job.objects.get(kind=Job.Kind.INVITATIONS)
    assert response.json() == {"queued": 2, "job": job.pk}
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 2, 2)
    notices = Notification.objects.filter(kind="invitation").order_by("recipient_address")
    assert [(n.recipient_address, n.state) for n in notices] == [
        ("vanthu@skhcn.quangninh.gov.vn", "held"),
        ("vanthu@sonv.gov.vn", "held"),
    ]
    assert all(n.attachments.get().content_type == "application/pdf" for n in notices)
    numbers = sorted(
        Invitation.objects.filter(pk__in=[invitation.pk, second.pk]).values_list(
            "document__number", flat=True
        )
    )
    assert numbers == [1, 2]
    elsewhere.refresh_from_db()
    assert elsewhere.status == "draft"


def test_bulk_send_names_a_missing_ids_field(as_organizer, conference):
    response = as_organizer.post(url(conference, "send/"), {}, format="json")

    body = assert_error(response, 400)
    assert list(body["errors"]) == ["ids"]


def test_remind_writes_a_reminder_to_an_agency_without_an_answer(as_organizer, conference, invitation):
    invitation_send(invitation=invitation)

    response = as_organizer.post(url(conference, f"{invitation.pk}/remind/"), {}, format="json")

    assert response.status_code == 202
    assert response.json() == {"queued": 1}
    manual = Notification.objects.get(kind="invitation_reminder", idempotency_key__contains=":manual:")
    assert (manual.state, manual.recipient_address) == ("pending", "vanthu@skhcn.quangninh.gov.vn")


def test_remind_refuses_a_draft(as_organizer, conference, invitation):
    response = as_organizer.post(url(conference, f"{invitation.pk}/remind/"), {}, format="json")

    assert_error(response, 400, "Only an invitation that was sent and not answered can be reminded.")
    assert not Notification.objects.exists()


def test_revoke_withdraws_the_invitation_its_link_and_its_delegates(
    as_organizer, client, conference, invitation, organizer
):
    token = sent_with_token(invitation)
    delegate = RegistrationFactory(conference=conference, invitation=invitation)

    response = as_organizer.post(
        url(conference, f"{invitation.pk}/revoke/"), {"reason": "Gửi nhầm cơ quan"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert not invitation.links.filter(revoked_at=None).exists()
    delegate.refresh_from_db()
    assert delegate.status == "cancelled"
    assert AuditEntry.objects.get(action="invitation.revoked").data == {"reason": "Gửi nhầm cơ quan"}
    assert Notification.objects.get(kind="invitation").state == "cancelled"
    client.force_authenticate(None)
    assert_error(client.get(rsvp_url(token)), 404, LINK_NOT_VALID)


def test_organizer_answers_for_the_agency_with_an_audit_entry(
    as_organizer, conference, invitation, organizer
):
    invitation_send(invitation=invitation)
    conference.rsvp_deadline = timezone.now() - datetime.timedelta(hours=1)  # A late phone reply.
    conference.save()

    response = as_organizer.post(
        url(conference, f"{invitation.pk}/answer/"),
        {"accept": True, "delegates": DELEGATES[:1]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert [d["email"] for d in response.json()["delegates"]] == ["hung@skhcn.quangninh.gov.vn"]
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    registration = Registration.objects.get(invitation=invitation)
    assert (registration.person.full_name, registration.status) == ("Nguyễn Văn Hùng", "confirmed")
    audit = AuditEntry.objects.get(action="invitation.answered_on_behalf")
    assert (audit.actor, audit.data) == (
        organizer,
        {"accept": True, "delegates": ["hung@skhcn.quangninh.gov.vn"]},
    )


# The letter -----------------------------------------------------------------------------------------


def test_letter_pdf_of_a_sent_invitation_reads_back_in_vietnamese(as_organizer, conference, invitation):
    invitation_send(invitation=invitation)

    response = rendered_get(as_organizer, url(conference, f"{invitation.pk}/letter.pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="giay-moi-01.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(served(response))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Số: 01/GM-BKHCN" in text
    assert f"Hà Nội, {ngay_thang_nam(timezone.localdate())}" in text
    assert f"Đại diện Lãnh đạo {QUANG_NINH}" in text


def test_letter_pdf_of_a_draft_is_a_preview_without_a_number(as_organizer, conference, invitation):
    response = rendered_get(
        as_organizer, url(conference, f"{invitation.pk}/letter.pdf"), HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="giay-moi-du-thao-{invitation.pk}.pdf"'
    text = pdf_text(served(response))
    assert QUANG_NINH in text
    # A draft's number line is left blank ("Số:      /GM-BKHCN"), as on a paper draft.
    assert "Số: /GM-BKHCN" in text
    assert "01/GM" not in text
    invitation.refresh_from_db()
    assert (invitation.status, invitation.document_id) == ("draft", None)


def test_letter_pdf_requires_an_organizer(client, conference, invitation):
    assert_error(client.get(url(conference, f"{invitation.pk}/letter.pdf")), 401)


@pytest.mark.parametrize("accept", ["application/pdf", "application/*", "*/*", "text/html,*/*;q=0.8"])
def test_letter_pdf_serves_a_client_that_accepts_pdf(as_organizer, conference, invitation, accept):
    response = rendered_get(as_organizer, url(conference, f"{invitation.pk}/letter.pdf"), HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert served(response).startswith(b"%PDF-")


def test_letter_pdf_refuses_a_client_that_accepts_only_json(as_organizer, conference, invitation):
    response = as_organizer.get(
        url(conference, f"{invitation.pk}/letter.pdf"), HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 406
    assert response.json() == {
        "message": "Could not satisfy the request Accept header.",
        "code": "not_acceptable",
        "errors": {},
    }


def test_letter_pdf_asked_for_as_pdf_explains_its_errors_in_json(as_organizer, conference, invitation):
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(
        url(conference, f"{invitation.pk}/letter.pdf"), HTTP_ACCEPT="application/pdf"
    )
    missing = as_organizer.get(url(conference, "999999/letter.pdf"), HTTP_ACCEPT="application/pdf")

    assert (anonymous.status_code, anonymous["Content-Type"]) == (401, "application/json")
    assert set(anonymous.json()) == {"message", "code", "errors"}
    assert (missing.status_code, missing.json()) == (
        404,
        {"message": "No such invitation.", "code": "not_found", "errors": {}},
    )


# The RSVP link ----------------------------------------------------------------------------------------


def test_rsvp_shows_the_invitation_as_the_agency_sees_it(client, conference, invitation):
    token = sent_with_token(invitation)

    response = client.get(rsvp_url(token))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["conference"] == {
        "title_vi": "Hội nghị sơ kết Quyết định 19",
        "title_en": "Mid-term review of Decision 19",
        "host": "Bộ Khoa học và Công nghệ",
        "starts_at": body["conference"]["starts_at"],
        "ends_at": body["conference"]["ends_at"],
        "venue_name": "Hội trường tầng 1",
        "venue_address": "113 Trần Duy Hưng, Hà Nội",
        "rsvp_deadline": body["conference"]["rsvp_deadline"],
    }
    assert datetime.datetime.fromisoformat(body["conference"]["starts_at"]) == conference.starts_at
    assert datetime.datetime.fromisoformat(body["conference"]["rsvp_deadline"]) == conference.rsvp_deadline
    assert {key: body[key] for key in body if key != "conference"} == {
        "invitee_name": QUANG_NINH,
        "addressee": "",
        "document_number": "01/GM-BKHCN",
        "status": "sent",
        "delegate_quota": 2,
        "paper_requested": False,
        "paper_topic": "",
        "note": "",
        "responded_at": None,
        "delegates": [],
        "presenter_email": None,
        "can_answer": True,
    }


def test_rsvp_accept_registers_the_delegates_and_confirms_them(
    client, conference, invitation, run_commit_tasks
):
    invitation.paper_requested = True
    invitation.save()
    token = sent_with_token(invitation)

    with run_commit_tasks():
        response = client.post(
            rsvp_url(token),
            {"accept": True, "delegates": DELEGATES, "presenter_email": "HUNG@skhcn.quangninh.gov.vn"},
            format="json",
        )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    assert body["presenter_email"] == "hung@skhcn.quangninh.gov.vn"
    assert body["delegates"] == [
        {**DELEGATES[0]},
        {**DELEGATES[1], "phone": ""},
    ]
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.responded_at is not None
    assert invitation.paper_presenter.email == "hung@skhcn.quangninh.gov.vn"
    registrations = Registration.objects.filter(invitation=invitation, status="confirmed").order_by("pk")
    assert [(r.person.full_name, r.organization_id) for r in registrations] == [
        ("Nguyễn Văn Hùng", invitation.organization_id),
        ("Trần Thị Lan", invitation.organization_id),
    ]
    assert all(r.token_hash for r in registrations)
    confirmations = Notification.objects.filter(kind="registration_confirmation")
    assert sorted(confirmations.values_list("recipient_address", flat=True)) == [
        "hung@skhcn.quangninh.gov.vn",
        "lan@skhcn.quangninh.gov.vn",
    ]
    assert not AuditEntry.objects.filter(action="invitation.answered_on_behalf").exists()


def test_rsvp_replaces_a_delegate_until_the_deadline(client, conference, invitation):
    token = sent_with_token(invitation)
    client.post(rsvp_url(token), {"accept": True, "delegates": DELEGATES}, format="json")

    response = client.post(rsvp_url(token), {"accept": True, "delegates": DELEGATES[1:]}, format="json")

    assert response.status_code == 200
    assert [d["email"] for d in response.json()["delegates"]] == ["lan@skhcn.quangninh.gov.vn"]
    statuses = dict(Registration.objects.filter(invitation=invitation).values_list("person__email", "status"))
    assert statuses == {"hung@skhcn.quangninh.gov.vn": "cancelled", "lan@skhcn.quangninh.gov.vn": "confirmed"}


def test_rsvp_link_of_another_agency_does_not_rename_a_delegate_of_another_conference(
    client, conference, invitation
):
    # Issue 9.1: the anonymous answer renamed the person and changed their position and phone.
    other_agency = OrganizationFactory()
    elsewhere = RegistrationFactory(
        person=PersonFactory(
            full_name="Lê Văn Khác", position="Phó Vụ trưởng", phone="0912 000 111", organization=other_agency
        ),
        organization=other_agency,
    ).person
    token = sent_with_token(invitation)
    named = {"full_name": "Tên Giả Mạo", "email": elsewhere.email, "position": "Chuyên viên"}

    response = client.post(rsvp_url(token), {"accept": True, "delegates": [named]}, format="json")

    assert response.status_code == 200
    assert response.json()["delegates"] == [
        {"full_name": "Tên Giả Mạo", "email": elsewhere.email, "position": "Chuyên viên", "phone": ""}
    ]
    elsewhere.refresh_from_db()
    assert (elsewhere.full_name, elsewhere.position, elsewhere.phone, elsewhere.organization) == (
        "Lê Văn Khác",
        "Phó Vụ trưởng",
        "0912 000 111",
        other_agency,
    )


def test_rsvp_decline_cancels_the_delegates(client, conference, invitation):
    token = sent_with_token(invitation)
    client.post(rsvp_url(token), {"accept": True, "delegates": DELEGATES[:1]}, format="json")

    response = client.post(rsvp_url(token), {"accept": False}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["delegates"]) == ("declined", [])
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert list(Registration.objects.filter(invitation=invitation).values_list("status", flat=True)) == [
        "cancelled"
    ]


def test_rsvp_refuses_more_delegates_than_the_quota(client, conference, invitation):
    token = sent_with_token(invitation)
    three = [*DELEGATES, {"full_name": "Phạm Minh Đức", "email": "duc@skhcn.quangninh.gov.vn"}]

    response = client.post(rsvp_url(token), {"accept": True, "delegates": three}, format="json")

    body = assert_error(response, 400, "Some fields are not valid.")
    assert body["errors"] == {"delegates": ["This invitation allows at most 2 delegate(s)."]}
    invitation.refresh_from_db()
    assert invitation.status == "sent"
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "accept"),
        ({"accept": True}, "delegates"),
        (
            {"accept": True, "delegates": [{"full_name": "Nguyễn Văn Hùng", "email": "khong-phai-email"}]},
            "delegates",
        ),
        ({"accept": True, "delegates": [{"email": "hung@skhcn.quangninh.gov.vn"}]}, "delegates"),
        (
            {"accept": True, "delegates": DELEGATES[:1], "presenter_email": "lan@skhcn.quangninh.gov.vn"},
            "presenter_email",
        ),
    ],
)
def test_rsvp_names_the_bad_field(client, conference, invitation, payload, field):
    invitation.paper_requested = True
    invitation.save()
    token = sent_with_token(invitation)

    response = client.post(rsvp_url(token), payload, format="json")

    body = assert_error(response, 400, "Some fields are not valid.")
    assert list(body["errors"]) == [field]
    assert not Registration.objects.exists()


def test_rsvp_reports_a_full_venue_with_a_code(client, conference, invitation):
    conference.capacity = 1
    conference.save()
    RegistrationFactory(conference=conference)
    token = sent_with_token(invitation)

    response = client.post(rsvp_url(token), {"accept": True, "delegates": DELEGATES[:1]}, format="json")

    body = assert_error(response, 400, "The conference is full (1 places).")
    assert body["code"] == "capacity_reached"
    invitation.refresh_from_db()
    assert invitation.status == "sent"


def test_rsvp_after_the_deadline_is_refused_with_a_code(client, conference, invitation):
    token = sent_with_token(invitation)
    conference.rsvp_deadline = timezone.now() - datetime.timedelta(hours=1)  # The link lives 3 days more.
    conference.save()

    shown = client.get(rsvp_url(token))
    response = client.post(rsvp_url(token), {"accept": True, "delegates": DELEGATES[:1]}, format="json")

    assert shown.status_code == 200
    assert shown.json()["can_answer"] is False
    body = assert_error(response, 400, "The deadline for answers has passed. Please contact the organizers.")
    assert body["code"] == "deadline_passed"
    assert not Registration.objects.exists()


def test_rsvp_rejects_expired_token(client, invitation):
    invitation_send(invitation=invitation)
    token, token_hash = token_new()
    InvitationLink.objects.create(
        invitation=invitation,
        token_hash=token_hash,
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    assert_error(client.get(rsvp_url(token)), 404, LINK_NOT_VALID)
    assert_error(client.post(rsvp_url(token), {"accept": False}, format="json"), 404, LINK_NOT_VALID)
    invitation.refresh_from_db()
    assert invitation.status == "sent"


def test_rsvp_rejects_revoked_and_unknown_tokens_alike(client, invitation):
    token = sent_with_token(invitation)
    InvitationLink.objects.update(revoked_at=timezone.now())

    revoked = client.get(rsvp_url(token))
    unknown = client.get(rsvp_url("x" * 43))

    assert_error(revoked, 404, LINK_NOT_VALID)
    assert_error(unknown, 404, LINK_NOT_VALID)
    assert revoked.json() == unknown.json()


def test_rsvp_needs_no_account_and_ignores_a_logged_in_user(invitation):
    token = sent_with_token(invitation)
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory())  # A session without a CSRF token must not get in the way.

    response = client.post(rsvp_url(token), {"accept": False}, format="json")

    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action="invitation.answered_on_behalf").exists()


def test_rsvp_guessing_is_throttled(client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"rsvp": "3/min"})

    answers = [client.get(rsvp_url(f"doan-{n}")).status_code for n in range(4)]

    assert answers == [404, 404, 404, 429]
    assert set(client.get(rsvp_url("doan-5")).json()) == {"message", "code", "errors"}


def test_rsvp_throttle_ignores_a_forwarded_for_sent_straight_to_the_server(monkeypatch, settings):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"rsvp": "3/min"})
    settings.TRUSTED_PROXIES = []

    answers = [
        APIClient(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").get(rsvp_url(f"doan-{n}")).status_code
        for n in range(4)
    ]

    assert answers == [404, 404, 404, 429]


def test_rsvp_throttle_behind_a_proxy_gives_each_client_its_own_budget(monkeypatch, settings):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"rsvp": "3/min"})
    settings.TRUSTED_PROXIES = ["10.0.0.5"]

    def through_proxy(forwarded: str) -> int:
        return (
            APIClient(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
            .get(rsvp_url("doan"))
            .status_code
        )

    first = [through_proxy("203.0.113.66") for _ in range(3)]
    disguised = through_proxy("192.0.2.1, 203.0.113.66")
    other_client = through_proxy("203.0.113.7")

    assert first == [404, 404, 404]
    assert disguised == 429
    assert other_client == 404


def test_rsvp_api_is_refused_once_the_personal_link_pages_refuse(invitation, settings):
    settings.RSVP_GUESS_LIMIT = 3
    token = sent_with_token(invitation)
    pages = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    misses = [pages.get(f"/tra-loi/doan-{n}/").status_code for n in range(3)]
    page = pages.get(f"/tra-loi/{token}/")
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(rsvp_url(token))
    other_client = APIClient(REMOTE_ADDR="203.0.113.7").get(rsvp_url(token))

    assert misses == [404, 404, 404]
    assert page.status_code == 429
    assert api.status_code == 429
    assert api["Retry-After"] == "600"
    assert set(api.json()) == {"message", "code", "errors"}
    assert other_client.status_code == 200


def test_rsvp_api_wrong_tokens_close_the_personal_link_pages_too(invitation, settings):
    settings.RSVP_GUESS_LIMIT = 3
    token = sent_with_token(invitation)
    client = APIClient()

    misses = [client.get(rsvp_url(f"doan-{n}")).status_code for n in range(3)]
    api = client.get(rsvp_url(token))
    page = client.get(f"/tra-loi/{token}/")
    delegate_page = client.get("/dai-bieu/doan/")

    assert misses == [404, 404, 404]
    assert api.status_code == 429
    assert page.status_code == 429
    assert delegate_page.status_code == 429


# Registrations -------------------------------------------------------------------------------------------


def test_registrations_list_filters_by_status_organization_and_check_in(
    as_organizer, conference, invitation, django_assert_max_num_queries
):
    arrived = RegistrationFactory(
        conference=conference,
        invitation=invitation,
        organization=invitation.organization,
        person=PersonFactory(full_name="Nguyễn Văn An"),
        checked_in_at=timezone.now(),
    )
    waiting = RegistrationFactory(conference=conference, person=PersonFactory(full_name="Trần Văn Bình"))
    cancelled = RegistrationFactory(
        conference=conference, person=PersonFactory(full_name="Lê Thị Cúc"), status="cancelled"
    )
    RegistrationFactory()  # Another conference's.

    def ids(query: str = "") -> list[int]:
        response = as_organizer.get(registrations_url(conference) + query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    with django_assert_max_num_queries(5):
        everyone = ids()
    assert everyone == [arrived.pk, waiting.pk, cancelled.pk]  # By given name: An, Bình, Cúc.
    assert ids("?checked_in=true") == [arrived.pk]
    assert ids("?checked_in=false") == [waiting.pk, cancelled.pk]
    assert ids("?status=cancelled") == [cancelled.pk]
    assert ids(f"?organization={invitation.organization_id}") == [arrived.pk]


def test_registration_detail_shows_the_person_and_agency(as_organizer, conference, invitation):
    registration = RegistrationFactory(
        conference=conference,
        invitation=invitation,
        organization=invitation.organization,
        person=PersonFactory(full_name="Nguyễn Văn An", email="an@skhcn.quangninh.gov.vn", phone=""),
    )

    response = as_organizer.get(registrations_url(conference, f"{registration.pk}/"))

    assert response.status_code == 200
    body = response.json()
    assert body["person"] == {
        "id": registration.person_id,
        "full_name": "Nguyễn Văn An",
        "position": "Chuyên viên",
        "email": "an@skhcn.quangninh.gov.vn",
        "phone": "",
    }
    assert (body["organization"]["name"], body["invitation"], body["role"], body["status"]) == (
        QUANG_NINH,
        invitation.pk,
        "delegate",
        "confirmed",
    )
    assert body["checked_in_at"] is None


def test_registration_check_in_keeps_the_first_time(as_organizer, organizer, conference):
    registration = RegistrationFactory(conference=conference)

    first = as_organizer.post(registrations_url(conference, f"{registration.pk}/check-in/"))
    registration.refresh_from_db()
    arrived = registration.checked_in_at
    second = as_organizer.post(registrations_url(conference, f"{registration.pk}/check-in/"))

    assert first.status_code == second.status_code == 200
    assert arrived is not None
    registration.refresh_from_db()
    assert registration.checked_in_at == arrived
    assert registration.checked_in_by == organizer
    assert (first.json()["first_time"], second.json()["first_time"]) == (True, False)
    assert datetime.datetime.fromisoformat(second.json()["checked_in_at"]) == arrived
    assert second.json()["checked_in_by"] == organizer.get_username()
    assert second.json()["message"] == (
        f"{registration.display_name} was already checked in at "
        f"{timezone.localtime(arrived):%H:%M} by {organizer.get_username()}."
    )


def test_registration_check_in_refuses_a_cancelled_registration(as_organizer, conference):
    registration = RegistrationFactory(conference=conference, status="cancelled")

    response = as_organizer.post(registrations_url(conference, f"{registration.pk}/check-in/"))

    body = assert_error(
        response, 400, f"{registration.display_name}'s registration was cancelled: no check-in."
    )
    assert body["code"] == "registration_cancelled"
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_registration_cancel(as_organizer, conference):
    registration = RegistrationFactory(conference=conference, token_hash="a" * 64)

    response = as_organizer.post(registrations_url(conference, f"{registration.pk}/cancel/"))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    registration.refresh_from_db()
    assert (registration.status, registration.token_hash) == ("cancelled", None)


def test_registrations_are_for_organizers_of_that_conference_only(client, conference, organizer):
    other = ConferenceFactory(published=True)
    theirs = RegistrationFactory(conference=other)
    client.force_authenticate(organizer)

    assert_error(client.get(registrations_url(other)), 403)
    assert_error(client.post(registrations_url(other, f"{theirs.pk}/cancel/")), 403)
    assert_error(
        client.post(registrations_url(conference, f"{theirs.pk}/cancel/")), 404, "No such registration."
    )
    client.force_authenticate(None)
    assert_error(client.get(registrations_url(conference)), 401)
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"
