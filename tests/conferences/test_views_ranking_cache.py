"""The ranking table's cached rows: every change the table shows is on the page at the next request."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from conferences.models import Organization, Paper, PaperTopic
from conferences.selectors.reviews import paper_ranking_stamp
from conferences.services.paper_decisions import paper_decide
from conferences.services.review_assignment import review_assign, review_unassign
from conferences.services.reviews import review_submit
from tests.conferences.review_helpers import assign, criteria_make, paper_make, reviewer_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def table(conference):
    """Two papers, two reviewers on the first; the page already seen once (its rows cached)."""
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


def test_a_second_request_reuses_the_rows_with_fewer_queries(
    organizer_client, conference, table, django_assert_num_queries
):
    url = reverse("conferences:organizer-papers", args=[conference.slug])
    with django_assert_num_queries(10) as cold:
        first = organizer_client.get(url).content.decode()
    with django_assert_num_queries(5) as warm:
        second = organizer_client.get(url).content.decode()

    assert len(warm) < len(cold)
    rows = first.split("<tbody>")[1].split("</tbody>")[0]
    assert rows == second.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count('name="ids"') == 2
    assert "csrfmiddlewaretoken" in first and "csrfmiddlewaretoken" not in rows


def test_a_new_review_shows_at_once_with_its_translated_recommendation(organizer_client, conference, table):
    paper, _other, first, _second = table
    assert "0/2" in _row(_rows(organizer_client, conference), paper)

    review_submit(
        paper=paper, reviewer=first, recommendation="accept", scores={"noi-dung": 8, "trinh-bay": 4}
    )

    row = _row(_rows(organizer_client, conference), paper)
    assert "1/2" in row and "<td>80.0</td>" in row
    assert "<td>Accept: 1</td>" in row and "accept: 1" not in row


def test_a_decision_shows_at_once(organizer_client, conference, table):
    paper = table[0]
    assert "<td>Submitted</td>" in _row(_rows(organizer_client, conference), paper)

    paper_decide(paper=paper, status=Paper.Status.REJECTED)

    assert "<td>Rejected</td>" in _row(_rows(organizer_client, conference), paper)


def test_an_assignment_and_its_removal_show_at_once(organizer_client, conference, table):
    _paper, other, first, _second = table
    assert "<td>0/0</td>" in _row(_rows(organizer_client, conference), other)

    review_assign(paper=other, reviewer=first, assigned_by=None)
    assert "<td>0/1</td>" in _row(_rows(organizer_client, conference), other)

    review_unassign(paper=other, reviewer=first)
    assert "<td>0/0</td>" in _row(_rows(organizer_client, conference), other)


def test_a_paper_edit_and_an_agency_rename_show_at_once(organizer_client, conference, table):
    paper = table[0]
    _rows(organizer_client, conference)

    # Every edit path (paper_edit, the admin) saves the paper, which sets updated_at.
    paper.title = "Đổi mới sáng tạo tỉnh Quảng Ninh 2021"
    paper.save()
    agency = Organization.objects.get(pk=paper.presenting_organization_id)
    agency.name = "Sở KH&CN Quảng Ninh (mới)"
    agency.save()

    row = _row(_rows(organizer_client, conference), paper)
    assert "Đổi mới sáng tạo tỉnh Quảng Ninh 2021" in row
    assert "Sở KH&amp;CN Quảng Ninh (mới)" in row


def test_each_language_and_each_filter_has_its_own_rows(organizer_client, conference, table):
    paper, other = table[0], table[1]
    url = reverse("conferences:organizer-papers", args=[conference.slug])

    english = organizer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vietnamese = organizer_client.get(url).content.decode()
    searched = _rows(organizer_client, conference, q="hai phong")

    assert "<td>Submitted</td>" in english and "<td>Submitted</td>" not in vietnamese
    assert other.title in searched and paper.title not in searched


def test_the_stamp_changes_with_a_review_and_not_without_a_change(conference, table):
    paper, _other, first, _second = table
    before = paper_ranking_stamp(conference=conference)
    assert paper_ranking_stamp(conference=conference) == before

    review_submit(
        paper=paper, reviewer=first, recommendation="reject", scores={"noi-dung": 1, "trinh-bay": 1}
    )

    after = paper_ranking_stamp(conference=conference)
    assert after != before and after[-1] == 30


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


def test_the_filters_keep_what_was_sent_from_the_cache(organizer_client, conference, table):
    url = reverse("conferences:organizer-papers", args=[conference.slug])
    organizer_client.get(url, {"q": "hai phong", "sort": "title"})

    again = organizer_client.get(url, {"q": "hai phong", "sort": "title"}).content.decode()
    plain = organizer_client.get(url).content.decode()

    assert 'name="q" value="hai phong"' in again and '<option value="title" selected>' in again
    assert 'name="q" value="hai phong"' not in plain and '<option value="title" selected>' not in plain
    assert again.count('name="ids"') == 1 and plain.count('name="ids"') == 2


def test_a_new_review_rebuilds_the_rows_but_not_the_filters(
    organizer_client, conference, table, django_assert_num_queries
):
    paper, _other, first, _second = table
    url = reverse("conferences:organizer-papers", args=[conference.slug])
    organizer_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    review_submit(
        paper=paper, reviewer=first, recommendation="accept", scores={"noi-dung": 8, "trinh-bay": 4}
    )

    with django_assert_num_queries(9):  # the rows' four reads, no topics read for the form
        html = organizer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<td>80.0</td>" in _row(html.split("<tbody>")[1], paper)
    assert '<select name="status" id="id_status">' in html
