"""Hostile input answers 400 or a form error, quickly, and writes nothing (issue 9, items 8 to 15)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conferences.models import AgendaItem, Invitation, Organization, Paper, Registration
from conferences.services.conferences import conference_create
from conferences.services.imports import import_commit
from conferences.services.invitation_sending import invitation_link_create, invitation_send
from conferences.services.invitations import invitation_bulk_create
from conferences.services.organizations import organization_create
from notifications.models import Notification
from tests.factories import (
    PASSWORD,
    AgendaItemFactory,
    AwardFactory,
    ConferenceFactory,
    ConferenceRoleFactory,
    InvitationFactory,
    PaperFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000
HUGE_ID = 10**30


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Keep the throttles' counters in memory, not in the shared file cache of earlier runs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def client():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def conference():
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    # 08:00 to 12:00 on one day, ten days ahead: open for answers, and one calendar day long.
    start = timezone.localtime() + datetime.timedelta(days=10)
    start = start.replace(hour=8, minute=0, second=0, microsecond=0)
    return conference_create(
        title_vi="Hội nghị sơ kết Quyết định 19",
        host=host,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
        rsvp_deadline=start - datetime.timedelta(days=5),
    )


@pytest.fixture
def organizer(conference):
    return ConferenceRoleFactory(conference=conference).user


@pytest.fixture
def as_organizer(client, organizer):
    client.force_authenticate(organizer)
    return client


@pytest.fixture
def invitation(conference):
    department = organization_create(
        name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        kind="department",
        contact_emails=["vanthu@skhcn.quangninh.gov.vn"],
    )
    return InvitationFactory(conference=conference, organization=department, delegate_quota=2)


def rsvp_token(invitation: Invitation) -> str:
    invitation_send(invitation=invitation)
    return invitation_link_create(invitation=invitation).rstrip("/").rsplit("/", 1)[-1]


def api_error(response, status_code: int = 400) -> dict:
    """The API's error shape, {"message": ..., "code": ..., "errors": {...}}, with the status asserted."""
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    return body


# 8. JSON nested 100,000 deep ----------------------------------------------------------------------------


TOO_DEEP = "The JSON body nests more than 32 levels deep."


def test_token_endpoint_refuses_a_deeply_nested_body(client):
    UserFactory(username="to-chuc")

    response = client.post("/api/v1/auth/token/", DEEP, content_type="application/json")

    assert api_error(response) == {"message": TOO_DEEP, "code": "too_deep", "errors": {}}
    assert Token.objects.count() == 0


def test_rsvp_refuses_a_deeply_nested_body(client, invitation):
    token = rsvp_token(invitation)

    response = client.post(f"/api/v1/rsvp/{token}/", DEEP, content_type="application/json")

    assert api_error(response) == {"message": TOO_DEEP, "code": "too_deep", "errors": {}}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("body", [DEEP, "[" * 33 + "]" * 33, '{"a":' * 40 + "1" + "}" * 40])
def test_organizer_endpoints_refuse_deeply_nested_bodies(as_organizer, conference, body):
    response = as_organizer.post(
        f"/api/v1/conferences/{conference.slug}/invitations/bulk/", body, content_type="application/json"
    )

    assert api_error(response) == {"message": TOO_DEEP, "code": "too_deep", "errors": {}}
    assert Invitation.objects.count() == 0


