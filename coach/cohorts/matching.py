"""Mentor matching in a cohort: one mentor per mentee, proposed by goals meeting offers,
reviewed, swapped and approved by the facilitator; participants see approved matches only.

A roster's ``role`` says who mentors (``mentor`` or ``both``) and who is looking for a
mentor (``mentee`` or ``both``); a mentor takes up to ``capacity`` mentees. Matches are
kept as :class:`~coach.workbook.MatchRecord` under the cohort's own owner
(:func:`coach.workshop.cohort_owner`), keyed by the mentee's participant id. A match holds
the words that matched and nothing else of anyone's goals.

The assignment is greedy over levels, best first: a mentor where the mentee asked for one
(inside or outside their organization) before any other, then by score (the share of the
mentee's goal words the mentor offers). Within a level the most constrained mentees choose
first and each takes the least loaded mentor; the seeded shuffle breaks every remaining
tie, so one seed always gives the same matches.
"""

from __future__ import annotations

import json
import random
import typing
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from coach.cohorts.model import CohortError, Match, MyMatches, Participant, _iso, _natural, _utcnow
from coach.cohorts.registry import _participant, _require, participants
from coach.cohorts.words import _Side, _sides

if typing.TYPE_CHECKING:  # (not `from typing import`: no public name)
    from coach.workbook.records import MatchRecord

UNMATCHED = "unmatched: no mentor has capacity left"
_MAX_WORDS = 5  # words a reason names


@dataclass(frozen=True)
class _Fit:
    """How well one mentor suits one mentee."""

    place: bool  # inside/outside as the mentee asked (always True for "either")
    score: int  # 0-100: the share of the mentee's goal words the mentor offers
    words: tuple[str, ...]


def _fit(mentee: Participant, mentor: Participant, sides: dict[str, _Side]) -> _Fit:
    me, them = sides[mentee.id], sides[mentor.id]
    stems = me.goals.keys() & them.offers.keys()
    score = round(100 * len(stems) / len(me.goals)) if me.goals else 0
    words = tuple(sorted({them.offers[s] for s in stems}))
    if mentee.wants == "either":
        return _Fit(True, score, words)
    same = bool(me.organization) and me.organization.casefold() == them.organization.casefold()
    return _Fit(same if mentee.wants == "inside" else not same, score, words)


def _reason(mentee: Participant, fit: _Fit, *, chosen: bool = False) -> str:
    """Why this mentor: the matched words, and inside/outside when the mentee asked."""
    shown = fit.words[:_MAX_WORDS]
    more = f" and {len(fit.words) - len(shown)} more" if len(fit.words) > len(shown) else ""
    parts = [f"goals ↔ offers: {', '.join(shown)}{more}" if shown else "no goal ↔ offer match"]
    if mentee.wants != "either":
        if fit.place:
            parts.append(f"{mentee.wants} their organization, as asked")
        elif chosen:
            parts.append(f"not {mentee.wants} their organization as asked (chosen by hand)")
        else:
            parts.append(
                f"not {mentee.wants} their organization as asked: no mentor "
                f"{mentee.wants} it had capacity left"
            )
    return "; ".join(parts)


