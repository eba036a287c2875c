"""Retrieval benchmark: quality on the paraphrased question set, latency, build time.

Run with `make bench` (or `.venv/bin/python bench/retrieval.py`). It works in a temporary
COACH_HOME and a cold vector cache, so nothing of yours is touched or reused. Targets
(DESIGN.md): hit@5 >= 0.90, hit@1 >= 0.65, search p95 <= 10 ms on the shipped corpus and
<= 50 ms on 20,000 chunks.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def line(label: str, value: str, target: str = "") -> None:
    print(f"  {label:<44} {value:>14}  {target}")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    os.environ["COACH_HOME"] = str(tmp / "home")
    os.environ["COACH_CACHE_DIR"] = str(tmp / "cache")
    for name in list(os.environ):
        if name.startswith("OPENAI_") or name in ("COACH_CHROMA_URL", "COACH_EMBEDDINGS"):
            del os.environ[name]

    import coach
    from coach.evaluation import evaluate, load_questions
    from coach.indexer import index_paths
    from coach.settings import get_settings

    settings = get_settings()
    print(f"Mentor Workbook retrieval benchmark ({settings.embeddings} embeddings, 2-core box)")

    from coach import embcache
    from coach.vectorstore import Corpus

    store = Corpus(settings, "default")
    print("\nIndex build (shipped corpus)")
    shipped, embcache.SHIPPED = embcache.SHIPPED, tmp / "no-shipped-vectors"
    model_run = settings.model_copy(update={"cache_dir": tmp / "model-cache"})
    t0 = time.perf_counter()
    report = index_paths(model_run)
    build_model = time.perf_counter() - t0
    embcache.SHIPPED = shipped
    chunks = sum(f.chunks for f in report.files)
    line("files / chunks", f"{len(report.files)} / {chunks}")
    line("build, the model embeds every text", f"{build_model:.1f} s")
    for label in ("build, new machine (shipped vectors)", "build, warm vector cache"):
        store.drop()
        t0 = time.perf_counter()
        index_paths(settings)
        line(label, f"{time.perf_counter() - t0:.1f} s")

    questions = load_questions(REPO / "tests" / "eval" / "questions.jsonl")
    coach.search("warm up", k=1)
    print(f"\nQuality on tests/eval/questions.jsonl ({len(questions)} questions)")
    halves = {
        "all": questions,
        "dev half (fusion weights chosen here)": questions[0::2],
        "held-out half": questions[1::2],
    }
    for name, qs in halves.items():
        r = evaluate(qs, lambda q, k: coach.search(q, k=k))
        line(
            f"{name}: hit@1 / hit@3 / hit@5 / MRR",
            f"{r.hit_at[1]:.3f} / {r.hit_at[3]:.3f} / {r.hit_at[5]:.3f} / {r.mrr:.3f}",
            "(target hit@5 >= 0.90, hit@1 >= 0.65)" if name == "all" else "",
        )

    print("\nSearch latency, in-process, warm (k=5)")
    times = []
    for _ in range(3):
        for q in questions:
            t0 = time.perf_counter()
            coach.search(q.q, k=5)
            times.append((time.perf_counter() - t0) * 1000)
    line(
        "shipped corpus p50 / p95",
        f"{pct(times, 50):.1f} / {pct(times, 95):.1f} ms",
        "(target p95 <= 10 ms)",
    )
    from coach.embeddings import get_embedder

    emb = get_embedder(settings)
    et = []
    for q in questions:
        t0 = time.perf_counter()
        emb.embed_query(q.q)
        et.append((time.perf_counter() - t0) * 1000)
    line("  of which query embedding p50 / p95", f"{pct(et, 50):.1f} / {pct(et, 95):.1f} ms")

    big_latency(settings, questions)
    cold_start(tmp)
    return 0


def big_latency(settings, questions) -> None:
    """Search over a generated corpus of 20,000 chunks."""
    import numpy as np

    from coach.chunking import Chunk
    from coach.embeddings import get_embedder
    from coach.retrieval import hybrid_search
    from coach.vectorstore import Corpus

    base = Corpus(settings, "default").all_chunks()
    sentences = sorted(
        {s.strip() for t in base.texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s) > 30}
    )
    emb = get_embedder(settings)
    t0 = time.perf_counter()
    sv = np.asarray(emb.embed_documents(sentences), dtype=np.float32)
    embed_s = time.perf_counter() - t0
    rng = random.Random(7)
    store = Corpus(settings, "bench20k")
    store.drop()
    store.create(emb.name)
    n_chunks, per_file = 20_000, 2_000  # ten large files: bulk writes
    t0 = time.perf_counter()
    for f in range(n_chunks // per_file):
        chunks, vecs = [], []
        for c in range(per_file):
            pick = rng.sample(range(len(sentences)), rng.randint(3, 6))
            v = sv[pick].mean(0)
            vecs.append((v / np.linalg.norm(v)).tolist())
            chunks.append(
                Chunk(
                    id=f"g{f:03d}-{c:03d}",
                    text=" ".join(sentences[i] for i in pick),
                    title=f"Generated guide {f}",
                    section=f"Section {c}",
                    source=f"generated/{f:03d}.md",
                )
            )
        store.replace_file(
            f"/generated/{f:03d}.md", "/generated", "x", chunks, vecs, [[]] * per_file
        )
    write_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    hybrid_search(settings, store, "warm up the lexical index", 5)
    first_s = time.perf_counter() - t0
    times = []
    for q in questions * 2:
        t0 = time.perf_counter()
        hybrid_search(settings, store, q.q, 5)
        times.append((time.perf_counter() - t0) * 1000)
    print(f"\nSearch latency on {store.count():,} generated chunks")
    line("sentence vectors for the generator", f"{embed_s:.1f} s")
    line("writing 20,000 chunks to chroma", f"{write_s:.1f} s")
    line("first query (builds the BM25 index)", f"{first_s:.1f} s")
    line("p50 / p95", f"{pct(times, 50):.1f} / {pct(times, 95):.1f} ms", "(target p95 <= 50 ms)")
    print(
        "  (chunks are 3-6 corpus sentences drawn at random; each vector is the normalised\n"
        "   mean of its sentences' model vectors, because running the model over 20,000\n"
        "   chunks would take most of an hour on two cores)"
    )
    store.drop()


def cold_start(tmp: Path) -> None:
    """Wall time of `mentor-coach search` as a new process, index already built."""
    exe = str(Path(sys.executable).parent / "mentor-coach")
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(
            [exe, "search", "how do I ask someone to mentor me", "--json"],
            check=True,
            capture_output=True,
            env=dict(os.environ),
        )
        runs.append(time.perf_counter() - t0)
    print("\nCold start")
    line("`mentor-coach search` median of 5", f"{statistics.median(runs):.2f} s")


if __name__ == "__main__":
    sys.exit(main())