def test_json_nested_as_deep_as_allowed_is_read(client):
    UserFactory(username="to-chuc")
    nested = "[" * 31 + "]" * 31

    response = client.post(
        "/api/v1/auth/token/",
        f'{{"username": "to-chuc", "password": "{PASSWORD}", "x": {nested}}}',
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert Token.objects.get().user.username == "to-chuc"


# 9. Ids beyond a 64-bit integer -------------------------------------------------------------------------


def test_bulk_send_refuses_an_id_beyond_any_primary_key(as_organizer, conference, invitation):
    response = as_organizer.post(
        f"/api/v1/conferences/{conference.slug}/invitations/send/",
        {"ids": [invitation.pk, HUGE_ID]},
        format="json",
    )

    body = api_error(response)
    assert body["errors"] == {"ids": {"1": [f"{HUGE_ID} is not a valid id."]}}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert Notification.objects.count() == 0


def test_bulk_invite_refuses_an_organization_id_beyond_any_primary_key(as_organizer, conference):
    response = as_organizer.post(
        f"/api/v1/conferences/{conference.slug}/invitations/bulk/",
        {"organizations": [HUGE_ID]},
        format="json",
    )

    body = api_error(response)
    assert body["errors"] == {"organizations": {"0": [f"{HUGE_ID} is not a valid id."]}}
    assert Invitation.objects.count() == 0


def test_agenda_reorder_refuses_an_item_id_beyond_any_primary_key(as_organizer, conference):
    item = AgendaItemFactory(conference=conference, starts_at=conference.starts_at, position=0)

    response = as_organizer.post(
        f"/api/v1/conferences/{conference.slug}/agenda/items/reorder/",
        {"item_ids": [HUGE_ID, item.pk]},
        format="json",
    )

    body = api_error(response)
    assert body["errors"] == {"item_ids": {"0": [f"{HUGE_ID} is not a valid id."]}}
    item.refresh_from_db()
    assert item.position == 0


def test_agenda_item_api_refuses_a_speaker_id_beyond_any_primary_key(as_organizer, conference):
    start = conference.starts_at
    response = as_organizer.post(
        f"/api/v1/conferences/{conference.slug}/agenda/items/",
        {
            "title": "Khai mạc",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(minutes=15)).isoformat(),
            "speakers": [HUGE_ID],
        },
        format="json",
    )

    body = api_error(response)
    assert body["errors"] == {"speakers": [f'Invalid pk "{HUGE_ID}" - object does not exist.']}
    assert AgendaItem.objects.count() == 0


@pytest.fixture
def organizer_pages(organizer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(organizer)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_send_selected_form_refuses_an_id_beyond_any_primary_key(organizer_pages, conference, invitation):
    page = f"/to-chuc/{conference.slug}/giay-moi/"

    response = organizer_pages.post(f"{page}gui-da-chon/", {"ids": [str(invitation.pk), str(HUGE_ID)]})

    assert response.status_code == 302 and response["Location"] == page
    assert messages_of(response) == ["The selection is not valid; reload the page and try again."]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert Notification.objects.count() == 0


def local_fields(name: str, when: datetime.datetime) -> dict:
    when = timezone.localtime(when)
    return {f"{name}_0": when.strftime("%Y-%m-%d"), f"{name}_1": when.strftime("%H:%M")}


def test_agenda_editor_refuses_a_speaker_id_beyond_any_primary_key(organizer_pages, conference):
    start = conference.starts_at
    data = {
        **local_fields("starts_at", start),
        **local_fields("ends_at", start + datetime.timedelta(minutes=15)),
        "kind": "other",
        "title": "Khai mạc",
        "speakers": [str(HUGE_ID)],
    }

    response = organizer_pages.post(f"/to-chuc/{conference.slug}/chuong-trinh/", data)

    assert response.status_code == 400
    assert response.context["item_form"].errors == {"speakers": [f"“{HUGE_ID}” is not a valid value."]}
    assert AgendaItem.objects.count() == 0


# 11. Agenda items far outside the conference's days ----------------------------------------------------

YEAR_9999 = "9999-12-31T23:50"
# The API refuses a year outside 1900-2100 as it reads the field, before the rule of the days.
NOT_A_SANE_DATE = "Enter a date between 1900 and 2100."


def outside_days(conference) -> str:
    day = timezone.localtime(conference.starts_at).strftime("%d/%m/%Y")
    return f"An agenda item must take place on the conference's day, {day}."


def agenda_items_url(conference, suffix: str = "") -> str:
    return f"/api/v1/conferences/{conference.slug}/agenda/items/{suffix}"


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "fields"),
    [
        (YEAR_9999, YEAR_9999, {"starts_at", "ends_at"}),
        ("2000-01-01T08:00", "2000-01-01T09:00", ["starts_at", "ends_at"]),
        (None, "+1 day", ["ends_at"]),
    ],
)
def test_agenda_item_api_refuses_times_outside_the_conference_days(
    as_organizer, conference, starts_at, ends_at, fields
):
    if starts_at is None:
        starts_at = conference.starts_at.isoformat()
        ends_at = (conference.starts_at + datetime.timedelta(days=1)).isoformat()

    response = as_organizer.post(
        agenda_items_url(conference),
        {"title": "Bế mạc", "starts_at": starts_at, "ends_at": ends_at},
        format="json",
    )

    body = api_error(response)
    message = NOT_A_SANE_DATE if isinstance(fields, set) else outside_days(conference)
    assert body["errors"] == {name: [message] for name in fields}
    assert AgendaItem.objects.count() == 0


