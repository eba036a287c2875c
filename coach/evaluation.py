"""Retrieval quality on a question set: hit@k and MRR (used by the tests and bench/)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from coach.models import Passage


@dataclass
class Question:
    """A question with the corpus file and section that answer it, and any other sections
    that answer it just as fully (the corpus repeats some facts across guides)."""

    q: str
    file: str
    section: str
    also: list[tuple[str, str]] = field(default_factory=list)

    def answers(self) -> set[tuple[str, str]]:
        """Every (file, section) that counts as a hit."""
        return {(self.file, self.section), *self.also}


@dataclass
class EvalResult:
    """Hit rates at 1, 3 and 5 and the mean reciprocal rank (within the top 10)."""

    n: int
    hit_at: dict[int, float]
    mrr: float
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)


def load_questions(path: Path) -> list[Question]:
    """Read a JSONL question file; every line must have q, file and section."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            try:
                also = [(str(a["file"]), str(a["section"])) for a in row.get("also", [])]
                out.append(Question(str(row["q"]), str(row["file"]), str(row["section"]), also))
            except KeyError as exc:
                raise ValueError(f"{path}:{n}: missing key {exc}") from None
    return out


def is_hit(p: Passage, q: Question) -> bool:
    """True when ``p`` comes from a section that answers the question."""
    return (p.source.rsplit("/", 1)[-1], p.section.split(" › ")[0]) in q.answers()


def evaluate(questions: list[Question], search: Callable[[str, int], list[Passage]]) -> EvalResult:
    """Run every question through ``search`` and score the ranks of the right section."""
    hits = {1: 0, 3: 0, 5: 0}
    rr = 0.0
    misses = []
    for q in questions:
        got = search(q.q, 10)
        rank = next((i for i, p in enumerate(got, 1) if is_hit(p, q)), None)
        if rank is not None:
            rr += 1.0 / rank
        for k in hits:
            if rank is not None and rank <= k:
                hits[k] += 1
        if rank is None or rank > 1:
            misses.append((q.q, f"{q.file} › {q.section}", [p.citation() for p in got[:3]]))
    n = max(1, len(questions))
    return EvalResult(len(questions), {k: v / n for k, v in hits.items()}, rr / n, misses)
