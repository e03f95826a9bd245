"""The organizer's dashboard: its figures on a known conference, what needs attention, who may see it."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from conferences.models import (
    Invitation,
    Organization,
    Paper,
    Registration,
    Review,
    ReviewAssignment,
)
from conferences.selectors.dashboard import conference_dashboard
from notifications.models import Notification
from tests.conferences.notice_helpers import make_held_notices, make_notice
from tests.conferences.review_helpers import reviewer_make
from tests.factories import (
    ConferenceRoleFactory,
    InvitationFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    ProvinceFactory,
    RegistrationFactory,
    UserFactory,
    conference_build,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"

Status = Invitation.Status


def dashboard_url(conference) -> str:
    return reverse("conferences:organizer-dashboard", kwargs={"slug": conference.slug})


def charts_of(html: str) -> dict[str, ET.Element]:
    """Every inline SVG chart of the page by id, parsed as XML (which fails on malformed markup)."""
    charts = {}
    for part in html.split("<svg")[1:]:
        chart = ET.fromstring("<svg" + part.split("</svg>")[0] + "</svg>")
        charts[chart.get("id")] = chart
    return charts


def figures_of(figures) -> dict[str, int]:
    return {figure.key: figure.count for figure in figures}


def delegate(conference, organization, *, checked_in=False, status=Registration.Status.CONFIRMED):
    return RegistrationFactory(
        conference=conference,
        organization=organization,
        person=PersonFactory(organization=organization),
        status=status,
        checked_in_at=timezone.now() if checked_in else None,
    )


@pytest.fixture
def known(conference):
    """A conference with a known count of everything the dashboard shows.

    Invitations: 2 sent, 2 accepted, 1 declined. Delegates (confirmed): 2 of a provincial committee of
    Quảng Ninh (one checked in), 1 of a ministry without province; one cancelled does not count.
    Papers: 2 submitted (one without reviewer), 1 under review, 1 accepted. Reviews: 3 assigned,
    1 submitted, 1 draft. Notices: 2 held, 1 sent.
    """
    quang_ninh = ProvinceFactory(name="Quảng Ninh", code="22")
    committee = OrganizationFactory(kind=Organization.Kind.PROVINCIAL_COMMITTEE, province=quang_ninh)
    ministry = OrganizationFactory(kind=Organization.Kind.MINISTRY)
    for status in (Status.SENT, Status.SENT, Status.ACCEPTED, Status.DECLINED):
        InvitationFactory(conference=conference, status=status)
    InvitationFactory(conference=conference, organization=committee, status=Status.ACCEPTED)
    delegate(conference, committee, checked_in=True)
    delegate(conference, committee)
    delegate(conference, ministry)
    delegate(conference, ministry, status=Registration.Status.CANCELLED)

    first, second = reviewer_make(conference), reviewer_make(conference)
    PaperFactory(conference=conference, status=Paper.Status.SUBMITTED)  # no reviewer
    assigned = PaperFactory(conference=conference, status=Paper.Status.SUBMITTED)
    in_review = PaperFactory(conference=conference, status=Paper.Status.UNDER_REVIEW)
    PaperFactory(conference=conference, status=Paper.Status.ACCEPTED)
    for paper, reviewer in ((assigned, first), (in_review, first), (in_review, second)):
        ReviewAssignment.objects.create(paper=paper, reviewer=reviewer)
    Review.objects.create(paper=in_review, reviewer=first, status=Review.Status.SUBMITTED)
    Review.objects.create(paper=in_review, reviewer=second, status=Review.Status.DRAFT)

    make_notice(conference, 1)
    make_notice(conference, 2)
    make_notice(conference, 3, state=Notification.State.SENT)
    return conference


# The figures ------------------------------------------------------------------------------------------


def test_the_figures_of_a_known_conference(known):
    figures = conference_dashboard(conference=known)

    assert figures_of(figures.invitations) == {
        "draft": 0,
        "sent": 2,
        "accepted": 2,
        "declined": 1,
        "revoked": 0,
    }
    assert [(f.key, f.label, f.count) for f in figures.delegates_by_kind] == [
        ("provincial_committee", "Provincial People's Committee", 2),
        ("ministry", "Ministry", 1),
    ]
    assert [(f.key, f.label, f.count) for f in figures.delegates_by_province] == [
        ("22", "Quảng Ninh", 2),
        ("", "No province", 1),
    ]
    assert figures_of(figures.papers) == {
        "draft": 0,
        "submitted": 2,
        "under_review": 1,
        "revision_requested": 0,
        "accepted": 1,
        "rejected": 0,
        "withdrawn": 0,
    }
    assert figures_of(figures.notices) == {
        "held": 2,
        "pending": 0,
        "sending": 0,
        "sent": 1,
        "dead": 0,
        "cancelled": 0,
    }
    assert (figures.registered, figures.checked_in) == (3, 1)
    assert (figures.reviews_assigned, figures.reviews_done) == (3, 1)
    assert (figures.held_notices, figures.papers_without_reviewers, figures.unanswered) == (2, 1, 2)


def test_the_page_shows_each_charts_figures_in_its_table(organizer_client, known):
    html = organizer_client.get(dashboard_url(known), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    def row(section_id: str, label: str) -> str:
        section = html.split(f'id="{section_id}"')[1].split("</section>")[0]
        table = section.split("<tbody>")[1]
        return next(line for line in table.split("<tr>") if f">{label}<" in line)

    assert '<td class="count">2</td>' in row("figures-invitations", "Sent")
    assert '<td class="count">1</td>' in row("figures-invitations", "Declined")
    assert '<td class="count">2</td>' in row("figures-kind", "Provincial People&#x27;s Committee")
    assert '<td class="count">2</td>' in row("figures-province", "Quảng Ninh")
    assert '<td class="count">1</td>' in row("figures-papers", "Under review")
    assert '<td class="count">2</td>' in row("figures-notices", "Held for approval")
    assert '<td class="count">1</td>' in row("figures-progress", "Delegates checked in")
    assert '<td class="count">3</td>' in row("figures-progress", "Reviews assigned")
    # The charts say the same: each is well-formed SVG named by a title that carries its figures.
    charts = charts_of(html)
    assert {chart.get("role") for chart in charts.values()} == {"img"}
    assert {key: chart.find(f"{SVG}title").text for key, chart in charts.items()} == {
        "chart-invitations": "Invitations by state: Draft 0; Sent 2; Accepted 2; Declined 1; Revoked 0",
        "chart-progress": (
            "Reviews and check-ins: Reviews assigned 3; Reviews done 1; "
            "Delegates registered 3; Delegates checked in 1"
        ),
        "chart-delegates-kind": "Delegates by agency kind: Provincial People's Committee 2; Ministry 1",
        "chart-delegates-province": "Delegates by province: Quảng Ninh 2; No province 1",
        "chart-province-map": "Delegates by province, on the map: Quảng Ninh 2",
        "chart-papers": (
            "Papers by state: Draft 0; Submitted 2; Under review 1; Revision requested 0; "
            "Accepted 1; Rejected 0; Withdrawn 0"
        ),
        "chart-notices": (
            "Notices by state: Held for approval 2; Pending 0; Sending 0; Sent 1; Failed 0; Cancelled 0"
        ),
    }


def test_table_rows_link_to_the_filtered_lists(organizer_client, known):
    html = organizer_client.get(dashboard_url(known), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    slug = known.slug

    assert f'href="/to-chuc/{slug}/giay-moi/?state=declined"' in html
    # Delegates are counted by registration: their rows open the delegate list with the same filter.
    assert f'href="/to-chuc/{slug}/dai-bieu/?province=22"' in html
    assert f'href="/to-chuc/{slug}/dai-bieu/?kind=ministry"' in html
    assert f'<a href="/to-chuc/{slug}/dai-bieu/">Delegates registered</a>' in html
    assert f'href="/to-chuc/{slug}/tham-luan/?status=under_review"' in html
    assert f'href="/to-chuc/{slug}/thong-bao/?state=sent"' in html


def test_an_empty_conference_shows_zeros_and_nothing_to_do(organizer_client, conference):
    html = organizer_client.get(dashboard_url(conference), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Nothing needs your attention now." in html
    assert html.count("Nothing yet") >= 2  # the delegates' charts have no bar


# Needs your attention now -------------------------------------------------------------------------------


def attention(client, conference) -> str:
    html = client.get(dashboard_url(conference), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return html.split('aria-labelledby="attention-title"')[1].split("</section>")[0]


def test_held_notices_and_papers_without_reviewers_need_attention_until_handled(organizer_client, known):
    slug = known.slug
    box = attention(organizer_client, known)
    assert f'<a href="/to-chuc/{slug}/thong-bao/?state=held">2 notices are held for your approval</a>' in box
    assert f'<a href="/to-chuc/{slug}/phan-cong/">1 paper has no reviewer</a>' in box

    Notification.objects.filter(state=Notification.State.HELD).update(state=Notification.State.PENDING)
    paper = Paper.objects.get(conference=known, status=Paper.Status.SUBMITTED, review_assignments=None)
    ReviewAssignment.objects.create(paper=paper, reviewer=UserFactory(password=None))

    box = attention(organizer_client, known)
    assert "held for your approval" not in box
    assert "no reviewer" not in box
    assert "Nothing needs your attention now." in box


def test_withdrawn_papers_need_no_reviewer(organizer_client, conference):
    PaperFactory(conference=conference, status=Paper.Status.WITHDRAWN)
    PaperFactory(conference=conference, status=Paper.Status.DRAFT)

    assert conference_dashboard(conference=conference).papers_without_reviewers == 0


@pytest.mark.parametrize(
    ("days_to_deadline", "shown"),
    [(3, False), (2, True), (0.5, True), (-1, True)],
)
def test_agencies_without_answer_need_attention_from_two_days_before_the_deadline(
    client, host, days_to_deadline, shown
):
    now = timezone.now()
    conference = conference_build(
        host, days_ahead=5, rsvp_deadline=now + datetime.timedelta(days=days_to_deadline)
    )
    client.force_login(ConferenceRoleFactory(conference=conference, user__password=None).user)
    InvitationFactory(conference=conference, status=Status.SENT)
    InvitationFactory(conference=conference, status=Status.ACCEPTED)

    box = attention(client, conference)

    link = f'<a href="/to-chuc/{conference.slug}/giay-moi/?state=sent">1 agency has not answered</a>'
    assert (link in box) is shown


def test_no_unanswered_attention_when_every_agency_answered_or_the_conference_began(host):
    now = timezone.now()
    conference = conference_build(host, days_ahead=1, rsvp_deadline=now + datetime.timedelta(hours=12))
    InvitationFactory(conference=conference, status=Status.ACCEPTED)
    assert not conference_dashboard(conference=conference).unanswered_needs_attention

    InvitationFactory(conference=conference, status=Status.SENT)
    assert conference_dashboard(conference=conference).unanswered_needs_attention
    after_start = conference.starts_at + datetime.timedelta(hours=1)
    assert not conference_dashboard(conference=conference, now=after_start).unanswered_needs_attention


# Who may see it ----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, conference):
    url = dashboard_url(conference)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"


def test_organizer_of_another_conference_gets_404_for_a_draft_and_403_once_published(
    client, host, conference
):
    other = conference_build(host, title_vi="Hội nghị khác")
    client.force_login(ConferenceRoleFactory(conference=other, user__password=None).user)

    assert client.get(dashboard_url(conference)).status_code == 404
    conference.status = conference.Status.PUBLISHED
    conference.save(update_fields=["status"])
    assert client.get(dashboard_url(conference)).status_code == 403


def test_a_reviewer_of_the_conference_is_refused(client, conference):
    conference.status = conference.Status.PUBLISHED
    conference.save(update_fields=["status"])
    client.force_login(reviewer_make(conference))

    assert client.get(dashboard_url(conference)).status_code == 403


def test_unknown_conference_is_404(organizer_client):
    assert organizer_client.get("/to-chuc/khong-co-hoi-nghi-nay/").status_code == 404


# Cost --------------------------------------------------------------------------------------------------


def test_queries_do_not_grow_with_rows(organizer_client, conference, django_assert_max_num_queries):
    def load() -> None:
        response = organizer_client.get(dashboard_url(conference))
        assert response.status_code == 200

    with django_assert_max_num_queries(13) as small:
        load()
    provinces = [ProvinceFactory() for _ in range(5)]
    kinds = list(Organization.Kind.values)
    organizations = [
        OrganizationFactory(kind=kinds[n % len(kinds)], province=provinces[n % len(provinces)])
        for n in range(300)
    ]
    Invitation.objects.bulk_create(
        Invitation(conference=conference, organization=organization, status=Status.values[n % 5])
        for n, organization in enumerate(organizations)
    )
    Registration.objects.bulk_create(
        Registration(conference=conference, organization=organization, person=PersonFactory())
        for organization in organizations[:100]
    )
    Paper.objects.bulk_create(
        Paper(conference=conference, title=f"Tham luận {n}", status=Paper.Status.values[n % 7])
        for n in range(100)
    )
    make_held_notices(conference, 50)

    with django_assert_max_num_queries(len(small.captured_queries)):
        load()
    assert conference_dashboard(conference=conference).invitations_total == 300


# Hostile names and languages ---------------------------------------------------------------------------


def test_a_province_named_like_a_script_is_shown_as_text(organizer_client, conference):
    province = ProvinceFactory(name='<script>alert("tỉnh")</script>')
    delegate(conference, OrganizationFactory(province=province, kind=Organization.Kind.DEPARTMENT))

    html = organizer_client.get(dashboard_url(conference), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;tỉnh&quot;)&lt;/script&gt;" in html  # the table
    chart = charts_of(html)["chart-delegates-province"]  # parsed: still well-formed XML
    assert '<script>alert("tỉnh")</script> 1' in chart.find(f"{SVG}title").text


def test_english(organizer_client, known):
    html = organizer_client.get(dashboard_url(known), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en">' in html
    assert "<h1>Overview</h1>" in html
    assert "Needs your attention now" in html
    assert "Delegates by province" in html


def test_vietnamese_by_default(organizer_client, known):
    html = organizer_client.get(dashboard_url(known)).content.decode()

    assert '<html lang="vi">' in html
    # Labels the translation already has: states, agency kinds, the list pages.
    assert ">Chờ duyệt<" in html  # held for approval
    assert ">Ủy ban nhân dân tỉnh<" in html
    assert "Invitations by state: " not in html