def test_agenda_item_api_refuses_moving_an_item_to_year_9999(as_organizer, conference):
    item = AgendaItemFactory(
        conference=conference,
        starts_at=conference.starts_at,
        ends_at=conference.starts_at + datetime.timedelta(minutes=30),
    )

    response = as_organizer.post(
        agenda_items_url(conference, f"{item.pk}/move/"), {"starts_at": YEAR_9999}, format="json"
    )

    assert api_error(response)["errors"] == {"starts_at": [NOT_A_SANE_DATE]}
    item.refresh_from_db()
    assert item.starts_at == conference.starts_at


def test_agenda_item_api_refuses_a_change_to_year_9999(as_organizer, conference):
    item = AgendaItemFactory(
        conference=conference,
        starts_at=conference.starts_at,
        ends_at=conference.starts_at + datetime.timedelta(minutes=30),
    )

    response = as_organizer.patch(
        agenda_items_url(conference, f"{item.pk}/"), {"ends_at": YEAR_9999}, format="json"
    )

    assert api_error(response)["errors"] == {"ends_at": [NOT_A_SANE_DATE]}
    item.refresh_from_db()
    assert item.ends_at == conference.starts_at + datetime.timedelta(minutes=30)


def year_9999_fields(name: str) -> dict:
    return {f"{name}_0": "9999-12-31", f"{name}_1": "23:50"}


def test_agenda_editor_form_refuses_year_9999(organizer_pages, conference):
    data = {**year_9999_fields("starts_at"), **year_9999_fields("ends_at"), "kind": "other", "title": "X"}

    response = organizer_pages.post(f"/to-chuc/{conference.slug}/chuong-trinh/", data)

    assert response.status_code == 400
    assert response.context["item_form"].errors == {
        "starts_at": [outside_days(conference)],
        "ends_at": [outside_days(conference)],
    }
    assert AgendaItem.objects.count() == 0


def test_agenda_fill_form_refuses_year_9999(organizer_pages, conference):
    PaperFactory(conference=conference, status=Paper.Status.ACCEPTED)
    data = {**year_9999_fields("fill-starts_at"), "fill-slot_minutes": "15"}

    response = organizer_pages.post(f"/to-chuc/{conference.slug}/chuong-trinh/dien-tu-tham-luan/", data)

    assert response.status_code == 400
    assert response.context["fill_form"].errors == {"starts_at": [outside_days(conference)]}
    assert AgendaItem.objects.count() == 0


@pytest.fixture
def year_9999_item(conference):
    """An item stored before the rule, as the API accepted it: 9999-12-31 23:50 Vietnam time."""
    last = timezone.make_aware(datetime.datetime(9999, 12, 31, 23, 50))
    return AgendaItemFactory(conference=conference, title="Năm 9999", starts_at=last, ends_at=last)


