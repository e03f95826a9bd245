"""Automatic review assignment on plain ids: who reviews which paper, with loads kept even.

No database here, so it is fast and tested on randomised inputs. The rules:
- a paper gets reviewers until it has `per_paper` (the ones it has already count
  and are never moved);
- a forbidden (paper, reviewer) pair (own agency, declared conflict, own paper)
  is never made, nor a pair that exists already;
- loads (existing + new) end as even as the constraints allow: a greedy pass
  gives each paper its least-loaded eligible reviewers (the most constrained
  papers first), then repair passes move new assignments along chains
  reviewer -> reviewer while some reviewer has two more than another and a
  chain can carry one from the first to the second.

A reviewer has no cap, so a paper left short is short only because fewer
reviewers than it needs may review it; `eligible_counts` says how many may.
"""

import heapq
from collections import defaultdict, deque
from collections.abc import Iterable


def eligible_counts(
    papers: Iterable[int], reviewers: Iterable[int], forbidden: set[tuple[int, int]]
) -> dict[int, int]:
    """How many reviewers may review each paper (those already on it included)."""
    reviewers = list(reviewers)
    return {p: sum(1 for r in reviewers if (p, r) not in forbidden) for p in papers}


def assign(
    papers: Iterable[int],
    reviewers: Iterable[int],
    forbidden: set[tuple[int, int]],
    existing: Iterable[tuple[int, int]],
    per_paper: int,
) -> list[tuple[int, int]]:
    """Return the new (paper, reviewer) pairs; `existing` pairs are kept and count towards loads."""
    papers = sorted(set(papers))
    reviewers = sorted(set(reviewers))
    if not papers or not reviewers or per_paper <= 0:
        return []
    reviewer_set = set(reviewers)
    on_paper: dict[int, set[int]] = defaultdict(set)
    load = dict.fromkeys(reviewers, 0)
    for paper, reviewer in existing:
        on_paper[paper].add(reviewer)
        if reviewer in load:
            load[reviewer] += 1
    eligible = {p: [r for r in reviewers if (p, r) not in forbidden] for p in papers}
    # The most constrained papers choose first, so they are not left with only the busiest reviewers.
    order = sorted(papers, key=lambda p: (len(eligible[p]), p))
    new_of: dict[int, set[int]] = defaultdict(set)  # reviewer -> papers newly given to them
    for paper in order:
        need = per_paper - len(on_paper[paper] & reviewer_set)
        if need <= 0:
            continue
        candidates = [r for r in eligible[paper] if r not in on_paper[paper]]
        for reviewer in heapq.nsmallest(need, candidates, key=lambda r: (load[r], r)):
            on_paper[paper].add(reviewer)
            new_of[reviewer].add(paper)
            load[reviewer] += 1
    _balance(reviewers, forbidden, on_paper, new_of, load)
    return sorted((p, r) for r, ps in new_of.items() for p in ps)


def _balance(reviewers, forbidden, on_paper, new_of, load) -> None:
    """Move new assignments along chains until no chain takes one from a load L to a load <= L - 2."""
    while True:
        high, low = max(load.values()), min(load.values())
        if high - low <= 1:
            return
        # From the busiest down to anyone two below them; else from anyone two above the least busy.
        sources = [r for r in reviewers if load[r] == high]
        if _shift(sources, lambda r, h=high: load[r] <= h - 2, reviewers, forbidden, on_paper, new_of, load):
            continue
        sources = [r for r in reviewers if load[r] >= low + 2]
        targets = {r for r in reviewers if load[r] == low}

        def reaches_low(r, targets=targets) -> bool:
            return r in targets

        if not _shift(sources, reaches_low, reviewers, forbidden, on_paper, new_of, load):
            return


def _shift(sources, is_target, reviewers, forbidden, on_paper, new_of, load) -> bool:
    """Breadth-first search for a chain of moves from a source to a target; apply it if found."""
    came_from: dict[int, tuple[int, int] | None] = dict.fromkeys(sources)
    queue = deque(sources)
    while queue:
        giver = queue.popleft()
        for paper in sorted(new_of[giver]):
            for taker in reviewers:
                if taker in came_from or taker in on_paper[paper] or (paper, taker) in forbidden:
                    continue
                came_from[taker] = (giver, paper)
                if is_target(taker):
                    _apply(taker, came_from, on_paper, new_of, load)
                    return True
                queue.append(taker)
    return False


def _apply(target, came_from, on_paper, new_of, load) -> None:
    """Each step gives `paper` from the giver to the taker: only the chain's ends change load."""
    taker = target
    load[target] += 1
    while came_from[taker] is not None:
        giver, paper = came_from[taker]
        new_of[giver].discard(paper)
        on_paper[paper].discard(giver)
        new_of[taker].add(paper)
        on_paper[paper].add(taker)
        taker = giver
    load[taker] -= 1
