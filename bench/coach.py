"""Offline coach benchmark: latency of ask, draft and agenda, and how many drafts pass.

Run with `make bench` (or `.venv/bin/python bench/coach.py`). Works in a temporary
COACH_HOME; the index is built first and excluded from the timings, as is process start.
Target (DESIGN.md): p95 <= 100 ms for each task, 100 % of drafts passing their checks.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    os.environ["COACH_HOME"] = str(tmp / "home")
    os.environ.setdefault("COACH_CACHE_DIR", str(tmp / "cache"))
    for name in list(os.environ):
        if name.startswith("OPENAI_"):
            del os.environ[name]
    os.environ["COACH_PROVIDER"] = "offline"

    import coach
    from coach.evaluation import load_questions

    me = coach.Profile.from_yaml(REPO / "examples" / "me.yaml")
    premium = me.model_copy(update={"linkedin_account": "premium"})
    mentors = [
        coach.MentorCandidate.from_yaml(p) for p in sorted((REPO / "examples").glob("mentor*.yaml"))
    ]
    coach.search("warm up the index", k=1)
    questions = [q.q for q in load_questions(REPO / "tests" / "eval" / "questions.jsonl")]
    for q in questions:  # first sight of each passage sentence fills the vector cache
        coach.ask(q)

    print("Offline coach benchmark (warm index, 2-core box; target p95 <= 100 ms)")
    times: dict[str, list[float]] = {"ask": [], "draft": [], "agenda": []}
    passed = total = 0
    for q in questions:
        t0 = time.perf_counter()
        coach.ask(q)
        times["ask"].append((time.perf_counter() - t0) * 1000)
    for _ in range(5):
        for mentor in mentors:
            for kind in coach.DRAFT_KINDS:
                t0 = time.perf_counter()
                d = coach.draft(kind, premium, mentor)
                times["draft"].append((time.perf_counter() - t0) * 1000)
                total += 1
                passed += d.ok
            for phase in coach.PHASES:
                t0 = time.perf_counter()
                coach.agenda(phase, me, mentor, 45)
                times["agenda"].append((time.perf_counter() - t0) * 1000)
    for task, ts in times.items():
        print(f"  {task:<8} n={len(ts):<4} p50 {pct(ts, 50):6.1f} ms   p95 {pct(ts, 95):6.1f} ms")
    print(f"  drafts passing every check: {passed}/{total} ({100 * passed / total:.0f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
