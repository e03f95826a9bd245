"""The check-in page at the door: works without JavaScript, answers JSON to the page's script."""

import pytest
from django.test import Client

from conferences.models import Registration
from core.ticket_codes import ticket_code_display
from tests.factories import ConferenceRoleFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def page_url(conference, suffix: str = "") -> str:
    return f"/to-chuc/{conference.slug}/diem-danh/{suffix}"


def test_the_page_is_vietnamese_with_the_code_field_camera_button_and_counts(organizer_client, conference):
    RegistrationFactory(conference=conference)

    response = organizer_client.get(page_url(conference))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="code"' in content and "autofocus" in content
    assert 'id="check-in-scan"' in content
    assert "/static/vendor/jsqr/jsQR.js" in content
    assert '<strong id="check-in-arrived">0</strong> / <span id="check-in-expected">1</span>' in content
    assert response.templates[0].name == "conferences/organizer/check_in.html"
    assert response["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self';")


def test_without_javascript_a_post_redirects_with_the_result(organizer_client, conference):
    delegate = RegistrationFactory(conference=conference)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}

    first = organizer_client.post(page_url(conference), {"code": delegate.ticket_code}, **english)
    second = organizer_client.post(
        page_url(conference), {"code": delegate.ticket_code}, follow=True, **english
    )
    refused = organizer_client.post(page_url(conference), {"code": ""}, follow=True, **english)

    assert (first.status_code, first["Location"]) == (302, page_url(conference))
    assert '<li class="warning">' in second.content.decode()
    assert f"{delegate.display_name} was already checked in at" in second.content.decode()
    assert '<li class="error">Type the ticket code or scan the QR code.</li>' in refused.content.decode()
    delegate.refresh_from_db()
    assert delegate.checked_in_at is not None


def test_with_javascript_the_post_answers_the_panel_and_the_counts(organizer_client, organizer, conference):
    delegate = RegistrationFactory(conference=conference)
    code = ticket_code_display(delegate.ticket_code)

    first = organizer_client.post(page_url(conference), {"code": code}, HTTP_ACCEPT_LANGUAGE="en", **JSON)
    again = organizer_client.post(page_url(conference), {"code": code}, HTTP_ACCEPT_LANGUAGE="en", **JSON)
    typo = organizer_client.post(
        page_url(conference), {"code": "x" * 10_000}, HTTP_ACCEPT_LANGUAGE="en", **JSON
    )

    assert (first.status_code, first.json()["outcome"], first.json()["ticket_code"]) == (
        200,
        "checked_in",
        code,
    )
    assert first.json()["counts"]["checked_in"] == 1
    assert (again.json()["outcome"], again.json()["checked_in_by"]) == ("already", organizer.get_username())
    assert (typo.status_code, typo.json()["outcome"], typo.json()["code"]) == (400, "refused", "too_long")
    assert Registration.objects.get(pk=delegate.pk).checked_in_by == organizer


def test_counts_json_takes_a_fixed_number_of_queries(
    organizer_client, conference, django_assert_max_num_queries
):
    for _ in range(20):
        RegistrationFactory(conference=conference)

    with django_assert_max_num_queries(8):
        response = organizer_client.get(page_url(conference, "so-lieu.json"))

    assert response.status_code == 200
    assert (response.json()["expected"], response.json()["checked_in"]) == (20, 0)
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_page_and_counts_are_only_for_the_conferences_organizers(conference):
    delegate = RegistrationFactory(conference=conference)
    stranger = Client()
    stranger.force_login(UserFactory())
    organizer_elsewhere = Client()
    organizer_elsewhere.force_login(ConferenceRoleFactory().user)

    anonymous = Client().get(page_url(conference))
    statuses = [
        c.post(page_url(conference), {"code": delegate.ticket_code}).status_code
        for c in (stranger, organizer_elsewhere)
    ] + [organizer_elsewhere.get(page_url(conference, "so-lieu.json")).status_code]

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/dang-nhap/?next=")
    assert statuses in ([404, 404, 404], [403, 403, 403])
    delegate.refresh_from_db()
    assert delegate.checked_in_at is None
