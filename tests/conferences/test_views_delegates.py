"""The pages opened from e-mail links without an account: the agency's RSVP page and the delegate's page."""

import datetime
import re
import uuid

import pytest
import segno
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conferences.models import DocumentKind, Invitation, InvitationLink, Registration
from conferences.services.agenda_publishing import agenda_publish
from conferences.services.documents import document_number_allocate
from conferences.services.invitation_sending import (
    invitation_link_create,
    invitation_links_revoke,
    invitation_revoke,
)
from conferences.services.organizations import organization_update
from conferences.services.rsvp import DelegateInput, rsvp_submit
from conferences.templatetags.vn_format import thu
from core.tokens import token_new
from notifications.models import Notification
from tests.factories import (
    AgendaItemFactory,
    CertificateFactory,
    ConferenceRoleFactory,
    InvitationFactory,
    OrganizationFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

INVALID_MESSAGE = "This link is not valid or no longer valid. Please contact the organizers."
KHAI = {
    "full_name": "Nguyễn Thị Minh Khai",
    "position": "Phó Giám đốc",
    "email": "khai@skhcn.quangninh.gov.vn",
}
HUNG = {"full_name": "Trần Văn Hùng", "position": "Chuyên viên", "email": "hung@skhcn.quangninh.gov.vn"}
LAN = {"full_name": "Lê Thị Lan", "position": "Trưởng phòng", "email": "lan@skhcn.quangninh.gov.vn"}


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A fresh cache per test: the guess counter must not leak between tests (or runs)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())}
    }


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def english():
    """A client whose browser asks for English, to assert on the source messages."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def host(host):
    # The pages show the organizers' address and phone.
    return organization_update(
        organization=host, contact_emails=["vanphong@most.gov.vn"], phone="024 3943 9731"
    )


@pytest.fixture
def conference_kwargs():
    starts = timezone.localtime(timezone.now()).replace(hour=8, minute=0, second=0, microsecond=0)
    starts += datetime.timedelta(days=20)
    return {
        "publish": True,
        "title_vi": "Hội nghị sơ kết thực hiện Quyết định số 19/2014/QĐ-TTg",
        "title_en": "Mid-term review of Decision 19/2014/QĐ-TTg",
        "starts_at": starts,
        "rsvp_deadline": starts - datetime.timedelta(days=5),
        "venue_name": "Hội trường tầng 1, 113 Trần Duy Hưng",
    }


@pytest.fixture
def invitation(conference):
    department = OrganizationFactory(
        name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        kind="department",
        contact_emails=["vanthu@skhcn.quangninh.gov.vn"],
    )
    return InvitationFactory(
        conference=conference,
        organization=department,
        delegate_quota=2,
        paper_requested=True,
        paper_topic="Kinh nghiệm chuyển đổi sang TCVN ISO 9001:2015",
        status=Invitation.Status.SENT,
    )


def rsvp_path(invitation) -> str:
    """A fresh live link, as the e-mail carries it (only the path part)."""
    url = invitation_link_create(invitation=invitation)
    return "/" + url.split("/", 3)[3]


def rsvp_data(answer="accept", delegates=(), presenter="", total=2, initial=0) -> dict:
    data = {
        "answer": answer,
        "presenter": presenter,
        "delegates-TOTAL_FORMS": str(total),
        "delegates-INITIAL_FORMS": str(initial),
        "delegates-MIN_NUM_FORMS": "0",
        "delegates-MAX_NUM_FORMS": "2",
    }
    for row, delegate in enumerate(delegates):
        for field, value in delegate.items():
            data[f"delegates-{row}-{field}"] = value
    return data


def accept(invitation, *delegates):
    return rsvp_submit(invitation=invitation, accept=True, delegates=[DelegateInput(**d) for d in delegates])


def confirmed(invitation) -> list[str]:
    return sorted(
        Registration.objects.filter(invitation=invitation, status=Registration.Status.CONFIRMED).values_list(
            "person__full_name", flat=True
        )
    )


# The RSVP page ----------------------------------------------------------------------------------------


def test_rsvp_page_shows_the_invitation(client, invitation):
    response = client.get(rsvp_path(invitation))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Hội nghị sơ kết thực hiện Quyết định số 19/2014/QĐ-TTg" in content
    assert "Sở Khoa học và Công nghệ tỉnh Quảng Ninh" in content
    assert "Hội trường tầng 1, 113 Trần Duy Hưng" in content
    assert "Kinh nghiệm chuyển đổi sang TCVN ISO 9001:2015" in content
    starts = invitation.conference.starts_at
    assert f"08 giờ 00, {thu(starts)}, ngày {starts.day:02d}" in content
    # Two delegate rows for a quota of two, and a presenter choice in each.
    assert 'name="delegates-1-full_name"' in content
    assert 'name="delegates-2-full_name"' not in content
    assert content.count('name="presenter"') == 3
    assert response["Cache-Control"].startswith("max-age=0")


def test_rsvp_accept_with_two_delegates_registers_both(client, invitation, run_commit_tasks):
    path = rsvp_path(invitation)

    with run_commit_tasks():
        response = client.post(path, rsvp_data(delegates=[KHAI, HUNG], presenter="0"))

    assert response.status_code == 302
    assert response["Location"] == path + "?saved=1"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.paper_presenter.email == KHAI["email"]
    assert confirmed(invitation) == ["Nguyễn Thị Minh Khai", "Trần Văn Hùng"]
    registrations = Registration.objects.filter(invitation=invitation)
    assert {r.organization_id for r in registrations} == {invitation.organization_id}
    assert all(r.token_hash for r in registrations)
    notices = Notification.objects.filter(kind="registration_confirmation")
    assert sorted(notices.values_list("recipient_address", flat=True)) == sorted(
        [KHAI["email"], HUNG["email"]]
    )

    done = client.get(response["Location"])

    assert done.status_code == 200
    assert done.templates[0].name == "conferences/rsvp_done.html"
    content = done.content.decode()
    assert "Nguyễn Thị Minh Khai" in content
    assert "Trần Văn Hùng" in content


def test_rsvp_page_is_prefilled_with_the_current_delegates(client, invitation):
    accept(invitation, KHAI, HUNG)
    Invitation.objects.filter(pk=invitation.pk).update(
        paper_presenter=Registration.objects.get(person__email=HUNG["email"]).person
    )

    content = client.get(rsvp_path(invitation)).content.decode()

    assert 'name="delegates-0-full_name" value="Nguyễn Thị Minh Khai"' in content
    assert 'name="delegates-1-email" value="hung@skhcn.quangninh.gov.vn"' in content
    assert re.search(r'name="answer" value="accept"[^>]*checked', content)
    assert '<input type="radio" name="presenter" value="1" checked>' in content


def test_rsvp_page_shows_a_delegate_of_another_agency_as_this_agency_named_them(client, invitation):
    # The person's record is another agency's: neither changed by this answer nor shown on this link.
    other = PersonFactory(
        full_name="Nguyễn Thị Minh Khai",
        position="Giám đốc Sở",
        phone="0912 345 678",
        organization=OrganizationFactory(),
    )
    accept(invitation, {"full_name": "Nguyễn Minh Khai", "email": other.email})
    path = rsvp_path(invitation)

    form = client.get(path).content.decode()
    done = client.get(path + "?saved=1").content.decode()

    assert 'name="delegates-0-full_name" value="Nguyễn Minh Khai"' in form
    for content in (form, done):
        assert "Giám đốc Sở" not in content
        assert "0912 345 678" not in content
    assert "<strong>Nguyễn Minh Khai</strong>" in done
    other.refresh_from_db()
    assert (other.full_name, other.position, other.phone) == (
        "Nguyễn Thị Minh Khai",
        "Giám đốc Sở",
        "0912 345 678",
    )


def test_delegate_page_names_the_delegate_as_the_agency_did(english, invitation):
    token, token_hash = token_new()
    RegistrationFactory(
        conference=invitation.conference,
        invitation=invitation,
        person=PersonFactory(full_name="Nguyễn Thị Minh Khai", position="Giám đốc Sở"),
        full_name="Nguyễn Minh Khai",
        position="Chuyên viên",
        token_hash=token_hash,
    )

    content = english.get(reverse("conferences:delegate", kwargs={"token": token})).content.decode()

    assert "<h1>Nguyễn Minh Khai</h1>" in content
    assert "Chuyên viên" in content
    assert "Giám đốc Sở" not in content


def test_rsvp_more_delegates_than_the_quota_is_refused_and_nothing_is_written(english, invitation):
    path = rsvp_path(invitation)

    response = english.post(path, rsvp_data(delegates=[KHAI, HUNG, LAN], total=3))

    assert response.status_code == 400
    content = response.content.decode()
    errors = (
        '<ul class="errorlist" id="delegate-errors"><li>This invitation allows at most 2 delegate(s).</li>'
    )
    assert errors in content
    # What was typed comes back, the third row included.
    assert 'value="Lê Thị Lan"' in content
    assert Registration.objects.count() == 0
    assert Notification.objects.filter(kind="registration_confirmation").count() == 0
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT


def test_rsvp_row_errors_are_shown_next_to_the_fields(english, invitation):
    data = rsvp_data(delegates=[KHAI, {"full_name": "Trần Văn Hùng", "email": "khong-phai-email"}])

    response = english.post(rsvp_path(invitation), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert "Enter a valid email address." in content
    assert 'value="khong-phai-email"' in content
    assert Registration.objects.count() == 0


def test_rsvp_the_same_email_twice_is_refused(english, invitation):
    response = english.post(
        rsvp_path(invitation), rsvp_data(delegates=[KHAI, {**HUNG, "email": KHAI["email"]}])
    )

    assert response.status_code == 400
    assert "This e-mail address is already given for delegate 1." in response.content.decode()
    assert Registration.objects.count() == 0


def test_rsvp_presenter_must_be_a_named_delegate(english, invitation):
    response = english.post(rsvp_path(invitation), rsvp_data(delegates=[KHAI], presenter="1"))

    assert response.status_code == 400
    assert "Choose the presenter among the delegates you named." in response.content.decode()
    assert Registration.objects.count() == 0


def test_rsvp_service_refusal_is_a_form_error_and_keeps_the_input(english, invitation):
    conference = invitation.conference
    conference.capacity = 1
    conference.save()

    response = english.post(rsvp_path(invitation), rsvp_data(delegates=[KHAI, HUNG]))

    assert response.status_code == 400
    content = response.content.decode()
    assert "The conference is full (1 places)." in content
    assert 'value="Nguyễn Thị Minh Khai"' in content
    assert 'value="Trần Văn Hùng"' in content
    assert Registration.objects.count() == 0


def test_rsvp_decline_cancels_existing_registrations(client, invitation):
    accept(invitation, KHAI, HUNG)
    path = rsvp_path(invitation)

    response = client.post(path, rsvp_data(answer="decline", delegates=[KHAI, HUNG]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert confirmed(invitation) == []
    assert set(Registration.objects.values_list("status", "token_hash")) == {("cancelled", None)}
    done = client.get(response["Location"])
    assert done.templates[0].name == "conferences/rsvp_done.html"


def test_rsvp_replacing_a_delegate_cancels_the_old_registration(client, invitation, run_commit_tasks):
    with run_commit_tasks():
        accept(invitation, KHAI, HUNG)
    kept = Registration.objects.get(person__email=KHAI["email"])
    confirmations_before = Notification.objects.filter(kind="registration_confirmation").count()

    with run_commit_tasks():
        response = client.post(rsvp_path(invitation), rsvp_data(delegates=[KHAI, LAN], initial=2))

    assert response.status_code == 302
    assert confirmed(invitation) == ["Lê Thị Lan", "Nguyễn Thị Minh Khai"]
    assert Registration.objects.get(person__email=HUNG["email"]).status == Registration.Status.CANCELLED
    assert Registration.objects.get(person__email=KHAI["email"]).pk == kept.pk
    new_notices = Notification.objects.filter(kind="registration_confirmation").count() - confirmations_before
    assert new_notices == 1
    assert Notification.objects.filter(
        kind="registration_confirmation", recipient_address=LAN["email"]
    ).exists()


def test_rsvp_rejects_unknown_revoked_and_expired_tokens_alike(client, invitation):
    other = InvitationFactory(conference=invitation.conference, status=Invitation.Status.SENT)
    revoked_link = rsvp_path(invitation)
    invitation_links_revoke(invitation=invitation)
    expired_link = rsvp_path(other)
    InvitationLink.objects.filter(invitation=other).update(expires_at=timezone.now() - datetime.timedelta(1))
    withdrawn = InvitationFactory(conference=invitation.conference, status=Invitation.Status.SENT)
    withdrawn_link = rsvp_path(withdrawn)
    invitation_revoke(invitation=withdrawn)

    responses = [
        client.get(reverse("conferences:rsvp", kwargs={"token": "A" * 43})),
        client.get(revoked_link),
        client.get(expired_link),
        client.get(withdrawn_link),
        client.post(revoked_link, rsvp_data(delegates=[KHAI])),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert len({r.content for r in responses}) == 1
    assert INVALID_MESSAGE in Client(HTTP_ACCEPT_LANGUAGE="en").get(revoked_link).content.decode()
    assert Registration.objects.count() == 0


def test_rsvp_guessing_beyond_the_limit_is_refused_even_for_a_valid_link(client, invitation, settings):
    settings.RSVP_GUESS_LIMIT = 3
    valid = rsvp_path(invitation)
    wrong = [reverse("conferences:rsvp", kwargs={"token": f"guess{n}"}) for n in range(3)]

    misses = [client.get(path).status_code for path in wrong]
    refused = client.get(valid)
    refused_delegate_page = client.get(reverse("conferences:delegate", kwargs={"token": "guess"}))
    other_client = Client(REMOTE_ADDR="203.0.113.7").get(valid)

    assert misses == [404, 404, 404]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    assert "Sở Khoa học và Công nghệ tỉnh Quảng Ninh" not in refused.content.decode()
    assert refused_delegate_page.status_code == 429
    assert other_client.status_code == 200


def test_rsvp_guess_limit_ignores_a_forwarded_for_sent_straight_to_the_server(invitation, settings):
    settings.RSVP_GUESS_LIMIT = 3
    settings.TRUSTED_PROXIES = []
    wrong = reverse("conferences:rsvp", kwargs={"token": "guess"})

    # A client with no proxy in front claims a new address with every request.
    misses = [Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").get(wrong).status_code for n in range(3)]
    refused = Client(HTTP_X_FORWARDED_FOR="198.51.100.99").get(rsvp_path(invitation))

    assert misses == [404, 404, 404]
    assert refused.status_code == 429


def test_rsvp_guess_limit_behind_a_proxy_counts_each_client_and_not_the_proxy(invitation, settings):
    settings.RSVP_GUESS_LIMIT = 3
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    guesser = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.66")
    agency = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    # The guesser writes a new address of its own in front; the proxy appends the real one.
    disguised = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.66")
    wrong = reverse("conferences:rsvp", kwargs={"token": "guess"})
    valid = rsvp_path(invitation)

    misses = [guesser.get(wrong).status_code for _ in range(3)]

    assert misses == [404, 404, 404]
    assert guesser.get(valid).status_code == 429
    assert disguised.get(valid).status_code == 429
    assert agency.get(valid).status_code == 200


def test_rsvp_valid_links_do_not_count_as_guesses(client, invitation, settings):
    settings.RSVP_GUESS_LIMIT = 2
    valid = rsvp_path(invitation)

    statuses = [client.get(valid).status_code for _ in range(5)]

    assert statuses == [200] * 5


def test_rsvp_after_the_deadline_is_read_only(english, invitation):
    accept(invitation, KHAI, HUNG)
    path = rsvp_path(invitation)
    conference = invitation.conference
    conference.rsvp_deadline = timezone.now() - datetime.timedelta(hours=1)
    conference.save()

    page = english.get(path)
    late_post = english.post(path, rsvp_data(answer="decline"))

    assert page.status_code == 200
    content = page.content.decode()
    assert "The deadline for answers has passed. Please contact the organizers." in content
    assert 'class="rsvp-form"' not in content
    assert "Nguyễn Thị Minh Khai" in content
    assert "vanphong@most.gov.vn" in content
    assert late_post.status_code == 400
    assert "The deadline for answers has passed." in late_post.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert confirmed(invitation) == ["Nguyễn Thị Minh Khai", "Trần Văn Hùng"]


def test_rsvp_page_query_count_is_fixed(client, invitation, django_assert_num_queries):
    invitation.document = document_number_allocate(
        issuer=invitation.conference.host, kind=DocumentKind.INVITATION, issued_on=datetime.date.today()
    )
    invitation.save()
    accept(invitation, KHAI, HUNG)
    path = rsvp_path(invitation)

    # The link with its invitation, conference, host and letter number; the delegates.
    with django_assert_num_queries(2):
        response = client.get(path)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Trần Văn Hùng" in content
    assert "01/GM-BKHCN" in content


def test_rsvp_done_page_query_count_is_fixed(client, invitation, django_assert_num_queries):
    accept(invitation, KHAI, HUNG)
    path = rsvp_path(invitation)

    with django_assert_num_queries(2):
        response = client.get(path + "?saved=1")

    assert response.status_code == 200


# The delegate's page --------------------------------------------------------------------------------------


@pytest.fixture
def delegate(invitation):
    token, token_hash = token_new()
    registration = RegistrationFactory(
        conference=invitation.conference,
        invitation=invitation,
        organization=invitation.organization,
        person=PersonFactory(full_name="Nguyễn Thị Minh Khai", position="Phó Giám đốc"),
        token_hash=token_hash,
    )
    registration.token = token
    registration.path = reverse("conferences:delegate", kwargs={"token": token})
    return registration


def test_delegate_page_shows_the_delegate_agenda_and_qr_code(english, delegate, settings):
    AgendaItemFactory(conference=delegate.conference, title="Khai mạc hội nghị")
    speech = AgendaItemFactory(conference=delegate.conference, title="Tham luận của Sở KH&CN Quảng Ninh")
    speech.speakers.add(delegate.person)
    agenda_publish(conference=delegate.conference)

    response = english.get(delegate.path)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nguyễn Thị Minh Khai" in content
    assert "Sở Khoa học và Công nghệ tỉnh Quảng Ninh" in content
    assert "Khai mạc hội nghị" in content
    assert "Tham luận của Sở KH&amp;CN Quảng Ninh" in content
    assert "Not checked in yet." in content
    assert "No certificate has been issued to you yet." in content
    assert "Check in</button>" not in content
    # The QR code encodes this very page's absolute address.
    expected = segno.make(f"{settings.SITE_URL}/dai-bieu/{delegate.token}/", error="m")
    path_data = re.search(r'<svg[^>]*class="qr-code".*?<path[^>]* d="([^"]+)"', content, re.S)[1]
    assert path_data == re.search(r' d="([^"]+)"', expected.svg_inline(scale=5, border=2))[1]


def test_delegate_page_links_the_full_agenda_and_its_pdf_and_calendar_once_published(english, delegate):
    slug = delegate.conference.slug
    links = [
        f"/hoi-nghi/{slug}/chuong-trinh/",
        f"/hoi-nghi/{slug}/chuong-trinh.pdf",
        f"/hoi-nghi/{slug}/chuong-trinh.ics",
    ]
    before = english.get(delegate.path).content.decode()
    AgendaItemFactory(conference=delegate.conference, title="Khai mạc hội nghị")
    agenda_publish(conference=delegate.conference)

    content = english.get(delegate.path).content.decode()

    assert not any(f'href="{link}"' in before for link in links)
    for link in links:
        assert f'href="{link}"' in content
        assert english.get(link).status_code == 200  # the delegate (signed out) may open each of them


def test_delegate_page_lists_valid_certificates_with_their_verification_link(english, delegate):
    valid = CertificateFactory(
        conference=delegate.conference, registration=delegate, recipient_person=delegate.person
    )
    CertificateFactory(
        conference=delegate.conference,
        registration=delegate,
        recipient_person=delegate.person,
        kind="speaker",
        revoked_at=timezone.now(),
    )

    content = english.get(delegate.path).content.decode()

    assert f'href="/xac-minh/{valid.verification_code}/"' in content
    assert re.findall(r'href="/xac-minh/(\w+)/"', content) == [valid.verification_code]
    assert "No certificate has been issued" not in content


def test_delegate_check_in_by_an_organizer_keeps_the_first_time(delegate):
    organizer = ConferenceRoleFactory(conference=delegate.conference).user
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(organizer)

    page = client.get(delegate.path)
    first = client.post(delegate.path, {"action": "check_in"})
    delegate.refresh_from_db()
    first_time = delegate.checked_in_at
    second = client.post(delegate.path, {"action": "check_in"}, follow=True)
    delegate.refresh_from_db()

    assert "Check in</button>" in page.content.decode()
    assert first.status_code == 302
    assert first["Location"] == delegate.path
    assert first_time is not None
    assert delegate.checked_in_at == first_time
    assert delegate.checked_in_by == organizer
    arrival = timezone.localtime(first_time).strftime("%H:%M")
    assert f"was already checked in at {arrival} by {organizer.get_username()}." in second.content.decode()
    assert "Checked in at" in second.content.decode()


def test_delegate_check_in_is_refused_to_others(delegate):
    stranger = Client()
    stranger.force_login(UserFactory())
    organizer_elsewhere = Client()
    organizer_elsewhere.force_login(ConferenceRoleFactory().user)

    responses = [
        Client().post(delegate.path, {"action": "check_in"}),
        stranger.post(delegate.path, {"action": "check_in"}),
        organizer_elsewhere.post(delegate.path, {"action": "check_in"}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    delegate.refresh_from_db()
    assert delegate.checked_in_at is None


def test_delegate_page_rejects_unknown_and_cancelled_tokens_like_the_rsvp_page(client, delegate, invitation):
    cancelled_path = delegate.path
    Registration.objects.filter(pk=delegate.pk).update(status=Registration.Status.CANCELLED)

    responses = [
        client.get(cancelled_path),
        client.get(reverse("conferences:delegate", kwargs={"token": "B" * 43})),
        client.get(reverse("conferences:rsvp", kwargs={"token": "B" * 43})),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert len({r.content for r in responses}) == 1


def test_delegate_page_query_count_is_fixed(client, delegate, django_assert_num_queries):
    for n in range(4):
        item = AgendaItemFactory(conference=delegate.conference, title=f"Mục {n}")
        item.speakers.add(PersonFactory(), PersonFactory())
    agenda_publish(conference=delegate.conference)
    CertificateFactory(
        conference=delegate.conference, registration=delegate, recipient_person=delegate.person
    )

    # registration, agenda version, certificates, call for papers, papers (none: nothing to prefetch).
    with django_assert_num_queries(5):
        response = client.get(delegate.path)

    assert response.status_code == 200


def test_delegate_page_query_count_for_an_organizer(delegate, django_assert_num_queries):
    for n in range(4):
        AgendaItemFactory(conference=delegate.conference, title=f"Mục {n}")
    agenda_publish(conference=delegate.conference)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(ConferenceRoleFactory(conference=delegate.conference).user)

    # session, user, registration, organizer role, agenda version, certificates, call, papers (none).
    with django_assert_num_queries(8):
        response = client.get(delegate.path)

    assert response.status_code == 200
    assert "Check in</button>" in response.content.decode()


def test_rsvp_without_a_requested_paper_ignores_a_posted_presenter(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(paper_requested=False, paper_topic="")
    invitation.refresh_from_db()

    page = client.get(rsvp_path(invitation))
    response = client.post(rsvp_path(invitation), rsvp_data(delegates=[KHAI], presenter="7"))

    assert 'name="presenter"' not in page.content.decode()
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.status, invitation.paper_presenter) == (Invitation.Status.ACCEPTED, None)
    assert confirmed(invitation) == ["Nguyễn Thị Minh Khai"]


def test_a_link_written_into_a_later_notice_opens_the_page_until_the_link_is_replaced(client, delegate):
    from conferences.services.rsvp import delegate_notice_url

    later_link = delegate_notice_url(delegate).removeprefix(settings_site_url())

    assert client.get(later_link).status_code == 200
    # Another registration's number with this MAC, or a changed MAC, is the usual 404.
    ref, mac = later_link.rstrip("/").rsplit("/", 1)[-1].split(".")
    assert client.get(later_link.replace(f"{ref}.", f"{int(ref) + 1}.")).status_code == 404
    assert client.get(later_link.replace(mac, mac[::-1])).status_code == 404
    # A replaced link (the stored hash changes) takes its derived links with it.
    _token, new_hash = token_new()
    Registration.objects.filter(pk=delegate.pk).update(token_hash=new_hash)
    assert client.get(later_link).status_code == 404


def settings_site_url() -> str:
    from django.conf import settings

    return settings.SITE_URL
