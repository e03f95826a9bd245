import datetime
import functools
import operator
import unicodedata
import zoneinfo

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conferences.models import (
    AgendaItem,
    AgendaVersion,
    ApiToken,
    AuditEntry,
    Award,
    AwardCategory,
    AwardDecision,
    CallForPapers,
    CeremonyBatch,
    CeremonyState,
    Certificate,
    Conference,
    ConferenceRole,
    DocumentKind,
    DocumentNumber,
    DocumentSequence,
    Invitation,
    InvitationLink,
    Job,
    Nomination,
    NominationScore,
    Organization,
    Paper,
    PaperAuthor,
    PaperFigure,
    PaperReviewFigures,
    PaperRevision,
    PaperTopic,
    Person,
    Proceedings,
    Province,
    Registration,
    RenderedDocument,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerConflict,
    ReviewerInvitation,
    Room,
)
from conferences.services.agenda import agenda_item_create
from conferences.services.api_tokens import api_token_create
from conferences.services.awards import award_create, award_decision_create
from conferences.services.certificates import certificate_issue
from conferences.services.conferences import conference_create, conference_role_grant
from conferences.services.documents import document_number_allocate
from conferences.services.invitation_sending import invitation_link_create, rsvp_link_expiry
from conferences.services.invitations import invitation_create, registration_create
from conferences.services.nominations import nomination_create
from conferences.services.organizations import organization_create, person_create, province_upsert
from conferences.services.papers import AuthorInput, paper_submit
from conferences.services.reviews import review_submit

