"""The award decision (Quyết định khen thưởng, Decree 30/2020 form 1.2) with its annex of recipients.

The grounds ("Căn cứ ...") are a standard set: the law on emulation and
commendation in force on the signing date, then the document the conference
reviews. The decree lines of the ministry's own functions are not printed: their
numbers differ per ministry and were not verified (domain/sample_documents.md).

The annex lists the collectives, then the individuals, each part numbered from 1 under its
heading ("I. TẬP THỂ", "II. CÁ NHÂN") when both are there. An annex of LONG_ANNEX_AWARDS
recipients or more starts the individuals on a page of their own, and is laid out in two chunks
(documents/chunks.py), one part each, where a helper is kept.
"""

import datetime

from django.conf import settings

from conferences.documents.chunks import render_pdf_in_chunks
from conferences.documents.rendering import render_pdf
from conferences.models import AwardDecision, Organization

TEMPLATE = "documents/award_decision.html"
# From this many recipients the annex is laid out in two chunks: 200 took about 1 s of CPU in one piece.
LONG_ANNEX_AWARDS = 100

# The Law on Emulation and Commendation of 2022 applies from 01/01/2024; before it, the 2003 law.
LAW_2022_FROM = datetime.date(2024, 1, 1)
LAW_2003 = (
    "Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của "
    "Luật Thi đua, Khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013"
)
LAW_2022 = "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"


def decision_grounds(decision: AwardDecision) -> list[str]:
    grounds = [LAW_2022 if decision.signed_on >= LAW_2022_FROM else LAW_2003]
    conference = decision.conference
    if conference is not None and conference.legal_basis:
        grounds.append(conference.legal_basis)
    return grounds


def _recipients_phrase(awards) -> str:
    """ "Sở ... tỉnh Quảng Ninh" for one recipient, else "03 tập thể và 01 cá nhân"."""
    if len(awards) == 1:
        return awards[0].recipient_name
    collectives = sum(1 for award in awards if award.recipient_organization_id)
    persons = len(awards) - collectives
    parts = []
    if collectives:
        parts.append(f"{collectives:02d} tập thể")
    if persons:
        parts.append(f"{persons:02d} cá nhân")
    return " và ".join(parts)


def _authority(decision: AwardDecision, awards) -> str:
    """The line above the articles: who decides ("BỘ TRƯỞNG BỘ KHOA HỌC VÀ CÔNG NGHỆ")."""
    for award in awards:
        if award.category.issuer_title:
            return award.category.issuer_title
    return decision.issuer.name.upper()


def _annex_parts(awards, *, long: bool) -> list[dict]:
    collectives = [award for award in awards if award.recipient_organization_id]
    persons = [award for award in awards if not award.recipient_organization_id]
    if not collectives or not persons:
        return [{"heading": "", "awards": awards, "new_page": False}]
    return [
        {"heading": "I. Tập thể", "awards": collectives, "new_page": False},
        {"heading": "II. Cá nhân", "awards": persons, "new_page": long},
    ]


def award_decision_context(decision: AwardDecision) -> dict:
    awards = list(decision.awards.all())
    issuer: Organization = decision.document.issuer
    categories = list(dict.fromkeys(award.category.name_vi for award in awards))
    return {
        "decision": decision,
        "issuer": issuer,
        "parent_body": issuer.parent.name if issuer.parent_id else "",
        "document_number": decision.document.formatted,
        "issued_on": decision.signed_on,
        "place": settings.DOCUMENT_PLACE,
        "authority": _authority(decision, awards),
        "grounds": decision_grounds(decision),
        "category_names": " và ".join(categories) if categories else "Bằng khen",
        "recipients": _recipients_phrase(awards),
        "single": len(awards) == 1,
        "awards": awards,
        "annex_parts": _annex_parts(awards, long=len(awards) >= LONG_ANNEX_AWARDS),
        "drafting_unit": settings.DOCUMENT_DRAFTING_UNIT,
    }


def render_award_decision(decision: AwardDecision) -> bytes:
    """The decision's PDF; `decision` comes from selectors.ceremony.award_decision_get (awards prefetched)."""
    context = award_decision_context(decision)
    parts = context["annex_parts"]
    if not any(part["new_page"] for part in parts):
        return render_pdf(TEMPLATE, context)
    title = f"Quyết định {context['document_number']}"
    return render_pdf_in_chunks(TEMPLATE, context, [{"annex_parts": [part]} for part in parts], title=title)


def award_decision_filename(decision: AwardDecision) -> str:
    document = decision.document
    return f"quyet-dinh-{document.number:02d}-{document.year}.pdf"
