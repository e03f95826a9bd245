"""The automatic assignment's pure function, on seeded random inputs (no database)."""

import random
import time
from collections import Counter

import pytest

from conferences.services.assignment_algorithm import assign, eligible_counts


def _random_case(rng: random.Random):
    papers = list(range(1, rng.randint(0, 60) + 1))
    reviewers = list(range(1000, 1000 + rng.randint(1, 15)))
    density = rng.choice([0.0, 0.05, 0.2, 0.5, 0.9])
    forbidden = {(p, r) for p in papers for r in reviewers if rng.random() < density}
    existing = set()
    for p in papers:
        for r in rng.sample(reviewers, k=min(len(reviewers), rng.choice([0, 0, 0, 1, 2]))):
            if (p, r) not in forbidden:
                existing.add((p, r))
    return papers, reviewers, forbidden, existing, rng.randint(1, 4)


def _check(papers, reviewers, forbidden, existing, per_paper, new):
    new_set = set(new)
    assert len(new_set) == len(new), "a pair is made twice"
    assert not new_set & forbidden, "a forbidden pair is made"
    assert not new_set & existing, "an existing pair is made again"
    assert {p for p, _ in new} <= set(papers) and {r for _, r in new} <= set(reviewers)
    on_paper = Counter(p for p, _ in existing | new_set)
    eligible = eligible_counts(papers, reviewers, forbidden)
    for p in papers:
        had = sum(1 for q, _ in existing if q == p)
        # Every paper reaches per_paper, or has every reviewer who may review it.
        assert on_paper[p] == max(had, min(per_paper, eligible[p])), p
    load = Counter(r for _, r in existing | new_set)
    # No single new assignment can move from a reviewer to one two below them.
    for p, giver in new_set:
        for taker in reviewers:
            if (p, taker) in forbidden or (p, taker) in existing | new_set:
                continue
            assert load[giver] - load[taker] <= 1, (p, giver, taker)
    return load


@pytest.mark.parametrize("seed", range(200))
def test_assign_honours_every_constraint_on_random_inputs(seed):
    rng = random.Random(seed)
    case = _random_case(rng)
    new = assign(*case)
    _check(*case, new)


@pytest.mark.parametrize("seed", range(50))
def test_assign_evens_loads_to_within_one_without_constraints(seed):
    rng = random.Random(seed)
    papers = list(range(rng.randint(1, 80)))
    reviewers = list(range(100, 100 + rng.randint(3, 12)))
    new = assign(papers, reviewers, set(), set(), 3)
    load = Counter(r for _, r in new)
    assert len(new) == 3 * len(papers)
    assert max(load[r] for r in reviewers) - min(load[r] for r in reviewers) <= 1


def test_assign_evens_loads_around_a_reviewer_with_existing_work():
    # Reviewer 1 already has 4 papers: the 6 new ones go to 2 and 3 (loads 4, 3, 3 -> within one).
    existing = {(p, 1) for p in range(4)}
    new = assign(range(10), [1, 2, 3], set(), existing, 1)
    load = Counter(r for _, r in existing | set(new))
    assert sorted(load.values()) == [3, 3, 4]
    assert {r for p, r in new if p < 4} == set()  # those four papers had their reviewer


def test_assign_balances_through_a_chain_when_no_direct_move_exists():
    # Paper 1 may go only to A (10); paper 2 to A or B (20); paper 3 to B or C (30).
    forbidden = {(1, 20), (1, 30), (2, 30), (3, 10)}
    existing = {(4, 10)}  # A starts with one paper.
    new = assign([1, 2, 3], [10, 20, 30], forbidden, existing, 1)
    assert sorted(new) == [(1, 10), (2, 20), (3, 30)]


def test_assign_keeps_a_complete_paper_and_gives_nothing_more():
    existing = {(1, 10), (1, 20)}
    assert assign([1], [10, 20, 30], set(), existing, 2) == []


def test_assign_leaves_a_paper_short_when_too_few_may_review_it():
    forbidden = {(1, 10), (1, 20)}
    assert assign([1], [10, 20, 30], forbidden, set(), 2) == [(1, 30)]
    assert eligible_counts([1], [10, 20, 30], forbidden) == {1: 1}


def test_assign_of_the_benchmark_size_is_fast():
    rng = random.Random(7)
    papers, reviewers = list(range(2000)), list(range(10_000, 10_150))
    forbidden = {(p, rng.choice(reviewers)) for p in papers for _ in range(3)}
    started = time.perf_counter()
    new = assign(papers, reviewers, forbidden, set(), 3)
    elapsed = time.perf_counter() - started
    load = Counter(r for _, r in new)
    assert len(new) == 6000
    assert max(load.values()) - min(load.values()) <= 1
    assert elapsed < 2.0
