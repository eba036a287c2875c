"""The coach's tasks: ``ask``, ``draft``, ``agenda`` and ``refine_goal``.

Each task retrieves passages, runs the configured engine, checks the result, falls back to
the offline engine when a model fails (saying why in ``fallback_reason``), and records the
call in the turn log.
"""

from __future__ import annotations

import datetime as dt
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
    Usage,
    passages_block,
)
from coach.errors import CoachError
from coach.language import DraftHistory
from coach.models import Passage
from coach.offline import with_history
from coach.profiles import MentorCandidate, Profile, ProfileError
from coach.prompts import PromptSpec, get_prompt
from coach.results import Agenda, Answer, Draft, GoalSuggestion
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
    spent = Usage()  # by a model attempt that failed
    if engine_name == "openai":
        model = ModelEngine(settings, on_token)
        try:
            result = call(model)
        except (ModelServerError, BadOutput) as exc:
            fallback = _fallback_reason(exc)
            spent = model.spent
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
            prompt_tokens=result.usage.prompt_tokens + spent.prompt_tokens,
            completion_tokens=result.usage.completion_tokens + spent.completion_tokens,
            fallback_reason=fallback,
            repairs=result.usage.repairs + spent.repairs,
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
    # an answer that cites nothing is the engine saying the guides do not cover it
    return Answer(
        text=result.answer,
        citations=[relevant[i] for i in result.cited],
        provider=engine,
        fallback_reason=fallback,
        covered=bool(result.cited),
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
    history: DraftHistory | None = None,
) -> Draft:
    """Draft outreach of ``kind`` from ``me`` to ``mentor``: checked, cited, never sent.

    ``alternatives`` (1 to 3) asks for that many versions; the first is the draft, the
    others are in ``Draft.alternatives``. ``history`` (when the first message went, what a
    meeting covered) lets a follow-up or thank-you say so; without it they claim no time.
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
    ctx = with_history(_context(kind, me, mentor, settings), history)
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
    from coach.offline import refuse_bad_names

    refuse_bad_names(me, mentor)  # its title and prompts name both people, for any engine
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
    from coach.checks import agenda_checks, agenda_context

    checks = agenda_checks(result.items, spec, minutes, agenda_context(spec, me, mentor))
    return Agenda(
        phase=phase,
        minutes=minutes,
        title=f"{PHASE_TITLES[phase]}: {me.first_name} and {mentor.first_name}",
        items=result.items,
        citations=passages,
        checks=checks,
        provider=engine,
        fallback_reason=fallback,
    )


_REASON_KEYS = (
    "done added-measure added-date added-both missing-measure missing-date missing-both vague "
    "verb-first date-passed date-conflict refuse-short refuse-junk refuse-long refuse-measure"
).split()


def _reply_line(reply: str, label: str) -> str | None:
    """The text after ``label:`` on a line of the model's reply ("**Why:** ..." too)."""
    m = re.search(rf"^[\W_]*{label}[\W_]*:\s*(.+?)\s*$", reply, re.IGNORECASE | re.MULTILINE)
    return m.group(1).strip(" *_\"'“”") if m else None


def _model_wording(
    settings: Settings,
    spec: PromptSpec,
    values: dict[str, str],
    facts: list[str],
    result: EngineResult,
) -> tuple[str | None, str]:
    """The model's rewrite and why, checked; :class:`BadOutput` when it cannot be shown.
    The tokens it used are added to ``result.usage``."""
    from coach.goals import check_model_wording
    from coach.openai_client import chat

    system, user = spec.render(**values)
    done = chat(settings, system, user)
    result.usage.prompt_tokens += done.prompt_tokens
    result.usage.completion_tokens += done.completion_tokens
    suggestion = _reply_line(done.text, "suggestion")
    reason = _reply_line(done.text, "why")
    if not suggestion:
        raise BadOutput("the model's reply had no 'Suggestion:' line")
    if not reason or len(reason.split()) > 60:
        raise BadOutput("the model's reply had no short 'Why:' line")
    if suggestion.lower().rstrip(".") in {"none", "no change", "n/a"}:
        return None, reason
    problem = check_model_wording(suggestion, facts)
    if problem:
        raise BadOutput(f"the model's rewrite was not usable: {problem}")
    if suggestion.casefold().rstrip(".") == values["goal"].casefold().rstrip("."):
        return None, reason
    return suggestion, reason


def refine_goal(
    goal: str,
    *,
    why: str = "",
    measure: str = "",
    target_date: dt.date | str | None = None,
    today: dt.date | None = None,
) -> GoalSuggestion:
    """A sharper, SMART wording of ``goal`` from its parts (what, ``measure``,
    ``target_date``), with the reason and the guide that explains it.

    Nothing is invented: a part that is missing is left out of the wording and named in
    the reason. A model's rewrite that is too long, has a placeholder or a number or date
    the inputs lack is replaced by the offline one, saying why in ``fallback_reason``.
    """
    from coach.goals import clean, format_date, reasons, refusal, suggest_wording
    from coach.prompts import PromptError

    spec = get_prompt("refine-goal")
    texts = reasons(spec.offline.advice)
    missing = [k for k in _REASON_KEYS if k not in texts]
    if missing:
        raise PromptError(f"prompts/refine-goal.yaml: offline.advice lacks {missing}")
    text = clean(goal)
    refused = refusal(text)
    if refused:
        raise ProfileError(texts[refused])
    measure = clean(measure)
    if measure and refusal(measure if len(measure) >= 3 else "...") is not None:
        raise ProfileError(texts["refuse-measure"])
    if isinstance(target_date, str):
        try:
            target_date = dt.date.fromisoformat(target_date) if target_date.strip() else None
        except ValueError:
            raise ProfileError(
                f"target date {target_date!r} is not a date: write it as YYYY-MM-DD"
            ) from None
    offline = suggest_wording(text, measure=measure, target_date=target_date, today=today)
    offline_reason = " ".join(texts[k] for k in offline.keys)
    settings = get_settings()
    passages = _search(spec.retrieve, 2)
    date = format_date(target_date) if target_date else ""
    values = {
        "goal": text,
        "measure": measure,
        "date": date,
        "why": clean(why),
        "passages": passages_block(passages),
    }
    facts = [text, measure, date, target_date.isoformat() if target_date else "", values["why"]]
    out: list[tuple[str | None, str]] = []

    def call(engine: Engine) -> EngineResult:
        # Not an Engine method: the wording is composed here and in coach.goals, and _run
        # still gives it the same fallback and turn log as every other task.
        result = EngineResult()
        if engine.name == "openai":
            out.append(_model_wording(settings, spec, values, facts, result))
        else:
            out.append((offline.suggestion, offline_reason))
        result.answer = out[-1][0] or ""
        return result

    _result, engine, fallback = _run(settings, "refine-goal", spec, passages, call, None)
    suggestion, reason = out[-1]
    return GoalSuggestion(
        goal=text,
        suggestion=suggestion,
        reason=reason,
        citations=passages,
        provider=engine,
        fallback_reason=fallback,
    )
