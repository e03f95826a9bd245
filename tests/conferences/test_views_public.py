import datetime
import re
import uuid

import pytest
from django.test import Client

from conferences.models import Certificate
from conferences.services.agenda_publishing import agenda_publish
from conferences.services.certificate_generation import certificate_reissue
from conferences.services.certificates import certificate_issue, certificate_revoke
from tests.factories import (
    AgendaItemFactory,
    AwardCategoryFactory,
    AwardDecisionFactory,
    AwardFactory,
    ConferenceFactory,
    ConferenceRoleFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A fresh cache per test: the wrong-code counter must not leak between tests (or runs)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())}
    }


@pytest.fixture
def client():
    return Client()


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)">', response.content.decode())[1]


# Home ----------------------------------------------------------------------------------------------


def test_home_lists_published_conferences_and_not_drafts(client):
    ConferenceFactory(published=True, title_vi="Hội nghị sơ kết Quyết định 19")
    ConferenceFactory(closed=True, title_vi="Hội nghị tổng kết năm 2020")
    ConferenceFactory(title_vi="Hội nghị còn là bản nháp")

    response = client.get("/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Hội nghị sơ kết Quyết định 19" in content
    assert "Hội nghị tổng kết năm 2020" in content
    assert "Hội nghị còn là bản nháp" not in content


def test_home_is_vietnamese_by_default(client):
    response = client.get("/")

    assert html_lang(response) == "vi"


def test_home_follows_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert html_lang(response) == "en"


def test_language_switch_to_english_sticks(client):
    conference = ConferenceFactory(published=True, title_vi="Hội nghị sơ kết", title_en="Mid-term review")

    switch = client.get("/ngon-ngu/en/", {"next": "/"})
    response = client.get("/")

    assert switch.status_code == 302
    assert switch["Location"] == "/"
    assert html_lang(response) == "en"
    assert conference.title_en in response.content.decode()
    assert conference.title_vi not in response.content.decode()


def test_language_switch_back_to_vietnamese(client):
    client.get("/ngon-ngu/en/", {"next": "/"})
    client.get("/ngon-ngu/vi/", {"next": "/"})

    assert html_lang(client.get("/")) == "vi"


def test_language_switch_refuses_unknown_languages_and_foreign_redirects(client):
    assert client.get("/ngon-ngu/fr/").status_code == 404
    for back in ("https://evil.example/", "//evil.example/", "foo"):
        response = client.get("/ngon-ngu/en/", {"next": back})
        assert response["Location"] == "/", back


def test_public_pages_carry_no_csrf_token(client):
    ConferenceFactory(published=True)
    response = client.get("/")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies


def test_home_query_count_is_fixed_for_30_conferences(client, django_assert_max_num_queries):
    ConferenceFactory.create_batch(30, published=True)

    with django_assert_max_num_queries(1):
        response = client.get("/")

    assert response.content.decode().count('<a href="/hoi-nghi/') == 30


# Conference page -----------------------------------------------------------------------------------


@pytest.fixture
def host():
    # Not the ministry: an award decision below has the ministry's document code for its issuer.
    return OrganizationFactory()


@pytest.fixture
def conference_kwargs():
    return {"publish": True, "slug": "so-ket-19", "starts_at": local(2021, 4, 9, 8, 0)}


def test_conference_page_shows_agenda_items_in_time_order(client, conference):
    AgendaItemFactory(
        conference=conference,
        starts_at=local(2021, 4, 9, 10, 30),
        ends_at=local(2021, 4, 9, 11, 0),
        title="Bế mạc hội nghị",
    )
    AgendaItemFactory(
        conference=conference,
        starts_at=local(2021, 4, 9, 8, 0),
        ends_at=local(2021, 4, 9, 8, 15),
        title="Khai mạc hội nghị",
    )
    AgendaItemFactory(
        conference=conference,
        starts_at=local(2021, 4, 9, 9, 0),
        ends_at=local(2021, 4, 9, 9, 20),
        title="Tham luận của Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        presenter_text="Giám đốc Sở",
    )
    # The public sees the published version, not the organizers' working items.
    agenda_publish(conference=conference)

    response = client.get("/hoi-nghi/so-ket-19/")

    assert response.status_code == 200
    content = response.content.decode()
    positions = [
        content.index(title)
        for title in (
            "Khai mạc hội nghị",
            "Tham luận của Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
            "Bế mạc hội nghị",
        )
    ]
    assert positions == sorted(positions)
    assert '<td class="time">08:00 - 08:15</td>' in content
    assert '<td class="time">09:00 - 09:20</td>' in content


def test_conference_page_shows_awards_in_ceremony_order(client, conference):
    decision = AwardDecisionFactory(conference=conference, issuer=OrganizationFactory(code="BKHCN"))
    category = AwardCategoryFactory(name_vi="Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ")
    AwardFactory(
        decision=decision,
        category=category,
        ceremony_order=2,
        recipient_organization=None,
        recipient_person=PersonFactory(full_name="Trần Thị Bình"),
    )
    AwardFactory(
        decision=decision,
        category=category,
        ceremony_order=1,
        recipient_organization=OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh"),
    )

    content = client.get("/hoi-nghi/so-ket-19/").content.decode()

    first = content.index("<strong>Sở Khoa học và Công nghệ tỉnh Quảng Ninh</strong>")
    second = content.index("<strong>Trần Thị Bình</strong>")
    assert first < second
    assert "Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ" in content
    assert "01/QĐ-BKHCN" in content


def test_draft_conference_page_is_404_for_anonymous_users(client):
    ConferenceFactory(slug="ban-nhap")

    assert client.get("/hoi-nghi/ban-nhap/").status_code == 404


def test_draft_conference_page_is_404_for_another_users_draft(client):
    ConferenceFactory(slug="ban-nhap")
    client.force_login(ConferenceRoleFactory().user)

    assert client.get("/hoi-nghi/ban-nhap/").status_code == 404


def test_draft_conference_page_is_shown_to_its_organizer(client):
    draft = ConferenceFactory(slug="ban-nhap", title_vi="Hội nghị bản nháp")
    client.force_login(ConferenceRoleFactory(conference=draft).user)

    response = client.get("/hoi-nghi/ban-nhap/")

    assert response.status_code == 200
    assert "Hội nghị bản nháp" in response.content.decode()
    assert response.context["stats"] == {"invitations": 0, "registrations": 0, "papers": 0}


def test_unknown_conference_page_is_404(client):
    assert client.get("/hoi-nghi/khong-co/").status_code == 404


def test_conference_page_shows_the_english_title_in_english(client, conference):
    conference.title_en = "Mid-term review of Decision 19"
    conference.save()

    response = client.get("/hoi-nghi/so-ket-19/", HTTP_ACCEPT_LANGUAGE="en")

    assert "<h1>Mid-term review of Decision 19</h1>" in response.content.decode()


def _agenda_with_30_items(conference):
    speakers = PersonFactory.create_batch(3)
    for i in range(30):
        item = AgendaItemFactory(
            conference=conference,
            starts_at=local(2021, 4, 9, 8, 0) + datetime.timedelta(minutes=5 * i),
            ends_at=local(2021, 4, 9, 8, 5) + datetime.timedelta(minutes=5 * i),
            presenting_organization=OrganizationFactory(),
        )
        item.speakers.set(speakers[: i % 3 + 1])
    decision = AwardDecisionFactory(conference=conference)
    AwardFactory.create_batch(5, decision=decision)
    agenda_publish(conference=conference)


def test_conference_page_query_count_is_fixed_with_30_agenda_items(
    client, conference, django_assert_max_num_queries
):
    _agenda_with_30_items(conference)

    # Conference, agenda version, awards, call for papers.
    with django_assert_max_num_queries(4):
        response = client.get("/hoi-nghi/so-ket-19/")

    assert response.content.decode().count('<td class="time">') == 30


def test_conference_page_query_count_for_an_organizer_is_fixed_with_30_agenda_items(
    client, conference, django_assert_max_num_queries
):
    _agenda_with_30_items(conference)
    client.force_login(ConferenceRoleFactory(conference=conference).user)

    # Session, user, conference, organizer check, stats, outbox counts, agenda version, awards, call.
    with django_assert_max_num_queries(9):
        response = client.get("/hoi-nghi/so-ket-19/")

    assert response.content.decode().count('<td class="time">') == 30


# Certificate verification -----------------------------------------------------------------------------


@pytest.fixture
def certificate(conference):
    return certificate_issue(
        conference=conference,
        kind=Certificate.Kind.ATTENDANCE,
        recipient_person=PersonFactory(full_name="Nguyễn Thị Minh Khai"),
    )


def test_certificate_verification_shows_a_valid_certificate(client, certificate):
    response = client.get(f"/xac-minh/{certificate.verification_code}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert '<div class="result valid">' in content
    assert "Nguyễn Thị Minh Khai" in content
    assert certificate.serial in content
    assert "Hội nghị sơ kết Quyết định 19" in content


def test_certificate_verification_in_english_says_valid(client, certificate):
    response = client.get(f"/xac-minh/{certificate.verification_code}/", HTTP_ACCEPT_LANGUAGE="en")

    assert "This certificate is valid." in response.content.decode()


def test_certificate_verification_shows_a_revoked_certificate_as_revoked(client, certificate):
    certificate_revoke(certificate=certificate, reason="Cấp nhầm người nhận.")

    response = client.get(f"/xac-minh/{certificate.verification_code}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    content = response.content.decode()
    assert '<div class="result revoked">' in content
    assert '<div class="result valid">' not in content
    assert "This certificate has been revoked." in content
    assert "Cấp nhầm người nhận." in content


def test_revoked_award_certificate_still_names_its_decisions_issuer_after_a_reissue(
    client, conference, organizer, fake_renderer
):
    ministry = OrganizationFactory(name="Bộ Nội vụ")
    award = AwardFactory(decision=AwardDecisionFactory(conference=conference, issuer=ministry))
    old = certificate_issue(
        conference=conference,
        kind=Certificate.Kind.AWARD,
        recipient_organization=award.recipient_organization,
        award=award,
    )

    new = certificate_reissue(certificate=old, user=organizer, reason="Sai tên cơ quan")

    for certificate in (old, new):
        content = client.get(f"/xac-minh/{certificate.verification_code}/").content.decode()
        assert "Bộ Nội vụ" in content
        assert award.decision.document.formatted in content
        assert conference.host.name not in content


def test_certificate_verification_of_an_unknown_code_is_404(client, certificate):
    response = client.get("/xac-minh/ZZZZZZZZZZZZ/")

    assert response.status_code == 404
    content = response.content.decode()
    assert '<p class="result invalid">' in content
    assert "Nguyễn Thị Minh Khai" not in content


def test_certificate_verification_refuses_a_client_after_too_many_wrong_codes(client, certificate, settings):
    settings.CERTIFICATE_GUESS_LIMIT = 3
    settings.TRUSTED_PROXIES = []
    valid = f"/xac-minh/{certificate.verification_code}/"

    # A forwarded address sent straight to the server is no new client.
    misses = [
        client.get(f"/xac-minh/ZZZZZZZZZZZ{n}/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    refused = client.get(valid, HTTP_ACCEPT_LANGUAGE="en")
    typed = client.get("/xac-minh/", {"code": certificate.verification_code})
    other_client = Client(REMOTE_ADDR="203.0.113.7").get(valid)

    assert misses == [404, 404, 404]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    content = refused.content.decode()
    assert (
        "Too many codes that are not valid were checked from your network. "
        "Please wait ten minutes and try again."
    ) in content
    assert "Nguyễn Thị Minh Khai" not in content
    assert typed.status_code == 429
    assert other_client.status_code == 200


def test_certificate_verification_behind_a_proxy_limits_each_client(certificate, settings):
    settings.CERTIFICATE_GUESS_LIMIT = 3
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    guesser = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.66")
    disguised = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.66")
    visitor = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    valid = f"/xac-minh/{certificate.verification_code}/"

    misses = [guesser.get(f"/xac-minh/ZZZZZZZZZZZ{n}/").status_code for n in range(3)]

    assert misses == [404, 404, 404]
    assert guesser.get(valid).status_code == 429
    assert disguised.get(valid).status_code == 429
    assert visitor.get(valid).status_code == 200


def test_certificate_verification_of_valid_codes_does_not_count(client, certificate, settings):
    settings.CERTIFICATE_GUESS_LIMIT = 2

    statuses = [client.get(f"/xac-minh/{certificate.verification_code}/").status_code for _ in range(4)]

    assert statuses == [200] * 4


def test_certificate_verification_accepts_a_lower_case_code(client, certificate):
    response = client.get(f"/xac-minh/{certificate.verification_code.lower()}/")

    assert response.status_code == 200
    assert '<div class="result valid">' in response.content.decode()


def test_certificate_lookup_form_without_code_is_shown(client):
    response = client.get("/xac-minh/")

    assert response.status_code == 200
    assert '<input id="code" name="code" value=""' in response.content.decode()


def test_certificate_lookup_with_code_redirects_to_the_canonical_url(client, certificate):
    response = client.get("/xac-minh/", {"code": certificate.verification_code})

    assert response.status_code == 302
    assert response["Location"] == f"/xac-minh/{certificate.verification_code}/"
    assert response["Location"] == certificate.get_absolute_url()


def test_certificate_lookup_with_a_typed_code_redirects_to_the_canonical_url(client, certificate):
    code = certificate.verification_code
    typed = f"{code[:4].lower()} {code[4:8].lower()} {code[8:].lower()}"

    response = client.get("/xac-minh/", {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == certificate.get_absolute_url()


@pytest.mark.parametrize(
    ("typed", "status"),
    [("AB/CD", 404), ("   ", 200)],
    ids=["slash-is-an-unknown-code", "only-spaces-shows-the-empty-form"],
)
def test_certificate_lookup_with_an_odd_code_is_not_a_server_error(typed, status):
    client = Client(raise_request_exception=False)

    response = client.get("/xac-minh/", {"code": typed})

    assert response.status_code == status


def test_certificate_verification_query_count(client, certificate, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        client.get(f"/xac-minh/{certificate.verification_code}/")


def test_certificate_page_shows_the_organization_recipient(client, conference):
    department = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    certificate = certificate_issue(
        conference=conference, kind=Certificate.Kind.AWARD, recipient_organization=department
    )

    content = client.get(certificate.get_absolute_url()).content.decode()

    assert "Sở Khoa học và Công nghệ tỉnh Quảng Ninh" in content


def test_pages_render_for_a_staff_user_with_admin_link(client):
    client.force_login(UserFactory(is_staff=True))

    assert 'href="/admin/"' in client.get("/").content.decode()


def test_the_conference_page_leads_its_organizer_to_the_paper_pages(organizer_client, conference):
    from django.urls import reverse

    response = organizer_client.get(conference.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    dashboard = reverse("conferences:organizer-dashboard", args=[conference.slug])
    assert dashboard in set(re.findall(r'href="([^"]+)"', response.content.decode()))

    # The dashboard's navigation leads on to every organizer page.
    response = organizer_client.get(dashboard, HTTP_ACCEPT_LANGUAGE="en")
    links = set(re.findall(r'href="([^"]+)"', response.content.decode()))
    for name in (
        "organizer-call-for-papers",
        "organizer-papers",
        "organizer-reviewers",
        "organizer-assignments",
    ):
        assert reverse(f"conferences:{name}", args=[conference.slug]) in links