def test_agenda_editor_shows_an_item_stored_in_year_9999_as_an_error(
    organizer_pages, conference, year_9999_item
):
    response = organizer_pages.get(f"/to-chuc/{conference.slug}/chuong-trinh/")

    assert response.status_code == 200
    assert [error["code"] for error in response.context["errors"]] == ["outside_days"]
    form = response.context["item_form"]
    assert form.initial["starts_at"] == conference.starts_at  # Not the stored item's end.
    assert response.context["fill_form"].initial["starts_at"] == conference.starts_at
    for page in ("", "doi-gio/", "xoa/"):
        assert (
            organizer_pages.get(
                f"/to-chuc/{conference.slug}/chuong-trinh/{year_9999_item.pk}/{page}"
            ).status_code
            == 200
        )


def test_agenda_fill_form_errors_show_with_an_item_stored_in_year_9999(
    organizer_pages, conference, year_9999_item
):
    data = {"fill-starts_at_0": "", "fill-starts_at_1": "", "fill-slot_minutes": "15"}

    response = organizer_pages.post(f"/to-chuc/{conference.slug}/chuong-trinh/dien-tu-tham-luan/", data)

    assert response.status_code == 400
    assert list(response.context["fill_form"].errors) == ["starts_at"]
    assert AgendaItem.objects.count() == 1


def test_agenda_check_flags_an_item_stored_in_year_9999(as_organizer, conference, year_9999_item):
    response = as_organizer.get(f"/api/v1/conferences/{conference.slug}/agenda/check/")

    assert response.status_code == 200
    assert [(e["code"], e["items"]) for e in response.json()["errors"]] == [
        ("outside_days", [year_9999_item.pk])
    ]


# 12. Control characters in names -------------------------------------------------------------------------

HUNG = {
    "full_name": "Nguyễn\x01 Văn\x1b Hùng",
    "email": "hung@skhcn.quangninh.gov.vn",
    "phone": "0203\x1b 3835",
}


