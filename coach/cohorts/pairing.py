"""Peer-practice pairs and triads in which one person's goals meet another's offers."""

from __future__ import annotations

import random

from coach.cohorts.model import CohortError, Group, Participant, _natural
from coach.cohorts.registry import _require, participants
from coach.cohorts.words import _wants_and_offers


def _group_sizes(n: int, size: int) -> list[int]:
    """Groups of ``size``, leftovers making some ``size + 1``; never a group of one."""
    k, rest = divmod(n, size)
    if rest > k:  # e.g. five people in triads: a triad and a pair, not a group of five
        k += 1
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def pairs(name: str, size: int = 2, seed: int | None = None) -> list[Group]:
    """Peer-practice groups in which one person's goals meet another's offers.

    Deterministic for a seed (default: the cohort's own). Everyone is in exactly one group
    of ``size`` (2 or 3), leftovers join groups to make ``size + 1``; five people in triads
    make a triad and a pair. Goals and offers come from the roster and from the person's
    workbook (goal titles, the profile's offers). Each group's ``reason`` names only the
    words that matched, never the goals or offers themselves.
    """
    cohort = _require(name)
    if size not in (2, 3):
        raise CohortError(f"Groups can be pairs or triads: --size 2 or --size 3, not {size}.")
    people = sorted(participants(name), key=lambda p: p.id)
    if len(people) < 2:
        raise CohortError(f"Cohort '{name}' has fewer than two participants: nobody to pair.")
    rng = random.Random(cohort.seed if seed is None else seed)
    rng.shuffle(people)  # the shuffled order breaks every tie below
    terms = _wants_and_offers(name, people)

    def match(a: Participant, b: Participant) -> set[str]:
        (ga, oa), (gb, ob) = terms[a.id], terms[b.id]
        return (ga.keys() & ob.keys()) | (gb.keys() & oa.keys())

    n = len(people)
    score = [
        [len(match(people[i], people[j])) if i != j else 0 for j in range(n)] for i in range(n)
    ]
    edges = sorted(
        ((i, j) for i in range(n) for j in range(i + 1, n)), key=lambda e: -score[e[0]][e[1]]
    )
    sizes = _group_sizes(n, size)
    small, big = min(sizes), max(sizes)
    bigs_left = sizes.count(big) if big > small else 0
    groups: list[list[int]] = []
    placed: set[int] = set()
    for i, j in edges:  # cores: the best-matched pairs first
        if len(groups) == len(sizes):
            break
        if i not in placed and j not in placed:
            groups.append([i, j])
            placed |= {i, j}
    rest = sorted(
        (i for i in range(n) if i not in placed), key=lambda i: -max(score[i])
    )  # best-matchable people choose first
    for i in rest:
        best, best_gain = -1, -1
        for g, members in enumerate(groups):
            fits = len(members) < small or (len(members) < big and bigs_left > 0)
            gain = sum(score[i][m] for m in members)
            if fits and gain > best_gain:
                best, best_gain = g, gain
        if len(groups[best]) >= small:
            bigs_left -= 1
        groups[best].append(i)
    out = []
    for members in groups:
        group = [people[i] for i in members]
        words = sorted(
            {
                terms[b.id][1].get(s) or terms[a.id][0][s]
                for a in group
                for b in group
                if a is not b
                for s in terms[a.id][0].keys() & terms[b.id][1].keys()
            }
        )
        reason = f"goals ↔ offers match: {', '.join(words[:5])}" if words else "no goal/offer match"
        out.append(Group(sorted(group, key=lambda p: _natural(p.display_name)), reason))
    return out
