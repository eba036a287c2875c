"""The coach's tasks: ``ask``, ``draft``, ``agenda`` and ``refine_goal``.

Each task checks its inputs, retrieves passages, and hands a job to the one run path
(``coach.engines.runner.run``): the configured engine answers, its reply is checked and
repaired once, the offline engine answers instead when it fails (saying why in
``fallback_reason``), and the call is recorded in the turn log. The kinds of draft, the
meeting phases and their limits and titles come from ``prompts/vocabulary.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from coach.checks import Context
from coach.engines.jobs import AgendaJob, AnswerJob, DraftJob, GoalJob
from coach.engines.runner import run
from coach.errors import CoachError
from coach.language import DraftHistory
from coach.models import Passage
from coach.offline import with_history
from coach.profiles import MentorCandidate, Profile, ProfileError
from coach.prompts import agenda_phases, draft_kinds, get_prompt, vocabulary
from coach.results import Agenda, Answer, Draft, GoalSuggestion
from coach.settings import Settings, get_settings
from coach.turnlog import Turn, record

if TYPE_CHECKING:  # what the module-level __getattr__ below returns for these two names
    DRAFT_KINDS: tuple[str, ...]
    PHASES: tuple[str, ...]


def __getattr__(name: str) -> Any:
    # DRAFT_KINDS and PHASES are read from prompts/vocabulary.yaml when first asked for,
    # not when this module is imported
    if name == "DRAFT_KINDS":
        return draft_kinds()
    if name == "PHASES":
        return agenda_phases()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _search(query: str, k: int) -> list[Passage]:
    from coach.api import search

    return search(query, k=k)


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
    # Well above the "not covered" cut-off: passages this close do answer the question.
    strong = min(1.0, settings.min_relevance + 0.2)
    job = AnswerJob(spec, relevant, question=question, strong=strong)
    done = run(settings, job, on_token)
    # an answer that cites nothing is the engine saying the guides do not cover it
    return Answer(
        text=done.result.answer,
        citations=[relevant[i] for i in done.result.cited],
        provider=done.engine,
        fallback_reason=done.fallback_reason,
        covered=bool(done.result.cited),
    )


def _context(kind: str, me: Profile, mentor: MentorCandidate, settings: Settings) -> Context:
    """What a draft of ``kind`` is judged against: its limits (from the vocabulary's
    settings), both profiles and the words the templates may use."""
    from coach.offline import allowed_words

    limit, subject_limit = vocabulary().kinds[kind].limits(me.linkedin_account, settings)
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
    kinds = vocabulary().kinds
    if kind not in kinds:
        raise CoachError(f"unknown draft kind {kind!r}; choose one of {', '.join(kinds)}")
    if not 1 <= alternatives <= 3:
        raise CoachError("alternatives must be 1, 2 or 3")
    refusal = kinds[kind].free_account
    if refusal and me.linkedin_account != "premium":
        raise ProfileError(refusal)
    settings = get_settings()
    spec = get_prompt(f"draft-{kind}")
    ctx = with_history(_context(kind, me, mentor, settings), history)
    passages = _search(spec.retrieve, 3)
    job = DraftJob(spec, passages, me=me, mentor=mentor, ctx=ctx, count=alternatives)
    done = run(settings, job, on_token)
    versions = [
        Draft(
            kind=kind,
            text=d.text,
            subject=d.subject,
            citations=passages,
            checks=d.checks,
            advice=list(spec.offline.advice),
            provider=done.engine,
            fallback_reason=done.fallback_reason,
        )
        for d in done.result.drafts
    ]
    return versions[0].model_copy(update={"alternatives": versions[1:]})


def agenda(phase: str, me: Profile, mentor: MentorCandidate, minutes: int = 45) -> Agenda:
    """A timed agenda for a meeting of ``phase`` that fits ``minutes`` exactly."""
    phases = vocabulary().phases
    if phase not in phases:
        raise CoachError(f"unknown phase {phase!r}; choose one of {', '.join(phases)}")
    if not isinstance(minutes, int) or not 10 <= minutes <= 480:
        raise CoachError("minutes must be a whole number from 10 to 480")
    from coach.offline import refuse_bad_names

    refuse_bad_names(me, mentor)  # its title and prompts name both people, for any engine
    settings = get_settings()
    spec = get_prompt(f"agenda-{phase}")
    passages = _search(spec.retrieve, 3)
    done = run(settings, AgendaJob(spec, passages, me=me, mentor=mentor, minutes=minutes))
    from coach.checks import agenda_checks, agenda_context

    items = done.result.items
    checks = agenda_checks(items, spec, minutes, agenda_context(spec, me, mentor))
    return Agenda(
        phase=phase,
        minutes=minutes,
        title=f"{phases[phase].title}: {me.first_name} and {mentor.first_name}",
        items=items,
        citations=passages,
        checks=checks,
        provider=done.engine,
        fallback_reason=done.fallback_reason,
    )


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
    from coach.goals import clean, reasons, refusal

    spec = get_prompt("refine-goal")
    texts = reasons(spec.offline.advice)  # every key is there: checked when the file loads
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
    settings = get_settings()
    passages = _search(spec.retrieve, 2)
    job = GoalJob(
        spec,
        passages,
        goal=text,
        measure=measure,
        target_date=target_date,
        today=today,
        why=clean(why),
        verdicts=texts,
    )
    done = run(settings, job)
    return GoalSuggestion(
        goal=text,
        suggestion=done.result.suggestion,
        reason=done.result.reason,
        citations=passages,
        provider=done.engine,
        fallback_reason=done.fallback_reason,
    )
