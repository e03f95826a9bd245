"""Long organizer lists: pages past 100 rows keep their filters, columns sort, bulk actions act on
a selection or on every row that matches the filter (counted by the server), and bulk sending is a
job whose progress the organizer can read, and nobody else."""

import re
from html import unescape

import pytest
from django.test import Client

from conferences.models import ConferenceRole, Invitation, Job, Organization
from conferences.services.conferences import conference_role_grant
from conferences.services.invitations import invitation_create
from notifications.models import Notification
from tests.conferences.notice_helpers import make_notice
from tests.factories import conference_build

pytestmark = pytest.mark.django_db

State = Notification.State


@pytest.fixture
def conference_kwargs():
    return {"days_ahead": 30, "deadline_in_days": 20, "slug": "so-ket-qd19", "publish": True}


@pytest.fixture
def client():
    # Feedback is asserted in English, the source language of the messages.
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def list_url(conference) -> str:
    return f"/to-chuc/{conference.slug}/giay-moi/"


def send_url(conference) -> str:
    return f"/to-chuc/{conference.slug}/giay-moi/gui-da-chon/"


def outbox_url(conference) -> str:
    return f"/to-chuc/{conference.slug}/thong-bao/"


def hrefs(content: str, rel: str) -> list[str]:
    return [unescape(h) for h in re.findall(rf'<a href="([^"]*)" rel="{rel}"', content)]


def agencies(kind: str, count: int, *, start: int = 0) -> list[Organization]:
    return Organization.objects.bulk_create(
        Organization(
            name=f"Cơ quan {kind} {n:03d}",
            search_name=f"co quan {kind} {n:03d}",
            kind=kind,
            contact_emails=[f"vanthu{n}@{kind}.gov.vn"],
        )
        for n in range(start, start + count)
    )


def drafts_for(conference, organizations) -> list[Invitation]:
    return Invitation.objects.bulk_create(
        Invitation(conference=conference, organization=o) for o in organizations
    )


# Pagination and sorting ------------------------------------------------------------------------------


def test_invitations_past_100_rows_page_with_the_filter_kept(organizer_client, conference):
    drafts_for(conference, agencies("department", 130))
    drafts_for(conference, agencies("ministry", 5))

    first = organizer_client.get(list_url(conference), {"kind": "department", "sort": "name"})

    content = first.content.decode()
    assert first.context["page_obj"].paginator.count == 130
    assert len(first.context["page_obj"]) == 100
    [next_link] = hrefs(content, "next")
    assert next_link == "?kind=department&sort=name&page=2"
    second = organizer_client.get(list_url(conference) + next_link)
    names = [i.organization.name for i in second.context["page_obj"]]
    assert names == [f"Cơ quan department {n:03d}" for n in range(100, 130)]
    assert hrefs(second.content.decode(), "prev") == ["?kind=department&sort=name&page=1"]


def test_invitation_sort_links_toggle_and_carry_aria_sort(organizer_client, conference):
    drafts_for(conference, agencies("department", 3))

    ascending = organizer_client.get(
        list_url(conference), {"kind": "department", "sort": "name", "page": "1"}
    )
    content = ascending.content.decode()
    # The sorted column says so, and its link turns the order round, on page 1, filter kept.
    assert re.search(
        r'<th scope="col" aria-sort="ascending"><a href="\?kind=department&amp;sort=-name">', content
    )
    assert '<a href="?kind=department&amp;sort=sent">' in content
    assert content.count("aria-sort=") == 1
    assert [i.organization.name for i in ascending.context["page_obj"]] == [
        "Cơ quan department 000",
        "Cơ quan department 001",
        "Cơ quan department 002",
    ]
    descending = organizer_client.get(list_url(conference), {"kind": "department", "sort": "-name"})
    assert 'aria-sort="descending"' in descending.content.decode()
    assert descending.context["page_obj"][0].organization.name == "Cơ quan department 002"


def test_an_unknown_sort_keeps_the_default_order_and_the_filters(organizer_client, conference):
    drafts_for(conference, agencies("department", 2))
    drafts_for(conference, agencies("ministry", 1))

    response = organizer_client.get(list_url(conference), {"kind": "department", "sort": "password"})

    # The sort is not valid, so the whole filter form is dropped rather than half applied.
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 3
    assert "aria-sort=" not in response.content.decode()


