"""The organizer's delegate list (/to-chuc/<slug>/dai-bieu/): the selector, the page, its exports with the
same filters, and checking in a selection or all that match through the desk's service."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from conferences.models import AuditEntry, Paper, Registration
from conferences.selectors.delegates import delegate_roster, delegates_not_checked_in
from conferences.services.invitations import invitation_create, registration_cancel, registration_create
from conferences.services.organizations import organization_create, person_create, province_upsert
from tests.factories import ConferenceRoleFactory, PaperFactory, conference_build, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference_kwargs():
    return {"days_ahead": 30, "slug": "so-ket-qd19", "publish": True}


@pytest.fixture
def client_en(organizer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(organizer)
    return client


def register(conference, organization, full_name: str, email: str, **person_fields) -> Registration:
    invitation = conference.invitations.filter(organization=organization).first() or invitation_create(
        conference=conference, organization=organization, delegate_quota=50
    )
    person = person_create(full_name=full_name, email=email, organization=organization, **person_fields)
    return registration_create(conference=conference, person=person, invitation=invitation)


@pytest.fixture
def people(conference):
    """Two delegates of Quảng Ninh's department (Khai checked in, with a paper), one of a ministry,
    one cancelled."""
    quang_ninh = province_upsert(code="22", name="Quảng Ninh", kind="province")
    department = organization_create(
        name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh", kind="department", province=quang_ninh
    )
    ministry = organization_create(name="Bộ Nội vụ", code="BNV", kind="ministry")
    khai = register(conference, department, "Nguyễn Thị Minh Khai", "khai@qn.gov.vn", position="Giám đốc Sở")
    an = register(conference, department, "Trần Văn An", "an@qn.gov.vn")
    hoang = register(conference, ministry, "Lê Hoàng", "hoang@moha.gov.vn")
    gone = register(conference, ministry, "Phạm Đã Hủy", "huy@moha.gov.vn")
    registration_cancel(registration=gone)
    Registration.objects.filter(pk=khai.pk).update(checked_in_at=local(2021, 4, 9, 7, 45))
    PaperFactory(conference=conference, registration=khai, title="Cải cách hành chính ở Quảng Ninh")
    PaperFactory(conference=conference, registration=khai, title="Rút lại", status=Paper.Status.WITHDRAWN)
    return {"khai": khai, "an": an, "hoang": hoang, "gone": gone}


def names(registrations) -> list[str]:
    return [r.display_name for r in registrations]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(conference, name="organizer-delegates") -> str:
    return reverse(f"conferences:{name}", kwargs={"slug": conference.slug})


# The selector -------------------------------------------------------------------------------------------


def test_the_roster_lists_confirmed_delegates_by_agency_then_vietnamese_name(conference, people):
    assert names(delegate_roster(conference=conference)) == [
        "Lê Hoàng",
        "Trần Văn An",
        "Nguyễn Thị Minh Khai",
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "ministry"}, ["Lê Hoàng"]),
        ({"province_code": "22"}, ["Trần Văn An", "Nguyễn Thị Minh Khai"]),
        ({"checked_in": "yes"}, ["Nguyễn Thị Minh Khai"]),
        ({"checked_in": "no"}, ["Lê Hoàng", "Trần Văn An"]),
        ({"query": "minh khai"}, ["Nguyễn Thị Minh Khai"]),
        ({"query": "QUANG NINH"}, ["Trần Văn An", "Nguyễn Thị Minh Khai"]),
        ({"query": "nguyễn"}, ["Nguyễn Thị Minh Khai"]),
        ({"sort": "-name"}, ["Nguyễn Thị Minh Khai", "Lê Hoàng", "Trần Văn An"]),
        ({"sort": "name"}, ["Trần Văn An", "Lê Hoàng", "Nguyễn Thị Minh Khai"]),
    ],
)
def test_the_roster_filters_and_sorts(conference, people, filters, expected):
    assert names(delegate_roster(conference=conference, **filters)) == expected


def test_the_roster_carries_each_delegates_papers_without_withdrawn_ones(conference, people):
    by_name = {r.display_name: r for r in delegate_roster(conference=conference)}

    assert [p.title for p in by_name["Nguyễn Thị Minh Khai"].papers] == ["Cải cách hành chính ở Quảng Ninh"]
    assert by_name["Lê Hoàng"].papers == []


def test_the_rows_check_in_all_takes_are_those_not_arrived_that_match(conference, people):
    rows = delegates_not_checked_in(conference=conference, filters={"province_code": "22"})

    assert names(rows) == ["Trần Văn An"]


def test_the_page_runs_the_same_queries_whatever_the_number_of_delegates(
    conference, people, client_en, django_assert_num_queries
):
    # Session, user, conference, organizer role, provinces of the filter, the count, the rows,
    # their papers, the count of those not arrived (for "all that match").
    with django_assert_num_queries(9):
        client_en.get(url(conference))
    agency = organization_create(name="Sở Nội vụ tỉnh Thử", kind="department")
    for n in range(30):
        registration = register(conference, agency, f"Đại Biểu Số {n}", f"db{n}@example.gov.vn")
        PaperFactory(conference=conference, registration=registration)

    with django_assert_num_queries(9):
        response = client_en.get(url(conference))

    assert response.content.decode().count('name="ids"') == 32


# The page -----------------------------------------------------------------------------------------------


def test_the_page_shows_each_delegate_with_agency_answer_check_in_and_paper(conference, people, client_en):
    response = client_en.get(url(conference))
    html = response.content.decode()

    assert response.status_code == 200
    assert "3 delegates match." in html
    assert "Phạm Đã Hủy" not in html
    assert "Giám đốc Sở" in html
    assert "Quảng Ninh" in html and "Ministry" in html
    assert "Cải cách hành chính ở Quảng Ninh" in html and "Rút lại" not in html
    assert '<time datetime="2021-04-09T07:45:00+07:00">07:45 09/04/2021</time>' in html
    # Khai has arrived: no box to check her in again.
    assert f'value="{people["khai"].pk}" form="delegates-selected"' not in html
    assert f'value="{people["an"].pk}" form="delegates-selected"' in html


def test_with_everyone_shown_arrived_there_is_no_check_in_form(conference, people, client_en):
    html = client_en.get(url(conference) + "?checked_in=yes").content.decode()

    assert "1 delegate matches." in html
    assert 'id="delegates-selected"' not in html and 'data-select-all="delegates-selected"' not in html


def test_the_page_keeps_filters_in_the_export_links_and_sorting(conference, people, client_en):
    html = client_en.get(url(conference) + "?province=22&q=tran&sort=-name").content.decode()

    assert "1 delegate matches." in html
    assert f'href="{url(conference, "organizer-delegates-csv")}?province=22&amp;q=tran"' in html
    assert f'href="{url(conference, "organizer-delegates-xlsx")}?province=22&amp;q=tran"' in html
    assert 'aria-sort="descending"' in html


def test_a_bad_filter_is_ignored_not_a_server_error(conference, people, client_en):
    response = client_en.get(url(conference) + "?province=99&checked_in=maybe&sort=evil&page=x")

    assert response.status_code == 200
    assert "3 delegates match." in response.content.decode()


def test_the_csv_export_follows_the_same_filters(conference, people, client_en):
    response = client_en.get(url(conference, "organizer-delegates-csv") + "?checked_in=no")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert [row[1] for row in rows[1:]] == ["Lê Hoàng", "Trần Văn An"]


def test_the_sidebar_leads_to_the_delegate_list(conference, people, client_en):
    html = client_en.get(url(conference)).content.decode()

    assert f'href="{url(conference)}" aria-current="page"' in html


# Who may open it ----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(conference, client):
    response = client.get(url(conference))

    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_the_organizer_of_another_conference_is_refused(conference, people, host):
    other = conference_build(host, slug="khac", publish=True)
    stranger = ConferenceRoleFactory(conference=other, user__password=None).user
    client = Client()
    client.force_login(stranger)

    assert client.get(url(conference)).status_code == 403
    assert (
        client.post(url(conference, "organizer-delegates-check-in"), {"ids": [people["an"].pk]}).status_code
        == 403
    )
    assert Registration.objects.get(pk=people["an"].pk).checked_in_at is None


def test_a_user_who_is_no_organizer_is_refused(conference):
    user = get_user_model().objects.create_user(username="someone", password=None)
    client = Client()
    client.force_login(user)

    assert client.get(url(conference)).status_code in (403, 404)


# Checking in --------------------------------------------------------------------------------------------


def test_checking_in_a_selection_records_arrivals_through_the_desks_service(
    conference, people, client_en, organizer
):
    back = url(conference) + "?province=22"
    response = client_en.post(
        url(conference, "organizer-delegates-check-in"),
        {"ids": [people["an"].pk, people["khai"].pk, people["gone"].pk], "next": back},
    )

    assert response.status_code == 302 and response["Location"] == back
    assert messages_of(response) == ["1 delegate is checked in."]
    an = Registration.objects.get(pk=people["an"].pk)
    assert an.checked_in_at is not None and an.checked_in_by == organizer
    # The first arrival stays; the cancelled registration stays out.
    assert Registration.objects.get(pk=people["khai"].pk).checked_in_at == local(2021, 4, 9, 7, 45)
    assert Registration.objects.get(pk=people["gone"].pk).checked_in_at is None
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REGISTRATION_CHECKED_IN).count() == 1


def test_a_delegate_of_another_conference_cannot_be_checked_in_from_here(conference, people, client_en, host):
    other = conference_build(host, slug="khac", publish=True)
    agency = organization_create(name="Sở Tư pháp tỉnh Khác", kind="department")
    stranger = register(other, agency, "Người Khác", "khac@example.gov.vn")

    response = client_en.post(url(conference, "organizer-delegates-check-in"), {"ids": [stranger.pk]})

    assert messages_of(response) == ["Nobody was checked in: every delegate chosen had already arrived."]
    assert Registration.objects.get(pk=stranger.pk).checked_in_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select at least one delegate."),
        ({"ids": ["x"]}, "The selection is not valid; reload the page and try again."),
    ],
)
def test_an_empty_or_broken_selection_is_named_not_a_server_error(
    conference, people, client_en, data, message
):
    response = client_en.post(url(conference, "organizer-delegates-check-in"), data)

    assert response.status_code == 302
    assert messages_of(response) == [message]


def test_check_in_all_that_match_asks_first_then_checks_in_those_the_filter_shows(
    conference, people, client_en
):
    asked = client_en.post(
        url(conference, "organizer-delegates-check-in"), {"all_matching": "1", "province": "22"}
    )

    assert asked.status_code == 200
    html = asked.content.decode()
    assert 'data-count="1"' in html
    assert "Check in 1 delegate who matches the filter and has not arrived yet?" in html
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1

    done = client_en.post(
        url(conference, "organizer-delegates-check-in"),
        {"all_matching": "1", "province": "22", "confirmed": "1"},
    )

    assert messages_of(done) == ["1 delegate is checked in."]
    arrived = set(Registration.objects.filter(checked_in_at__isnull=False).values_list("pk", flat=True))
    assert arrived == {people["khai"].pk, people["an"].pk}


def test_check_in_all_with_a_bad_filter_is_refused(conference, people, client_en):
    response = client_en.post(
        url(conference, "organizer-delegates-check-in"),
        {"all_matching": "1", "province": "99", "confirmed": "1"},
    )

    assert messages_of(response) == ["The filter is not valid; filter the list again and retry."]
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1


def test_past_100_delegates_the_list_pages_with_its_filter_and_sort_kept(conference, client_en):
    from tests.factories import RegistrationFactory

    agency = organization_create(name="Sở Nội vụ tỉnh Nhiều Người", kind="department")
    for n in range(103):
        RegistrationFactory(
            conference=conference,
            organization=agency,
            person=person_create(full_name=f"Đại Biểu {n:03d}", email=f"nhieu{n}@example.gov.vn"),
        )

    first = client_en.get(url(conference) + "?kind=department&sort=-name").content.decode()
    second = client_en.get(url(conference) + "?kind=department&sort=-name&page=2").content.decode()

    assert "103 delegates match." in first
    assert first.count('name="ids"') == 100 and second.count('name="ids"') == 3
    assert 'href="?kind=department&amp;sort=-name&amp;page=2" rel="next"' in first
    # Sorted by name the other way: the last names on the second page.
    assert "Đại Biểu 102" in first and "Đại Biểu 000" in second
