"""Submissions racing each other and the deadline: threads with their own connections.

PostgreSQL queues them on SELECT ... FOR UPDATE of the call's row; SQLite serialises writers.
Run on PostgreSQL with DATABASE_URL=postgres://... (the race that matters in production).
"""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.models import Paper, PaperRevision
from conferences.services.organizations import organization_create
from conferences.services.papers import paper_submit
from tests.conferences.paper_helpers import delegate_with_link, submission
from tests.conferences.test_services_rsvp_concurrency import run_together
from tests.factories import conference_build

pytestmark = pytest.mark.django_db(transaction=True)


def make_conference():
    host = organization_create(name="Bộ Khoa học và Công nghệ", code="BKHCN", kind="ministry")
    return conference_build(host, days_ahead=20, paper_deadline=timezone.now() + datetime.timedelta(days=5))


def submit_or_refusal(**kwargs):
    try:
        return paper_submit(**kwargs)
    except ValidationError as exc:
        return exc.message_dict


def test_two_tabs_submitting_at_once_make_one_paper():
    conference = make_conference()
    registration, _token = delegate_with_link(conference)

    results = run_together(
        4, lambda i: submit_or_refusal(**submission(registration, title=f"Bản từ thẻ {i}"))
    )

    papers = [value for _outcome, value in results if isinstance(value, Paper)]
    refusals = [value for _outcome, value in results if isinstance(value, dict)]
    assert len(papers) == 1 and Paper.objects.count() == 1 and PaperRevision.objects.count() == 1
    assert (
        refusals == [{"__all__": ["A paper has already been sent through this link; edit it instead."]}] * 3
    )


def test_submissions_racing_the_deadline_are_wholly_in_before_it_or_refused():
    conference = make_conference()
    delegates = [delegate_with_link(conference, number=n)[0] for n in range(1, 9)]
    conference.paper_deadline = timezone.now() + datetime.timedelta(seconds=2)
    conference.save(update_fields=["paper_deadline"])

    def work(i):
        # Released together, then spread around the deadline in steps of 0.1 s.
        time.sleep(max(0.0, (conference.paper_deadline - timezone.now()).total_seconds() - 0.4 + i * 0.1))
        return submit_or_refusal(**submission(delegates[i]))

    results = run_together(8, work)

    papers = list(Paper.objects.all())
    refused = [value for _outcome, value in results if isinstance(value, dict)]
    assert len(papers) + len(refused) == 8
    assert all(paper.submitted_at < conference.paper_deadline for paper in papers)
    assert all(value["__all__"][0].startswith("The call for papers closed at") for value in refused)
    assert PaperRevision.objects.count() == len(papers)
