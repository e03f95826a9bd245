"""Organizer pages for invitations: overview, actions, bulk invitations, answering by phone, the letter."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from pypdf import PdfReader

from conferences.models import AuditEntry, ConferenceRole, Invitation, Organization, Person, Registration
from conferences.services.conferences import conference_role_grant
from conferences.services.invitation_sending import invitation_revoke, invitation_send
from conferences.services.invitations import invitation_create
from conferences.services.organizations import organization_create, person_create, province_upsert
from conferences.services.rsvp import DelegateInput, rsvp_submit
from notifications.models import Notification
from tests.conferences.stored_document_helpers import rendered_get, served
from tests.factories import conference_build

pytestmark = pytest.mark.django_db

State = Notification.State


def make_user(username: str, **fields):
    # No password: the tests log in with force_login, and hashing one costs half a second.
    return get_user_model().objects.create_user(username=username, password=None, **fields)


def logged_in(user) -> Client:
    # Feedback is asserted in English, the source language of the messages.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


# Published, a month ahead, answers due in twenty days.
CONFERENCE = {"days_ahead": 30, "deadline_in_days": 20, "slug": "so-ket-qd19", "publish": True}


def make_conference(host, **changes):
    return conference_build(host, **(CONFERENCE | changes))


@pytest.fixture
def conference_kwargs():
    return CONFERENCE


@pytest.fixture
def provinces():
    return {
        "qn": province_upsert(code="22", name="Quảng Ninh", kind="province"),
        "hp": province_upsert(code="31", name="Hải Phòng", kind="city"),
    }


@pytest.fixture
def agencies(provinces):
    def department(name, province, email):
        return organization_create(name=name, kind="department", province=province, contact_emails=[email])

    return {
        "qn": department(
            "Sở Khoa học và Công nghệ tỉnh Quảng Ninh", provinces["qn"], "sokhcn@quangninh.gov.vn"
        ),
        "qn_tc": department("Sở Tài chính tỉnh Quảng Ninh", provinces["qn"], "stc@quangninh.gov.vn"),
        "hp": department(
            "Sở Khoa học và Công nghệ thành phố Hải Phòng", provinces["hp"], "skhcn@haiphong.gov.vn"
        ),
        "ubnd_qn": organization_create(
            name="Ủy ban nhân dân tỉnh Quảng Ninh",
            kind="provincial_committee",
            province=provinces["qn"],
            contact_emails=["vpubnd@quangninh.gov.vn"],
        ),
    }


@pytest.fixture
def organizer_user(conference):
    user = make_user("le-tan")
    conference_role_grant(conference=conference, user=user, role=ConferenceRole.Role.ORGANIZER)
    return user


@pytest.fixture
def organizer(organizer_user):
    return logged_in(organizer_user)


def urls(conference, invitation) -> dict[str, str]:
    base = f"/to-chuc/{conference.slug}/giay-moi/"
    one = f"{base}{invitation.pk}/"
    return {
        "list": base,
        "send_selected": f"{base}gui-da-chon/",
        "bulk": f"{base}moi-hang-loat/",
        "detail": one,
        "send": f"{one}gui/",
        "remind": f"{one}nhac/",
        "revoke": f"{one}thu-hoi/",
        "answer": f"{one}tra-loi-thay/",
        "letter": f"{one}giay-moi.pdf",
    }


def list_url(conference) -> str:
    return f"/to-chuc/{conference.slug}/giay-moi/"


def answer_data(*, answer="accept", delegates=(), presenter="", quota=2) -> dict:
    data = {
        "answer": answer,
        "presenter": presenter,
        "delegates-TOTAL_FORMS": str(quota),
        "delegates-INITIAL_FORMS": "0",
        "delegates-MIN_NUM_FORMS": "0",
        "delegates-MAX_NUM_FORMS": str(quota),
    }
    for row, (name, email, position, phone) in enumerate(delegates):
        data |= {
            f"delegates-{row}-full_name": name,
            f"delegates-{row}-email": email,
            f"delegates-{row}-position": position,
            f"delegates-{row}-phone": phone,
        }
    return data


# Access --------------------------------------------------------------------------------------------------

GET_PAGES = ["list", "detail", "answer", "letter"]
POST_PAGES = ["send_selected", "bulk", "send", "remind", "revoke", "answer"]


def test_anonymous_is_sent_to_the_login_page(conference, agencies):
    invitation = invitation_create(conference=conference, organization=agencies["qn"])
    client = Client()

    for name in GET_PAGES:
        response = client.get(urls(conference, invitation)[name])
        assert response.status_code == 302, name
        assert response["Location"].startswith("/dang-nhap/?next=/to-chuc/so-ket-qd19/giay-moi/"), name
    for name in POST_PAGES:
        assert client.post(urls(conference, invitation)[name]).status_code == 302, name
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT


def test_a_user_who_does_not_organize_the_conference_is_refused(conference, agencies):
    invitation = invitation_create(conference=conference, organization=agencies["qn"])
    client = logged_in(make_user("khach"))

    for name in GET_PAGES:
        assert client.get(urls(conference, invitation)[name]).status_code == 403, name
    for name in POST_PAGES:
        assert (
            client.post(
                urls(conference, invitation)[name], {"reason": "x", "ids": [invitation.pk]}
            ).status_code
            == 403
        )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert not Notification.objects.exists()


def test_an_organizer_of_another_conference_is_refused(host, conference, agencies):
    other = make_conference(host, slug="hoi-nghi-khac")
    user = make_user("to-chuc-khac")
    conference_role_grant(conference=other, user=user, role=ConferenceRole.Role.ORGANIZER)
    client = logged_in(user)

    assert client.get(list_url(conference)).status_code == 403
    assert client.get(list_url(other)).status_code == 200


def test_a_staff_organizer_of_one_conference_is_refused_every_other(host, conference, agencies):
    # Issue 9.3: staff status made an organizer of A an organizer of every conference.
    theirs = make_conference(host, slug="hoi-nghi-khac")
    draft = make_conference(host, slug="ban-nhap", publish=False)
    invitation = invitation_create(conference=theirs, organization=agencies["qn"])
    user = make_user("to-chuc-a", is_staff=True)
    conference_role_grant(conference=conference, user=user, role=ConferenceRole.Role.ORGANIZER)
    client = logged_in(user)
    api = Client(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(user)

    assert client.get(list_url(conference)).status_code == 200
    for name in GET_PAGES:
        assert client.get(urls(theirs, invitation)[name]).status_code == 403, name
    assert client.post(urls(theirs, invitation)["send"]).status_code == 403
    assert client.get(list_url(draft)).status_code == 404
    assert client.get(f"/to-chuc/{theirs.slug}/thong-bao/").status_code == 403
    assert api.get(f"/api/v1/conferences/{theirs.slug}/invitations/").status_code == 403
    assert api.get(f"/api/v1/conferences/{draft.slug}/invitations/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT


def test_a_draft_conference_is_not_found_for_outsiders(host, agencies):
    draft = make_conference(host, slug="ban-nhap", publish=False)

    assert logged_in(make_user("khach")).get(list_url(draft)).status_code == 404


def test_staff_status_is_no_organizer_role_and_a_superuser_opens_every_conference(host, conference):
    # Staff status only opens the admin (issue 9.3): it was enough to manage any conference.
    draft = make_conference(host, slug="ban-nhap", publish=False)
    staff = logged_in(make_user("nhan-vien", is_staff=True))
    superuser = logged_in(make_user("admin", is_staff=True, is_superuser=True))

    assert staff.get(list_url(conference)).status_code == 403
    assert staff.get(list_url(draft)).status_code == 404
    assert superuser.get(list_url(conference)).status_code == 200
    assert superuser.get(list_url(draft)).status_code == 200


def test_an_invitation_of_another_conference_is_not_found(host, organizer, conference, agencies):
    other = make_conference(host, slug="hoi-nghi-khac")
    elsewhere = invitation_create(conference=other, organization=agencies["qn"])

    for name in ["detail", "answer", "letter"]:
        assert organizer.get(urls(conference, elsewhere)[name]).status_code == 404, name
    assert organizer.post(urls(conference, elsewhere)["send"]).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == Invitation.Status.DRAFT


def test_action_pages_refuse_get(organizer, conference, agencies):
    invitation = invitation_create(conference=conference, organization=agencies["qn"])

    for name in ["send_selected", "bulk", "send", "remind", "revoke"]:
        assert organizer.get(urls(conference, invitation)[name]).status_code == 405, name


def test_conference_page_links_organizers_to_the_invitations_through_the_dashboard(organizer, conference):
    conference_page = organizer.get(f"/hoi-nghi/{conference.slug}/").content.decode()
    dashboard = organizer.get("/to-chuc/so-ket-qd19/").content.decode()

    assert 'href="/to-chuc/so-ket-qd19/"' in conference_page
    assert 'href="/to-chuc/so-ket-qd19/giay-moi/"' in dashboard
    assert 'href="/to-chuc/so-ket-qd19/dai-bieu/danh-sach.xlsx"' in dashboard


# The overview --------------------------------------------------------------------------------------------


@pytest.fixture
def answered(conference, agencies):
    """One invitation in each state: draft, sent, accepted, declined, revoked."""
    invitations = {
        key: invitation_create(conference=conference, organization=agencies[name])
        for key, name in [("draft", "qn_tc"), ("sent", "hp"), ("accepted", "qn"), ("declined", "ubnd_qn")]
    }
    for key in ("sent", "accepted", "declined"):
        invitation_send(invitation=invitations[key])
    rsvp_submit(
        invitation=invitations["accepted"],
        accept=True,
        delegates=[DelegateInput(full_name="Nguyễn Thị Minh Khai", email="khai@quangninh.gov.vn")],
    )
    rsvp_submit(invitation=invitations["declined"], accept=False)
    revoked = organization_create(name="Sở Nội vụ tỉnh Quảng Ninh", kind="department")
    invitations["revoked"] = invitation_create(conference=conference, organization=revoked)
    invitation_revoke(invitation=invitations["revoked"], reason="Nhầm đơn vị")
    return invitations


def test_overview_counts_invitations_by_state(organizer, conference, answered):
    response = organizer.get(list_url(conference))

    assert response.status_code == 200
    counts = {row["label"]: row["count"] for row in response.context["state_counts"]}
    assert counts == {"Draft": 1, "Sent": 3, "Accepted": 1, "Declined": 1, "No answer": 1, "Revoked": 1}
    assert response.context["total"] == 5
    assert 'href="?state=sent" aria-current' not in response.content.decode()


def test_overview_counts_by_agency_kind_and_province(organizer, conference, answered):
    response = organizer.get(list_url(conference))

    groups = [
        (g["kind"], g["province"], g["total"], g["accepted"], g["declined"], g["no_answer"])
        for g in response.context["groups"]
    ]
    assert sorted(groups) == [
        ("Department", "", 1, 0, 0, 0),
        ("Department", "Hải Phòng", 1, 0, 0, 1),
        ("Department", "Quảng Ninh", 2, 1, 0, 0),
        ("Provincial People's Committee", "Quảng Ninh", 1, 0, 1, 0),
    ]


def test_overview_lists_invitations_with_their_actions(organizer, conference, answered):
    response = organizer.get(list_url(conference))

    content = response.content.decode()
    rows = {inv.invitee_name: inv for inv in response.context["page_obj"]}
    assert set(rows) == {
        "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        "Sở Tài chính tỉnh Quảng Ninh",
        "Sở Khoa học và Công nghệ thành phố Hải Phòng",
        "Ủy ban nhân dân tỉnh Quảng Ninh",
        "Sở Nội vụ tỉnh Quảng Ninh",
    }
    # Only drafts can be selected for sending.
    assert re.findall(r'name="ids" value="(\d+)" form="send-selected"', content) == [
        str(answered["draft"].pk)
    ]
    assert f'action="/to-chuc/so-ket-qd19/giay-moi/{answered["sent"].pk}/nhac/"' in content
    assert f'action="/to-chuc/so-ket-qd19/giay-moi/{answered["draft"].pk}/nhac/"' not in content
    assert f'action="/to-chuc/so-ket-qd19/giay-moi/{answered["revoked"].pk}/gui/"' not in content
    assert f'href="/to-chuc/so-ket-qd19/giay-moi/{answered["accepted"].pk}/giay-moi.pdf"' in content
    assert "Nguyễn Thị Minh Khai" in content  # The accepted agency's delegate.


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "draft"}, {"Sở Tài chính tỉnh Quảng Ninh"}),
        ({"state": "sent"}, {"Sở Khoa học và Công nghệ thành phố Hải Phòng"}),
        ({"kind": "provincial_committee"}, {"Ủy ban nhân dân tỉnh Quảng Ninh"}),
        ({"province": "31"}, {"Sở Khoa học và Công nghệ thành phố Hải Phòng"}),
        ({"q": "so khoa hoc quang ninh"}, {"Sở Khoa học và Công nghệ tỉnh Quảng Ninh"}),
        ({"q": "ỦY BAN"}, {"Ủy ban nhân dân tỉnh Quảng Ninh"}),
        ({"q": "uy ban", "province": "31"}, set()),
    ],
)
def test_overview_filters(organizer, conference, answered, query, expected):
    response = organizer.get(list_url(conference), query)

    assert {inv.invitee_name for inv in response.context["page_obj"]} == expected


def test_overview_pages_by_100(organizer, conference):
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Cơ quan {n:03d}", search_name=f"co quan {n:03d}", kind="other")
        for n in range(105)
    )
    Invitation.objects.bulk_create(Invitation(conference=conference, organization=o) for o in organizations)

    first = organizer.get(list_url(conference))
    second = organizer.get(list_url(conference), {"page": 2})

    assert len(first.context["page_obj"]) == 100
    assert [inv.invitee_name for inv in second.context["page_obj"]] == [
        f"Cơ quan {n}" for n in range(100, 105)
    ]
    assert 'href="?page=2" rel="next"' in first.content.decode()


def test_overview_makes_a_fixed_number_of_queries(organizer, conference, agencies, django_assert_num_queries):
    invitation = invitation_create(conference=conference, organization=agencies["qn"])
    invitation_send(invitation=invitation)
    # Session, user, conference, role, provinces, count, page, delegates, two counts,
    # the drafts matching the filter, the latest sending job.
    with django_assert_num_queries(12):
        organizer.get(list_url(conference))
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Cơ quan {n}", search_name=f"co quan {n}", kind="department") for n in range(40)
    )
    Invitation.objects.bulk_create(Invitation(conference=conference, organization=o) for o in organizations)
    with django_assert_num_queries(12):
        response = organizer.get(list_url(conference), {"kind": "department"})
    assert len(response.context["page_obj"]) == 41


# Sending a selection -------------------------------------------------------------------------------------


def test_send_selected_queues_the_drafts_held_for_approval(
    organizer, conference, answered, agencies, django_capture_on_commit_callbacks
):
    second_draft = invitation_create(
        conference=conference,
        organization=organization_create(name="Sở Xây dựng", contact_emails=["sxd@x.vn"]),
    )
    ids = [answered["draft"].pk, second_draft.pk, answered["sent"].pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(urls(conference, answered["draft"])["send_selected"], {"ids": ids})

    assert response.status_code == 302
    assert response["Location"] == list_url(conference)
    for invitation in (answered["draft"], second_draft):
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.SENT
        assert set(
            Notification.objects.filter(
                kind="invitation", idempotency_key__startswith=f"invitation:{invitation.pk}:"
            ).values_list("state", flat=True)
        ) == {State.HELD}
    texts = message_texts(response)
    assert texts[0] == (
        "2 invitations are being prepared for sending. Their e-mails are held for approval in the outbox: "
        '<a href="/to-chuc/so-ket-qd19/thong-bao/">open the outbox</a>'
    )
    assert texts[1].startswith("1 selected invitation is not a draft")


def test_send_selected_without_a_selection_says_so(organizer, conference):
    response = organizer.post(
        f"{list_url(conference)}gui-da-chon/", {"next": f"{list_url(conference)}?state=draft"}
    )

    assert response["Location"] == f"{list_url(conference)}?state=draft"
    assert message_texts(response) == ["Select at least one invitation."]


def test_send_selected_shows_the_outbox_link_as_a_link(organizer, conference, answered):
    organizer.post(f"{list_url(conference)}gui-da-chon/", {"ids": [answered["draft"].pk]})

    page = organizer.get(list_url(conference)).content.decode()

    assert '<a href="/to-chuc/so-ket-qd19/thong-bao/">open the outbox</a>' in page


# Inviting a group ----------------------------------------------------------------------------------------


def test_bulk_invite_creates_drafts_for_the_chosen_kind_and_province(organizer, conference, agencies, host):
    invitation_create(conference=conference, organization=agencies["qn"])

    response = organizer.post(
        f"{list_url(conference)}moi-hang-loat/",
        {
            "kind": "department",
            "province": "22",
            "delegate_quota": "2",
            "paper_requested": "on",
            "paper_topic": "Áp dụng TCVN ISO 9001:2015",
            "note": "Đề nghị cử Lãnh đạo Sở.",
        },
    )

    assert response.status_code == 302
    new = Invitation.objects.get(organization=agencies["qn_tc"])
    assert (new.status, new.delegate_quota, new.paper_requested) == (Invitation.Status.DRAFT, 2, True)
    assert (new.paper_topic, new.note) == ("Áp dụng TCVN ISO 9001:2015", "Đề nghị cử Lãnh đạo Sở.")
    assert Invitation.objects.filter(conference=conference).count() == 2
    assert message_texts(response) == [
        "1 invitation created as a draft.",
        "1 agency was already invited and was skipped: Sở Khoa học và Công nghệ tỉnh Quảng Ninh.",
    ]


def test_bulk_invite_by_kind_alone_invites_every_province_but_not_the_host(
    organizer, conference, agencies, host
):
    response = organizer.post(
        f"{list_url(conference)}moi-hang-loat/", {"kind": "ministry", "delegate_quota": "1"}
    )

    assert message_texts(response) == ["No agency matches this choice; nothing was created."]
    organizer.post(f"{list_url(conference)}moi-hang-loat/", {"kind": "department", "delegate_quota": "1"})
    invited = set(
        Invitation.objects.filter(conference=conference).values_list("organization__name", flat=True)
    )
    assert invited == {
        "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        "Sở Tài chính tỉnh Quảng Ninh",
        "Sở Khoa học và Công nghệ thành phố Hải Phòng",
    }


def test_bulk_invite_leaves_the_host_out_among_the_agencies_it_matches(organizer, conference, host):
    home_affairs = organization_create(name="Bộ Nội vụ", code="BNV", kind="ministry")

    response = organizer.post(
        f"{list_url(conference)}moi-hang-loat/", {"kind": "ministry", "delegate_quota": "1"}
    )

    assert message_texts(response) == ["1 invitation created as a draft."]
    assert list(Invitation.objects.values_list("organization", flat=True)) == [home_affairs.pk]


def test_bulk_invite_needs_a_kind_or_a_province(organizer, conference, agencies):
    response = organizer.post(f"{list_url(conference)}moi-hang-loat/", {"delegate_quota": "1"})

    assert message_texts(response) == ["Choose an agency kind, a province, or both."]
    assert not Invitation.objects.exists()


def test_bulk_invite_refuses_a_quota_of_zero(organizer, conference, agencies):
    response = organizer.post(
        f"{list_url(conference)}moi-hang-loat/", {"kind": "department", "delegate_quota": "0"}
    )

    assert message_texts(response) == [
        "Delegates per agency: Ensure this value is greater than or equal to 1."
    ]
    assert not Invitation.objects.exists()


# Actions on one invitation -------------------------------------------------------------------------------


def test_send_now_sends_one_invitation_at_once(
    organizer, conference, agencies, organizer_user, run_commit_tasks
):
    invitation = invitation_create(conference=conference, organization=agencies["qn"])
    back = f"{list_url(conference)}?state=draft"

    with run_commit_tasks():
        response = organizer.post(urls(conference, invitation)["send"], {"next": back})

    assert response["Location"] == back
    invitation.refresh_from_db()
    assert (invitation.status, invitation.document.formatted) == (Invitation.Status.SENT, "01/GM-BKHCN")
    [notice] = Notification.objects.filter(kind="invitation")
    assert (notice.state, notice.recipient_address) == (State.PENDING, "sokhcn@quangninh.gov.vn")
    assert message_texts(response) == [
        "Invitation 01/GM-BKHCN is being sent to Sở Khoa học và Công nghệ tỉnh Quảng Ninh (1 e-mail): "
        "the letter is being prepared and the e-mail goes to the outbox in a moment."
    ]
    assert AuditEntry.objects.get(action="invitation.sent").actor == organizer_user


def test_the_invitation_page_says_the_letter_is_being_prepared_until_its_emails_are_written(
    organizer, conference, agencies, django_capture_on_commit_callbacks
):
    invitation = invitation_create(conference=conference, organization=agencies["qn"])
    with django_capture_on_commit_callbacks() as callbacks:
        organizer.post(urls(conference, invitation)["send"])

    waiting = organizer.get(urls(conference, invitation)["detail"]).content.decode()
    callbacks[0]()  # The worker renders the letter and writes the e-mail.
    written = organizer.get(urls(conference, invitation)["detail"]).content.decode()

    being_prepared = "The letter of send 1 is being prepared; reload the page to see its e-mails."
    assert being_prepared in waiting
    assert being_prepared not in written
    assert "sokhcn@quangninh.gov.vn" in written


def test_send_now_explains_a_missing_address(organizer, conference):
    agency = organization_create(name="Sở Công Thương tỉnh Quảng Ninh", kind="department")
    invitation = invitation_create(conference=conference, organization=agency)

    response = organizer.post(urls(conference, invitation)["send"])

    assert response["Location"] == urls(conference, invitation)["detail"]
    assert message_texts(response) == [
        "Sở Công Thương tỉnh Quảng Ninh has no e-mail address to send the invitation to."
    ]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/", "foo", "admin:index"])
def test_an_unsafe_next_address_is_ignored(organizer, conference, agencies, back):
    invitation = invitation_create(conference=conference, organization=agencies["qn"])

    response = organizer.post(urls(conference, invitation)["send"], {"next": back})

    assert response.status_code == 302
    assert response["Location"] == urls(conference, invitation)["detail"]


def test_remind_writes_a_reminder_for_a_sent_invitation(organizer, conference, answered):
    response = organizer.post(urls(conference, answered["sent"])["remind"])

    manual = Notification.objects.filter(kind="invitation_reminder", idempotency_key__contains=":manual:")
    assert list(manual.values_list("recipient_address", flat=True)) == ["skhcn@haiphong.gov.vn"]
    assert message_texts(response) == [
        "A reminder to Sở Khoa học và Công nghệ thành phố Hải Phòng is in the outbox "
        "(at most one a day is sent)."
    ]


def test_remind_refuses_an_accepted_invitation(organizer, conference, answered):
    response = organizer.post(urls(conference, answered["accepted"])["remind"])

    assert message_texts(response) == ["Only an invitation that was sent and not answered can be reminded."]


def test_revoke_needs_a_reason_and_records_it(organizer, conference, answered, organizer_user):
    invitation = answered["accepted"]

    refused = organizer.post(urls(conference, invitation)["revoke"], {"reason": "  "})
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert message_texts(refused) == ["Give the reason for revoking the invitation."]

    response = organizer.post(urls(conference, invitation)["revoke"], {"reason": "Đơn vị đã sáp nhập"})

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert not Registration.objects.filter(invitation=invitation, status="confirmed").exists()
    entry = AuditEntry.objects.get(action="invitation.revoked", object_id=str(invitation.pk))
    assert (entry.actor, entry.data) == (organizer_user, {"reason": "Đơn vị đã sáp nhập"})
    assert message_texts(response)[-1:] == [
        "The invitation to Sở Khoa học và Công nghệ tỉnh Quảng Ninh is revoked: its links no longer work "
        "and its delegates are cancelled."
    ]


# The letter ----------------------------------------------------------------------------------------------


def test_letter_of_a_sent_invitation_is_the_numbered_pdf(organizer, conference, answered):
    response = rendered_get(organizer, urls(conference, answered["sent"])["letter"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="giay-moi-01.pdf"'
    text = pdf_text(served(response))
    assert "Số: 01/GM-BKHCN" in text
    assert "Sở Khoa học và Công nghệ thành phố Hải Phòng" in text
    assert "DỰ THẢO" not in text


def test_letter_of_a_draft_is_marked_as_a_draft(organizer, conference, answered):
    draft = answered["draft"]

    response = rendered_get(organizer, urls(conference, draft)["letter"])

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="giay-moi-du-thao-{draft.pk}.pdf"'
    text = pdf_text(served(response))
    assert "DỰ THẢO" in text
    assert not re.search(r"\d+/GM-BKHCN", text)
    draft.refresh_from_db()
    assert draft.document is None  # Looking at the draft takes no number.


# Answering for an agency ---------------------------------------------------------------------------------


@pytest.fixture
def invitation(conference, agencies):
    invitation = invitation_create(
        conference=conference, organization=agencies["qn"], delegate_quota=2, paper_requested=True
    )
    invitation_send(invitation=invitation)
    return invitation


def test_answer_page_shows_the_current_delegates(organizer, conference, invitation):
    rsvp_submit(
        invitation=invitation,
        accept=True,
        delegates=[DelegateInput(full_name="Nguyễn Thị Minh Khai", email="khai@quangninh.gov.vn")],
        presenter_email="khai@quangninh.gov.vn",
    )

    response = organizer.get(urls(conference, invitation)["answer"])

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="Nguyễn Thị Minh Khai"' in content
    assert 'name="presenter" value="0" checked' in content
    assert len(response.context["rows"]) == 2


def test_answer_on_behalf_registers_the_delegates_with_an_audit_entry(
    organizer, conference, invitation, organizer_user
):
    data = answer_data(
        delegates=[
            ("Nguyễn Thị Minh Khai", "khai@quangninh.gov.vn", "Giám đốc Sở", "0912345678"),
            ("Trần Văn An", "an@quangninh.gov.vn", "Chuyên viên", ""),
        ],
        presenter="0",
    )

    response = organizer.post(urls(conference, invitation)["answer"], data)

    assert response.status_code == 302
    assert response["Location"] == urls(conference, invitation)["detail"]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.paper_presenter.email == "khai@quangninh.gov.vn"
    assert sorted(
        Registration.objects.filter(invitation=invitation, status="confirmed").values_list(
            "person__email", "person__position"
        )
    ) == [("an@quangninh.gov.vn", "Chuyên viên"), ("khai@quangninh.gov.vn", "Giám đốc Sở")]
    entry = AuditEntry.objects.get(action="invitation.answered_on_behalf")
    assert (entry.actor, entry.object_id) == (organizer_user, str(invitation.pk))
    assert entry.data == {"accept": True, "delegates": ["khai@quangninh.gov.vn", "an@quangninh.gov.vn"]}
    assert message_texts(response) == [
        "The acceptance of Sở Khoa học và Công nghệ tỉnh Quảng Ninh is recorded; "
        "the delegates get their confirmations."
    ]


def test_invitation_page_shows_who_answered_on_behalf(organizer, conference, invitation, organizer_user):
    organizer.post(
        urls(conference, invitation)["answer"],
        answer_data(delegates=[("Trần Văn An", "an@quangninh.gov.vn", "", "")]),
    )

    response = organizer.get(urls(conference, invitation)["detail"])

    assert response.status_code == 200
    [row] = [r for r in response.context["audit"] if r["entry"].action == "invitation.answered_on_behalf"]
    assert (row["entry"].actor, str(row["action"]), row["details"]) == (
        organizer_user,
        "Answered on the agency's behalf",
        "Accepted with: an@quangninh.gov.vn",
    )
    content = response.content.decode()
    assert "le-tan" in content
    assert "Answered on the agency&#x27;s behalf" in content
    assert "Trần Văn An" in content


def test_invitation_page_shows_what_an_answer_did_to_the_delegates_records(
    organizer, conference, invitation, agencies
):
    own = person_create(
        full_name="Nguyễn Thị Minh Khai", email="khai@quangninh.gov.vn", organization=agencies["qn"]
    )
    verified = person_create(
        full_name="Trần Văn An", email="an@quangninh.gov.vn", organization=agencies["qn"], phone="0911"
    )
    Person.objects.filter(pk=verified.pk).update(locked=True)
    rsvp_submit(
        invitation=invitation,
        accept=True,
        delegates=[
            DelegateInput(full_name="Nguyễn Thị Minh Khai", email=own.email, position="Giám đốc Sở"),
            DelegateInput(full_name="Trần Văn Ân", email=verified.email, phone="0922"),
        ],
    )

    response = organizer.get(urls(conference, invitation)["detail"])

    rows = {r["entry"].action: r for r in response.context["audit"]}
    changed, kept = rows["invitation.delegate_record_changed"], rows["invitation.delegate_record_kept"]
    assert (changed["who"], str(changed["action"]), changed["details"]) == (
        "the agency, through its link",
        "A delegate's record changed by the answer",
        "khai@quangninh.gov.vn: position “” → “Giám đốc Sở”",
    )
    assert (str(kept["action"]), kept["details"]) == (
        "A delegate's record kept",
        "an@quangninh.gov.vn: the record is verified by the organizers; the full name, phone given in the "
        "answer stay on the registration only.",
    )
    content = response.content.decode()
    # The delegates as the agency named them; the verified record is not rewritten.
    assert "<td>Trần Văn Ân</td><td></td><td>an@quangninh.gov.vn</td><td>0922</td>" in content
    assert (Person.objects.get(pk=verified.pk).full_name, Person.objects.get(pk=verified.pk).phone) == (
        "Trần Văn An",
        "0911",
    )


def test_answer_on_behalf_can_decline(organizer, conference, invitation):
    response = organizer.post(urls(conference, invitation)["answer"], answer_data(answer="decline"))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert AuditEntry.objects.get(action="invitation.answered_on_behalf").data == {
        "accept": False,
        "delegates": [],
    }


def test_answer_on_behalf_after_the_deadline_is_allowed(host, agencies, organizer_user):
    late = make_conference(host, slug="da-het-han", deadline_in_days=-1)
    conference_role_grant(conference=late, user=organizer_user, role="organizer")
    invitation = invitation_create(conference=late, organization=agencies["hp"])
    client = logged_in(organizer_user)

    page = client.get(urls(late, invitation)["answer"])
    assert "The deadline for answers has passed" in page.content.decode()
    response = client.post(
        urls(late, invitation)["answer"],
        answer_data(delegates=[("Trần Văn An", "an@hp.gov.vn", "", "")], quota=1),
    )

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


def test_answer_on_behalf_needs_the_presenter_among_the_delegates(organizer, conference, invitation):
    data = answer_data(delegates=[("Trần Văn An", "an@quangninh.gov.vn", "", "")], presenter="1")

    response = organizer.post(urls(conference, invitation)["answer"], data)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "presenter": ["Choose the presenter among the delegates named."]
    }
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert not AuditEntry.objects.filter(action="invitation.answered_on_behalf").exists()


def test_answer_on_behalf_shows_a_full_venue(host, agencies, organizer_user):
    full = make_conference(host, slug="da-day", capacity=1)
    conference_role_grant(conference=full, user=organizer_user, role="organizer")
    first = invitation_create(conference=full, organization=agencies["hp"])
    rsvp_submit(
        invitation=first,
        accept=True,
        delegates=[DelegateInput(full_name="Lê Văn Một", email="mot@hp.gov.vn")],
    )
    invitation = invitation_create(conference=full, organization=agencies["qn"])

    response = logged_in(organizer_user).post(
        urls(full, invitation)["answer"],
        answer_data(delegates=[("Trần Văn An", "an@qn.gov.vn", "", "")], quota=1),
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["The conference is full (1 places)."]
    assert not Registration.objects.filter(invitation=invitation).exists()


def test_answer_page_of_a_revoked_invitation_goes_back_to_the_invitation(organizer, conference, answered):
    response = organizer.get(urls(conference, answered["revoked"])["answer"])

    assert response["Location"] == urls(conference, answered["revoked"])["detail"]
    assert message_texts(response) == ["This invitation has been revoked; it cannot be answered."]


def test_invitation_page_makes_a_fixed_number_of_queries(
    organizer, conference, invitation, organizer_user, django_assert_num_queries
):
    url = urls(conference, invitation)["detail"]
    # Session, user, conference, role, invitation, delegates, history, notices, links.
    with django_assert_num_queries(9):
        organizer.get(url)
    for _ in range(3):
        invitation_send(invitation=invitation, actor=organizer_user)
    rsvp_submit(
        invitation=invitation,
        accept=True,
        delegates=[
            DelegateInput(full_name="Trần Văn An", email="an@quangninh.gov.vn"),
            DelegateInput(full_name="Lê Thị Hoa", email="hoa@quangninh.gov.vn"),
        ],
        actor=organizer_user,
    )
    with django_assert_num_queries(9):
        response = organizer.get(url)
    assert len(response.context["audit"]) == 4
    assert len(response.context["delegates"]) == 2
