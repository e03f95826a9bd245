"""The organizers' award pages, the ceremony controller, and the public stage screen with its JSON."""

import pytest

from conferences.models import Award, AwardDecision, CeremonyBatch, CeremonyState
from conferences.services.ceremony import ceremony_advance
from conferences.services.certificates import certificate_issue
from tests.conferences.ceremony_helpers import (
    HAI_PHONG,
    HAI_PHONG_CITATION,
    PERSON,
    PERSON_CITATION,
    QUANG_NINH,
    QUANG_NINH_CITATION,
    model_decision,
    two_batches,
)
from tests.conferences.stored_document_helpers import rendered_get, served
from tests.factories import AwardCategoryFactory, ConferenceRoleFactory, OrganizationFactory, conference_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference_kwargs():
    return {"publish": True, "slug": "so-ket-19"}


@pytest.fixture
def ceremony(conference):
    decision, awards = model_decision(conference)
    two_batches(conference, awards)
    return decision, awards


# The stage screen and its JSON ------------------------------------------------------------------------


def test_stage_json_before_the_ceremony_has_the_step_and_no_batch(client, conference, ceremony):
    response = client.get("/hoi-nghi/so-ket-19/le-trao-thuong/trang-thai.json")

    assert response.status_code == 200
    assert response.json() == {"step": 1, "batch": None}
    assert "no-store" in response["Cache-Control"]


def test_stage_json_follows_an_advance_with_the_batch_on_stage(
    client, conference, organizer, ceremony, django_assert_max_num_queries
):
    ceremony_advance(conference=conference, user=organizer, direction=1)
    ceremony_advance(conference=conference, user=organizer, direction=1)

    with django_assert_max_num_queries(2):
        response = client.get("/hoi-nghi/so-ket-19/le-trao-thuong/trang-thai.json")

    batch = CeremonyBatch.objects.get(conference=conference, position=2)
    assert response.json() == {
        "step": 3,
        "batch": {
            "id": batch.pk,
            "position": 2,
            "title": "Tập thể và cá nhân",
            "presenter": "Thứ trưởng Trần Văn B",
            "awards": [
                {
                    "recipient": HAI_PHONG,
                    "citation": HAI_PHONG_CITATION,
                    "category": "Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ",
                },
                {
                    "recipient": PERSON,
                    "citation": PERSON_CITATION,
                    "category": "Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ",
                },
            ],
        },
    }


def test_stage_json_of_a_draft_conference_is_404(client, host):
    draft = conference_build(host, slug="ban-nhap-19")
    model_decision(draft)

    assert client.get("/hoi-nghi/ban-nhap-19/le-trao-thuong/trang-thai.json").status_code == 404
    assert client.get("/hoi-nghi/ban-nhap-19/le-trao-thuong/man-hinh/").status_code == 404
    assert client.get("/hoi-nghi/khong-co/le-trao-thuong/trang-thai.json").status_code == 404


def test_stage_page_shows_the_batch_on_stage_with_its_script_and_no_inline_code(
    client, conference, organizer, ceremony
):
    ceremony_advance(conference=conference, user=organizer, direction=1)

    response = client.get("/hoi-nghi/so-ket-19/le-trao-thuong/man-hinh/")

    html = response.content.decode()
    assert response.status_code == 200
    assert QUANG_NINH in html and QUANG_NINH_CITATION in html
    assert "Trao thưởng: Bộ trưởng Nguyễn Văn A" not in html  # Vietnamese label below.
    assert "Bộ trưởng Nguyễn Văn A" in html
    assert HAI_PHONG not in html.split("<template")[0]
    assert 'data-state-url="/hoi-nghi/so-ket-19/le-trao-thuong/trang-thai.json"' in html
    assert 'data-step="2"' in html
    assert '<script src="/static/js/stage.js" defer></script>' in html
    assert "<script>" not in html and "style=" not in html


# The controller ---------------------------------------------------------------------------------------


