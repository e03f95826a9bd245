"""What a certificate's face shows (attendance, speaker, award): its context, paper and metadata.

`certificates.py` lays the faces out; `certificate_layers.py` prints each holder's own lines over a
face laid out once.
"""

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from conferences.models import Certificate
from conferences.selectors.certificates import speaker_paper_titles

CHUNK_SIZE = 100
FACE_TEMPLATES = {
    "attendance": "documents/certificates/attendance.html",  # and the speaker's face
    "award": "documents/certificates/award.html",
}
ATTENDANCE_PAGE = "certificate-a4"  # A4 landscape, the attendance and speaker faces

# The kind as a file's title says it (the face itself prints its own heading).
KIND_TITLES = {
    Certificate.Kind.ATTENDANCE: "Giấy chứng nhận tham dự",
    Certificate.Kind.SPEAKER: "Giấy chứng nhận trình bày tham luận",
}

# Shrink-to-fit: (longest text in characters, CSS class). A longer text takes a smaller size;
# the page-count check catches what still overflows.
NAME_FITS = [(28, "fit-1"), (42, "fit-2"), (64, "fit-3"), (110, "fit-4")]
TEXT_FITS = [(160, "fit-1"), (320, "fit-2"), (600, "fit-3"), (1100, "fit-4")]


def _fit(text: str, steps: list[tuple[int, str]]) -> str:
    length = len(text)
    for limit, css_class in steps:
        if length <= limit:
            return css_class
    return "fit-5"


@lru_cache(maxsize=2 * CHUNK_SIZE)  # bounded: a long-lived worker renders many thousands
def qr_code(url: str):
    import segno

    # A fixed mask: choosing the best of the eight (segno's default) cost about 2.3 ms a code, and any
    # mask is a valid code that every reader decodes (the tests decode each one with zbar).
    return segno.make(url, error="m", mask=0)


def qr_data_uri(url: str) -> str:
    # A PNG of one pixel per module with a quiet zone of 4 (about 500 bytes), printed unsmoothed
    # (image-rendering: pixelated). Measured in a chunk of 100: about 3.5 ms a face less than the
    # same code as an SVG data URI and about 10 ms less than inline SVG (WeasyPrint parses and draws
    # some 500 path commands in Python). Each face's PNG is an image resource of the chunk:
    # split_pages keeps only the images a page draws, so no file carries another holder's code.
    return qr_code(url).png_data_uri(scale=1, border=4)


def verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL + certificate.get_absolute_url()


def _dd_mm_yyyy(value) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}" if value else ""


def _holder_name(certificate: Certificate) -> str:
    registration = certificate.registration
    # Registration.display_name without reading the person again: the registration's person is the
    # recipient, whose name the certificate kept when it was issued.
    if registration is not None and registration.full_name:
        return registration.full_name
    return certificate.recipient_name


def _agency(certificate: Certificate) -> str:
    if certificate.recipient_organization_id and certificate.kind != Certificate.Kind.AWARD:
        return certificate.recipient_organization.name
    person = certificate.recipient_person
    if person is not None and person.organization_id:
        return person.organization.name
    return ""


def page_name(certificate: Certificate) -> str:
    """The CSS named page of a face: A4 landscape, or the award category's own paper."""
    if certificate.kind == Certificate.Kind.AWARD and certificate.award_id:
        return f"award-{certificate.award.category_id}"
    return ATTENDANCE_PAGE


def certificate_title(certificate: Certificate) -> str:
    """The file's title: "<kind> – <serial>"."""
    if certificate.kind == Certificate.Kind.AWARD and certificate.award_id:
        kind = certificate.award.category.short_name.capitalize()
    else:
        kind = KIND_TITLES.get(certificate.kind, "Giấy chứng nhận")
    return f"{kind} – {certificate.serial}"


def certificate_context(certificate: Certificate, *, paper_title: str = "") -> dict:
    """What one face shows. `paper_title` is the speaker's paper (see speaker_paper_titles)."""
    conference = certificate.conference
    is_award = certificate.kind == Certificate.Kind.AWARD and certificate.award_id is not None
    holder = unicodedata.normalize("NFC", _holder_name(certificate))
    starts = timezone.localtime(conference.starts_at)
    ends = timezone.localtime(conference.ends_at)
    context = {
        "certificate": certificate,
        "kind": certificate.kind,
        "page": page_name(certificate),
        "issuer": conference.host,
        "conference": conference,
        "holder": holder,
        "holder_fit": _fit(holder, NAME_FITS),
        "agency": unicodedata.normalize("NFC", _agency(certificate)),
        "starts_on": starts.date(),
        "ends_on": ends.date() if ends.date() != starts.date() else None,
        "place": settings.DOCUMENT_PLACE,
        "issued_on": timezone.localtime(certificate.issued_at).date(),
        "serial": certificate.serial,
        "code": certificate.verification_code,
        "verify_url": verify_url(certificate),
        "serial_label": "Số:",
        "code_label": "Mã xác minh:",
        "paper_title": paper_title,
        "ref": certificate.pk,
        "template": FACE_TEMPLATES["award" if is_award else "attendance"],
    }
    statement = conference.title_vi + (paper_title or "")
    context["statement_fit"] = _fit(statement, TEXT_FITS)
    if is_award:
        award = certificate.award
        decision = award.decision
        context.update(
            award=award,
            category=award.category,
            citation=award.citation,
            citation_fit=_fit(award.citation, TEXT_FITS),
            decision_number=decision.document.formatted,
            decision_date=_dd_mm_yyyy(decision.signed_on),
            signed_on=decision.signed_on,
            signing_authority=decision.signing_authority,
            signer_title=decision.signer_title,
            signer_name=decision.signer_name,
            register_number=award.register_number,
        )
    return context


def award_pages(certificates: Sequence[Certificate]) -> list[dict]:
    """One named page per award category in the chunk, with the category's paper size."""
    pages = {}
    for certificate in certificates:
        if certificate.kind == Certificate.Kind.AWARD and certificate.award_id:
            category = certificate.award.category
            # The text scales with the paper (16 pt on 400 x 300 mm): sizes in the stylesheet are em
            # of this base; margins and the room kept for the bottom lines scale with it.
            scale = max(min(category.page_height_mm / 300, category.page_width_mm / 400), 0.5)
            margin, padding, padding_x, bottom = 12 * scale, 9 * scale, 30 * scale, 64 * scale
            pages[category.pk] = {
                "name": page_name(certificate),
                "width": category.page_width_mm,
                "height": category.page_height_mm,
                "base": f"{16 * scale:.2f}",
                "margin": f"{margin:.1f}",
                "padding": f"{padding:.1f}",
                "padding_x": f"{padding_x:.1f}",
                "content_height": f"{category.page_height_mm - 2 * (margin + padding) - 3 - bottom:.1f}",
                "bottom": f"{bottom:.1f}",
            }
    return list(pages.values())


def certificate_faces(certificates: Sequence[Certificate]) -> list[dict]:
    titles = {}
    if any(c.kind == Certificate.Kind.SPEAKER for c in certificates):
        titles = speaker_paper_titles(
            certificates=[c for c in certificates if c.kind == Certificate.Kind.SPEAKER]
        )
    return [
        certificate_context(
            c, paper_title=titles.get((c.conference_id, c.recipient_person_id), "") if titles else ""
        )
        for c in certificates
    ]


def certificate_metadata(certificate: Certificate) -> dict[str, str]:
    return {
        "/Title": certificate_title(certificate),
        "/Author": certificate.conference.host.name,
        "/Creator": "hoinghi",
    }
