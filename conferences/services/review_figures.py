"""Keep each paper's stored review figures current: every write that changes a review, an assignment
or the paper criteria calls `review_figures_refresh` in the same transaction.

The ranking table reads the stored figures and no review (a thousand papers, three thousand reviews:
computing them on every request cost seven times a trivial page). The computation itself is the one in
`selectors.review_stats.review_figures`; this only stores its result.
"""

from collections.abc import Iterable

from django.db import transaction

from conferences.models import Paper, PaperReviewFigures
from conferences.selectors.review_stats import (
    ASSIGNED,
    DONE,
    MEAN,
    NO_FIGURES,
    RECOMMENDATIONS,
    SPREAD,
    review_figures,
)

FIELDS = ["assigned", "done", "mean", "spread", "recommendations"]


@transaction.atomic
def review_figures_refresh(*, conference_id: int, paper_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the figures of the given papers, or of all the conference's; return how many.

    Idempotent, and safe to call after any change: it reads the reviews and
    assignments as they are now. The papers' rows are locked first (in id
    order), so two changes to one paper in concurrent transactions cannot each
    store figures that miss the other's: the second computes after the first
    commits. Five queries whatever the number of papers.
    """
    papers = Paper.objects.filter(conference_id=conference_id)
    if paper_ids is not None:
        papers = papers.filter(pk__in=set(paper_ids))
    paper_ids = list(papers.select_for_update().order_by("pk").values_list("pk", flat=True))
    if not paper_ids:
        return 0
    # The margin only decides the disagreement flag, which is not stored.
    figures = review_figures(conference_id=conference_id, margin=0, paper_ids=paper_ids)
    rows = []
    for paper_id in paper_ids:
        values = figures.get(paper_id, NO_FIGURES)
        rows.append(
            PaperReviewFigures(
                paper_id=paper_id,
                assigned=values[ASSIGNED],
                done=values[DONE],
                mean=values[MEAN],
                spread=values[SPREAD],
                recommendations=dict(values[RECOMMENDATIONS]),
            )
        )
    PaperReviewFigures.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["paper"], update_fields=FIELDS, batch_size=500
    )
    return len(rows)
