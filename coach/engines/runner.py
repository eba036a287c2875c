"""The one run path every task takes, whichever engine answers.

Render the prompt, ask the engine, check the reply, ask for one repair when it fails, fall
back to the offline engine with the reason when the engine cannot answer or its reply
still fails, and record the turn in the log (``coach.turnlog``), tokens and repairs of a
failed attempt included.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from coach.engines.base import BadOutput, Engine, EngineError, EngineResult, Request, Tokens, Usage
from coach.engines.jobs import Job
from coach.engines.registry import FALLBACK, get_engine, is_builtin
from coach.errors import CoachError
from coach.settings import Settings
from coach.turnlog import Turn, record


@dataclass
class Outcome:
    """A task's result, the engine that gave it, and why the chosen one did not (if so)."""

    result: EngineResult
    engine: str
    fallback_reason: str | None = None


def run(settings: Settings, job: Job, on_token: Tokens | None = None) -> Outcome:
    """Carry out ``job`` on the engine the settings choose, falling back to offline."""
    start = time.perf_counter()
    engine = get_engine(settings)
    usage = Usage()
    fallback: str | None = None
    try:
        result = _attempt(engine, job, usage, on_token)
    except (EngineError, BadOutput) as exc:
        if engine.name == FALLBACK:
            raise
        fallback = f"{exc}; used the offline coach instead"
    except CoachError:
        raise  # the inputs or the configuration: the person has to act, no fallback helps
    except Exception as exc:
        if is_builtin(engine.name):
            raise  # our own bug: seen, not hidden behind the offline coach
        fallback = (
            f"the {engine.name!r} engine failed ({type(exc).__name__}: {exc}); "
            "used the offline coach instead"
        )
    if fallback is not None:
        engine = get_engine(settings, FALLBACK)
        result = _attempt(engine, job, usage, None)
    record(
        settings.log_path,
        Turn(
            task=job.task,
            prompt=job.spec.name,
            prompt_version=job.spec.version,
            engine=engine.name,
            model=engine.model,
            passage_ids=[p.id for p in job.passages],
            latency_ms=(time.perf_counter() - start) * 1000,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            fallback_reason=fallback,
            repairs=usage.repairs,
        ),
    )
    return Outcome(result, engine.name, fallback)


def _attempt(engine: Engine, job: Job, usage: Usage, on_token: Tokens | None) -> EngineResult:
    """``job`` on ``engine``: each version asked for, judged, and repaired up to the job's
    limit; versions that still fail are dropped, and none left is :class:`BadOutput`."""

    def ask(system: str, user: str) -> tuple[str, EngineResult | None]:
        reply = engine.complete(Request(job, system, user, job.json_mode, on_token))
        usage.prompt_tokens += reply.prompt_tokens
        usage.completion_tokens += reply.completion_tokens
        return reply.text, reply.result

    pieces = []
    failed = []
    for version in range(job.versions):
        system, user = job.render(version)
        text, finished = ask(system, user)
        if finished is not None:  # an engine that composes answers the whole job at once
            finished.usage = usage
            return finished
        verdict = job.judge(text)
        for _ in range(job.repairs):
            if not verdict.failed:
                break
            usage.repairs += 1
            text, _finished = ask(system, job.repair(user, verdict))
            verdict = job.judge(text)
        if verdict.failed:
            failed = verdict.failed
            continue
        pieces.append(verdict.piece)
    if not pieces:
        raise BadOutput(job.failure(failed))
    result = job.result(pieces)
    result.usage = usage
    return result
