"""Two changes to one paper's reviews in concurrent transactions: its stored figures end with both.

A review submitted (holding the paper's row) while another reviewer is removed
(dropping their assignment to the same paper): without the row lock in
`review_figures_refresh`, the later commit would store figures computed before
the other's change. PostgreSQL only: SQLite serialises every writer anyway.
"""

import threading

import pytest
from django.db import connection, transaction

from conferences.models import PaperReviewFigures
from conferences.services.reviewers import reviewer_remove
from conferences.services.reviews import review_submit
from tests.conferences.review_helpers import assign, criteria_make, paper_make, reviewer_make
from tests.factories import OrganizationFactory, conference_build

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks race only on PostgreSQL"),
]


def test_a_review_and_a_reviewer_removed_at_once_both_count():
    conference = conference_build(OrganizationFactory())
    criteria_make(conference)
    paper = paper_make(conference)
    first, second = reviewer_make(conference), reviewer_make(conference)
    assign(paper, first, second)
    computed, errors = threading.Event(), []

    def submit_and_hold():
        try:
            with transaction.atomic():
                review_submit(
                    paper=paper,
                    reviewer=first,
                    recommendation="accept",
                    scores={"noi-dung": 8, "trinh-bay": 4},
                )
                computed.set()  # figures computed and stored, not yet committed
                threading.Event().wait(0.5)  # the removal starts meanwhile
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    def remove_second():
        try:
            computed.wait(10)
            reviewer_remove(conference=conference, reviewer=second)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit_and_hold), threading.Thread(target=remove_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    figures = PaperReviewFigures.objects.get(paper=paper)
    assert (figures.assigned, figures.done, figures.mean) == (1, 1, 80.0)
