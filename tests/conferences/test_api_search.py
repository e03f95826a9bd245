"""Every list where people search takes `q`, and `q` ignores accents, case and tone placement.

"quang ninh" finds "Quảng Ninh"; "hoa" and "HOA" find both "Hòa" (new tone placement) and "Hoà"
(old); a word nobody has finds nothing. A schema walk fails when a paginated list has no `q`.
"""

import functools
import io
import unicodedata

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from conferences.models import AuditEntry, ReviewAssignment
from conferences.services.audit import audit_record
from conferences.services.organizations import organization_create
from tests.conferences.nomination_helpers import category_make, decision_make, nominate
from tests.conferences.notice_helpers import make_notice
from tests.conferences.review_helpers import assign, paper_make, reviewer_make
from tests.factories import (
    AgendaItemFactory,
    AwardFactory,
    CertificateFactory,
    InvitationFactory,
    PaperFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUANG_NINH = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
BAC_GIANG = "Sở Tài chính tỉnh Bắc Giang"
HOA_NEW = "Nguyễn Văn Hòa"  # tone mark on the o
HOA_OLD = "Trần Thị Hoà"  # tone mark on the a
OTHER = "Phạm Minh Tuấn"
QN_PERSON = "Lê Văn An"

# Lists nobody searches: what they hold is picked by its filters or is short.
NOT_SEARCHED = {
    # A person's own API tokens: at most 20, listed by name.
    ("/api/v1/auth/tokens/", "get"),
    # Conferences: a handful per user, filtered by status, kind and dates.
    ("/api/v1/conferences/", "get"),
    # An agenda's published versions are numbered, a few per conference.
    ("/api/v1/conferences/{conference_slug}/agenda/versions/", "get"),
    # A paper's revisions: a few per paper, by number.
    ("/api/v1/conferences/{conference_slug}/papers/{id}/revisions/", "get"),
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@functools.cache
def schema() -> dict:
    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", "--lang", "en", stdout=out)
    return yaml.safe_load(out.getvalue())


def paginated_lists() -> list[tuple[str, str, set[str]]]:
    """(path, method, query parameter names) of every operation answering a page of results."""
    document = schema()
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method != "get":
                continue
            body = operation.get("responses", {}).get("200", {}).get("content", {})
            reference = body.get("application/json", {}).get("schema", {}).get("$ref", "")
            component = document["components"]["schemas"].get(reference.rsplit("/", 1)[-1], {})
            if "results" in component.get("properties", {}) and "count" in component.get("properties", {}):
                names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
                found.append((path, method, names))
    return found


def test_every_paginated_list_takes_q_unless_allowed_not_to():
    lists = paginated_lists()
    assert len(lists) >= 10  # the walk finds the lists, or it proves nothing
    missing = sorted(
        (path, method)
        for path, method, names in lists
        if "q" not in names and (path, method) not in NOT_SEARCHED
    )
    assert missing == []


def test_the_allow_list_names_only_real_lists():
    assert {(path, method) for path, method, _names in paginated_lists()} >= NOT_SEARCHED


# One builder per list: rows labelled QN, HOA_NEW, HOA_OLD, OTHER, and how to read a row's label.


def _agency(name):
    return organization_create(name=name, kind="department")


def _people(conference):
    quang_ninh, bac_giang = _agency(QUANG_NINH), _agency(BAC_GIANG)
    return {
        "QN": PersonFactory(full_name=QN_PERSON, organization=quang_ninh),
        "HOA_NEW": PersonFactory(full_name=nfc(HOA_NEW), organization=bac_giang),
        "HOA_OLD": PersonFactory(full_name=nfc(HOA_OLD), organization=bac_giang),
        "OTHER": PersonFactory(full_name=OTHER, organization=bac_giang),
    }


def _agencies():
    return {
        "QN": _agency(QUANG_NINH),
        "HOA_NEW": _agency("Ủy ban nhân dân xã Hòa Bình"),
        "HOA_OLD": _agency("Ủy ban nhân dân phường Hoà Khánh"),
        "OTHER": _agency(BAC_GIANG),
    }


def build_organizations(conference, organizer):
    return "/api/v1/organizations/", {key: a.pk for key, a in _agencies().items()}


def build_invitations(conference, organizer):
    rows = {
        key: InvitationFactory(conference=conference, organization=a).pk for key, a in _agencies().items()
    }
    return f"/api/v1/conferences/{conference.slug}/invitations/", rows


def build_registrations(conference, organizer):
    rows = {
        key: RegistrationFactory(conference=conference, person=p, organization=p.organization).pk
        for key, p in _people(conference).items()
    }
    return f"/api/v1/conferences/{conference.slug}/registrations/", rows


def build_people(conference, organizer):
    people = _people(conference)
    for person in people.values():
        RegistrationFactory(conference=conference, person=person, organization=person.organization)
    return f"/api/v1/conferences/{conference.slug}/people/", {key: p.pk for key, p in people.items()}


def build_certificates(conference, organizer):
    people = _people(conference)
    # A certificate names its holder only: the agency's own certificate stands for QN.
    agency = people.pop("QN").organization
    rows = {
        key: CertificateFactory(conference=conference, recipient_person=p).pk for key, p in people.items()
    }
    rows["QN"] = CertificateFactory(
        conference=conference,
        recipient_person=None,
        recipient_organization=agency,
        recipient_name=agency.name,
    ).pk
    return f"/api/v1/conferences/{conference.slug}/certificates/", rows


def build_papers(conference, organizer):
    agencies = _agencies()
    rows = {
        "QN": PaperFactory(conference=conference, title="Đo lường", presenting_organization=agencies["QN"]),
        "HOA_NEW": PaperFactory(conference=conference, title=f"Kinh nghiệm của {nfc(HOA_NEW)}"),
        "HOA_OLD": PaperFactory(conference=conference, title=f"Kinh nghiệm của {nfc(HOA_OLD)}"),
        "OTHER": PaperFactory(conference=conference, title="Năng suất chất lượng"),
    }
    return f"/api/v1/conferences/{conference.slug}/papers/", {key: p.pk for key, p in rows.items()}


def build_notifications(conference, organizer):
    names = {"QN": QUANG_NINH, "HOA_NEW": nfc(HOA_NEW), "HOA_OLD": nfc(HOA_OLD), "OTHER": OTHER}
    rows = {
        key: str(make_notice(conference, n, recipient_name=name, recipient_address=f"x{n}@example.vn").pk)
        for n, (key, name) in enumerate(names.items(), start=1)
    }
    return "/api/v1/notifications/", rows


def build_audit_log(conference, organizer):
    names = {"QN": ("", QUANG_NINH), "HOA_NEW": ("Nguyễn Văn", "Hòa"), "HOA_OLD": ("Trần Thị", "Hoà")}
    names["OTHER"] = ("Phạm Minh", "Tuấn")
    rows = {}
    for key, (last, first) in names.items():
        actor = UserFactory(first_name=nfc(first), last_name=nfc(last), email=f"{key.lower()}@example.vn")
        entry = audit_record(action=AuditEntry.Action.ROOM_ADDED, conference=conference, actor=actor)
        rows[key] = entry.pk
    return f"/api/v1/conferences/{conference.slug}/audit-log/", rows


def build_agenda_items(conference, organizer):
    people = _people(conference)
    title = f"Báo cáo của {QUANG_NINH}"
    items = {
        "QN": AgendaItemFactory(conference=conference, title=title),
        "HOA_NEW": AgendaItemFactory(conference=conference, title="Tham luận", chair=people["HOA_NEW"]),
        "HOA_OLD": AgendaItemFactory(conference=conference, title="Phát biểu"),
        "OTHER": AgendaItemFactory(conference=conference, title="Giải lao"),
    }
    items["HOA_OLD"].speakers.add(people["HOA_OLD"])
    return f"/api/v1/conferences/{conference.slug}/agenda/items/", {key: i.pk for key, i in items.items()}


def _reviewers(conference):
    people = _people(conference)
    return {
        key: reviewer_make(conference, organization=person.organization, full_name=person.full_name)
        for key, person in people.items()
    }


def build_reviewers(conference, organizer):
    rows = {key: user.pk for key, user in _reviewers(conference).items()}
    return f"/api/v1/conferences/{conference.slug}/reviewers/", rows


def build_review_assignments(conference, organizer):
    reviewers = _reviewers(conference)
    titles = {
        "QN": "Báo cáo tỉnh Quảng Ninh",
        "HOA_NEW": "Đo lường",
        "HOA_OLD": "Tiêu chuẩn",
        "OTHER": "Năng suất",
    }
    # The QN paper goes to the reviewer nobody searches for, so only its title can match.
    reviewer_of = {
        "QN": reviewers["OTHER"],
        **{key: reviewers[key] for key in ("HOA_NEW", "HOA_OLD", "OTHER")},
    }
    rows = {}
    for key, title in titles.items():
        paper = paper_make(conference, title=title)
        assign(paper, reviewer_of[key])
        rows[key] = ReviewAssignment.objects.get(paper=paper).pk
    return f"/api/v1/conferences/{conference.slug}/review-assignments/", rows


def build_awards(conference, organizer):
    decision = decision_make(conference)
    rows = {
        key: AwardFactory(decision=decision, recipient_organization=agency).pk
        for key, agency in _agencies().items()
    }
    return f"/api/v1/conferences/{conference.slug}/awards/", rows


def build_nominations(conference, organizer):
    category = category_make()
    rows = {key: nominate(conference, organizer, category, agency).pk for key, agency in _agencies().items()}
    return f"/api/v1/conferences/{conference.slug}/nominations/", rows


BUILDERS = [
    build_agenda_items,
    build_reviewers,
    build_review_assignments,
    build_awards,
    build_nominations,
    build_organizations,
    build_invitations,
    build_registrations,
    build_people,
    build_certificates,
    build_papers,
    build_notifications,
    build_audit_log,
]
# What each query must find and must leave out.
QUERIES = {
    "quang ninh": ({"QN"}, {"HOA_NEW", "HOA_OLD", "OTHER"}),
    "Quảng Ninh": ({"QN"}, {"HOA_NEW", "HOA_OLD", "OTHER"}),
    "hoa": ({"HOA_NEW", "HOA_OLD"}, {"OTHER"}),
    "HOA": ({"HOA_NEW", "HOA_OLD"}, {"OTHER"}),
    "zyxw": (set(), {"QN", "HOA_NEW", "HOA_OLD", "OTHER"}),
}


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__.removeprefix("build_"))
def test_q_finds_names_without_accents_case_or_tone_placement(builder, conference, organizer):
    client = APIClient()
    client.force_authenticate(organizer)
    url, rows = builder(conference, organizer)
    keys_by_id = {str(pk): key for key, pk in rows.items()}
    for query, (found, left_out) in QUERIES.items():
        response = client.get(url, {"q": query, "page_size": 100})
        assert response.status_code == 200, response.content
        body = response.json()
        listed = body["results"] if isinstance(body, dict) else body  # whole lists are not paged
        keys = {keys_by_id.get(str(row.get("id", row.get("user_id")))) for row in listed} - {None}
        assert found <= keys, (query, keys)
        assert not keys & left_out, (query, keys)


def test_certificates_still_take_search_as_the_old_name_of_q(conference, organizer):
    client = APIClient()
    client.force_authenticate(organizer)
    url, rows = build_certificates(conference, organizer)
    response = client.get(url, {"search": "tran thi hoa"})
    assert [row["id"] for row in response.json()["results"]] == [rows["HOA_OLD"]]