pytestmark = pytest.mark.django_db

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CONFERENCE_MODELS = list(apps.get_app_config("conferences").get_models())
# Logs, snapshots and issued numbers: written by services only, so the admin only shows them.
READ_ONLY_MODELS = {
    AgendaVersion,
    ApiToken,
    AuditEntry,
    DocumentNumber,
    InvitationLink,
    PaperRevision,
    PaperReviewFigures,
    Review,
    ReviewAssignment,
    ReviewerInvitation,
    CeremonyState,
    Job,
    Nomination,
    NominationScore,
    PaperFigure,
    Proceedings,
    RenderedDocument,
}
# A changelist with 30+ rows: session, user, counts, the page, the filters and date hierarchy.
# An N+1 would cost 30 more queries, so this bound leaves no room for one.
MAX_CHANGELIST_QUERIES = 12


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def build_conference(i: int) -> dict:
    """Create one conference with a row of every model, through the services where there is one."""
    user_model = get_user_model()
    start = datetime.datetime(2021, 4, 9, 8, 0, tzinfo=HANOI) + datetime.timedelta(days=i)
    province = province_upsert(code=f"{i + 1:02d}", name=f"Tỉnh thử {i:02d}", kind=Province.Kind.PROVINCE)
    ministry = organization_create(
        name=f"Bộ Khoa học và Công nghệ {i}",
        short_name="Bộ KH&CN",
        code=f"BKHCN{i}",
        kind=Organization.Kind.MINISTRY,
    )
    department = organization_create(
        name=f"Sở Khoa học và Công nghệ tỉnh thử {i}",
        kind=Organization.Kind.DEPARTMENT,
        province=province,
        contact_emails=[f"so{i}@example.vn"],
    )
    person = person_create(
        full_name=f"Nguyễn Văn Thử {i}",
        position="Giám đốc",
        organization=department,
        email=f"p{i}@example.vn",
    )
    organizer = user_model.objects.create_user(f"organizer{i}")
    reviewer = user_model.objects.create_user(f"reviewer{i}")
    conference = conference_create(
        title_vi=f"Hội nghị sơ kết thử {i}",
        host=ministry,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
        chair=person,
        rooms=["Hội trường A"],
        organizers=[organizer],
        paper_deadline=start - datetime.timedelta(days=1),
    )
    conference_role_grant(conference=conference, user=reviewer, role=ConferenceRole.Role.REVIEWER)
    ReviewCriterion.objects.create(conference=conference, code="quality", label="Chất lượng", max_score=10)
    invitation = invitation_create(conference=conference, organization=department, paper_requested=True)
    invitation.document = document_number_allocate(
        issuer=ministry, kind=DocumentKind.INVITATION, issued_on=start.date()
    )
    invitation.save(update_fields=["document"])
    invitation_link_create(invitation=invitation)
    registration = registration_create(conference=conference, person=person, invitation=invitation)
    paper = paper_submit(
        registration=registration,
        title=f"Tham luận thử {i}",
        abstract="Tóm tắt",
        body="Nội dung",
        topic=None,
        authors=[AuthorInput(full_name=person.full_name, organization=department, email=person.email)],
        presenter_index=0,
        now=start - datetime.timedelta(days=2),
    )
    # Rows of the review workflow that the services of the papers issue will write.
    PaperTopic.objects.create(conference=conference, label=f"Điều {i + 1}")
    ReviewAssignment.objects.create(paper=paper, reviewer=reviewer)
    ReviewerConflict.objects.create(conference=conference, reviewer=reviewer, organization=ministry)
    ReviewerInvitation.objects.create(
        conference=conference,
        email=f"r{i}@example.vn",
        full_name=f"Trần Thị Phản Biện {i}",
        token_hash=f"{i:064d}",
        expires_at=start,
    )
    review_submit(paper=paper, reviewer=reviewer, recommendation="accept", scores={"quality": 9})
    item = agenda_item_create(
        conference=conference,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=30),
        title="Tham luận",
        kind=AgendaItem.Kind.PAPER,
        room=conference.rooms.get(),
        presenting_organization=department,
        chair=person,
        speakers=[person],
        paper=paper,
    )
    AgendaVersion.objects.create(
        conference=conference, number=1, items=[{"title": item.title}], published_at=timezone.now()
    )
    category = AwardCategory.objects.create(
        code=f"bang-khen-{i}",
        name_vi="Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ",
        issuer_title="BỘ TRƯỞNG BỘ KHOA HỌC VÀ CÔNG NGHỆ",
    )
    decision = award_decision_create(
        issuer=ministry,
        signed_on=start.date() - datetime.timedelta(days=4),
        subject="Về việc tặng Bằng khen",
        signing_authority="KT. BỘ TRƯỞNG",
        signer_title="THỨ TRƯỞNG",
        signer_name="Lê Xuân Định",
        conference=conference,
    )
    award = award_create(
        decision=decision,
        category=category,
        citation="Đã có thành tích xuất sắc trong xây dựng, áp dụng Hệ thống quản lý chất lượng",
        recipient_organization=department,
    )
    nomination = nomination_create(
        conference=conference,
        category=category,
        nominee_organization=department,
        justification="Đã có thành tích xuất sắc trong áp dụng TCVN ISO 9001",
        by_user=organizer,
    )
    NominationScore.objects.create(nomination=nomination, reviewer=reviewer, scores={}, comment="")
    batch = CeremonyBatch.objects.create(conference=conference, position=1, title="Đợt 1")
    CeremonyState.objects.create(conference=conference, current_batch=batch, step=1)
    Job.objects.create(conference=conference, kind=Job.Kind.CERTIFICATES, total=2, created_by=organizer)
    job = Job.objects.create(conference=conference, kind=Job.Kind.PROCEEDINGS, total=1, created_by=organizer)
    api_token_create(user=organizer, name=f"Tích hợp {i}", conference=conference)
    Proceedings.objects.create(
        conference=conference, version=1, input_hash="0" * 64, file="x.pdf", pages=3, size=1, job=job
    )
    PaperFigure.objects.create(paper=paper, image="f.png", width=1, height=1, sha256="0" * 64)
    RenderedDocument.objects.create(
        conference=conference,
        kind=RenderedDocument.Kind.RUNNING_SHEET,
        input_hash="0" * 64,
        file="x.pdf",
        size=1,
    )
    certificate_issue(
        conference=conference,
        kind=Certificate.Kind.ATTENDANCE,
        recipient_person=person,
        registration=registration,
    )
    certificate_issue(
        conference=conference, kind=Certificate.Kind.AWARD, recipient_organization=department, award=award
    )
    AuditEntry.objects.create(
        conference=conference,
        actor=organizer,
        action="invitation.send",
        object_type="invitation",
        object_id=str(invitation.pk),
    )
    return {
        "conference": conference,
        "ministry": ministry,
        "department": department,
        "person": person,
        "paper": paper,
        "registration": registration,
        "decision": decision,
    }


