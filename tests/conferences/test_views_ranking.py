"""The ranking table: stored figures that every change keeps current, filters, sorts and pages in SQL."""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import reverse

from conferences.models import Organization, Paper, PaperReviewFigures, PaperTopic, ReviewCriterion
from conferences.selectors.review_stats import review_figures
from conferences.selectors.reviews import paper_ranking
from conferences.services.call_for_papers import call_for_papers_update
from conferences.services.paper_decisions import paper_decide
from conferences.services.review_assignment import review_assign, review_auto_assign, review_unassign
from conferences.services.review_figures import review_figures_refresh
from conferences.services.reviewers import reviewer_conflict_add, reviewer_remove
from conferences.services.reviews import review_save, review_submit
from tests.conferences.review_helpers import (
    assign,
    bulk_review_load,
    criteria_make,
    paper_make,
    reviewer_make,
)
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(conference):
    """Two papers, two reviewers on the first."""
    criteria_make(conference)
    paper = paper_make(conference, title="Đổi mới sáng tạo Quảng Ninh")
    other = paper_make(conference, title="Cải cách hành chính Hải Phòng")
    first, second = reviewer_make(conference), reviewer_make(conference)
    assign(paper, first, second)
    return paper, other, first, second


def _rows(client, conference, **params) -> str:
    html = client.get(
        reverse("conferences:organizer-papers", args=[conference.slug]), params, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    return html.split("<tbody>")[1].split("</tbody>")[0]


def _row(rows: str, paper) -> str:
    return next(line for line in rows.splitlines() if f'value="{paper.pk}"' in line)


def _stored(conference) -> dict:
    return {
        f.paper_id: (f.assigned, f.done, f.mean, f.spread, f.recommendations)
        for f in PaperReviewFigures.objects.filter(paper__conference=conference)
    }


def _live(conference) -> dict:
    papers = Paper.objects.filter(conference=conference).values_list("pk", flat=True)
    figures = review_figures(conference_id=conference.pk, margin=30)
    live = {}
    for pk in papers:
        assigned, done, _scores, mean, spread, _disagrees, recommendations = figures.get(
            pk, (0, 0, (), None, None, False, {})
        )
        live[pk] = (assigned, done, mean, spread, recommendations)
    return live


def _assert_current(conference):
    stored = _stored(conference)
    for pk, figures in _live(conference).items():
        assert stored.get(pk, (0, 0, None, None, {})) == figures, pk


def test_every_service_that_changes_reviews_keeps_the_stored_figures_current(conference, table):
    paper, other, first, second = table
    _assert_current(conference)

    review_save(paper=paper, reviewer=first, scores={"noi-dung": 4}, submit=False)  # a draft counts nothing
    _assert_current(conference)
    review_submit(
        paper=paper, reviewer=first, recommendation="accept", scores={"noi-dung": 8, "trinh-bay": 4}
    )
    _assert_current(conference)
    assert _stored(conference)[paper.pk][:3] == (2, 1, 80.0)

    review_submit(
        paper=paper, reviewer=second, recommendation="reject", scores={"noi-dung": 2, "trinh-bay": 1}
    )
    _assert_current(conference)
    assert _stored(conference)[paper.pk][3] == 60.0  # spread: 80 - 20

    review_assign(paper=other, reviewer=first, assigned_by=None)
    _assert_current(conference)
    review_unassign(paper=other, reviewer=first)
    _assert_current(conference)

    # A new weight re-scores every submitted review; a new criterion leaves them without a full score.
    call_for_papers_update(
        conference=conference,
        user=None,
        criteria=[
            {"code": "noi-dung", "label": "Nội dung", "max_score": 10, "weight": 1},
            {"code": "trinh-bay", "label": "Trình bày", "max_score": 5, "weight": 1},
        ],
    )
    _assert_current(conference)
    assert _stored(conference)[paper.pk][2] == 50.0  # (80+80)/2 and (20+20)/2 -> 50

    reviewer_conflict_add(conference=conference, reviewer=first, organization=other.presenting_organization)
    _assert_current(conference)
    reviewer_remove(conference=conference, reviewer=second)
    _assert_current(conference)
    assert _stored(conference)[paper.pk][:2] == (2, 2)  # submitted reviews stay with their assignments


def test_automatic_assignment_stores_the_new_counts(conference, table):
    _paper, other, _first, _second = table
    reviewer_make(conference)
    review_auto_assign(conference=conference, assigned_by=None)

    _assert_current(conference)
    assert _stored(conference)[other.pk][0] >= 2


def test_a_criterion_changed_in_the_admin_re_scores_the_stored_figures(admin_client, conference, table):
    paper, _other, first, _second = table
    review_submit(
        paper=paper, reviewer=first, recommendation="accept", scores={"noi-dung": 10, "trinh-bay": 0}
    )
    assert _stored(conference)[paper.pk][2] == pytest.approx(66.67)
    criterion = ReviewCriterion.objects.get(conference=conference, code="trinh-bay")
    model_admin = admin_site._registry[ReviewCriterion]
    criterion.weight = 8

    model_admin.save_model(None, criterion, None, True)

    assert _stored(conference)[paper.pk][2] == 20.0  # 2*10/10 + 8*0/5 over 10
    _assert_current(conference)


def test_refreshing_twice_changes_nothing_and_ignores_other_conferences(conference, table):
    paper = table[0]
    foreign = paper_make(ConferenceFactory())

    assert review_figures_refresh(conference_id=conference.pk, paper_ids=[paper.pk, foreign.pk]) == 1
    assert review_figures_refresh(conference_id=conference.pk) == 2
    before = _stored(conference)
    assert review_figures_refresh(conference_id=conference.pk) == 2
    assert _stored(conference) == before
    assert not PaperReviewFigures.objects.filter(paper=foreign).exists()


def test_a_new_review_shows_at_once_with_its_translated_recommendation(organizer_client, conference, table):
    paper, _other, first, _second = table
    assert "0/2" in _row(_rows(organizer_client, conference), paper)

    review_submit(
        paper=paper, reviewer=first, recommendation="accept", scores={"noi-dung": 8, "trinh-bay": 4}
    )

    row = _row(_rows(organizer_client, conference), paper)
    assert "1/2" in row and "<td>80.0</td>" in row
    assert "<td>Accept: 1</td>" in row and "accept: 1" not in row


def test_a_decision_an_edit_and_an_agency_rename_show_at_once(organizer_client, conference, table):
    paper = table[0]
    assert "<td>Submitted</td>" in _row(_rows(organizer_client, conference), paper)

    paper_decide(paper=paper, status=Paper.Status.REJECTED)
    paper.refresh_from_db()
    paper.title = "Đổi mới sáng tạo tỉnh Quảng Ninh 2021"
    paper.save(update_fields=["title"])
    agency = Organization.objects.get(pk=paper.presenting_organization_id)
    agency.name = "Sở KH&CN Quảng Ninh (mới)"
    agency.save()

    row = _row(_rows(organizer_client, conference, q="tinh quang ninh 2021"), paper)
    assert "<td>Rejected</td>" in row
    assert "Đổi mới sáng tạo tỉnh Quảng Ninh 2021" in row
    assert "Sở KH&amp;CN Quảng Ninh (mới)" in row


def test_search_ignores_accents_and_finds_agencies(organizer_client, conference, table):
    paper, other = table[0], table[1]
    Organization.objects.filter(pk=other.presenting_organization_id).update(
        search_name="so tai chinh hai phong"
    )

    by_title = _rows(organizer_client, conference, q="HAI PHÒNG")
    by_agency = _rows(organizer_client, conference, q="Sở Tài chính")
    nothing = _rows(organizer_client, conference, q="100%_")

    assert other.title in by_title and paper.title not in by_title
    assert other.title in by_agency and paper.title not in by_agency
    assert "No papers." in nothing


def _ranked(conference, **filters) -> list[int]:
    return [row.id for row in paper_ranking(conference=conference, page_size=1000, **filters).object_list]


def test_sorts_put_papers_without_a_score_last_when_descending_and_first_when_ascending(conference, table):
    paper, other, first, _second = table
    third = paper_make(conference, title="Ải Chi Lăng")
    assign(third, first)
    review_submit(
        paper=paper, reviewer=first, recommendation="accept", scores={"noi-dung": 2, "trinh-bay": 1}
    )
    review_submit(
        paper=third, reviewer=first, recommendation="accept", scores={"noi-dung": 9, "trinh-bay": 5}
    )

    assert _ranked(conference, sort="-mean") == [third.pk, paper.pk, other.pk]
    assert _ranked(conference, sort="mean") == [other.pk, paper.pk, third.pk]
    # Folded titles: "Ải" sorts as "ai" and "Đổi" as "doi", not by their letters' code points.
    assert _ranked(conference, sort="title") == [third.pk, other.pk, paper.pk]
    assert _ranked(conference, sort="done") == [other.pk, third.pk, paper.pk]  # 0/0, 1/1, 1/2
    assert _ranked(conference, sort="-id") == [third.pk, other.pk, paper.pk]


def test_the_disagreement_and_incomplete_filters(conference, table):
    paper, other, first, second = table
    review_submit(
        paper=paper, reviewer=first, recommendation="accept", scores={"noi-dung": 10, "trinh-bay": 5}
    )
    review_submit(
        paper=paper, reviewer=second, recommendation="reject", scores={"noi-dung": 0, "trinh-bay": 0}
    )

    assert _ranked(conference, disagreement=True) == [paper.pk]  # spread 100 > margin 30
    assert _ranked(conference, incomplete=True) == [other.pk]  # nothing assigned is not complete
    call_for_papers_update(conference=conference, user=None, disagreement_margin=100)
    assert _ranked(conference, disagreement=True) == []


def test_topic_and_status_filters(conference, table):
    paper, other = table[0], table[1]
    topic = PaperTopic.objects.create(conference=conference, label="Điều 4")
    Paper.objects.filter(pk=other.pk).update(topic=topic)
    paper_decide(paper=paper, status=Paper.Status.ACCEPTED)

    assert _ranked(conference, topic=topic.pk) == [other.pk]
    assert _ranked(conference, status=Paper.Status.ACCEPTED) == [paper.pk]


def test_many_papers_are_paged_with_the_filters_kept(organizer_client, conference):
    bulk_review_load(conference, papers=120, reviewers=10, per_paper=3)
    url = reverse("conferences:organizer-papers", args=[conference.slug])

    first = organizer_client.get(url, {"sort": "id"}, HTTP_ACCEPT_LANGUAGE="en")
    last = organizer_client.get(url, {"sort": "id", "page": "3"}, HTTP_ACCEPT_LANGUAGE="en")
    beyond = organizer_client.get(url, {"sort": "id", "page": "99"}, HTTP_ACCEPT_LANGUAGE="en")
    junk = organizer_client.get(url, {"sort": "id", "page": "x'"}, HTTP_ACCEPT_LANGUAGE="en")

    html = first.content.decode()
    assert html.count('name="ids"') == 50 and "120 papers" in html and "Page 1 of 3" in html
    assert "page=2" in html and "sort=id" in html.split('rel="next"')[0].rsplit("href=", 1)[1]
    assert last.content.decode().count('name="ids"') == 20
    assert beyond.status_code == 200 and beyond.context["page_obj"].number == 3
    assert junk.status_code == 200 and junk.context["page_obj"].number == 1


HOSTILE = "Thuế <script>alert(\"x\")</script> & phí '2021'"
HOSTILE_HTML = "Thuế &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; phí &#x27;2021&#x27;"


def test_titles_agencies_and_topics_are_escaped_in_the_rows(organizer_client, conference):
    topic = PaperTopic.objects.create(conference=conference, label="Chủ đề <b>&</b>")
    agency = Organization.objects.create(name="Sở <i>KH&CN</i>", code="so-khcn-hostile")
    paper = paper_make(conference, title=HOSTILE, organization=agency, topic=topic)

    row = _row(_rows(organizer_client, conference), paper)

    assert f'aria-label="{HOSTILE_HTML}"' in row
    assert f'/tham-luan/{paper.pk}/">{HOSTILE_HTML}</a>' in row
    assert "<td>Sở &lt;i&gt;KH&amp;CN&lt;/i&gt;</td>" in row
    assert "<td>Chủ đề &lt;b&gt;&amp;&lt;/b&gt;</td>" in row
    assert "<script>" not in row and "<i>" not in row and "<b>" not in row


def test_each_language_has_its_own_labels_and_the_filters_keep_what_was_sent(
    organizer_client, conference, table
):
    url = reverse("conferences:organizer-papers", args=[conference.slug])

    english = organizer_client.get(url, {"q": "hai phong", "sort": "title"}, HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = organizer_client.get(url).content.decode()

    english = english.content.decode()
    assert "<td>Submitted</td>" in english and "<td>Submitted</td>" not in vietnamese
    assert 'name="q" value="hai phong"' in english and '<option value="title" selected>' in english
    assert english.count('name="ids"') == 1 and vietnamese.count('name="ids"') == 2


def test_the_reviewer_list_escapes_titles_and_shows_translated_states(client, conference):
    paper = paper_make(conference, title=HOSTILE)
    reviewer = reviewer_make(conference)
    assign(paper, reviewer)
    client.force_login(reviewer)
    url = reverse("conferences:reviewer-papers", args=[conference.slug])

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vietnamese = client.get(url).content.decode()

    assert f'/phan-bien/{conference.slug}/{paper.pk}/">{HOSTILE_HTML}</a>' in english
    assert "<script>" not in english.split("<tbody>")[1]
    assert '<tr class="review-not_started">' in english and "<td>Not started</td>" in english
    assert "<td>Submitted</td>" in english  # the paper's status
    assert "<td>Đã nộp</td>" in vietnamese and "<td>Submitted</td>" not in vietnamese
