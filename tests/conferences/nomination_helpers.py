"""Builders for the nomination tests: a category, the panel's criteria, an agency's link, a decision."""

import datetime

from conferences.models import ReviewCriterion
from conferences.services.awards import award_decision_create
from conferences.services.nominations import nomination_create
from conferences.services.organizations import person_create
from tests.conferences.paper_helpers import delegate_with_link
from tests.factories import AwardCategoryFactory

JUSTIFICATION = "Đã có thành tích xuất sắc trong áp dụng TCVN ISO 9001 giai đoạn 2015 - 2020 tại tỉnh."
CITATION = "Đã có thành tích xuất sắc trong việc xây dựng, áp dụng Hệ thống quản lý chất lượng"


def category_make(code: str = "bang-khen-bo-truong"):
    return AwardCategoryFactory(code=code)


def panel_criteria_make(conference) -> list[ReviewCriterion]:
    """Two nomination criteria: Thành tích (max 10, weight 3) and Ảnh hưởng (max 5, weight 1)."""
    return [
        ReviewCriterion.objects.create(
            conference=conference,
            target=ReviewCriterion.Target.NOMINATION,
            code="thanh-tich",
            label="Thành tích",
            max_score=10,
            weight=3,
            position=1,
        ),
        ReviewCriterion.objects.create(
            conference=conference,
            target=ReviewCriterion.Target.NOMINATION,
            code="anh-huong",
            label="Ảnh hưởng",
            max_score=5,
            weight=1,
            position=2,
        ),
    ]


def agency_link(conference, number: int = 1):
    """An invited agency's delegate (Registration), the token of their link, and a colleague (Person)."""
    registration, token = delegate_with_link(conference, number=number)
    colleague = person_create(
        full_name=f"Phạm Thị Đồng Nghiệp {number}", organization=registration.organization
    )
    return registration, token, colleague


def nominate(conference, organizer, category, organization, **kwargs):
    return nomination_create(
        conference=conference,
        category=category,
        nominee_organization=organization,
        justification=kwargs.pop("justification", JUSTIFICATION),
        by_user=organizer,
        **kwargs,
    )


def decision_make(conference):
    return award_decision_create(
        issuer=conference.host,
        conference=conference,
        signed_on=datetime.date(2021, 4, 5),
        subject="Về việc tặng Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ",
        signing_authority="KT. BỘ TRƯỞNG",
        signer_title="THỨ TRƯỞNG",
        signer_name="Trần Văn B",
    )
