"""Reads for the proceedings: everything a book prints, gathered in a fixed number of queries, and its hash.

The hash covers every input the book prints (and RENDER_VERSION, bumped when the layout
changes), so a build whose hash is already stored is that stored book.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from conferences.models import (
    AgendaItem,
    AgendaVersion,
    Award,
    Conference,
    FileKind,
    Organization,
    Paper,
    PaperFigure,
    Proceedings,
    Registration,
)
from conferences.selectors.agenda_versions import agenda_current_version
from conferences.selectors.awards import award_list_for_conference
from core.text import vietnamese_name_collation_key

# Bump when the book's layout or what it prints changes: stored books of the old layout are not reused.
RENDER_VERSION = 2


@dataclass
class BookPaper:
    pk: int
    title: str
    authors: list[str]
    agencies: list[str]
    abstract: str
    body: str
    figures: list[PaperFigure]
    # The final revision's PDF when the paper exists only as an uploaded PDF (no body text).
    pdf: object | None = None
    pdf_sha256: str = ""


@dataclass
class ParticipantGroup:
    kind: str
    label: object  # lazy: printed in the book's language
    people: list[dict]


@dataclass
class BookInputs:
    conference: Conference
    kind: str
    agenda: AgendaVersion | None
    papers: list[BookPaper]
    awards: list[Award]
    participant_groups: list[ParticipantGroup] = field(default_factory=list)


def _paper_order(agenda: AgendaVersion | None) -> dict[int, int]:
    """Paper id -> its place on the published agenda (items are stored in agenda order)."""
    if agenda is None:
        return {}
    order: dict[int, int] = {}
    for item in agenda.items:
        if item.get("kind") == AgendaItem.Kind.PAPER and item.get("paper") and item["paper"] not in order:
            order[item["paper"]] = len(order)
    return order


def _book_papers(conference: Conference, agenda: AgendaVersion | None) -> list[BookPaper]:
    papers = (
        Paper.objects.filter(
            conference=conference, status=Paper.Status.ACCEPTED, final_revision__isnull=False
        )
        .select_related("final_revision", "presenting_organization")
        .prefetch_related(Prefetch("figures", queryset=PaperFigure.objects.order_by("position", "id")))
    )
    order = _paper_order(agenda)
    # Accepted papers not on the agenda follow the agenda's, in the order they came.
    ordered = sorted(papers, key=lambda p: (order.get(p.pk, len(order)), p.pk))
    result = []
    for paper in ordered:
        revision = paper.final_revision
        authors = [a.get("full_name", "") for a in revision.authors if a.get("full_name")]
        agencies = list(dict.fromkeys(a.get("organization_name", "") for a in revision.authors))
        agencies = [a for a in agencies if a]
        if not agencies and paper.presenting_organization_id:
            agencies = [paper.presenting_organization.name]
        uploaded = not revision.body.strip() and revision.file and revision.file_kind == FileKind.PDF
        result.append(
            BookPaper(
                pk=paper.pk,
                title=revision.title,
                authors=authors,
                agencies=agencies,
                abstract=revision.abstract,
                body=revision.body,
                figures=list(paper.figures.all()),
                pdf=revision.file if uploaded else None,
                pdf_sha256=revision.file_sha256 if uploaded else "",
            )
        )
    return result


def _participant_rows(conference: Conference) -> list[tuple[str, str, str, str]]:
    """(agency kind, name, position, agency) of each confirmed delegate, in registration order.

    Plain values, no model instances: the unchanged rebuild hashes these (2,000 delegates as
    instances with their person and agency cost about 0.4 s; as values about 20 ms).
    """
    rows = (
        Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
        .order_by("pk")
        .values_list(
            "full_name",
            "person__full_name",
            "position",
            "person__position",
            "organization_id",
            "organization__name",
            "organization__kind",
            "person__organization_id",
            "person__organization__name",
            "person__organization__kind",
        )
    )
    result = []
    for name, person_name, position, person_position, org, org_name, org_kind, p_org, p_name, p_kind in rows:
        if org is None:
            org, org_name, org_kind = p_org, p_name, p_kind
        kind = org_kind if org is not None else Organization.Kind.OTHER
        result.append((kind, name or person_name, position or person_position, org_name or ""))
    return result


def _participant_groups(conference: Conference) -> list[ParticipantGroup]:
    by_kind: dict[str, list[dict]] = {}
    for kind, name, position, organization in _participant_rows(conference):
        by_kind.setdefault(kind, []).append(
            {
                "name": name,
                "position": position,
                "organization": organization,
                "key": vietnamese_name_collation_key(name),
            }
        )
    groups = []
    for kind in Organization.Kind:  # The kinds' own order: ministries first, as protocol lists them.
        people = by_kind.get(kind.value)
        if people:
            people.sort(key=lambda p: (p["key"], p["organization"]))
            groups.append(ParticipantGroup(kind=kind.value, label=kind.label, people=people))
    return groups


def proceedings_inputs(*, conference: Conference, kind: str) -> BookInputs:
    """Everything the book of this kind prints, in a fixed number of queries."""
    conference = Conference.objects.select_related("host__parent").get(pk=conference.pk)
    agenda = agenda_current_version(conference)
    papers = _book_papers(conference, agenda)
    if kind == Proceedings.Kind.ABSTRACTS:
        return BookInputs(conference=conference, kind=kind, agenda=agenda, papers=papers, awards=[])
    return BookInputs(
        conference=conference,
        kind=kind,
        agenda=agenda,
        papers=papers,
        awards=list(award_list_for_conference(conference=conference)),
        participant_groups=_participant_groups(conference),
    )


def _default(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def proceedings_input_hash(*, conference: Conference, kind: str) -> str:
    """SHA-256 of everything the book of this kind prints: equal hashes, equal books.

    Read from the database as plain values, without laying anything out or sorting the
    delegates (their order follows from what is hashed), so that the organizer's click on an
    unchanged book answers at once.
    """
    conference = Conference.objects.select_related("host__parent").get(pk=conference.pk)
    agenda = agenda_current_version(conference)
    papers = _book_papers(conference, agenda)
    book = kind != Proceedings.Kind.ABSTRACTS
    awards = list(award_list_for_conference(conference=conference)) if book else []
    data = {
        "render": RENDER_VERSION,
        "kind": kind,
        "conference": [
            conference.title_vi,
            conference.legal_basis,
            conference.host.name,
            conference.host.parent.name if conference.host.parent_id else "",
            conference.starts_at,
            conference.ends_at,
            conference.venue_name,
            conference.venue_address,
            conference.proceedings_foreword,
        ],
        "agenda": [agenda.pk, agenda.number] if agenda else None,
        "papers": [
            [
                p.pk,
                p.title,
                p.authors,
                p.agencies,
                p.abstract,
                p.body,
                p.pdf_sha256,
                [[f.sha256, f.caption] for f in p.figures],
            ]
            for p in papers
        ],
        "awards": [
            [
                a.pk,
                a.decision.document.formatted,
                a.decision.signed_on,
                a.decision.subject,
                a.category.name_vi,
                a.recipient_name,
                a.citation,
            ]
            for a in awards
        ],
        "participants": _participant_rows(conference) if book else [],
    }
    encoded = json.dumps(data, default=_default, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def proceedings_list(*, conference: Conference) -> QuerySet[Proceedings]:
    """Every stored build of the conference, newest first."""
    return (
        Proceedings.objects.filter(conference=conference)
        .select_related("conference", "job")
        .order_by("-created_at", "-pk")
    )


def proceedings_get(*, conference: Conference, pk: int) -> Proceedings | None:
    return Proceedings.objects.filter(conference=conference, pk=pk).select_related("conference").first()


def proceedings_stored(
    *, conference: Conference, kind: str, variant: str, input_hash: str
) -> Proceedings | None:
    return Proceedings.objects.filter(
        conference=conference, kind=kind, variant=variant, input_hash=input_hash
    ).first()


def paper_figures(paper) -> list[PaperFigure]:
    """A paper's figures in the order the book prints and numbers them (Hình 1, Hình 2...)."""
    return list(PaperFigure.objects.filter(paper=paper).order_by("position", "id"))