def test_outbox_sorts_by_recipient_and_keeps_the_state_filter(organizer_client, conference):
    for n in (3, 1, 2):
        make_notice(conference, n)
    make_notice(conference, 9, state=State.SENT)

    response = organizer_client.get(outbox_url(conference), {"state": "held", "sort": "recipient"})

    assert [n.recipient_address for n in response.context["page_obj"]] == [
        "so1@example.vn",
        "so2@example.vn",
        "so3@example.vn",
    ]
    assert '<a href="?state=held&amp;sort=-recipient">' in response.content.decode()


# Bulk sending: the selection, or every draft that matches -------------------------------------------


@pytest.fixture
def filtered(conference):
    """Two department drafts (the filter's), one department already sent, one ministry draft outside it."""
    departments = agencies("department", 3)
    inside = [invitation_create(conference=conference, organization=o) for o in departments[:2]]
    sent = invitation_create(conference=conference, organization=departments[2])
    Invitation.objects.filter(pk=sent.pk).update(status=Invitation.Status.SENT)
    outside = invitation_create(conference=conference, organization=agencies("ministry", 1, start=50)[0])
    return {"inside": inside, "sent": sent, "outside": outside}


def test_send_all_matching_asks_first_with_the_count_made_by_the_server(
    organizer_client, conference, filtered
):
    response = organizer_client.post(
        send_url(conference),
        # A count the page might send is not read: the server counts the drafts itself.
        {"all_matching": "1", "kind": "department", "count": "999", "next": list_url(conference)},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r'class="bulk-question" data-count="2">Send all 2 draft invitations', content)
    assert '<input type="hidden" name="kind" value="department">' in content
    assert '<input type="hidden" name="confirmed" value="1">' in content
    assert not Job.objects.exists()
    assert Invitation.objects.filter(status=Invitation.Status.DRAFT).count() == 3


def test_send_all_matching_sends_the_filtered_drafts_only_recounted_on_confirming(
    organizer_client, conference, filtered, django_capture_on_commit_callbacks
):
    # Another department draft appears between the confirmation page and the click.
    late = invitation_create(conference=conference, organization=agencies("department", 1, start=70)[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            send_url(conference),
            {"all_matching": "1", "confirmed": "1", "kind": "department", "next": list_url(conference)},
        )

    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.status, job.done, job.total) == (Job.Kind.INVITATIONS, Job.Status.DONE, 3, 3)
    assert job.created_by_id == response.wsgi_request.user.pk
    assert sorted(job.params["invitation_ids"]) == sorted([*(i.pk for i in filtered["inside"]), late.pk])
    for invitation in [*filtered["inside"], late]:
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.SENT
    filtered["outside"].refresh_from_db()
    assert filtered["outside"].status == Invitation.Status.DRAFT
    filtered["sent"].refresh_from_db()
    assert filtered["sent"].send_count == 0  # sent before, not by this job: not sent again
    assert job.result["url"] == f"{outbox_url(conference)}?kind=invitation&state=held"
    assert Notification.objects.filter(kind="invitation", state=State.HELD).count() == 3


def test_send_selected_sends_those_drafts_only_as_a_job(
    organizer_client, conference, filtered, django_capture_on_commit_callbacks
):
    chosen = filtered["inside"][0]

    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(send_url(conference), {"ids": [chosen.pk], "kind": "department"})

    job = Job.objects.get()
    assert (job.status, job.total, job.params["invitation_ids"]) == (Job.Status.DONE, 1, [chosen.pk])
    statuses = dict(Invitation.objects.values_list("pk", "status"))
    assert statuses[chosen.pk] == Invitation.Status.SENT
    assert statuses[filtered["inside"][1].pk] == Invitation.Status.DRAFT
    assert statuses[filtered["outside"].pk] == Invitation.Status.DRAFT