def test_controller_next_by_fetch_answers_json_with_the_new_batch(organizer_client, conference, ceremony):
    response = organizer_client.post(
        "/to-chuc/so-ket-19/le-trao-thuong/chuyen/", {"direction": "1"}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200
    assert response.json()["step"] == 2
    assert response.json()["batch"]["title"] == "Tập thể xuất sắc"
    state = CeremonyState.objects.get(conference=conference)
    assert (state.step, state.current_batch.position, state.updated_by) == (2, 1, response.wsgi_request.user)


def test_controller_without_javascript_posts_a_form_and_comes_back(organizer_client, conference, ceremony):
    response = organizer_client.post("/to-chuc/so-ket-19/le-trao-thuong/chuyen/", {"direction": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/to-chuc/so-ket-19/le-trao-thuong/"
    page = organizer_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Running sheet (PDF)" in page
    assert '<h2 class="batch-title">1. Tập thể xuất sắc</h2>' in page


def test_controller_refuses_advancing_past_the_end_with_a_message(
    organizer_client, conference, organizer, ceremony
):
    ceremony_advance(conference=conference, user=organizer, to=2)

    response = organizer_client.post(
        "/to-chuc/so-ket-19/le-trao-thuong/chuyen/",
        {"direction": "1"},
        HTTP_ACCEPT="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {"message": "The last batch is on stage: the ceremony is at its end."}
    assert CeremonyState.objects.get(conference=conference).current_batch.position == 2


def test_controller_is_for_organizers_only(client, conference, ceremony):
    outsider = ConferenceRoleFactory(conference=conference_build(conference.host), user__password=None).user
    client.force_login(outsider)

    assert client.get("/to-chuc/so-ket-19/le-trao-thuong/").status_code == 403
    assert client.post("/to-chuc/so-ket-19/le-trao-thuong/chuyen/", {"direction": "1"}).status_code == 403
    assert CeremonyState.objects.get(conference=conference).step == 1


def test_running_order_form_saves_batches_from_rows_and_award_choices(organizer_client, conference, ceremony):
    _decision, awards = ceremony
    data = {
        "title_1": "Cá nhân",
        "presenter_1": "Thứ trưởng Trần Văn B",
        "title_2": "Tập thể",
        "presenter_2": "Bộ trưởng Nguyễn Văn A",
        f"award_{awards[0].pk}": "2",
        f"award_{awards[1].pk}": "0",
        f"award_{awards[2].pk}": "1",
    }

    response = organizer_client.post("/to-chuc/so-ket-19/le-trao-thuong/thu-tu/", data)

    assert response.status_code == 302
    batches = list(CeremonyBatch.objects.filter(conference=conference).order_by("position"))
    assert [(b.position, b.title, b.presenter) for b in batches] == [
        (1, "Cá nhân", "Thứ trưởng Trần Văn B"),
        (2, "Tập thể", "Bộ trưởng Nguyễn Văn A"),
    ]
    assert [list(b.awards.values_list("pk", flat=True)) for b in batches] == [[awards[2].pk], [awards[0].pk]]
    assert Award.objects.get(pk=awards[1].pk).batch is None


def test_controller_page_has_a_fixed_number_of_queries(
    organizer_client, conference, ceremony, django_assert_max_num_queries
):
    decision, _awards = ceremony
    category = AwardCategoryFactory()
    for _ in range(10):
        Award.objects.create(
            decision=decision,
            category=category,
            recipient_organization=OrganizationFactory(),
            citation="Đã có thành tích",
            ceremony_order=Award.objects.count() + 1,
        )

    with django_assert_max_num_queries(12):
        response = organizer_client.get("/to-chuc/so-ket-19/le-trao-thuong/")

    assert response.status_code == 200


def test_running_sheet_pdf_is_served_to_organizers(organizer_client, conference, ceremony):
    response = rendered_get(organizer_client, "/to-chuc/so-ket-19/le-trao-thuong/kich-ban.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert served(response).startswith(b"%PDF")
    assert response["Content-Disposition"] == 'inline; filename="kich-ban-trao-thuong-so-ket-19.pdf"'


# Award decisions --------------------------------------------------------------------------------------


def test_awards_page_lists_decisions_and_creates_one_numbered_by_the_host(
    organizer_client, conference, ceremony
):
    response = organizer_client.post(
        "/to-chuc/so-ket-19/khen-thuong/",
        {
            "subject": "Về việc tặng Giấy khen",
            "signed_on": "2021-04-06",
            "signing_authority": "",
            "signer_title": "BỘ TRƯỞNG",
            "signer_name": "Nguyễn Văn A",
        },
    )

    decision = AwardDecision.objects.get(subject="Về việc tặng Giấy khen")
    assert response.status_code == 302
    assert response["Location"] == f"/to-chuc/so-ket-19/khen-thuong/{decision.pk}/them/"
    assert (decision.conference, decision.document.formatted) == (conference, "02/QĐ-BKHCN")
    page = organizer_client.get("/to-chuc/so-ket-19/khen-thuong/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Decision No. 01/QĐ-BKHCN of 05/04/2021" in page
    assert QUANG_NINH in page


def test_awards_page_refuses_an_academic_title_before_the_signer(organizer_client, conference):
    response = organizer_client.post(
        "/to-chuc/so-ket-19/khen-thuong/",
        {"subject": "Về việc tặng Bằng khen", "signed_on": "2021-04-06", "signer_title": "BỘ TRƯỞNG",
         "signer_name": "GS. Nguyễn Văn A"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip

    assert response.status_code == 400
    assert "Write the signer&#x27;s name without an academic title" in response.content.decode()
    assert not AwardDecision.objects.exists()


def test_add_edit_and_remove_an_award_through_the_pages(organizer_client, conference, ceremony):
    decision, awards = ceremony
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Lâm Đồng")

    added = organizer_client.post(
        f"/to-chuc/so-ket-19/khen-thuong/{decision.pk}/them/",
        {
            "category": awards[0].category_id,
            "recipient_organization": agency.pk,
            "citation": "Đã có thành tích A",
        },
    )
    award = Award.objects.get(recipient_organization=agency)
    edited = organizer_client.post(
        f"/to-chuc/so-ket-19/khen-thuong/{decision.pk}/{award.pk}/sua/",
        {
            "category": award.category_id,
            "recipient_organization": agency.pk,
            "citation": "Đã có thành tích B",
        },
    )
    award.refresh_from_db()
    removed = organizer_client.post(f"/to-chuc/so-ket-19/khen-thuong/{decision.pk}/{awards[1].pk}/xoa/")

    assert [added.status_code, edited.status_code, removed.status_code] == [302, 302, 302]
    assert (award.ceremony_order, award.citation) == (4, "Đã có thành tích B")
    assert list(decision.awards.order_by("ceremony_order").values_list("ceremony_order", flat=True)) == [
        1,
        3,
        4,
    ]


def test_award_of_a_decision_with_certificates_cannot_be_removed(organizer_client, conference, ceremony):
    decision, awards = ceremony
    certificate_issue(
        conference=conference,
        kind="award",
        recipient_organization=awards[0].recipient_organization,
        award=awards[0],
    )

    response = organizer_client.post(
        f"/to-chuc/so-ket-19/khen-thuong/{decision.pk}/{awards[1].pk}/xoa/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302
    assert Award.objects.filter(pk=awards[1].pk).exists()


def test_decision_pdf_of_another_conference_is_404(organizer_client, conference, host):
    other = conference_build(host, publish=True, slug="tong-ket-19")
    other_decision, _awards = model_decision(other)

    assert (
        organizer_client.get(f"/to-chuc/so-ket-19/khen-thuong/{other_decision.pk}/quyet-dinh.pdf").status_code
        == 404
    )


def test_decision_pdf_is_served_inline(organizer_client, conference, ceremony):
    decision, _awards = ceremony

    response = rendered_get(organizer_client, f"/to-chuc/so-ket-19/khen-thuong/{decision.pk}/quyet-dinh.pdf")

    assert response.status_code == 200
    assert served(response).startswith(b"%PDF")
    assert response["Content-Disposition"] == 'inline; filename="quyet-dinh-01-2021.pdf"'


def test_public_award_list_shows_only_the_conference_decisions(client, conference, host, ceremony):
    other = conference_build(host, publish=True, slug="tong-ket-19")
    _other_decision, other_awards = model_decision(other)
    Award.objects.filter(pk=other_awards[0].pk).update(citation="Thành tích của hội nghị khác")

    page = client.get("/hoi-nghi/so-ket-19/").content.decode()

    assert QUANG_NINH_CITATION in page
    assert "Thành tích của hội nghị khác" not in page
