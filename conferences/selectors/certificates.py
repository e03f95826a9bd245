import re

from django.db.models import F

from conferences.models import Certificate, Paper, PaperAuthor

# What certificate_issue hands out: 12 letters and digits, without 0/O and 1/I/L.
_CODE = re.compile(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{12}")
# Room for spaces and dashes around 12 characters; anything longer is not a code.
TYPED_CODE_MAX_CHARS = 40


def verification_code_normalize(code: str) -> str:
    """The code as stored: people type it with spaces, dashes and lower case letters."""
    return "".join(code.split()).upper().replace("-", "")


def verification_code_is_wellformed(code: str) -> bool:
    """Whether the typed code can be one (checked before any query; long input is refused at once)."""
    return len(code) <= TYPED_CODE_MAX_CHARS and bool(_CODE.fullmatch(verification_code_normalize(code)))


def certificate_get_by_code(*, code: str) -> Certificate | None:
    """Look a certificate up by the code printed on it; typed codes may vary in case and spacing.

    A code that cannot be one is None without a query.
    """
    if not verification_code_is_wellformed(code):
        return None
    return (
        Certificate.objects.select_related(
            "conference__host",
            "recipient_person",
            "recipient_organization",
            "award__category",
            "award_decision__document__issuer",
        )
        .filter(verification_code=verification_code_normalize(code))
        .first()
    )


def certificate_issuer(certificate: Certificate) -> dict:
    """Who granted it: an award's decision (its issuer and number), else the conference's host.

    The decision is the one recorded on the certificate, so a revoked award certificate whose
    award went to its replacement still names its own issuer.
    """
    decision = certificate.award_decision
    if decision is not None:
        return {
            "name": decision.issuer.name,
            "decision": decision.document.formatted,
            "signed_on": decision.signed_on,
        }
    return {"name": certificate.conference.host.name, "decision": "", "signed_on": None}


def certificate_list_for_registration(*, registration) -> list[Certificate]:
    """A delegate's valid certificates; revoked ones stay off their page (verification still tells)."""
    return list(
        Certificate.objects.filter(registration=registration, revoked_at__isnull=True).order_by(
            "issued_at", "pk"
        )
    )


def certificates_for_rendering(*, ids) -> list[Certificate]:
    """The certificates with `ids`, in that order, with every row their faces print (one query)."""
    ids = list(ids)
    found = Certificate.objects.select_related(
        "conference__host",
        "recipient_person__organization",
        "recipient_organization",
        "registration",
        "award__decision__document__issuer",
        "award__category",
    ).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def speaker_paper_titles(*, certificates) -> dict[tuple[int, int], str]:
    """The title of the paper each speaker presents, by (conference id, person id); one query.

    A paper counts when its author list names the person as presenter and it is still in play
    (submitted, under review or accepted), the one the published agenda gives them the floor for.
    """
    people = {c.recipient_person_id for c in certificates if c.recipient_person_id}
    conferences = {c.conference_id for c in certificates}
    if not people:
        return {}
    rows = (
        PaperAuthor.objects.filter(
            is_presenter=True, person_id__in=people, paper__conference_id__in=conferences
        )
        .exclude(paper__status__in=[Paper.Status.DRAFT, Paper.Status.REJECTED, Paper.Status.WITHDRAWN])
        # An accepted paper before one still in review; the older one first.
        .order_by(F("paper__decided_at").desc(nulls_last=True), "paper_id")
        .values_list("paper__conference_id", "person_id", "paper__title")
    )
    titles: dict[tuple[int, int], str] = {}
    for conference_id, person_id, title in rows:
        titles.setdefault((conference_id, person_id), title)
    return titles
