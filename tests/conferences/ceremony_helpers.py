"""The model case's award decision, its recipients and a running order, for the awards and ceremony tests."""

import datetime

from conferences.models import AwardCategory, Organization
from conferences.services.awards import award_create, award_decision_create
from conferences.services.ceremony import ceremony_batches_set
from conferences.services.organizations import organization_create, person_create
from tests.factories import AgendaItemFactory, AwardCategoryFactory

QUANG_NINH = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
QUANG_NINH_CITATION = (
    "Đã có thành tích xuất sắc trong việc xây dựng, áp dụng Hệ thống quản lý chất lượng theo "
    "Tiêu chuẩn quốc gia TCVN ISO 9001 giai đoạn 2015 - 2020"
)
HAI_PHONG = "Sở Khoa học và Công nghệ thành phố Hải Phòng"
HAI_PHONG_CITATION = "Đã có thành tích xuất sắc trong áp dụng TCVN ISO 9001 tại thành phố Hải Phòng"
PERSON = "Nguyễn Thị Minh Khai"
PERSON_CITATION = "Đã có thành tích xuất sắc trong chuyển đổi sang TCVN ISO 9001:2015 tại tỉnh Lâm Đồng"


def _agency(name: str) -> Organization:
    return Organization.objects.filter(name=name).first() or organization_create(name=name, kind="department")


def model_decision(conference):
    """Decision 01/QĐ-BKHCN of 05/4/2021 granting three Bằng khen: Quảng Ninh, Hải Phòng, one person."""
    category = AwardCategory.objects.filter(code="bang-khen-bo-truong").first() or AwardCategoryFactory(
        code="bang-khen-bo-truong"
    )
    decision = award_decision_create(
        issuer=conference.host,
        conference=conference,
        signed_on=datetime.date(2021, 4, 5),
        subject="Về việc tặng Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ",
        signing_authority="KT. BỘ TRƯỞNG",
        signer_title="THỨ TRƯỞNG",
        signer_name="Trần Văn B",
    )
    quang_ninh = _agency(QUANG_NINH)
    hai_phong = _agency(HAI_PHONG)
    person = person_create(full_name=PERSON, position="Phó Giám đốc")
    awards = [
        award_create(
            decision=decision,
            category=category,
            citation=QUANG_NINH_CITATION,
            recipient_organization=quang_ninh,
        ),
        award_create(
            decision=decision,
            category=category,
            citation=HAI_PHONG_CITATION,
            recipient_organization=hai_phong,
        ),
        award_create(decision=decision, category=category, citation=PERSON_CITATION, recipient_person=person),
    ]
    return decision, awards


def awards_item(conference):
    return AgendaItemFactory(conference=conference, kind="awards", title="Trao Bằng khen")


def two_batches(conference, awards, item=None):
    """Batch 1: Quảng Ninh, presented by the minister; batch 2: Hải Phòng and the person, by the deputy."""
    return ceremony_batches_set(
        conference=conference,
        agenda_item=item or awards_item(conference),
        batches=[
            {"title": "Tập thể xuất sắc", "presenter": "Bộ trưởng Nguyễn Văn A", "award_ids": [awards[0].pk]},
            {
                "title": "Tập thể và cá nhân",
                "presenter": "Thứ trưởng Trần Văn B",
                "award_ids": [awards[1].pk, awards[2].pk],
            },
        ],
    )
