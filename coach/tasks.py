"""The coach's tasks: ``ask``, ``draft``, ``agenda`` and ``refine_goal``.

Each task retrieves passages, runs the configured engine, checks the result, falls back to
the offline engine when a model fails (saying why in ``fallback_reason``), and records the
call in the turn log.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from coach.checks import Context
from coach.engines import (
    BadOutput,
    Engine,
    EngineResult,
    ModelEngine,
    OfflineEngine,
    passages_block,
)
from coach.errors import CoachError
from coach.models import Passage
from coach.profiles import MentorCandidate, Profile, ProfileError
from coach.prompts import PromptSpec, get_prompt
from coach.results import Agenda, Answer, Draft
from coach.settings import Settings, get_settings
from coach.turnlog import Turn, record

DRAFT_KINDS = ("linkedin-note", "linkedin-message", "inmail", "email", "follow-up", "thank-you")
PHASES = ("first-meeting", "agreement", "development", "closing")
PHASE_TITLES = {
    "first-meeting": "First meeting",
    "agreement": "Agreeing how we work",
    "development": "Development session",
    "closing": "Closing meeting",
}


def _search(query: str, k: int) -> list[Passage]:
    from coach.api import search

    return search(query, k=k)


def _fallback_reason(exc: Exception) -> str:
    return f"{exc}; used the offline coach instead"


def _run(
    settings: Settings,
    task: str,
    spec: PromptSpec,
    passages: list[Passage],
    call: Callable[[Engine], EngineResult],
    on_token: Callable[[str], None] | None,
) -> tuple[EngineResult, str, str | None]:
    """Run ``call`` on the configured engine, falling back to offline; log the turn."""
    from coach.openai_client import ModelServerError

    start = time.perf_counter()
    engine_name = settings.engine()
    fallback: str | None = None
    result: EngineResult | None = None
    if engine_name == "openai":
        try:
            result = call(ModelEngine(settings, on_token))
        except (ModelServerError, BadOutput) as exc:
            fallback = _fallback_reason(exc)
    if result is None:
        result = call(OfflineEngine(settings))
        engine_name = "offline"
    record(
        settings.log_path,
        Turn(
            task=task,
            prompt=spec.name,
            prompt_version=spec.version,
            engine=engine_name,
            model=settings.model if engine_name == "openai" else None,
            passage_ids=[p.id for p in passages],
            latency_ms=(time.perf_counter() - start) * 1000,
            prompt_tokens=result.usage.prompt_tokens,
            completion_tokens=result.usage.completion_tokens,
            fallback_reason=fallback,
            repairs=result.usage.repairs,
        ),
    )
    return result, engine_name, fallback


def ask(question: str, *, on_token: Callable[[str], None] | None = None) -> Answer:
    """A grounded answer to ``question`` with numbered citations, or 'not covered'."""
    settings = get_settings()
    spec = get_prompt("answer")
    passages = _search(question, 5)
    relevant = [p for p in passages if p.relevance >= settings.min_relevance]
    if not relevant:
        record(
            settings.log_path,
            Turn("ask", spec.name, spec.version, "offline", None, [p.id for p in passages], 0.0),
        )
        return Answer(text=spec.offline.none_found, citations=[], covered=False)
    result, engine, fallback = _run(
        settings, "ask", spec, relevant, lambda e: e.answer(spec, question, relevant), on_token
    )
    return Answer(
        text=result.answer,
        citations=[relevant[i] for i in result.cited],
        provider=engine,
        fallback_reason=fallback,
    )


def _context(kind: str, me: Profile, mentor: MentorCandidate, settings: Settings) -> Context:
    from coach.offline import allowed_words

    subject_limit: int | None = None
    if kind == "linkedin-note":
        limit = (
            settings.linkedin_note_limit_premium
            if me.linkedin_account == "premium"
            else settings.linkedin_note_limit_free
        )
    elif kind == "inmail":
        limit, subject_limit = settings.inmail_body_limit, settings.inmail_subject_limit
    elif kind == "email":
        limit, subject_limit = settings.email_limit, settings.email_subject_limit
    else:
        limit = {
            "linkedin-message": settings.linkedin_message_limit,
            "follow-up": settings.follow_up_limit,
            "thank-you": settings.thank_you_limit,
        }[kind]
    return Context(kind, me, mentor, limit, subject_limit, allowed_words())


def draft(
    kind: str,
    me: Profile,
    mentor: MentorCandidate,
    *,
    alternatives: int = 1,
    on_token: Callable[[str], None] | None = None,
) -> Draft:
    """Draft outreach of ``kind`` from ``me`` to ``mentor``: checked, cited, never sent.

    ``alternatives`` (1 to 3) asks for that many versions; the first is the draft, the
    others are in ``Draft.alternatives``.
    """
    if kind not in DRAFT_KINDS:
        raise CoachError(f"unknown draft kind {kind!r}; choose one of {', '.join(DRAFT_KINDS)}")
    if not 1 <= alternatives <= 3:
        raise CoachError("alternatives must be 1, 2 or 3")
    if kind == "inmail" and me.linkedin_account != "premium":
        raise ProfileError(
            "InMail is a LinkedIn Premium feature and your profile says linkedin_account: free. "
            "Draft a linkedin-note (connection request) or an email instead."
        )
    settings = get_settings()
    spec = get_prompt(f"draft-{kind}")
    ctx = _context(kind, me, mentor, settings)
    passages = _search(spec.retrieve, 3)
    result, engine, fallback = _run(
        settings,
        "draft",
        spec,
        passages,
        lambda e: e.draft(spec, me, mentor, ctx, alternatives, passages),
        on_token,
    )
    versions = [
        Draft(
            kind=kind,
            text=d.text,
            subject=d.subject,
            citations=passages,
            checks=d.checks,
            advice=list(spec.offline.advice),
            provider=engine,
            fallback_reason=fallback,
        )
        for d in result.drafts
    ]
    return versions[0].model_copy(update={"alternatives": versions[1:]})


def agenda(phase: str, me: Profile, mentor: MentorCandidate, minutes: int = 45) -> Agenda:
    """A timed agenda for a meeting of ``phase`` that fits ``minutes`` exactly."""
    if phase not in PHASES:
        raise CoachError(f"unknown phase {phase!r}; choose one of {', '.join(PHASES)}")
    if not isinstance(minutes, int) or not 10 <= minutes <= 480:
        raise CoachError("minutes must be a whole number from 10 to 480")
    settings = get_settings()
    spec = get_prompt(f"agenda-{phase}")
    passages = _search(spec.retrieve, 3)
    result, engine, fallback = _run(
        settings,
        "agenda",
        spec,
        passages,
        lambda e: e.agenda(spec, me, mentor, minutes, passages),
        None,
    )
    return Agenda(
        phase=phase,
        minutes=minutes,
        title=f"{PHASE_TITLES[phase]}: {me.first_name} and {mentor.first_name}",
        items=result.items,
        citations=passages,
        provider=engine,
        fallback_reason=fallback,
    )


_DATE = re.compile(
    r"\b(by|before|until|in)\s+(\w+\s+)?(\d{4}|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|spring|summer|autumn|fall|winter|q[1-4]|"
    r"the end of|next)\b",
    re.IGNORECASE,
)


def refine_goal(goal: str) -> Answer:
    """Suggestions that make a development goal SMART, with the guide that explains it."""
    text = " ".join(str(goal).split())
    if len(text) < 3:
        raise ProfileError("write the goal in a few words first")
    settings = get_settings()
    spec = get_prompt("refine-goal")
    passages = _search(spec.retrieve, 2)
    tips = spec.offline.advice
    missing = []
    if len(text.split()) < 5:
        missing.append(tips[0])
    if not re.search(r"\d|\bone\b|\btwo\b|\bthree\b|\bfirst\b", text, re.IGNORECASE):
        missing.append(tips[1])
    if not _DATE.search(text):
        missing.append(tips[2])
    fallback = None
    if settings.engine() == "openai":
        from coach.openai_client import ModelServerError, chat

        try:
            system, user = spec.render(goal=text, passages=passages_block(passages))
            reply = chat(settings, system, user).text.strip()
            return Answer(text=reply, citations=passages, provider="openai")
        except ModelServerError as exc:
            fallback = _fallback_reason(exc)
    body = (
        "This goal is specific, measurable and time-bound."
        if not missing
        else "\n".join(f"- {m}" for m in missing)
    )
    return Answer(text=body, citations=passages, provider="offline", fallback_reason=fallback)
