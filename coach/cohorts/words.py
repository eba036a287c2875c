"""The words of goals and offers that peer pairing and mentor matching compare.

Goals come from the roster and from goal titles in a participant's workbook; offers from
the roster and from the profile's offers. The facilitator's side reads nothing else of a
participant's records, and a match names only the words that met, never a goal itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from coach.cohorts.model import Participant
from coach.cohorts.registry import _records

# Words too common in goals and offers to say anything about a match.
_VAGUE = frozenset(
    "learn learning want improve improving better skill skills experience help helping new "
    "good work working become grow growing develop developing year years month months "
    "role roles people things way ways able know knowledge".split()
)


def _terms(texts: list[str]) -> dict[str, str]:
    """Stem -> first surface word, for the meaningful words of ``texts``."""
    from coach.text import get_analyzer

    analyzer = get_analyzer()
    out: dict[str, str] = {}
    for t in texts:
        a = analyzer.analyse(t)
        for word, stem in zip(a.words, a.stems):
            if len(word) > 1 and not word.isdigit() and word not in _VAGUE:
                out.setdefault(stem, word)
    return out


@dataclass(frozen=True)
class _Side:
    """What matching knows of one participant: terms of goals and offers, organization."""

    goals: dict[str, str]
    offers: dict[str, str]
    organization: str


def _sides(name: str, people: list[Participant]) -> dict[str, _Side]:
    """Per participant: the terms of their goals and offers (roster plus workbook) and their
    organization (the roster's, else their profile's)."""
    goals: dict[str, list[str]] = {p.id: list(p.goals) for p in people}
    offers: dict[str, list[str]] = {p.id: list(p.offers) for p in people}
    orgs: dict[str, str] = {p.id: p.organization for p in people}
    for owner, kind, _key, raw, _updated in _records(name, ("goal", "profile")):
        data = json.loads(raw)
        if kind == "goal" and owner in goals:
            goals[owner].append(str(data.get("title") or ""))
        elif kind == "profile" and owner in offers:
            if isinstance(data.get("offer"), list):
                offers[owner].extend(str(x) for x in data["offer"])
            if not orgs[owner] and isinstance(data.get("organization"), str):
                orgs[owner] = data["organization"]
    return {
        p.id: _Side(_terms(goals[p.id]), _terms(offers[p.id]), " ".join(orgs[p.id].split()))
        for p in people
    }


def _wants_and_offers(
    name: str, people: list[Participant]
) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Per participant: terms of their goals and of their offers (roster plus workbook)."""
    return {pid: (side.goals, side.offers) for pid, side in _sides(name, people).items()}