def _assign(
    mentees: list[Participant],
    mentors: list[Participant],
    sides: dict[str, _Side],
    load: Counter[str],
    mentor_of: dict[str, str],
    seed: int,
) -> dict[str, tuple[Participant, _Fit]]:
    """Mentee id -> (mentor, fit) for as many of ``mentees`` as capacity allows. ``load``
    (mentees per mentor so far) and ``mentor_of`` (mentee -> mentor, approved) change."""
    rng = random.Random(seed)
    ids = sorted({p.id for p in mentees} | {p.id for p in mentors})
    rng.shuffle(ids)
    rank = {pid: i for i, pid in enumerate(ids)}
    by_id = {p.id: p for p in mentors} | {p.id: p for p in mentees}
    cap = {p.id: max(1, p.capacity) for p in mentors}
    # the same as _fit, without its objects: 250 mentees and 250 mentors are 62,500 pairs
    goals = {p.id: frozenset(sides[p.id].goals) for p in mentees}
    offers = {p.id: frozenset(sides[p.id].offers) for p in mentors}
    org = {pid: sides[pid].organization.casefold() for pid in by_id}
    levels: dict[tuple[bool, int], dict[str, list[str]]] = {}
    for mentee in mentees:
        g, mine, wants = goals[mentee.id], org[mentee.id], mentee.wants
        for mentor in mentors:
            if mentor.id == mentee.id or mentor_of.get(mentor.id) == mentee.id:
                continue  # nobody mentors themself, and no two mentor each other
            score = round(100 * len(g & offers[mentor.id]) / len(g)) if g else 0
            place = wants == "either" or (
                (bool(mine) and mine == org[mentor.id]) == (wants == "inside")
            )
            levels.setdefault((place, score), {}).setdefault(mentee.id, []).append(mentor.id)
    out: dict[str, tuple[Participant, _Fit]] = {}

    def free(m: str, options: list[str]) -> list[str]:
        return [t for t in options if load[t] < cap[t] and mentor_of.get(t) != m]

    for level in sorted(levels, reverse=True):
        options = levels[level]
        waiting = sorted(
            (m for m in options if m not in out), key=lambda m: (len(free(m, options[m])), rank[m])
        )
        for m in waiting:
            left = free(m, options[m])
            if not left:
                continue
            t = min(left, key=lambda t: (load[t] / cap[t], rank[t]))
            out[m] = (by_id[t], _fit(by_id[m], by_id[t], sides))
            load[t] += 1
            mentor_of[m] = t
    return out


def _stored(name: str) -> dict[str, MatchRecord]:
    from coach.store import get_store
    from coach.workbook.records import MatchRecord
    from coach.workshop import cohort_owner

    return {
        key: MatchRecord.load(data) for key, data in get_store().all(cohort_owner(name), "match")
    }


def _open(name: str) -> None:
    cohort = _require(name)
    if not cohort.is_open():
        raise CohortError(
            f"Cohort '{name}' has {cohort.state()}: its matches can no longer change."
        )


def _roles(name: str) -> tuple[list[Participant], list[Participant], list[Participant]]:
    """(everyone, mentors, mentees) of the cohort."""
    people = participants(name)
    return people, [p for p in people if p.is_mentor], [p for p in people if p.is_mentee]


def no_mentors_hint(name: str) -> str:
    """What to do when a cohort's roster names no mentors."""
    return (
        f"Cohort '{name}' has no mentors: its roster needs a 'role' column saying mentor, "
        "mentee or both for each person (and a 'capacity' for mentors: how many mentees "
        "each takes, 2 if empty). Create the cohort again from such a roster "
        "(examples/mentoring-roster.csv shows one)."
    )


def propose(name: str, seed: int | None = None) -> list[Match]:
    """Propose one mentor per mentee, replacing the proposals made before; approved matches
    stay as they are (and use up their mentors' capacity). Deterministic for a seed
    (default: the cohort's own). Returns every match, unmatched mentees included."""
    from coach.workbook.records import MatchRecord

    cohort = _require(name)
    _open(name)
    people, mentors, mentees = _roles(name)
    if not mentors:
        raise CohortError(no_mentors_hint(name))
    if not mentees:
        raise CohortError(f"Cohort '{name}' has no mentees: everyone on its roster mentors.")
    seed = cohort.seed if seed is None else seed
    sides = _sides(name, people)
    mentor_ids, mentee_ids = {p.id for p in mentors}, {p.id for p in mentees}
    for _attempt in range(3):  # the facilitator approving meanwhile: start again
        stored = _stored(name)
        approved = {
            k: r
            for k, r in stored.items()
            if r.status == "approved" and k in mentee_ids and r.mentor in mentor_ids
        }
        load = Counter(r.mentor for r in approved.values())
        mentor_of = {k: r.mentor for k, r in approved.items()}
        waiting = [m for m in mentees if m.id not in approved]
        found = _assign(waiting, mentors, sides, load, mentor_of, seed)
        new = {
            m.id: MatchRecord(
                mentee=m.id,
                mentor=t.id,
                score=float(f.score),
                reason=_reason(m, f),
                words=list(f.words),
                status="proposed",
                seed=seed,
            )
            for m in waiting
            if m.id in found
            for t, f in [found[m.id]]
        }
        if _replace(name, {k for k, r in stored.items() if r.status == "approved"}, new):
            return matches(name)
    raise CohortError("Matches kept changing while they were proposed: propose them again.")


