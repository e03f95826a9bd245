"""The nomination pages: the organizers' ranking and approval, an agency's form, the panel's scores."""

import re

import pytest
from django.core.cache import cache

from conferences.models import Award, Nomination, NominationScore, ReviewCriterion
from conferences.services.nominations import nomination_score_save
from tests.conferences.nomination_helpers import (
    CITATION,
    JUSTIFICATION,
    agency_link,
    category_make,
    decision_make,
    nominate,
    panel_criteria_make,
)
from tests.conferences.review_helpers import reviewer_make
from tests.factories import OrganizationFactory
from tests.paper_files import executable_as_pdf, uploaded, valid_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def test_organizer_page_ranks_in_bounded_queries(
    organizer_client, conference, organizer, django_assert_max_num_queries
):
    panel_criteria_make(conference)
    reviewer = reviewer_make(conference)
    category = category_make()
    for points in range(6):
        nomination = nominate(conference, organizer, category, OrganizationFactory(name=f"Sở Thử {points}"))
        nomination_score_save(
            nomination=nomination,
            reviewer=reviewer,
            scores={"thanh-tich": points, "anh-huong": 5},
            submit=True,
        )
    url = f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/"

    with django_assert_max_num_queries(14):
        response = organizer_client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Sở Thử 5") < html.index("Sở Thử 0")
    assert "62.5" in html  # (3*5/10 + 1) / 4


def test_organizer_page_is_hidden_from_a_reviewer_of_the_draft_conference(client, conference, organizer):
    nominate(conference, organizer, category_make(), OrganizationFactory())
    client.force_login(reviewer_make(conference))
    assert client.get(f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/").status_code == 404


def test_organizer_page_names_the_nominee_on_each_selection_box(organizer_client, conference, organizer):
    category = category_make()
    for name in ("Sở Khoa học và Công nghệ tỉnh Quảng Ninh", "Sở Khoa học và Công nghệ tỉnh Nam Định"):
        nominate(conference, organizer, category, OrganizationFactory(name=name))

    html = organizer_client.get(
        f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    # A screen reader reads each box's name alone: "Select" twice would not say which is which.
    labels = re.findall(r'<input type="checkbox" name="nominations" value="\d+" aria-label="([^"]+)">', html)
    assert sorted(labels) == [
        "Select the nomination of Sở Khoa học và Công nghệ tỉnh Nam Định",
        "Select the nomination of Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
    ]


def test_organizer_approves_selected_into_a_decision(organizer_client, conference, organizer):
    category = category_make()
    decision = decision_make(conference)
    chosen = nominate(conference, organizer, category, OrganizationFactory())
    left = nominate(conference, organizer, category, OrganizationFactory())

    response = organizer_client.post(
        f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/duyet/",
        {"nominations": [chosen.pk], "decision": decision.pk, "citation": CITATION},
    )

    assert response.status_code == 302
    chosen.refresh_from_db()
    left.refresh_from_db()
    assert (chosen.status, left.status) == ("approved", "submitted")
    assert Award.objects.get().citation == CITATION


def test_agency_page_sends_a_nomination_of_a_colleague(client, conference):
    category = category_make()
    registration, token, colleague = agency_link(conference)
    url = f"/dai-bieu/{token}/de-nghi-khen-thuong/"

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        url,
        {
            "category": category.pk,
            "nominee": str(colleague.pk),
            "justification": JUSTIFICATION,
            "file": uploaded(valid_pdf(), name="ho-so.pdf"),
        },
    )

    assert page.status_code == 200 and colleague.full_name in page.content.decode()
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.nominee_person, nomination.nominated_by_registration) == (colleague, registration)
    assert nomination.file_name == "ho-so.pdf"


