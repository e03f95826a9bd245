"""The accessibility details of issue 13 (item 9), pinned in the HTML without a browser.

The browser tests run axe-core on every page kind (tests/e2e/test_accessibility_browser.py);
these catch the same mistakes in a second, with the names of the ids and inputs at fault.
"""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission

from tests.factories import OrganizationFactory, UserFactory, agenda_item_build, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference_kwargs():
    return {"publish": True, "starts_at": local(2021, 4, 9, 8, 0)}


class _Elements(HTMLParser):
    """Every start tag of a page, in order, as (tag, attributes)."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def elements(response) -> list[tuple[str, dict[str, str]]]:
    assert response.status_code == 200
    parser = _Elements()
    parser.feed(response.content.decode())
    return parser.elements


def duplicate_ids(page: list[tuple[str, dict[str, str]]]) -> list[str]:
    counts = Counter(attrs["id"] for _tag, attrs in page if attrs.get("id"))
    return sorted(element_id for element_id, count in counts.items() if count > 1)


def test_every_page_starts_with_a_skip_link_to_the_main_landmark(client):
    page = elements(client.get("/"))
    focusable = [(tag, attrs) for tag, attrs in page if tag in {"a", "button", "input", "select", "textarea"}]
    assert focusable[0] == ("a", {"class": "skip-link", "href": "#main"})
    assert ("main", {"id": "main", "tabindex": "-1"}) in page


def test_the_invitations_page_has_unique_ids_and_each_form_labels_its_own_fields(
    organizer_client, conference
):
    OrganizationFactory(kind="department")
    page = elements(organizer_client.get(f"/to-chuc/{conference.slug}/giay-moi/"))
    assert duplicate_ids(page) == []
    ids = {attrs["id"] for _tag, attrs in page if attrs.get("id")}
    label_targets = [attrs["for"] for tag, attrs in page if tag == "label" and attrs.get("for")]
    assert {"id_kind", "id_province", "id_bulk_kind", "id_bulk_province"} <= set(label_targets)
    assert set(label_targets) <= ids


def test_the_agenda_date_and_time_inputs_are_named(organizer_client, conference):
    item = agenda_item_build(conference, (8, 0), (8, 15), "Khai mạc")
    starts = {"id_starts_at_0": "Starts: date", "id_starts_at_1": "Starts: time"}
    fill = {
        "id_fill-starts_at_0": "First slot starts: date",
        "id_fill-starts_at_1": "First slot starts: time",
    }
    editor = f"/to-chuc/{conference.slug}/chuong-trinh/"
    for url, expected in ((editor, starts | fill), (f"{editor}{item.pk}/", starts)):
        page = elements(organizer_client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
        split = {
            attrs["id"]: attrs.get("aria-label")
            for tag, attrs in page
            if tag == "input" and attrs.get("type") in {"date", "time"}
        }
        assert {key: split.get(key) for key in expected} == expected, url
        assert all(split.values()), url  # ends_at's too
        assert duplicate_ids(page) == []


def test_agenda_row_actions_name_their_item(organizer_client, conference):
    agenda_item_build(conference, (8, 0), (8, 15), "Khai mạc hội nghị")
    html = organizer_client.get(
        f"/to-chuc/{conference.slug}/chuong-trinh/", HTTP_ACCEPT_LANGUAGE="en"
    ).content
    html = html.decode()
    for action in ("Edit", "Move", "Duplicate", "Delete"):
        assert f'{action}<span class="visually-hidden"> Khai mạc hội nghị</span>' in html


def test_the_import_page_describes_its_file_input_with_ids_that_exist(client):
    clerk = UserFactory(username="van-thu", password=None)
    clerk.user_permissions.add(Permission.objects.get(codename="add_organization"))
    client.force_login(clerk)
    page = elements(client.get("/to-chuc/co-quan/nhap/"))
    ids = {attrs["id"] for _tag, attrs in page if attrs.get("id")}
    described = [
        (attrs["id"], target)
        for _tag, attrs in page
        if attrs.get("aria-describedby")
        for target in attrs["aria-describedby"].split()
    ]
    assert described
    assert [(element, target) for element, target in described if target not in ids] == []
