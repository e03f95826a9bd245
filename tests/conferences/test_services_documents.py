import datetime

import pytest
from django.db import transaction

from conferences.models import DocumentKind, DocumentNumber, DocumentSequence
from conferences.services.documents import document_number_allocate
from core.exceptions import ApplicationError
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

GM = DocumentKind.INVITATION
QD = DocumentKind.DECISION


def allocate(issuer, kind=GM, on=datetime.date(2021, 3, 1)) -> DocumentNumber:
    return document_number_allocate(issuer=issuer, kind=kind, issued_on=on)


def test_document_numbers_run_1_2_3_per_issuer_kind_and_year(host):
    numbers = [allocate(host).number for _ in range(3)]

    assert numbers == [1, 2, 3]
    assert DocumentSequence.objects.get(issuer=host, kind=GM, year=2021).last_number == 3


def test_document_number_records_issuer_kind_year_and_date(host):
    document = allocate(host, on=datetime.date(2021, 3, 25))

    document.refresh_from_db()
    assert (document.issuer, document.kind, document.year, document.issued_on) == (
        host,
        "GM",
        2021,
        datetime.date(2021, 3, 25),
    )


def test_document_number_restarts_each_year(host):
    allocate(host, on=datetime.date(2021, 6, 1))
    last_of_2021 = allocate(host, on=datetime.date(2021, 12, 31))

    first_of_2022 = allocate(host, on=datetime.date(2022, 1, 1))

    assert (last_of_2021.year, last_of_2021.number) == (2021, 2)
    assert (first_of_2022.year, first_of_2022.number) == (2022, 1)


def test_invitations_and_decisions_have_separate_sequences(host):
    allocate(host, GM)
    allocate(host, GM)

    decision = allocate(host, QD)

    assert decision.number == 1
    assert decision.formatted == "01/QĐ-BKHCN"


def test_each_issuer_has_its_own_sequence(host):
    home_affairs = OrganizationFactory(code="BNV")
    allocate(host)
    allocate(host)

    assert allocate(home_affairs).number == 1
    assert allocate(host).number == 3


def test_document_number_is_zero_padded_below_ten(host):
    assert allocate(host).formatted == "01/GM-BKHCN"


def test_document_number_of_three_digits_is_printed_as_is(host):
    document = DocumentNumber.objects.create(
        issuer=host, kind=GM, year=2021, number=123, issued_on=datetime.date(2021, 3, 1)
    )

    assert document.formatted == "123/GM-BKHCN"
    assert str(document) == "123/GM-BKHCN"


def test_tenth_document_number_is_printed_without_padding(host):
    documents = [allocate(host) for _ in range(10)]

    assert [d.formatted for d in documents[8:]] == ["09/GM-BKHCN", "10/GM-BKHCN"]


def test_rolled_back_caller_does_not_consume_a_number(host):
    allocate(host)

    with pytest.raises(RuntimeError), transaction.atomic():
        allocate(host)
        raise RuntimeError("the letter could not be built")

    assert allocate(host).number == 2
    assert list(DocumentNumber.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_outermost_transaction_does_not_consume_a_number():
    issuer = OrganizationFactory(code="BKHCN")

    with pytest.raises(RuntimeError), transaction.atomic():
        assert allocate(issuer).number == 1
        raise RuntimeError("the caller failed after taking a number")

    assert DocumentNumber.objects.count() == 0
    assert allocate(issuer).number == 1


def test_issuer_without_document_code_is_refused():
    issuer = OrganizationFactory(code="")

    with pytest.raises(ApplicationError) as excinfo:
        allocate(issuer)

    assert excinfo.value.message == "The issuing organization has no document code."
    assert list(excinfo.value.fields) == ["issuer"]
    assert DocumentNumber.objects.count() == 0
    assert DocumentSequence.objects.count() == 0
