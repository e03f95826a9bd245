"""A paper's standing from its reviews: the weighted score, how far reviewers disagree, how many are done.

Scores are put on one scale of 0 to 100, whatever each criterion's maximum:
the weighted mean of score / maximum over the conference's criteria. Only
submitted reviews count; drafts are the reviewer's own.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from conferences.models import Review, ReviewAssignment, ReviewCriterion


@dataclass(frozen=True)
class PaperReviewStats:
    assigned: int
    done: int
    scores: tuple[float, ...]  # each submitted review's weighted score, 0-100
    mean: float | None
    spread: float | None  # highest minus lowest score
    disagreement: bool  # spread above the call's margin
    recommendations: dict[str, int]


def review_weighted_score(scores: dict, criteria: list[ReviewCriterion]) -> float | None:
    """One review's weighted score on 0-100; None without criteria or without a score for each."""
    total_weight = sum(c.weight for c in criteria)
    if not criteria or total_weight == 0:
        return None
    total = 0.0
    for criterion in criteria:
        value = scores.get(criterion.code)
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        total += criterion.weight * value / criterion.max_score
    return round(100 * total / total_weight, 2)


def paper_review_stats(
    *, conference_id: int, paper_ids: Iterable[int], margin: int
) -> dict[int, PaperReviewStats]:
    """The stats of each paper, in three queries whatever the number of papers and reviews."""
    paper_ids = list(paper_ids)
    criteria = list(ReviewCriterion.objects.filter(conference_id=conference_id))
    assigned: dict[int, int] = defaultdict(int)
    for paper_id in ReviewAssignment.objects.filter(paper_id__in=paper_ids).values_list(
        "paper_id", flat=True
    ):
        assigned[paper_id] += 1
    scores: dict[int, list[float]] = defaultdict(list)
    recommendations: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    done: dict[int, int] = defaultdict(int)
    submitted = Review.objects.filter(paper_id__in=paper_ids, status=Review.Status.SUBMITTED)
    for paper_id, review_scores, recommendation in submitted.values_list(
        "paper_id", "scores", "recommendation"
    ):
        done[paper_id] += 1
        if recommendation:
            recommendations[paper_id][recommendation] += 1
        score = review_weighted_score(review_scores or {}, criteria)
        if score is not None:
            scores[paper_id].append(score)
    stats = {}
    for paper_id in paper_ids:
        values = tuple(scores[paper_id])
        spread = round(max(values) - min(values), 2) if len(values) > 1 else (0.0 if values else None)
        stats[paper_id] = PaperReviewStats(
            assigned=assigned[paper_id],
            done=done[paper_id],
            scores=values,
            mean=round(sum(values) / len(values), 2) if values else None,
            spread=spread,
            disagreement=spread is not None and spread > margin,
            recommendations=dict(recommendations[paper_id]),
        )
    return stats
