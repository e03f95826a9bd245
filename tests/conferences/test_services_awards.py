import datetime

import pytest
from django.core.exceptions import ValidationError

from conferences.models import Award, AwardDecision, DocumentKind
from conferences.services.awards import award_create, award_decision_create
from conferences.services.documents import document_number_allocate
from tests.factories import (
    AwardCategoryFactory,
    AwardDecisionFactory,
    ConferenceFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

CITATION = "Đã có thành tích xuất sắc trong xây dựng, áp dụng Hệ thống quản lý chất lượng"


def test_award_decision_create_takes_the_next_decision_number():
    ministry = OrganizationFactory(code="BKHCN")
    document_number_allocate(issuer=ministry, kind=DocumentKind.DECISION, issued_on=datetime.date(2021, 1, 4))

    decision = award_decision_create(
        issuer=ministry,
        signed_on=datetime.date(2021, 4, 5),
        subject="Về việc tặng Bằng khen",
        signer_title="THỨ TRƯỞNG",
        signer_name="Lê Xuân Định",
        signing_authority="KT. BỘ TRƯỞNG",
        conference=ConferenceFactory(host=ministry),
    )

    decision.refresh_from_db()
    assert decision.document.formatted == "02/QĐ-BKHCN"
    assert (decision.document.year, decision.document.issued_on) == (2021, datetime.date(2021, 4, 5))
    assert decision.issuer == ministry
    assert str(decision) == "02/QĐ-BKHCN – Về việc tặng Bằng khen"


def test_award_decision_factory_goes_through_the_service():
    decision = AwardDecisionFactory()

    assert isinstance(decision, AwardDecision)
    assert decision.document.kind == DocumentKind.DECISION
    assert decision.document.number == 1


def test_award_create_numbers_the_ceremony_order_1_2_3():
    decision, category = AwardDecisionFactory(), AwardCategoryFactory()

    awards = [
        award_create(decision=decision, category=category, citation=CITATION, recipient_organization=o)
        for o in OrganizationFactory.create_batch(3)
    ]

    assert [a.ceremony_order for a in awards] == [1, 2, 3]
    assert list(decision.awards.values_list("ceremony_order", flat=True)) == [1, 2, 3]


def test_award_create_continues_after_the_highest_order():
    decision, category = AwardDecisionFactory(), AwardCategoryFactory()
    award_create(
        decision=decision,
        category=category,
        citation=CITATION,
        recipient_person=PersonFactory(),
        ceremony_order=7,
    )

    award = award_create(
        decision=decision, category=category, citation=CITATION, recipient_person=PersonFactory()
    )

    assert award.ceremony_order == 8


def test_award_orders_run_per_decision():
    category = AwardCategoryFactory()
    first, second = AwardDecisionFactory(), AwardDecisionFactory()
    award_create(decision=first, category=category, citation=CITATION, recipient_person=PersonFactory())

    award = award_create(
        decision=second, category=category, citation=CITATION, recipient_person=PersonFactory()
    )

    assert award.ceremony_order == 1


@pytest.mark.parametrize("recipients", ["both", "none"])
def test_award_create_needs_exactly_one_recipient(recipients):
    decision, category = AwardDecisionFactory(), AwardCategoryFactory()
    kwargs = (
        {"recipient_organization": OrganizationFactory(), "recipient_person": PersonFactory()}
        if recipients == "both"
        else {}
    )

    with pytest.raises(ValidationError) as excinfo:
        award_create(decision=decision, category=category, citation=CITATION, **kwargs)

    assert list(excinfo.value.message_dict) == ["recipient_organization"]
    assert Award.objects.count() == 0


def test_award_create_duplicate_order_is_a_validation_error():
    decision, category = AwardDecisionFactory(), AwardCategoryFactory()
    award_create(decision=decision, category=category, citation=CITATION, recipient_person=PersonFactory())

    with pytest.raises(ValidationError):
        award_create(
            decision=decision,
            category=category,
            citation=CITATION,
            recipient_person=PersonFactory(),
            ceremony_order=1,
        )

    assert Award.objects.count() == 1
