"""Asking for every paper's review summary: served when a worker built it, else a build asked for."""

from django.db import transaction

from conferences.exports.review_summary import review_summary_cached, review_summary_claim
from conferences.models import Conference


def review_summary_request(*, conference: Conference) -> bytes | None:
    """The all-papers PDF if a worker built it for the current data; else None, after asking a worker
    (once per stamp, on commit) to build it. The page and the API both ask through here."""
    from conferences.tasks import build_review_summary

    stamp, pdf = review_summary_cached(conference=conference)
    if pdf is None and review_summary_claim(conference=conference, stamp=stamp):
        transaction.on_commit(lambda: build_review_summary.delay(conference.pk, stamp))
    return pdf