@pytest.fixture
def graph():
    return build_conference(0)


def test_every_conferences_model_is_registered():
    assert [m.__name__ for m in CONFERENCE_MODELS if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize("model", CONFERENCE_MODELS, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_open_for_a_superuser(admin_client, graph, model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None

    changelist = admin_client.get(changelist_url(model))
    add = admin_client.get(add_url(model))
    change = admin_client.get(change_url(obj))

    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == model._default_manager.count()
    assert change.status_code == 200
    if model in READ_ONLY_MODELS:
        assert add.status_code == 403
        assert change.context["has_change_permission"] is False
    else:
        assert add.status_code == 200


def test_changelists_run_a_bounded_number_of_queries_with_30_rows(
    admin_client, django_assert_max_num_queries
):
    for i in range(30):
        build_conference(i)
    admin_client.get(changelist_url(Conference))  # warm the session and content-type caches

    for model in CONFERENCE_MODELS:
        url = changelist_url(model)
        with django_assert_max_num_queries(MAX_CHANGELIST_QUERIES, info=url):
            response = admin_client.get(url)
        assert response.status_code == 200
        assert response.context["cl"].result_count >= 30, url


# --- accent-insensitive search ------------------------------------------------------------------------------


@pytest.fixture
def departments():
    names = [
        "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        "Sở Khoa học và Công nghệ tỉnh Quảng Nam",
        "Sở Khoa học và Công nghệ tỉnh Ninh Bình",
        "Sở Khoa học và Công nghệ thành phố Hải Phòng",
    ]
    return {name: organization_create(name=name, kind=Organization.Kind.DEPARTMENT) for name in names}


@pytest.mark.parametrize(
    "term",
    [
        "quang ninh",
        "QUANG NINH",
        "Quảng Ninh",
        unicodedata.normalize("NFD", "Quảng Ninh"),
        '"tinh quang ninh"',
    ],
)
def test_organization_search_ignores_accents_and_case(admin_client, departments, term):
    response = admin_client.get(changelist_url(Organization), {"q": term})

    assert [o.name for o in response.context["cl"].result_list] == [
        "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
    ]


def test_organization_search_still_finds_by_document_code(admin_client, departments):
    ministry = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN")

    response = admin_client.get(changelist_url(Organization), {"q": "bkhcn"})

    assert list(response.context["cl"].result_list) == [ministry]


def test_person_search_ignores_accents_and_tone_placement(admin_client):
    khai = person_create(full_name="Nguyễn Thị Minh Khai")
    hoa = person_create(full_name="Trần Văn Hoà")
    person_create(full_name="Nguyễn Văn Minh")

    by_plain = admin_client.get(changelist_url(Person), {"q": "nguyen thi minh khai"})
    by_new_tone = admin_client.get(changelist_url(Person), {"q": "Hòa"})

    assert list(by_plain.context["cl"].result_list) == [khai]
    assert list(by_new_tone.context["cl"].result_list) == [hoa]


def test_autocomplete_for_an_organization_field_ignores_accents(admin_client, departments):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "conferences",
            "model_name": "person",
            "field_name": "organization",
            "term": "quang ninh",
        },
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Sở Khoa học và Công nghệ tỉnh Quảng Ninh"]


def test_invitation_search_matches_the_folded_invitee_name(admin_client, graph):
    other = build_conference(1)

    response = admin_client.get(changelist_url(Invitation), {"q": "so khoa hoc tinh thu 1"})

    assert [i.organization for i in response.context["cl"].result_list] == [other["department"]]


# --- actions that call services -----------------------------------------------------------------------------


def test_publish_action_publishes_draft_conferences(admin_client, graph):
    conference = graph["conference"]
    assert conference.status == Conference.Status.DRAFT

    response = admin_client.post(
        changelist_url(Conference), {"action": "publish", "_selected_action": [conference.pk]}
    )

    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == Conference.Status.PUBLISHED
    assert conference.published_at is not None


def test_publish_action_leaves_a_closed_conference_closed(admin_client, graph):
    conference = graph["conference"]
    Conference.objects.filter(pk=conference.pk).update(status=Conference.Status.CLOSED)

    response = admin_client.post(
        changelist_url(Conference), {"action": "publish", "_selected_action": [conference.pk]}, follow=True
    )

    conference.refresh_from_db()
    assert conference.status == Conference.Status.CLOSED
    assert conference.published_at is None
    assert [m.level_tag for m in response.context["messages"]] == ["error", "success"]


def test_accept_action_decides_papers_through_the_service(admin_client, graph):
    paper = graph["paper"]

    admin_client.post(changelist_url(Paper), {"action": "accept", "_selected_action": [paper.pk]})

    paper.refresh_from_db()
    assert paper.status == Paper.Status.ACCEPTED
    assert paper.decided_at is not None


def test_reject_action_does_not_decide_a_withdrawn_paper(admin_client, graph):
    paper = graph["paper"]
    Paper.objects.filter(pk=paper.pk).update(status=Paper.Status.WITHDRAWN)

    admin_client.post(changelist_url(Paper), {"action": "reject", "_selected_action": [paper.pk]})

    paper.refresh_from_db()
    assert paper.status == Paper.Status.WITHDRAWN
    assert paper.decided_at is None


def test_check_in_action_keeps_the_first_arrival_time(admin_client, graph):
    registration = graph["registration"]

    admin_client.post(
        changelist_url(Registration), {"action": "check_in", "_selected_action": [registration.pk]}
    )
    registration.refresh_from_db()
    first = registration.checked_in_at
    admin_client.post(
        changelist_url(Registration), {"action": "check_in", "_selected_action": [registration.pk]}
    )
    registration.refresh_from_db()

    assert first is not None
    assert registration.checked_in_at == first


# --- add and change forms -----------------------------------------------------------------------------------


def organization_form(**overrides) -> dict:
    data = {
        "name": "",
        "short_name": "",
        "code": "",
        "kind": Organization.Kind.DEPARTMENT,
        "parent": "",
        "province": "",
        "contact_emails": "[]",
        "address": "",
        "phone": "",
        "language": "vi",
    }
    return data | overrides


def test_organization_add_stores_nfc_name_upper_case_code_and_search_key(admin_client):
    response = admin_client.post(
        add_url(Organization),
        organization_form(
            name=unicodedata.normalize("NFD", "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"), code=" skhcnqn "
        ),
    )

    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.name == "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
    assert organization.code == "SKHCNQN"
    assert organization.search_name == "so khoa hoc va cong nghe tinh quang ninh"


def test_organization_add_rejects_a_name_that_differs_only_in_accents(admin_client, departments):
    response = admin_client.post(
        add_url(Organization), organization_form(name="SO KHOA HOC VA CONG NGHE TINH QUANG NINH")
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["name"]
    assert Organization.objects.count() == len(departments)


def test_organization_with_the_same_name_under_another_parent_is_accepted(admin_client, departments):
    parent = organization_create(name="Ủy ban nhân dân tỉnh Quảng Ninh")

    response = admin_client.post(
        add_url(Organization),
        organization_form(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", parent=parent.pk),
    )

    assert response.status_code == 302
    assert Organization.objects.filter(parent=parent).count() == 1


def test_person_add_rejects_an_email_taken_in_another_case(admin_client):
    person_create(full_name="Nguyễn Văn An", email="an@example.vn")

    response = admin_client.post(
        add_url(Person),
        {
            "full_name": "Nguyễn Văn Ân",
            "position": "",
            "organization": "",
            "email": "AN@example.vn",
            "phone": "",
            "language": "vi",
            "user": "",
        },
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["email"]
    assert Person.objects.count() == 1


def test_conference_change_form_does_not_change_status(admin_client, graph):
    conference = graph["conference"]
    url = change_url(conference)
    form = admin_client.get(url).context["adminform"].form

    assert "status" not in form.fields


def test_award_decision_add_takes_the_next_decision_number_of_the_issuer(admin_client, graph):
    ministry = graph["ministry"]

    response = admin_client.post(
        add_url(AwardDecision),
        {
            "issuer": ministry.pk,
            "conference": "",
            "subject": "Về việc tặng Bằng khen",
            "signed_on": "05/04/2021",
            "signing_authority": "KT. BỘ TRƯỞNG",
            "signer_title": "THỨ TRƯỞNG",
            "signer_name": "Lê Xuân Định",
            "awards-TOTAL_FORMS": "1",
            "awards-INITIAL_FORMS": "0",
            "awards-0-ceremony_order": "1",
            "awards-0-category": AwardCategory.objects.get().pk,
            "awards-0-recipient_organization": graph["department"].pk,
            "awards-0-recipient_person": "",
            "awards-0-citation": "Đã có thành tích xuất sắc",
            "awards-0-register_number": "",
        },
    )

    assert response.status_code == 302
    decision = AwardDecision.objects.exclude(pk=graph["decision"].pk).get()
    assert decision.document.formatted == "02/QĐ-BKHCN0"
    assert [a.recipient_organization for a in decision.awards.all()] == [graph["department"]]


def test_award_decision_add_offers_only_issuers_with_a_document_code(admin_client, graph):
    form = admin_client.get(add_url(AwardDecision)).context["adminform"].form

    assert list(form.fields["issuer"].queryset) == [graph["ministry"]]


def test_certificate_add_issues_through_the_service(admin_client, graph):
    response = admin_client.post(
        add_url(Certificate),
        {
            "conference": graph["conference"].pk,
            "kind": Certificate.Kind.SPEAKER,
            "recipient_person": graph["person"].pk,
            "recipient_organization": "",
            "registration": "",
            "award": "",
        },
    )

    assert response.status_code == 302
    certificate = Certificate.objects.get(kind=Certificate.Kind.SPEAKER)
    assert certificate.serial == f"2021-{graph['conference'].pk:03d}-00003"
    assert certificate.recipient_name == "Nguyễn Văn Thử 0"


def test_certificate_change_form_revokes_with_a_reason(admin_client, graph):
    certificate = Certificate.objects.get(kind=Certificate.Kind.ATTENDANCE)

    response = admin_client.post(change_url(certificate), {"revocation_reason": "Cấp nhầm người"})

    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == "Cấp nhầm người"
    assert not admin_client.get(change_url(certificate)).context["adminform"].form.fields


def test_document_sequence_cannot_go_below_an_issued_number(admin_client, graph):
    sequence = DocumentSequence.objects.get(issuer=graph["ministry"], kind=DocumentKind.DECISION)

    response = admin_client.post(change_url(sequence), {"last_number": "0"})

    assert response.status_code == 200
    assert "last_number" in response.context["adminform"].form.errors
    sequence.refresh_from_db()
    assert sequence.last_number == 1


def test_agenda_item_rejects_a_room_of_another_conference(admin_client, graph):
    other = build_conference(1)["conference"]
    item = AgendaItem.objects.get(conference=graph["conference"])

    response = admin_client.post(
        change_url(item),
        {
            "conference": item.conference_id,
            "starts_at_0": "09/04/2021",
            "starts_at_1": "08:00",
            "ends_at_0": "09/04/2021",
            "ends_at_1": "08:30",
            "room": other.rooms.get().pk,
            "kind": item.kind,
            "title": item.title,
            "description": "",
            "presenter_text": "",
            "presenting_organization": "",
            "chair": "",
            "speakers": [],
            "paper": "",
            "position": "0",
        },
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["room"]


def test_agenda_item_rejects_times_outside_the_conference_days(admin_client, graph):
    item = AgendaItem.objects.get(conference=graph["conference"])
    starts_at = item.starts_at

    response = admin_client.post(
        change_url(item),
        {
            "conference": item.conference_id,
            "starts_at_0": "9999-12-31",
            "starts_at_1": "23:50",
            "ends_at_0": "9999-12-31",
            "ends_at_1": "23:50",
            "kind": item.kind,
            "title": item.title,
            "description": "",
            "presenter_text": "",
            "speakers": [],
            "position": "0",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    message = "An agenda item must take place on the conference's day, 09/04/2021."
    assert response.context["adminform"].form.errors == {"starts_at": [message], "ends_at": [message]}
    item.refresh_from_db()
    assert item.starts_at == starts_at


def test_paper_change_page_lists_revisions_read_only(admin_client, graph):
    paper = graph["paper"]

    response = admin_client.get(change_url(paper))

    revisions = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is PaperRevision)
    assert revisions.has_add_permission is False
    assert revisions.has_change_permission is False
    assert [form.original.number for form in revisions] == [1]


# --- a staff organizer sees only their conferences (issue 9.3) -------------------------------------------

# How each model's rows belong to a conference; the other models are shared by every conference.
CONFERENCE_OF = {
    Conference: "pk",
    ConferenceRole: "conference",
    Room: "conference",
    Invitation: "conference",
    InvitationLink: "invitation__conference",
    Registration: "conference",
    AuditEntry: "conference",
    AgendaItem: "conference",
    AgendaVersion: "conference",
    AwardDecision: "conference",
    Award: "decision__conference",
    Certificate: "conference",
    Paper: "conference",
    PaperAuthor: "paper__conference",
    PaperRevision: "paper__conference",
    PaperFigure: "paper__conference",
    Proceedings: "conference",
    RenderedDocument: "conference",
    ReviewCriterion: "conference",
    Review: "paper__conference",
    PaperReviewFigures: "paper__conference",
    CallForPapers: "conference",
    PaperTopic: "conference",
    ReviewAssignment: "paper__conference",
    ReviewerConflict: "conference",
    ReviewerInvitation: "conference",
    CeremonyBatch: "conference",
    CeremonyState: "conference",
    Job: "conference",
    Nomination: "conference",
    NominationScore: "nomination__conference",
    DocumentNumber: ("invitation__conference", "award_decision__conference"),
}
SHARED_MODELS = {AwardCategory, DocumentSequence, Organization, Province}
# A user's own rows, for superusers only in the admin (not even the organizers of their conference).
PERSONAL_MODELS = {ApiToken}


@pytest.fixture
def two_conferences():
    mine, theirs = build_conference(0), build_conference(1)
    # A staff organizer of the first conference, with every permission on the app, as the demo makes them.
    organizer = get_user_model().objects.get(username="organizer0")
    organizer.is_staff = True
    organizer.save(update_fields=["is_staff"])
    organizer.user_permissions.set(Permission.objects.filter(content_type__app_label="conferences"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(organizer)
    return {"mine": mine, "theirs": theirs, "client": client}


def listed(response) -> set:
    return {obj.pk for obj in response.context["cl"].result_list}


def test_every_conferences_model_is_scoped_or_shared():
    assert set(CONFERENCE_MODELS) == set(CONFERENCE_OF) | SHARED_MODELS | PERSONAL_MODELS | {Person}


def test_a_staff_organizer_does_not_see_api_tokens_even_of_their_conference(two_conferences):
    assert ApiToken.objects.filter(conference=two_conferences["mine"]["conference"]).exists()

    assert two_conferences["client"].get(changelist_url(ApiToken)).status_code == 403


def test_the_admin_lists_api_tokens_without_their_hash_and_revokes_them(admin_client, graph):
    token = ApiToken.objects.get()

    changelist = admin_client.get(changelist_url(ApiToken))
    change = admin_client.get(change_url(token))
    revoked = admin_client.post(
        changelist_url(ApiToken), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )

    assert token.key_hash not in changelist.content.decode() + change.content.decode()
    assert revoked.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("model", list(CONFERENCE_OF), ids=lambda m: m.__name__)
def test_a_staff_organizer_lists_and_opens_only_rows_of_their_conferences(two_conferences, model):
    client = two_conferences["client"]
    mine, theirs = two_conferences["mine"]["conference"], two_conferences["theirs"]["conference"]
    lookups = CONFERENCE_OF[model]
    lookups = lookups if isinstance(lookups, tuple) else (lookups,)

    def rows_of(conference):
        return model._default_manager.filter(
            functools.reduce(operator.or_, (Q(**{lookup: conference.pk}) for lookup in lookups))
        )

    own_rows = set(rows_of(mine).values_list("pk", flat=True))
    their_row = rows_of(theirs).order_by("pk").first()
    assert own_rows and their_row is not None

    changelist = client.get(changelist_url(model))
    theirs_change = client.get(change_url(their_row))

    assert changelist.status_code == 200
    assert listed(changelist) == own_rows
    # As for a row that does not exist: back to the admin's index, nothing of the row shown.
    assert theirs_change.status_code == 302
    assert theirs_change["Location"] == reverse("admin:index")
    assert client.get(change_url(model._default_manager.get(pk=min(own_rows)))).status_code == 200


def test_a_staff_organizer_sees_the_people_of_their_conference_only(two_conferences):
    client = two_conferences["client"]
    mine, theirs = two_conferences["mine"]["person"], two_conferences["theirs"]["person"]

    assert listed(client.get(changelist_url(Person))) == {mine.pk}
    assert client.get(change_url(theirs)).status_code == 302


def test_a_staff_organizer_picks_and_filters_only_among_their_conferences(two_conferences):
    client = two_conferences["client"]
    mine, theirs = two_conferences["mine"], two_conferences["theirs"]
    also_mine = build_conference(2)["conference"]
    conference_role_grant(
        conference=also_mine,
        user=get_user_model().objects.get(username="organizer0"),
        role=ConferenceRole.Role.ORGANIZER,
    )

    form = client.get(add_url(Registration)).context["adminform"].form
    changelist = client.get(changelist_url(Invitation))
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "conferences", "model_name": "registration", "field_name": "person", "term": "thử"},
    )

    person_of_also_mine = Person.objects.get(email="p2@example.vn")
    assert set(form.fields["conference"].queryset) == {mine["conference"], also_mine}
    assert set(form.fields["person"].queryset) == {mine["person"], person_of_also_mine}
    assert set(form.fields["invitation"].queryset) == set(
        Invitation.objects.filter(conference__in=[mine["conference"], also_mine])
    )
    [conference_filter] = [f for f in changelist.context["cl"].filter_specs if f.field_path == "conference"]
    assert {pk for pk, _title in conference_filter.lookup_choices} == {mine["conference"].pk, also_mine.pk}
    assert {row["id"] for row in autocomplete.json()["results"]} == {
        str(mine["person"].pk),
        str(person_of_also_mine.pk),
    }
    # A row of the other conference posted by hand is refused like one that does not exist.
    response = client.post(
        add_url(Registration),
        {
            "conference": theirs["conference"].pk,
            "person": mine["person"].pk,
            "role": "guest",
            "status": "confirmed",
        },
    )
    assert response.status_code == 200
    assert "conference" in response.context["adminform"].form.errors
    assert not Registration.objects.filter(conference=theirs["conference"], person=mine["person"]).exists()


def test_a_superuser_sees_the_rows_of_every_conference(admin_client):
    mine, theirs = build_conference(0), build_conference(1)

    response = admin_client.get(changelist_url(Invitation))
    people = admin_client.get(changelist_url(Person))

    assert listed(response) == set(Invitation.objects.values_list("pk", flat=True))
    assert len(listed(response)) == 2
    assert listed(people) == {mine["person"].pk, theirs["person"].pk}


def test_scoped_changelists_run_a_bounded_number_of_queries(two_conferences, django_assert_max_num_queries):
    client = two_conferences["client"]
    for i in range(2, 32):
        build_conference(i)
    client.get(changelist_url(Conference))

    for model in [*CONFERENCE_OF, Person]:
        url = changelist_url(model)
        with django_assert_max_num_queries(MAX_CHANGELIST_QUERIES, info=url):
            assert client.get(url).status_code == 200


def test_person_lock_is_set_in_the_admin(admin_client):
    person = person_create(full_name="Nguyễn Văn An", email="an@example.vn")
    form = {
        "full_name": "Nguyễn Văn An",
        "position": "",
        "organization": "",
        "email": "an@example.vn",
        "phone": "",
        "language": "vi",
        "user": "",
        "locked": "on",
    }

    response = admin_client.post(change_url(person), form)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.locked is True


# --- whom a conference invites: the invitation service's rules on the admin's form ----------------------


def invitation_form(conference, **fields) -> dict:
    return {
        "conference": conference.pk,
        "organization": "",
        "person": "",
        "addressee": "",
        "delegate_quota": 1,
        "paper_topic": "",
        "note": "",
        "status": "draft",
    } | fields


def test_invitation_add_names_an_agency_invited_already(admin_client, graph):
    conference, department = graph["conference"], graph["department"]

    response = admin_client.post(
        add_url(Invitation),
        invitation_form(conference, organization=department.pk),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "organization": ["This organization is already invited to the conference."]
    }
    assert Invitation.objects.filter(conference=conference).count() == 1


def test_invitation_add_refuses_the_host(admin_client, graph):
    conference = graph["conference"]

    response = admin_client.post(
        add_url(Invitation),
        invitation_form(conference, organization=graph["ministry"].pk),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "organization": ["The host agency does not invite itself."]
    }
    assert Invitation.objects.filter(conference=conference).count() == 1


# Conferences are written through the services, from the admin too ----------------------------------------


def _conference_form_data(admin_client, url: str, **fields) -> dict:
    """The change form's own data (inline management forms included), with `fields` changed."""
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
        elif value is not None:
            data[name] = value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    for name, value in fields.items():
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
        else:
            data[name] = value
    return data


def test_admin_change_of_the_rsvp_deadline_goes_through_the_service(admin_client):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=20)
    ministry = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN")
    conference = conference_create(
        title_vi="Hội nghị sơ kết",
        host=ministry,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
    )
    agency = organization_create(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", contact_emails=["a@qn.vn"])
    invitation = invitation_create(conference=conference, organization=agency)
    invitation_link_create(invitation=invitation)
    expiry_before = InvitationLink.objects.get().expires_at
    deadline = start - datetime.timedelta(days=5)
    url = change_url(conference)

    response = admin_client.post(url, _conference_form_data(admin_client, url, rsvp_deadline=deadline))

    assert response.status_code == 302, response.context["adminform"].form.errors
    conference.refresh_from_db()
    assert conference.rsvp_deadline == deadline
    # rsvp_deadline_changed ran: the live link now expires with the new deadline (plus the grace days).
    assert list(InvitationLink.objects.values_list("expires_at", flat=True)) == [rsvp_link_expiry(conference)]
    assert rsvp_link_expiry(conference) != expiry_before


def test_admin_refuses_an_end_before_the_start_with_the_service_message(admin_client):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=20)
    ministry = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN")
    conference = conference_create(
        title_vi="Hội nghị sơ kết",
        host=ministry,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
    )
    url = change_url(conference)

    response = admin_client.post(
        url,
        _conference_form_data(admin_client, url, ends_at=start - datetime.timedelta(hours=1)),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ends_at": ["The conference must end after it starts."]
    }
    conference.refresh_from_db()
    assert conference.ends_at == start + datetime.timedelta(hours=4)


def test_admin_adds_a_conference_through_the_service(admin_client):
    ministry = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN")
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=20)
    url = add_url(Conference)
    data = _conference_form_data(
        admin_client,
        url,
        title_vi="Hội nghị tổng kết",
        slug="tong-ket-2021",
        host=ministry.pk,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    conference = Conference.objects.get()
    assert (conference.slug, conference.title_vi, conference.ends_at) == (
        "tong-ket-2021",
        "Hội nghị tổng kết",
        start + datetime.timedelta(hours=3),
    )