def test_rsvp_api_stores_delegate_names_without_control_characters(client, invitation):
    token = rsvp_token(invitation)

    response = client.post(
        f"/api/v1/rsvp/{token}/",
        {"accept": True, "delegates": [{**HUNG, "position": "Giám\x0bđốc\x7f"}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["delegates"][0]["full_name"] == "Nguyễn Văn Hùng"
    person = Registration.objects.get(invitation=invitation).person
    assert (person.full_name, person.position, person.phone) == ("Nguyễn Văn Hùng", "Giám đốc", "0203 3835")


def test_rsvp_api_refuses_a_name_of_control_characters_only(client, invitation):
    token = rsvp_token(invitation)

    response = client.post(
        f"/api/v1/rsvp/{token}/",
        {"accept": True, "delegates": [{**HUNG, "full_name": "\x01\x1b\x02"}]},
        format="json",
    )

    assert api_error(response)["errors"] == {"delegates": ["Delegate 1: enter the full name."]}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert Registration.objects.count() == 0


def test_rsvp_api_refuses_a_nul_in_a_name(client, invitation):
    token = rsvp_token(invitation)

    response = client.post(
        f"/api/v1/rsvp/{token}/",
        {"accept": True, "delegates": [{**HUNG, "full_name": "Nguyễn\x00 Văn Hùng"}]},
        format="json",
    )

    fields = api_error(response)["errors"]
    assert fields == {"delegates": {"0": {"full_name": ["Null characters are not allowed."]}}}
    assert Registration.objects.count() == 0


def test_organizer_answer_api_stores_delegate_names_without_control_characters(
    as_organizer, conference, invitation
):
    invitation_send(invitation=invitation)

    response = as_organizer.post(
        f"/api/v1/conferences/{conference.slug}/invitations/{invitation.pk}/answer/",
        {"accept": True, "delegates": [HUNG]},
        format="json",
    )

    assert response.status_code == 200, response.content
    person = Registration.objects.get(invitation=invitation).person
    assert (person.full_name, person.phone) == ("Nguyễn Văn Hùng", "0203 3835")


def test_csv_import_stores_agency_names_without_control_characters():
    data = (
        "Tên cơ quan,Loại,Điện thoại\nSở Khoa học\x01 và Công nghệ\x1b tỉnh Quảng\x00 Ninh,Sở,0203\x1b3835\n"
    )

    import_commit(file=data.encode(), filename="co-quan.csv")

    organization = Organization.objects.get()
    assert (organization.name, organization.phone) == ("Sở Khoa học và Công nghệ tỉnh Quảng Ninh", "02033835")


# 15. Length limits on free text, the same on every path ----------------------------------------------------


def too_long(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {limit + 1})."


def too_long_api(limit: int) -> str:
    return f"Ensure this field has no more than {limit} characters."


def test_agenda_item_api_refuses_a_description_over_4000_characters(as_organizer, conference):
    start = conference.starts_at
    response = as_organizer.post(
        agenda_items_url(conference),
        {
            "title": "Khai mạc",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(minutes=15)).isoformat(),
            "description": "x" * 4001,
        },
        format="json",
    )

    assert api_error(response)["errors"] == {"description": [too_long_api(4000)]}
    assert AgendaItem.objects.count() == 0


def test_agenda_editor_refuses_a_description_over_4000_characters(organizer_pages, conference):
    start = conference.starts_at
    data = {
        **local_fields("starts_at", start),
        **local_fields("ends_at", start + datetime.timedelta(minutes=15)),
        "kind": "other",
        "title": "Khai mạc",
        "description": "x" * 4001,
    }

    response = organizer_pages.post(f"/to-chuc/{conference.slug}/chuong-trinh/", data)

    assert response.status_code == 400
    assert response.context["item_form"].errors == {"description": [too_long(4000)]}
    assert AgendaItem.objects.count() == 0


def test_bulk_invite_form_refuses_a_note_over_4000_characters(organizer_pages, conference):
    organization_create(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", kind="department")
    page = f"/to-chuc/{conference.slug}/giay-moi/"

    response = organizer_pages.post(
        f"{page}moi-hang-loat/", {"kind": "department", "delegate_quota": "1", "note": "x" * 102_000}
    )

    assert response.status_code == 302 and response["Location"] == page
    assert messages_of(response) == [
        "Note in the letter: Ensure this value has at most 4000 characters (it has 102000)."
    ]
    assert Invitation.objects.count() == 0


def test_bulk_invite_api_refuses_a_note_over_4000_characters(as_organizer, conference):
    department = organization_create(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", kind="department")

    response = as_organizer.post(
        f"/api/v1/conferences/{conference.slug}/invitations/bulk/",
        {"organizations": [department.pk], "note": "x" * 4001},
        format="json",
    )

    assert api_error(response)["errors"] == {"note": [too_long_api(4000)]}
    assert Invitation.objects.count() == 0


def test_invitation_service_refuses_a_note_over_4000_characters(conference):
    department = organization_create(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", kind="department")

    with pytest.raises(ValidationError) as raised:
        invitation_bulk_create(conference=conference, organizations=[department], note="x" * 4001)

    assert raised.value.message_dict == {"note": [too_long(4000)]}
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("factory", "field", "limit"),
    [
        (AgendaItemFactory, "description", 4000),
        (InvitationFactory, "note", 4000),
        (ConferenceFactory, "description", 10_000),
        (AwardFactory, "citation", 2000),
        (PaperFactory, "abstract", 10_000),
        (PaperFactory, "body", 200_000),
    ],
)
def test_free_text_fields_have_a_limit_that_full_clean_enforces(factory, field, limit):
    row = factory()
    setattr(row, field, "x" * limit)
    row.full_clean()

    setattr(row, field, "x" * (limit + 1))
    with pytest.raises(ValidationError) as raised:
        row.full_clean()

    assert raised.value.message_dict == {field: [too_long(limit)]}
