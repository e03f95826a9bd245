"""A paper's standing from its reviews: the weighted score, how far reviewers disagree, how many are done.

Scores are put on one scale of 0 to 100, whatever each criterion's maximum:
the weighted mean of score / maximum over the conference's criteria. Only
submitted reviews count; drafts are the reviewer's own.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, TextField
from django.db.models.functions import Cast

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


def weighted_scorer(criteria: list[ReviewCriterion]) -> Callable[[dict], float | None]:
    """`review_weighted_score` for fixed criteria, with their weights read once: for many reviews."""
    parts = tuple((c.code, c.weight, c.max_score) for c in criteria)
    total_weight = sum(weight for _code, weight, _maximum in parts)
    if not parts or total_weight == 0:
        return lambda scores: None

    def score(scores: dict) -> float | None:
        total = 0.0
        for code, weight, maximum in parts:
            value = scores.get(code)
            if not isinstance(value, int) or isinstance(value, bool):
                return None
            total += weight * value / maximum
        return round(100 * total / total_weight, 2)

    return score


def review_weighted_score(scores: dict, criteria: list[ReviewCriterion]) -> float | None:
    """One review's weighted score on 0-100; None without criteria or without a score for each."""
    return weighted_scorer(criteria)(scores)


# A paper's figures as a plain tuple, in this order (thousands are made at once, no object per paper).
ASSIGNED, DONE, SCORES, MEAN, SPREAD, DISAGREEMENT, RECOMMENDATIONS = range(7)


def review_figures(
    *, conference_id: int, margin: int, paper_ids: Iterable[int] | None = None
) -> dict[int, tuple]:
    """Each paper's figures (see the indexes above), for the given papers or all the conference's.

    Three queries whatever the number of papers and reviews; papers without
    any assignment or review are missing from the result (see `NO_FIGURES`).
    """
    scorer = weighted_scorer(
        list(ReviewCriterion.objects.filter(conference_id=conference_id, target=ReviewCriterion.Target.PAPER))
    )
    assignments = ReviewAssignment.objects.filter(paper__conference_id=conference_id)
    submitted = Review.objects.filter(paper__conference_id=conference_id, status=Review.Status.SUBMITTED)
    if paper_ids is not None:
        paper_ids = list(paper_ids)
        assignments = assignments.filter(paper_id__in=paper_ids)
        submitted = submitted.filter(paper_id__in=paper_ids)
    assigned = dict(
        assignments.order_by().values("paper_id").annotate(count=Count("id")).values_list("paper_id", "count")
    )
    # The scores come as JSON text; each distinct text is parsed and scored once, all in one json.loads
    # call (json.loads per row cost three times the query; reviews repeat the same few score sets).
    # Each text is one valid JSON value (the column holds JSON: SQLite's check constraint, PostgreSQL's
    # jsonb), so the joined array has exactly one item per text.
    reviews = submitted.order_by().values_list("paper_id", Cast("scores", TextField()), "recommendation")
    reviews = list(reviews)
    texts = list({text for _paper_id, text, _recommendation in reviews if text})
    parsed = json.loads("[" + ",".join(texts) + "]")
    score_of = {
        text: scorer(value if isinstance(value, dict) else {})
        for text, value in zip(texts, parsed, strict=True)
    }
    no_score = scorer({})
    scores: dict[int, list[float]] = {}
    recommendations: dict[int, dict[str, int]] = {}
    done: dict[int, int] = {}
    for paper_id, text, recommendation in reviews:
        done[paper_id] = done.get(paper_id, 0) + 1
        if recommendation:
            counts = recommendations.setdefault(paper_id, {})
            counts[recommendation] = counts.get(recommendation, 0) + 1
        score = score_of.get(text, no_score) if text else no_score
        if score is not None:
            scores.setdefault(paper_id, []).append(score)
    figures = {}
    for paper_id in assigned.keys() | done.keys():
        values = tuple(scores.get(paper_id, ()))
        spread = round(max(values) - min(values), 2) if len(values) > 1 else (0.0 if values else None)
        figures[paper_id] = (
            assigned.get(paper_id, 0),
            done.get(paper_id, 0),
            values,
            round(sum(values) / len(values), 2) if values else None,
            spread,
            spread is not None and spread > margin,
            recommendations.get(paper_id, {}),
        )
    return figures


NO_FIGURES = (0, 0, (), None, None, False, {})


def paper_review_stats(
    *, conference_id: int, paper_ids: Iterable[int], margin: int
) -> dict[int, PaperReviewStats]:
    """The stats of each paper, in three queries whatever the number of papers and reviews."""
    paper_ids = list(paper_ids)
    figures = review_figures(conference_id=conference_id, margin=margin, paper_ids=paper_ids)
    stats = {}
    for paper_id in paper_ids:
        assigned, done, scores, mean, spread, disagreement, recommendations = figures.get(
            paper_id, NO_FIGURES
        )
        stats[paper_id] = PaperReviewStats(
            assigned=assigned,
            done=done,
            scores=scores,
            mean=mean,
            spread=spread,
            disagreement=disagreement,
            recommendations=dict(recommendations),
        )
    return stats