def _replace(name: str, approved: set[str], new: dict[str, MatchRecord]) -> bool:
    """In one transaction: drop every match but ``approved``, write ``new``; False (and
    nothing written) when the approved ones are no longer exactly ``approved``."""
    from sqlalchemy import text

    from coach.store import get_store
    from coach.workbook.records import MatchRecord
    from coach.workshop import cohort_owner

    owner, now = cohort_owner(name), _iso(_utcnow())
    with get_store().transaction() as conn:
        lock = " FOR UPDATE" if conn.dialect.name == "postgresql" else ""
        rows = conn.execute(
            text(f"SELECT key, data FROM records WHERE owner = :o AND kind = 'match'{lock}"),
            {"o": owner},
        ).all()
        now_approved = {
            r[0] for r in rows if MatchRecord.load(json.loads(r[1])).status == "approved"
        }
        if now_approved != approved:
            return False
        for key, _data in rows:
            if key not in approved:
                conn.execute(
                    text("DELETE FROM records WHERE owner = :o AND kind = 'match' AND key = :k"),
                    {"o": owner, "k": key},
                )
        if new:
            conn.execute(
                text(
                    "INSERT INTO records (owner, kind, key, data, created_at, updated_at, "
                    "version) VALUES (:o, 'match', :k, :d, :t, :t, 1)"
                ),
                [
                    {"o": owner, "k": k, "d": json.dumps(r.stored(), ensure_ascii=False), "t": now}
                    for k, r in new.items()
                ],
            )
    return True


def _as_match(record: MatchRecord, names: dict[str, str], key: str) -> Match:
    return Match(
        mentee_id=key,
        mentee_name=names.get(key, ""),
        mentor_id=record.mentor,
        mentor_name=names.get(record.mentor, ""),
        score=round(record.score),
        reason=record.reason,
        words=tuple(record.words),
        status=record.status,
        seed=record.seed,
    )


def matches(name: str) -> list[Match]:
    """The cohort's matches by mentee name: proposed and approved ones, and (once any were
    proposed) an ``unmatched`` entry for every mentee without a mentor."""
    people, mentors, mentees = _roles(name)
    names = {p.id: p.display_name for p in people}
    mentor_ids = {p.id for p in mentors}
    stored = {
        k: r
        for k, r in _stored(name).items()
        if k in names and r.mentor in mentor_ids and r.mentor != k
    }
    if not stored:
        return []
    load = Counter(r.mentor for r in stored.values())
    out = [_as_match(stored[m.id], names, m.id) for m in mentees if m.id in stored]
    for m in mentees:
        if m.id in stored:
            continue
        room = any(load[t.id] < t.capacity for t in mentors if t.id != m.id)
        reason = "unmatched: propose matches again to match them" if room else UNMATCHED
        out.append(Match(m.id, m.display_name, reason=reason))
    return sorted(out, key=lambda x: (_natural(x.mentee_name), x.mentee_id))


def capacity_left(name: str) -> dict[str, int]:
    """Mentor id -> how many more mentees they can take (proposed and approved count)."""
    _people, mentors, _mentees = _roles(name)
    load = Counter(r.mentor for r in _stored(name).values())
    return {t.id: max(0, t.capacity - load[t.id]) for t in mentors}