def test_agency_page_refuses_a_bad_file_and_stores_nothing(client, conference, tmp_path):
    category = category_make()
    _registration, token, _colleague = agency_link(conference)

    response = client.post(
        f"/dai-bieu/{token}/de-nghi-khen-thuong/",
        {
            "category": category.pk,
            "nominee": "agency",
            "justification": JUSTIFICATION,
            "file": uploaded(executable_as_pdf()),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert Nomination.objects.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file() and "nominations" in p.parts] == []


def test_agency_page_withdraws_its_own(client, conference):
    category = category_make()
    registration, token, _colleague = agency_link(conference)
    from conferences.services.nominations import nomination_create

    nomination = nomination_create(
        conference=conference,
        category=category,
        nominee_organization=registration.organization,
        justification=JUSTIFICATION,
        by_registration=registration,
    )

    response = client.post(f"/dai-bieu/{token}/de-nghi-khen-thuong/{nomination.pk}/rut/")

    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "withdrawn"


def test_panel_member_submits_scores(client, conference, organizer):
    panel_criteria_make(conference)
    reviewer = reviewer_make(conference)
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())
    client.force_login(reviewer)

    listing = client.get(f"/phan-bien/{conference.slug}/de-nghi-khen-thuong/")
    response = client.post(
        f"/phan-bien/{conference.slug}/de-nghi-khen-thuong/{nomination.pk}/",
        {"score_thanh-tich": "9", "score_anh-huong": "4", "comment": "Xứng đáng", "submit": ""},
    )

    assert listing.status_code == 200 and nomination.nominee_name in listing.content.decode()
    assert response.status_code == 302
    score = NominationScore.objects.get()
    assert (score.scores, score.status, score.comment) == (
        {"thanh-tich": 9, "anh-huong": 4},
        "submitted",
        "Xứng đáng",
    )


def test_panel_page_is_404_for_a_non_reviewer(client, conference, organizer):
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())
    client.force_login(organizer)
    assert client.get(f"/phan-bien/{conference.slug}/de-nghi-khen-thuong/{nomination.pk}/").status_code == 404


def test_panel_pages_hide_a_nomination_of_the_members_own_agency(client, conference, organizer):
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    member = reviewer_make(conference, organization=agency)
    own = nominate(conference, organizer, category_make(), agency)
    other = nominate(
        conference, organizer, own.category, OrganizationFactory(name="Sở Tư pháp tỉnh Nam Định")
    )
    client.force_login(member)

    listing = client.get(f"/phan-bien/{conference.slug}/de-nghi-khen-thuong/")
    page = client.get(f"/phan-bien/{conference.slug}/de-nghi-khen-thuong/{own.pk}/")
    post = client.post(
        f"/phan-bien/{conference.slug}/de-nghi-khen-thuong/{own.pk}/", {"score_thanh-tich": "9", "submit": ""}
    )

    assert listing.status_code == 200
    assert other.nominee_name in listing.content.decode()
    assert own.nominee_name not in listing.content.decode()
    assert (page.status_code, post.status_code) == (404, 404)
    assert NominationScore.objects.count() == 0


# The supporting file ----------------------------------------------------------------------------------


def _nomination_with_file(conference):
    from conferences.services.nominations import nomination_create

    registration, token, _colleague = agency_link(conference)
    pdf = valid_pdf()
    nomination = nomination_create(
        conference=conference,
        category=category_make(),
        nominee_organization=registration.organization,
        justification=JUSTIFICATION,
        upload=uploaded(pdf, name="Hồ sơ Quảng Ninh.pdf"),
        by_registration=registration,
    )
    return nomination, token, pdf


def _assert_the_file(response, pdf: bytes) -> None:
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Ho-so-Quang-Ninh.pdf"; '
        "filename*=UTF-8''H%E1%BB%93%20s%C6%A1%20Qu%E1%BA%A3ng%20Ninh.pdf"
    )
    assert response["Cache-Control"].startswith("private, no-store")


