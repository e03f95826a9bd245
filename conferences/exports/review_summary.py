"""The review summary PDFs: one paper's, rendered on request, and every paper's, built by a worker.

Measured (200 papers, 3 reviews each, see the README): the all-papers PDF takes
several seconds, too long for a request. A worker renders it into Django's
cache under a key made of a digest of everything it shows
(paper_reports.review_summary_stamp), so a new review or decision makes a new
key and nothing needs invalidating; the page says "being prepared" meanwhile.
"""

from django.core.cache import cache

from conferences.documents.paper_review_summary import render_review_summary_pdf
from conferences.models import Conference
from conferences.selectors.paper_reports import paper_review_summaries, review_summary_stamp

CACHE_SECONDS = 7 * 24 * 3600
# How long a build asked for is not asked for again (a worker that died frees the key this late).
BUILDING_SECONDS = 10 * 60


def _key(conference_id: int, stamp: str) -> str:
    return f"papers:review-summary:{conference_id}:{stamp}"


def paper_review_summary_pdf(*, conference: Conference, paper_id: int) -> bytes | None:
    """One paper's summary, rendered now (about 60 ms); None if the paper is not the conference's."""
    criteria, summaries = paper_review_summaries(conference=conference, paper_ids=[paper_id])
    if not summaries:
        return None
    return render_review_summary_pdf(conference=conference, criteria=criteria, summaries=summaries)


def review_summary_cached(*, conference: Conference) -> tuple[str, bytes | None]:
    """The current stamp and the all-papers PDF built for it, or None when it is not built yet."""
    stamp = review_summary_stamp(conference=conference)
    return stamp, cache.get(_key(conference.pk, stamp))


def review_summary_claim(*, conference: Conference, stamp: str) -> bool:
    """Whether the caller should ask a worker to build this stamp's PDF (False if one was asked already)."""
    return cache.add(f"{_key(conference.pk, stamp)}:building", 1, BUILDING_SECONDS)


def review_summary_build(*, conference_id: int, stamp: str) -> bool:
    """Render every paper's summary into the cache under `stamp`; return whether it did.

    Safe to run twice (a built stamp is not rendered again). If the data changed
    since the request, it is built under the new stamp, which the next request asks for.
    """
    conference = Conference.objects.select_related("host__parent").filter(pk=conference_id).first()
    if conference is None:
        return False
    current = review_summary_stamp(conference=conference)
    if cache.get(_key(conference_id, current)) is not None:
        return False
    criteria, summaries = paper_review_summaries(conference=conference)
    pdf = render_review_summary_pdf(conference=conference, criteria=criteria, summaries=summaries)
    cache.set(_key(conference_id, current), pdf, CACHE_SECONDS)
    return True