def swap(name: str, mentee_id: str, mentor_id: str) -> Match:
    """Give a mentee another mentor (a proposal again, to approve); refused when it is the
    mentee themself or the mentor has no capacity left."""
    from coach.store import get_store
    from coach.workbook.records import MatchRecord
    from coach.workshop import cohort_owner

    _open(name)
    people = participants(name)
    by_id = {p.id: p for p in people}
    mentee, mentor = by_id.get(mentee_id), by_id.get(mentor_id)
    if mentee is None or not mentee.is_mentee:
        raise CohortError(f"{mentee_id!r} is not a mentee in cohort '{name}'.")
    if mentor is None or not mentor.is_mentor:
        raise CohortError(f"{mentor_id!r} is not a mentor in cohort '{name}'.")
    if mentee.id == mentor.id:
        raise CohortError(
            f"{mentee.display_name} cannot be their own mentor: choose another mentor."
        )
    stored = _stored(name)
    load = sum(1 for k, r in stored.items() if r.mentor == mentor.id and k != mentee.id)
    if load >= mentor.capacity:
        raise CohortError(
            f"{mentor.display_name} already has {load} mentee{'s' if load != 1 else ''}, "
            f"their capacity: choose a mentor with capacity left (or move one of "
            f"{mentor.display_name}'s mentees first)."
        )
    f = _fit(mentee, mentor, _sides(name, [mentee, mentor]))
    record = MatchRecord(
        mentee=mentee.id,
        mentor=mentor.id,
        score=float(f.score),
        reason=_reason(mentee, f, chosen=True),
        words=list(f.words),
        status="proposed",
    )
    get_store().put(cohort_owner(name), "match", mentee.id, record.stored())
    return _as_match(record, {p.id: p.display_name for p in people}, mentee.id)


def approve(name: str, mentee_id: str | None = None) -> list[Match]:
    """Approve one mentee's proposed match, or (``None``) every proposed match; returns
    the matches approved now. Participants see a match only once it is approved."""
    from coach.store import get_store
    from coach.workshop import cohort_owner

    _open(name)
    stored = {m.mentee_id: m for m in matches(name) if m.matched}
    if mentee_id is not None and mentee_id not in stored:
        raise CohortError("That mentee has no proposed match to approve: propose matches first.")
    wanted = [mentee_id] if mentee_id is not None else list(stored)
    at = _iso(_utcnow())
    done: list[Match] = []
    store = get_store()
    for key in wanted:
        if stored[key].status == "approved":
            continue

        def approved(data: dict[str, Any]) -> dict[str, Any] | None:
            if data.get("status") != "proposed":
                return None
            return {**data, "status": "approved", "decided_at": at}

        store.update(cohort_owner(name), "match", key, approved)
        done.append(replace(stored[key], status="approved"))
    return done


def match_for(participant_id: str) -> MyMatches:
    """What a participant sees: their approved mentor (as a mentee) and their approved
    mentees (as a mentor); nothing of proposals."""
    # an open page asks every half minute: a few lookups by key, never the whole cohort
    me = _participant(participant_id)
    if me is None:
        return MyMatches()
    approved = {
        k: r for k, r in _stored(me.cohort).items() if r.status == "approved" and r.mentor != k
    }
    names = {me.id: me.display_name}

    def known(pid: str) -> bool:
        other = _participant(pid)
        if other is None or other.cohort != me.cohort:
            return False
        names[pid] = other.display_name
        return True

    mine = approved.get(me.id)
    mentor = _as_match(mine, names, me.id) if mine and known(mine.mentor) else None
    mentees = tuple(
        _as_match(r, names, k)
        for k, r in sorted(approved.items())
        if r.mentor == me.id and known(k)
    )
    return MyMatches(mentor, tuple(sorted(mentees, key=lambda m: _natural(m.mentee_name))))


def _best_for(name: str, mentee: Participant, exclude: str) -> Participant | None:
    """The best mentor for ``mentee`` with capacity left, other than ``exclude``, by the
    same levels as :func:`propose` (its seed: the cohort's)."""
    people, mentors, _mentees = _roles(name)
    sides = _sides(name, people)
    stored = _stored(name)
    load = Counter(r.mentor for k, r in stored.items() if k != mentee.id)
    mentor_of = {k: r.mentor for k, r in stored.items() if r.status == "approved"}
    candidates = [t for t in mentors if t.id not in (exclude, mentee.id)]
    found = _assign([mentee], candidates, sides, load, mentor_of, _require(name).seed)
    return found[mentee.id][0] if mentee.id in found else None
