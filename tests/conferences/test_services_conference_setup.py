"""Setting up a conference: create, change, rooms, publish and close, the team; every step audited."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.documents.proceedings import book_context
from conferences.enums import NoticeKind
from conferences.models import (
    AgendaItem,
    AuditEntry,
    CallForPapers,
    Conference,
    ConferenceRole,
    Invitation,
    Proceedings,
    ReviewAssignment,
    ReviewerInvitation,
    Room,
)
from conferences.selectors.proceedings import BookInputs
from conferences.services.conferences import (
    conference_close,
    conference_create,
    conference_publish,
    conference_update,
    room_add,
    room_move,
    room_remove,
    room_update,
    rooms_reorder,
)
from conferences.services.invitations import invitation_bulk_create, invitation_create
from conferences.services.reviewers import ReviewerLinkInvalid, reviewer_invitation_accept
from conferences.services.team import team_member_add, team_member_withdraw
from core.exceptions import ApplicationError, PermissionDeniedError
from notifications.models import Notification
from tests.conferences.review_helpers import assign, paper_make, reviewer_make
from tests.conferences.setup_helpers import creator_make, link_token
from tests.factories import AgendaItemFactory, OrganizationFactory, UserFactory, local

pytestmark = pytest.mark.django_db

PASSWORD = "to-chuc-2026-an-toan"


def _create(host, **fields):
    fields.setdefault("title_vi", "Hội nghị tổng kết Nghị quyết 30")
    fields.setdefault("starts_at", local(2027, 3, 9, 8, 0))
    fields.setdefault("ends_at", local(2027, 3, 9, 12, 0))
    return conference_create(host=host, **fields)


def _actions(conference) -> list[str]:
    return list(
        AuditEntry.objects.filter(conference=conference).order_by("pk").values_list("action", flat=True)
    )


# Create ------------------------------------------------------------------------------------------------


def test_conference_create_makes_the_creator_its_organizer_and_audits_it(host):
    creator = creator_make()

    conference = _create(
        host,
        creator=creator,
        short_title="Tổng kết NQ30",
        default_delegate_quota=3,
        languages=["en", "vi"],
        rooms=["Hội trường A", "Phòng 201"],
    )

    conference.refresh_from_db()
    assert conference.status == Conference.Status.DRAFT
    assert (conference.short_title, conference.default_delegate_quota) == ("Tổng kết NQ30", 3)
    assert conference.languages == ["vi", "en"]  # The site's order, whatever order they came in.
    assert list(conference.rooms.values_list("name", "position")) == [("Hội trường A", 0), ("Phòng 201", 1)]
    assert list(ConferenceRole.objects.filter(conference=conference).values_list("user", "role")) == [
        (creator.pk, "organizer")
    ]
    assert CallForPapers.objects.filter(conference=conference).exists()
    entry = AuditEntry.objects.get(conference=conference)
    assert (entry.action, entry.actor, entry.object_id) == ("conference.created", creator, str(conference.pk))


def test_seeding_without_a_person_writes_no_audit_entry(host):
    conference = _create(host)
    conference_publish(conference=conference)
    conference_update(conference=conference, venue_name="Hội trường")
    assert _actions(conference) == []


def test_conference_create_is_refused_to_a_user_without_the_permission(host):
    with pytest.raises(PermissionDeniedError):
        _create(host, creator=UserFactory(password=None))
    assert not Conference.objects.exists()


def test_conference_create_leaves_nothing_when_a_later_step_fails(host):
    creator = creator_make()
    with pytest.raises(ValidationError) as caught:
        _create(host, creator=creator, rooms=["Phòng A", "phòng a"])
    assert "rooms" in caught.value.message_dict
    assert not Conference.objects.exists()
    assert (
        not Room.objects.exists() and not ConferenceRole.objects.exists() and not AuditEntry.objects.exists()
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": local(2027, 3, 9, 8, 0)}, "ends_at"),
        ({"rsvp_deadline": local(2027, 3, 10, 8, 0)}, "rsvp_deadline"),
        ({"review_period_start": 2025, "review_period_end": 2021}, "review_period_end"),
        ({"capacity": 0}, "capacity"),
        ({"default_delegate_quota": 0}, "default_delegate_quota"),
        ({"languages": []}, "languages"),
        ({"languages": ["vi", "fr"]}, "languages"),
        ({"slug": "cai-dat"}, "slug"),
    ],
)
def test_conference_create_names_the_field_that_breaks_a_rule(host, fields, field):
    with pytest.raises(ValidationError) as caught:
        _create(host, **fields)
    assert field in caught.value.message_dict
    assert not Conference.objects.exists()


# Update ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": local(2020, 1, 1, 8, 0)}, "ends_at"),
        ({"rsvp_deadline": local(2099, 1, 1, 8, 0)}, "rsvp_deadline"),
        ({"review_period_start": 2025, "review_period_end": 2021}, "review_period_end"),
        ({"capacity": 0}, "capacity"),
        ({"default_delegate_quota": 0}, "default_delegate_quota"),
        ({"languages": ["de"]}, "languages"),
    ],
)
def test_conference_update_names_the_field_before_the_database_refuses(conference, fields, field):
    before = Conference.objects.values().get(pk=conference.pk)
    with pytest.raises(ValidationError) as caught:
        conference_update(conference=conference, **fields)
    assert field in caught.value.message_dict
    assert Conference.objects.values().get(pk=conference.pk) == before
    assert not AuditEntry.objects.filter(action="conference.changed").exists()


def test_conference_update_saves_and_audits_the_changed_fields(conference, organizer):
    conference_update(
        conference=conference,
        actor=organizer,
        short_title="Sơ kết QĐ19",
        default_delegate_quota=2,
        venue_name=conference.venue_name,  # Unchanged: not listed.
    )

    conference.refresh_from_db()
    assert (conference.short_title, conference.default_delegate_quota) == ("Sơ kết QĐ19", 2)
    entry = AuditEntry.objects.get(action="conference.changed")
    assert entry.actor == organizer
    assert entry.data == {"fields": ["default_delegate_quota", "short_title"]}


def test_conference_update_cannot_change_the_status(conference):
    with pytest.raises(TypeError):
        conference_update(conference=conference, status=Conference.Status.CLOSED)
    conference.refresh_from_db()
    assert conference.status == Conference.Status.DRAFT


# Publish and close -------------------------------------------------------------------------------------


def test_publish_then_close_moves_through_the_states_once_each(conference, organizer):
    conference_publish(conference=conference, actor=organizer)
    conference_publish(conference=conference, actor=organizer)  # Twice: nothing more.
    conference_close(conference=conference, actor=organizer)
    conference_close(conference=conference, actor=organizer)

    conference.refresh_from_db()
    assert conference.status == Conference.Status.CLOSED
    assert conference.published_at and conference.closed_at
    assert _actions(conference) == ["conference.published", "conference.closed"]


def test_a_draft_cannot_be_closed(conference):
    with pytest.raises(ApplicationError) as caught:
        conference_close(conference=conference)
    assert caught.value.message == "Only a published conference can be closed: publish it first."
    conference.refresh_from_db()
    assert (conference.status, conference.closed_at) == (Conference.Status.DRAFT, None)


def test_a_closed_conference_cannot_be_published_again(conference):
    conference_publish(conference=conference)
    conference_close(conference=conference)
    with pytest.raises(ApplicationError):
        conference_publish(conference=conference)
    conference.refresh_from_db()
    assert conference.status == Conference.Status.CLOSED


# Rooms -------------------------------------------------------------------------------------------------


def test_rooms_are_added_renamed_reordered_and_removed_with_audit(conference, organizer):
    hall = room_add(conference=conference, name="Hội trường", capacity=200, actor=organizer)
    small = room_add(conference=conference, name="Phòng 201", actor=organizer)
    third = room_add(conference=conference, name="Phòng 305", actor=organizer)

    room_update(room=small, name="Phòng họp 201", capacity=30, actor=organizer)
    rooms_reorder(conference=conference, room_ids=[third.pk, hall.pk, small.pk], actor=organizer)
    room_move(room=small, offset=-1, actor=organizer)

    order = list(
        Room.objects.filter(conference=conference).order_by("position").values_list("name", "capacity")
    )
    assert order == [("Phòng 305", None), ("Phòng họp 201", 30), ("Hội trường", 200)]
    room_remove(room=third, actor=organizer)
    assert not Room.objects.filter(pk=third.pk).exists()
    assert _actions(conference) == [
        "room.added", "room.added", "room.added", "room.renamed", "rooms.reordered", "rooms.reordered",
        "room.removed",
    ]  # fmt: skip


def test_a_room_name_is_taken_once_per_conference_whatever_the_case(conference, room_a):
    with pytest.raises(ValidationError) as caught:
        room_add(conference=conference, name="phòng a")
    assert "name" in caught.value.message_dict
    assert Room.objects.filter(conference=conference).count() == 1


def test_reordering_must_name_each_room_once(conference, room_a, room_b):
    with pytest.raises(ValidationError) as caught:
        rooms_reorder(conference=conference, room_ids=[room_a.pk, room_a.pk])
    assert "rooms" in caught.value.message_dict


def test_a_room_the_agenda_uses_cannot_be_removed(conference, room_a):
    AgendaItemFactory(conference=conference, room=room_a)

    with pytest.raises(ValidationError) as caught:
        room_remove(room=room_a)

    assert caught.value.message_dict["room"] == [
        "“Phòng A” is the room of 1 agenda item: move it to another room first."
    ]
    assert AgendaItem.objects.get().room == room_a
    assert not AuditEntry.objects.filter(action="room.removed").exists()


# The conference's defaults where other parts use them -------------------------------------------------


def test_invitations_take_the_conference_default_quota_unless_given(conference):
    conference_update(conference=conference, default_delegate_quota=4)
    first, second, third = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()

    default = invitation_create(conference=conference, organization=first)
    given = invitation_create(conference=conference, organization=second, delegate_quota=2)
    (bulk,), _skipped = invitation_bulk_create(conference=conference, organizations=[third])

    assert [default.delegate_quota, given.delegate_quota, bulk.delegate_quota] == [4, 2, 4]
    assert Invitation.objects.get(pk=default.pk).delegate_quota == 4


def test_the_proceedings_running_header_uses_the_short_title_when_there_is_one(conference):
    inputs = BookInputs(conference=conference, kind=Proceedings.Kind.BOOK, agenda=None, papers=[], awards=[])

    def header() -> str:
        return book_context(inputs, variant=Proceedings.Variant.STANDARD, version=1, readers={})[
            "short_title"
        ]

    assert header() == conference.title_vi  # Short enough to stand as it is.
    conference_update(conference=conference, short_title="Sơ kết QĐ19")
    assert header() == "Sơ kết QĐ19"


# The team ----------------------------------------------------------------------------------------------


def test_adding_an_account_by_email_grants_the_role_at_once(conference, organizer):
    colleague = UserFactory(password=None, email="Dong.Nghiep@most.gov.vn")

    added = team_member_add(
        conference=conference, email="dong.nghiep@most.gov.vn", role="organizer", actor=organizer
    )

    assert not added.invited
    assert ConferenceRole.objects.filter(conference=conference, user=colleague, role="organizer").exists()
    assert not Notification.objects.exists()
    entry = AuditEntry.objects.get(action="role.granted")
    assert (entry.actor, entry.data["role"]) == (organizer, "organizer")


def test_adding_someone_who_holds_the_role_already_names_the_email(conference, organizer):
    with pytest.raises(ValidationError) as caught:
        team_member_add(conference=conference, email=organizer.email, role="organizer", actor=organizer)
    assert caught.value.message_dict["email"] == [
        f"{organizer.email} is an organizer of this conference already."
    ]


def test_an_address_without_an_account_is_invited_to_sign_up_and_the_link_grants_the_role(
    conference, organizer, run_commit_tasks
):
    with run_commit_tasks():
        added = team_member_add(
            conference=conference,
            email="Moi.Tochuc@most.gov.vn",
            role="organizer",
            full_name="Trần Thị Tổ Chức",
            actor=organizer,
        )

    assert added.invited and added.invitation.role == "organizer"
    notice = Notification.objects.get(recipient_address="moi.tochuc@most.gov.vn")
    assert notice.kind == NoticeKind.ORGANIZER_INVITATION
    assert notice.state == Notification.State.PENDING  # Personal: not held for approval.
    token = link_token("moi.tochuc@most.gov.vn", "/nhom/moi/")

    user, created = reviewer_invitation_accept(token=token, password=PASSWORD)

    assert created and user.email == "moi.tochuc@most.gov.vn" and user.check_password(PASSWORD)
    assert ConferenceRole.objects.filter(conference=conference, user=user, role="organizer").exists()
    assert not ConferenceRole.objects.filter(conference=conference, user=user, role="reviewer").exists()
    assert ReviewerInvitation.objects.get().accepted_at is not None
    assert _actions(conference)[-2:] == ["team.invited", "role.granted"]
    with pytest.raises(ReviewerLinkInvalid):
        reviewer_invitation_accept(token=token, password=PASSWORD)
    assert get_user_model().objects.filter(email="moi.tochuc@most.gov.vn").count() == 1


def test_a_reviewer_invitation_by_the_team_uses_the_reviewers_link(conference, organizer, run_commit_tasks):
    with run_commit_tasks():
        team_member_add(conference=conference, email="pb@soqn.gov.vn", role="reviewer", actor=organizer)

    notice = Notification.objects.get(recipient_address="pb@soqn.gov.vn")
    assert notice.kind == NoticeKind.REVIEWER_INVITATION
    assert "/phan-bien/moi/" in notice.body_text


def test_an_unknown_role_is_refused(conference, organizer):
    with pytest.raises(ValidationError) as caught:
        team_member_add(conference=conference, email="x@most.gov.vn", role="chair", actor=organizer)
    assert "role" in caught.value.message_dict
    assert not ReviewerInvitation.objects.exists()


def test_the_last_organizer_cannot_be_withdrawn(conference, organizer):
    only = ConferenceRole.objects.get(conference=conference, user=organizer)

    with pytest.raises(ApplicationError) as caught:
        team_member_withdraw(conference_role=only, actor=organizer)

    assert caught.value.code == "last_organizer"
    assert "last organizer" in caught.value.message
    assert ConferenceRole.objects.filter(pk=only.pk).exists()
    assert not AuditEntry.objects.filter(action="role.withdrawn").exists()


def test_an_organizer_can_go_while_another_stays(conference, organizer):
    second = UserFactory(password=None)
    role = ConferenceRole.objects.create(conference=conference, user=second, role="organizer")

    team_member_withdraw(conference_role=role, actor=organizer)

    assert list(ConferenceRole.objects.filter(conference=conference).values_list("user", flat=True)) == [
        organizer.pk
    ]
    entry = AuditEntry.objects.get(action="role.withdrawn")
    assert entry.data["role"] == "organizer" and entry.data["user"] == second.pk


def test_withdrawing_a_reviewer_follows_the_reviewer_rules(conference, organizer):
    reviewer = reviewer_make(conference)
    paper = paper_make(conference)
    assign(paper, reviewer)
    role = ConferenceRole.objects.get(conference=conference, user=reviewer)

    team_member_withdraw(conference_role=role, actor=organizer)

    assert not ConferenceRole.objects.filter(pk=role.pk).exists()
    assert not ReviewAssignment.objects.filter(reviewer=reviewer).exists()
    assert AuditEntry.objects.get(action="role.withdrawn").data["assignments_dropped"] == 1


def test_an_expired_team_link_is_refused(conference, organizer, run_commit_tasks):
    with run_commit_tasks():
        team_member_add(conference=conference, email="muon@most.gov.vn", role="organizer", actor=organizer)
    token = link_token("muon@most.gov.vn", "/nhom/moi/")
    ReviewerInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(ReviewerLinkInvalid):
        reviewer_invitation_accept(token=token, password=PASSWORD)
    assert not get_user_model().objects.filter(email="muon@most.gov.vn").exists()