def test_organizer_downloads_a_nominations_file_linked_from_the_page(organizer_client, conference):
    nomination, _token, pdf = _nomination_with_file(conference)
    file_url = f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/{nomination.pk}/tep/"

    page = organizer_client.get(f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/")

    assert f'href="{file_url}"' in page.content.decode()
    _assert_the_file(organizer_client.get(file_url), pdf)


def test_panel_member_downloads_the_file_of_a_nomination_they_may_score(client, conference):
    nomination, _token, pdf = _nomination_with_file(conference)
    client.force_login(reviewer_make(conference, organization=OrganizationFactory()))
    file_url = f"/phan-bien/{conference.slug}/de-nghi-khen-thuong/{nomination.pk}/tep/"

    page = client.get(f"/phan-bien/{conference.slug}/de-nghi-khen-thuong/{nomination.pk}/")

    assert f'href="{file_url}"' in page.content.decode()
    _assert_the_file(client.get(file_url), pdf)


def test_panel_member_of_the_nominated_agency_gets_404_for_its_file(client, conference):
    nomination, _token, _pdf = _nomination_with_file(conference)
    client.force_login(reviewer_make(conference, organization=nomination.nominee_organization))

    response = client.get(f"/phan-bien/{conference.slug}/de-nghi-khen-thuong/{nomination.pk}/tep/")

    assert response.status_code == 404


def test_agency_downloads_its_nominations_file_and_another_agency_gets_404(client, conference):
    nomination, token, pdf = _nomination_with_file(conference)
    _other, other_token, _colleague = agency_link(conference, number=2)
    file_url = f"/dai-bieu/{token}/de-nghi-khen-thuong/{nomination.pk}/tep/"

    page = client.get(f"/dai-bieu/{token}/de-nghi-khen-thuong/")
    theirs = client.get(file_url)
    others = client.get(f"/dai-bieu/{other_token}/de-nghi-khen-thuong/{nomination.pk}/tep/")

    assert f'href="{file_url}"' in page.content.decode()
    _assert_the_file(theirs, pdf)
    assert others.status_code == 404


def test_non_organizer_gets_404_for_a_nominations_file(client, conference):
    nomination, _token, _pdf = _nomination_with_file(conference)
    client.force_login(reviewer_make(conference))

    response = client.get(f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/{nomination.pk}/tep/")

    assert response.status_code in (403, 404)


# The panel's criteria on the organizers' page ------------------------------------------------------------


def _criteria_post(rows):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        data.update({f"criteria-{index}-{key}": value for key, value in row.items()})
    return data


def test_organizer_sets_the_panels_criteria_from_the_nominations_page(organizer_client, conference):
    url = f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/tieu-chi/"

    response = organizer_client.post(
        url,
        _criteria_post(
            [
                {"code": "thanh-tich", "label": "Thành tích", "max_score": "10", "weight": "3"},
                {"code": "", "label": "", "max_score": "", "weight": ""},
            ]
        ),
    )
    page = organizer_client.get(f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/")

    assert response.status_code == 302
    assert [(c.code, c.label, c.max_score, c.weight, c.target) for c in ReviewCriterion.objects.all()] == [
        ("thanh-tich", "Thành tích", 10, 3, "nomination")
    ]
    assert 'value="thanh-tich"' in page.content.decode()


def test_organizer_page_refuses_removing_a_scored_criterion(organizer_client, conference, organizer):
    panel_criteria_make(conference)
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())
    nomination_score_save(
        nomination=nomination, reviewer=reviewer_make(conference), scores={"thanh-tich": 5}, submit=False
    )

    response = organizer_client.post(
        f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/tieu-chi/",
        _criteria_post([{"code": "anh-huong", "label": "Ảnh hưởng", "max_score": "5", "weight": "1"}]),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "that criterion cannot be removed" in response.content.decode()
    assert ReviewCriterion.objects.count() == 2


def test_a_panel_member_cannot_change_the_criteria(client, conference):
    client.force_login(reviewer_make(conference))

    response = client.post(
        f"/to-chuc/{conference.slug}/de-nghi-khen-thuong/tieu-chi/",
        _criteria_post([{"code": "x", "label": "X", "max_score": "5", "weight": "1"}]),
    )

    assert response.status_code in (403, 404)
    assert ReviewCriterion.objects.count() == 0
