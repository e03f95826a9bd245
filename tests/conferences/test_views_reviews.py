import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.models import CallForPapers, ConferenceRole, Paper, Review, ReviewAssignment
from conferences.services.reviews import review_submit
from tests.conferences.review_helpers import (
    assign,
    bulk_review_load,
    criteria_make,
    paper_make,
    reviewer_make,
)
from tests.factories import ConferenceFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

AGENCY = "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
AUTHOR = "Nguyễn Văn Tác Giả"


@pytest.fixture
def reviewed(conference):
    """A blind-reviewed paper of Quảng Ninh given to two reviewers, with the criteria."""
    criteria_make(conference)
    paper = paper_make(conference, organization=OrganizationFactory(name=AGENCY), author_name=AUTHOR)
    first, second = (
        reviewer_make(conference, full_name="Lê Văn Một"),
        reviewer_make(conference, full_name="Lê Văn Hai"),
    )
    assign(paper, first, second)
    return paper, first, second


def test_the_reviewer_page_hides_authors_and_agency_in_blind_mode(client, conference, reviewed):
    paper, first, _second = reviewed
    client.force_login(first)

    page = client.get(reverse("conferences:reviewer-paper", args=[conference.slug, paper.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert paper.title in html and "Tóm tắt tham luận" in html
    assert AGENCY not in html and AUTHOR not in html


def test_the_reviewer_and_organizer_pages_render_the_markdown_sanitised(
    client, organizer_client, conference, reviewed
):
    paper, first, _second = reviewed
    paper.abstract = "Tóm tắt **kết quả**."
    paper.save(update_fields=["abstract"])
    paper.current_revision.abstract = paper.abstract
    paper.current_revision.body = "# Mở đầu\n\nNội dung <script>alert(1)</script>"
    paper.current_revision.save(update_fields=["abstract", "body"])
    Paper.objects.filter(pk=paper.pk).update(body=paper.current_revision.body)

    # organizer_client is the same test client signed in as the organizer: it is asked first.
    organizer_html = organizer_client.get(
        reverse("conferences:organizer-paper", args=[conference.slug, paper.pk])
    )
    client.force_login(first)
    reviewer_html = client.get(reverse("conferences:reviewer-paper", args=[conference.slug, paper.pk]))

    reviewer_html, organizer_html = reviewer_html.content.decode(), organizer_html.content.decode()
    assert "Tóm tắt <strong>kết quả</strong>." in reviewer_html and "**" not in reviewer_html
    assert "<h2>Mở đầu</h2>" in reviewer_html and "<script>alert" not in reviewer_html
    assert "Tóm tắt <strong>kết quả</strong>." in organizer_html


def test_the_reviewer_page_shows_authors_when_the_review_is_not_blind(client, conference, reviewed):
    paper, first, _second = reviewed
    CallForPapers.objects.filter(conference=conference).update(blind_review=False)
    client.force_login(first)

    html = client.get(
        reverse("conferences:reviewer-paper", args=[conference.slug, paper.pk])
    ).content.decode()

    assert AGENCY in html and AUTHOR in html


def test_a_paper_not_assigned_is_a_404_for_a_reviewer(client, conference, reviewed):
    other = paper_make(conference)
    client.force_login(reviewed[1])

    assert (
        client.get(reverse("conferences:reviewer-paper", args=[conference.slug, other.pk])).status_code == 404
    )


def test_the_review_form_saves_a_draft_then_submits(client, conference, reviewed):
    paper, first, _second = reviewed
    client.force_login(first)
    url = reverse("conferences:reviewer-paper", args=[conference.slug, paper.pk])

    client.post(url, {"score_noi-dung": "7", "comment": "Nháp", "draft": ""})
    review = Review.objects.get(paper=paper, reviewer=first)
    assert (review.status, review.scores, review.comment) == ("draft", {"noi-dung": 7}, "Nháp")

    response = client.post(
        url,
        {
            "score_noi-dung": "8",
            "score_trinh-bay": "4",
            "recommendation": "accept",
            "confidential_comment": "Kín",
            "submit": "",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.scores, review.confidential_comment) == (
        "submitted",
        {"noi-dung": 8, "trinh-bay": 4},
        "Kín",
    )


def test_other_reviews_show_only_after_submitting_and_are_numbered_in_blind_mode(
    client, conference, reviewed
):
    paper, first, second = reviewed
    review_submit(
        paper=paper,
        reviewer=second,
        recommendation="reject",
        scores={"noi-dung": 1, "trinh-bay": 1},
        comment="Cần sửa nhiều",
    )
    Review.objects.filter(reviewer=second).update(confidential_comment="Bí mật")
    client.force_login(first)
    url = reverse("conferences:reviewer-paper", args=[conference.slug, paper.pk])

    before = client.get(url).content.decode()
    assert "Cần sửa nhiều" not in before

    review_submit(
        paper=paper, reviewer=first, recommendation="accept", scores={"noi-dung": 9, "trinh-bay": 5}
    )
    after = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cần sửa nhiều" in after
    assert "Reviewer 2" in after  # "Phản biện 2" once the lead fills the translations
    assert "Lê Văn Hai" not in after and "Bí mật" not in after


def test_the_reviewer_list_shows_each_review_state(client, conference, reviewed):
    paper, first, _second = reviewed
    client.force_login(first)

    html = client.get(
        reverse("conferences:reviewer-papers", args=[conference.slug]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert paper.title in html and "Not started" in html


def test_signing_in_lands_a_reviewer_on_their_papers(client, conference):
    reviewer = reviewer_make(conference)
    reviewer.set_password("mat-khau-phan-bien-2021")
    reviewer.save()

    response = client.post(
        reverse("conferences:sign-in"), {"username": reviewer.username, "password": "mat-khau-phan-bien-2021"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("conferences:reviewer-papers", args=[conference.slug])


def test_signing_in_lands_an_organizer_on_the_workspace_with_one_conference_or_more(
    client, conference, organizer
):
    organizer.set_password("mat-khau-ban-to-chuc-2021")
    organizer.save()
    credentials = {"username": organizer.username, "password": "mat-khau-ban-to-chuc-2021"}

    response = client.post(reverse("conferences:sign-in"), credentials)

    assert response["Location"] == reverse("conferences:workspace")
    client.logout()
    ConferenceRole.objects.create(
        conference=ConferenceFactory(), user=organizer, role=ConferenceRole.Role.ORGANIZER
    )
    assert client.post(reverse("conferences:sign-in"), credentials)["Location"] == reverse(
        "conferences:workspace"
    )


def test_the_accept_page_makes_an_account_and_signs_it_in(client, conference, organizer, run_commit_tasks):
    from conferences.services.reviewers import reviewer_invite
    from notifications.models import Notification

    with run_commit_tasks():
        reviewer_invite(
            conference=conference, email="moi@soqn.gov.vn", full_name="Phạm Thị Mới", invited_by=organizer
        )
    token = Notification.objects.get().body_text.split("/phan-bien/moi/")[1].split("/")[0]
    url = reverse("conferences:reviewer-accept", args=[token])

    assert client.get(url).status_code == 200
    response = client.post(url, {"password1": "mat-khau-moi-2021-x", "password2": "mat-khau-moi-2021-x"})

    assert response["Location"] == reverse("conferences:reviewer-papers", args=[conference.slug])
    assert ConferenceRole.objects.filter(user__username="moi@soqn.gov.vn", role="reviewer").exists()
    assert client.get(response["Location"]).status_code == 200
    assert client.get(url).status_code == 404  # one time


def test_the_ranking_table_filters_searches_and_flags_disagreement(organizer_client, conference, reviewed):
    paper, first, second = reviewed
    other = paper_make(conference, title="Cải cách hành chính Hải Phòng")
    review_submit(
        paper=paper, reviewer=first, recommendation="accept", scores={"noi-dung": 10, "trinh-bay": 5}
    )
    review_submit(
        paper=paper, reviewer=second, recommendation="reject", scores={"noi-dung": 0, "trinh-bay": 0}
    )
    url = reverse("conferences:organizer-papers", args=[conference.slug])

    html = organizer_client.get(url, {"q": "quang ninh"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert paper.title in html and other.title not in html
    assert "reviewers disagree" in html and "2/2" in html

    html = organizer_client.get(url, {"disagreement": "on"}).content.decode()
    assert paper.title in html and other.title not in html
    html = organizer_client.get(url, {"incomplete": "on"}).content.decode()
    assert other.title in html and paper.title not in html


def test_the_bulk_decision_decides_every_selected_paper(organizer_client, conference):
    papers = [paper_make(conference) for _ in range(3)]
    # Asking for revisions needs a revision round that is still open.
    CallForPapers.objects.filter(conference=conference).update(
        revision_closes_at=timezone.now() + datetime.timedelta(days=7)
    )

    response = organizer_client.post(
        reverse("conferences:organizer-papers-decide", args=[conference.slug]),
        {"status": "revision_requested", "ids": [papers[0].pk, papers[1].pk]},
    )

    assert response.status_code == 302
    assert list(Paper.objects.order_by("pk").values_list("status", flat=True)) == [
        "revision_requested",
        "revision_requested",
        "submitted",
    ]


def test_organizer_pages_refuse_a_reviewer(client, conference, reviewed):
    client.force_login(reviewed[1])
    for name in ("organizer-papers", "organizer-reviewers", "organizer-assignments"):
        # A draft conference is a 404 for all but its organizers; a published one a 403.
        assert client.get(reverse(f"conferences:{name}", args=[conference.slug])).status_code == 404
    conference.status = "published"
    conference.save(update_fields=["status"])
    for name in ("organizer-papers", "organizer-reviewers", "organizer-assignments"):
        assert client.get(reverse(f"conferences:{name}", args=[conference.slug])).status_code == 403


def test_organizer_pages_render(organizer_client, conference, reviewed):
    paper = reviewed[0]
    for url in (
        reverse("conferences:organizer-reviewers", args=[conference.slug]),
        reverse("conferences:organizer-assignments", args=[conference.slug]),
        reverse("conferences:organizer-paper", args=[conference.slug, paper.pk]),
    ):
        response = organizer_client.get(url)
        assert response.status_code == 200
    assert (
        AGENCY
        in organizer_client.get(
            reverse("conferences:organizer-paper", args=[conference.slug, paper.pk])
        ).content.decode()
    )


def test_automatic_assignment_from_the_page_reports_the_result(organizer_client, conference):
    reviewer_make(conference)
    paper_make(conference)

    response = organizer_client.post(
        reverse("conferences:organizer-assignments-action", args=[conference.slug]),
        {"action": "auto"},
        follow=True,
    )

    assert ReviewAssignment.objects.count() == 1
    assert response.context["result"]["created"] == 1


def test_the_ranking_and_the_reviewer_list_take_a_fixed_number_of_queries(
    client, organizer_client, conference, django_assert_max_num_queries
):
    _papers, users = bulk_review_load(conference, papers=1000, reviewers=30, per_paper=3)

    with django_assert_max_num_queries(10):
        response = organizer_client.get(reverse("conferences:organizer-papers", args=[conference.slug]))
    assert response.content.decode().count('name="ids"') == 50  # one page
    assert response.context["page_obj"].paginator.count == 1000

    client.force_login(users[0])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("conferences:reviewer-papers", args=[conference.slug]))
    assert len(response.context["rows"]) == 100


def _with_pdf(paper):
    from django.core.files.base import ContentFile

    from tests.paper_files import valid_pdf

    revision = paper.current_revision
    revision.file.save(
        "x.pdf", ContentFile(valid_pdf(author=AGENCY, title=f"Tham luận của {AGENCY}")), save=False
    )
    revision.file_name, revision.file_kind = "Tham luận Sở KH&CN Quảng Ninh.pdf", "pdf"
    revision.save()
    return revision


def test_a_blind_download_names_no_one_in_its_name_or_metadata(client, conference, reviewed):
    import io

    from pypdf import PdfReader

    paper, first, _second = reviewed
    _with_pdf(paper)
    client.force_login(first)

    page = client.get(
        reverse("conferences:reviewer-paper", args=[conference.slug, paper.pk])
    ).content.decode()
    assert "Quảng Ninh" not in page
    response = client.get(reverse("conferences:reviewer-paper-file", args=[conference.slug, paper.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"tham-luan-{paper.pk}-v1.pdf\"; filename*=UTF-8''tham-luan-{paper.pk}-v1.pdf"
    )
    metadata = PdfReader(io.BytesIO(response.content)).metadata or {}
    assert AGENCY not in str(dict(metadata))


def test_an_organizer_downloads_the_file_as_sent(organizer_client, conference, reviewed):
    paper = reviewed[0]
    _with_pdf(paper)

    response = organizer_client.get(
        reverse("conferences:organizer-paper-revision-file", args=[conference.slug, paper.pk, 1])
    )

    assert response.status_code == 200
    assert 'filename="Tham-luan-So-KH-CN-Quang-Ninh.pdf"' in response["Content-Disposition"]


def test_a_reviewer_cannot_download_a_paper_not_assigned(client, conference, reviewed):
    other = paper_make(conference)
    _with_pdf(other)
    client.force_login(reviewed[1])

    assert (
        client.get(reverse("conferences:reviewer-paper-file", args=[conference.slug, other.pk])).status_code
        == 404
    )


def test_deciding_all_matching_papers_confirms_the_count_then_decides_the_filtered_ones_only(
    organizer_client, conference
):
    inside = [paper_make(conference, title=f"Đổi mới sáng tạo {n}") for n in range(2)]
    outside = paper_make(conference, title="Cải cách hành chính")
    url = reverse("conferences:organizer-papers-decide", args=[conference.slug])
    # The filter travels under its prefix, beside the decision's own "status".
    data = {"status": "accepted", "all_matching": "1", "filter-q": "doi moi", "filter-status": "submitted"}

    ask = organizer_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-count="2">Record “Accept” for all 2 papers that match the filter?' in ask.content.decode()
    assert '<input type="hidden" name="filter-q" value="doi moi">' in ask.content.decode()
    assert not Paper.objects.filter(status="accepted").exists()

    late = paper_make(conference, title="Đổi mới sáng tạo muộn")  # matches by the time of the click
    organizer_client.post(url, {**data, "confirmed": "1"})

    statuses = dict(Paper.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in [*inside, late]] == ["accepted"] * 3
    assert statuses[outside.pk] == "submitted"