def test_send_all_matching_with_a_bad_filter_changes_nothing(organizer_client, conference, filtered):
    response = organizer_client.post(
        send_url(conference), {"all_matching": "1", "confirmed": "1", "kind": "planet"}, follow=True
    )

    assert response.status_code == 200
    assert "The filter is not valid" in response.content.decode()
    assert not Job.objects.exists()
    assert Invitation.objects.filter(status=Invitation.Status.DRAFT).count() == 3


def test_the_list_shows_the_last_sending_job_and_the_all_matching_count(
    organizer_client, conference, filtered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(
            send_url(conference), {"all_matching": "1", "confirmed": "1", "kind": "department"}
        )
    job = Job.objects.get()

    # Coming back later, the page finds the job and links to its result.
    content = organizer_client.get(list_url(conference), {"kind": "ministry"}).content.decode()

    assert f'data-job-url="/api/v1/jobs/{job.pk}/"' in content
    assert 'data-job-status="done"' in content
    assert re.search(r'<progress max="2" value="2">', content)
    assert f'href="{outbox_url(conference)}?kind=invitation&amp;state=held"' in content
    assert "Apply to the 1 draft that matches the filter" in content
    assert 'aria-label="Select the invitation to Cơ quan ministry 050"' in content
    assert (
        '<label for="send-selected-all" class="visually-hidden">Select every row on this page</label>'
        in content
    )


# The job's progress --------------------------------------------------------------------------------


def test_job_progress_reads_for_its_organizers_and_no_one_else(
    client, organizer, conference, host, filtered, django_capture_on_commit_callbacks
):
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url(conference), {"all_matching": "1", "confirmed": "1", "kind": "department"})
    job = Job.objects.get()

    data = client.get(f"/api/v1/jobs/{job.pk}/").json()

    assert {key: data[key] for key in ("id", "kind", "status", "done", "total", "percent", "error")} == {
        "id": job.pk,
        "kind": "invitations",
        "status": "done",
        "done": 2,
        "total": 2,
        "percent": 100,
        "error": "",
    }
    assert data["links"] == {
        "self": f"/api/v1/jobs/{job.pk}/",
        "result": f"{outbox_url(conference)}?kind=invitation&state=held",
    }
    # An organizer of another conference does not learn the job exists.
    other = conference_build(host, slug="hoi-nghi-khac")
    stranger = type(organizer).objects.create_user(username="to-chuc-khac", password=None)
    conference_role_grant(conference=other, user=stranger, role=ConferenceRole.Role.ORGANIZER)
    client.force_login(stranger)
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code in (401, 403)


# The outbox: approve or cancel every notice that matches ---------------------------------------------


def test_outbox_approve_all_matching_confirms_then_approves_the_filtered_held_notices_only(
    organizer_client, conference
):
    inside = [make_notice(conference, n, recipient_name=f"Sở Tài chính {n}") for n in (1, 2)]
    outside = make_notice(conference, 3, recipient_name="Ủy ban nhân dân 3")
    done = make_notice(conference, 4, recipient_name="Sở Tài chính 4", state=State.SENT)
    bulk = f"{outbox_url(conference)}xu-ly/"

    ask = organizer_client.post(bulk, {"action": "approve", "all_matching": "1", "q": "tai chinh"})
    assert re.search(r'data-count="2">Approve all 2 held notices', ask.content.decode())
    assert Notification.objects.filter(state=State.HELD).count() == 3

    organizer_client.post(
        bulk, {"action": "approve", "all_matching": "1", "confirmed": "1", "q": "tai chinh"}
    )

    states = dict(Notification.objects.values_list("pk", "state"))
    assert {states[n.pk] for n in inside} <= {State.PENDING, State.SENDING, State.SENT}
    assert states[outside.pk] == State.HELD
    assert states[done.pk] == State.SENT


def test_outbox_cancel_all_matching_leaves_other_conferences_alone(organizer_client, conference, host):
    mine = make_notice(conference, 1)
    other = conference_build(host, slug="hoi-nghi-khac")
    theirs = make_notice(other, 2)

    organizer_client.post(
        f"{outbox_url(conference)}xu-ly/", {"action": "cancel", "all_matching": "1", "confirmed": "1"}
    )

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.state, theirs.state) == (State.CANCELLED, State.HELD)
