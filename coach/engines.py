"""The coach's engines behind one small interface, and the registry that picks one.

``OfflineEngine`` composes from the prompt files' templates and extracts answers from the
passages; ``ModelEngine`` asks OpenAI or any OpenAI-compatible server. Both return the same
shapes; the tasks in ``coach.tasks`` check what comes back and fall back to the offline
engine when the model fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from coach.checks import Context, agenda_checks, agenda_context, run_checks
from coach.models import Passage
from coach.offline import compose_agenda, compose_drafts, extract_answer
from coach.profiles import MentorCandidate, Profile
from coach.prompts import PromptSpec
from coach.results import AgendaItem, Check
from coach.settings import Settings

Tokens = Callable[[str], None]


class BadOutput(Exception):
    """The model answered, but not in a usable form; the message says how."""


@dataclass
class Usage:
    """Tokens spent and repairs made during one task."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    repairs: int = 0


@dataclass
class DraftOut:
    """One draft as an engine produced it."""

    text: str
    subject: str | None
    checks: list[Check]


@dataclass
class EngineResult:
    """What an engine returns for a task."""

    answer: str = ""
    cited: list[int] = field(default_factory=list)  # indexes into the passages given
    drafts: list[DraftOut] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)


class Engine(Protocol):
    """Produces answers, drafts and agendas."""

    name: str

    def answer(self, spec: PromptSpec, question: str, passages: list[Passage]) -> EngineResult:
        """An answer citing ``passages`` by index."""
        ...

    def draft(
        self,
        spec: PromptSpec,
        me: Profile,
        mentor: MentorCandidate,
        ctx: Context,
        count: int,
        passages: list[Passage],
    ) -> EngineResult:
        """Up to ``count`` drafts."""
        ...

    def agenda(
        self,
        spec: PromptSpec,
        me: Profile,
        mentor: MentorCandidate,
        minutes: int,
        passages: list[Passage],
    ) -> EngineResult:
        """Timed agenda items adding up to ``minutes``."""
        ...


class OfflineEngine:
    """Deterministic, no network: templates and extraction (see ``coach.offline``)."""

    name = "offline"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def answer(self, spec: PromptSpec, question: str, passages: list[Passage]) -> EngineResult:
        """The sentence that answers the question, then distinct supporting points, cited."""
        from coach.embcache import cached_embed
        from coach.embeddings import get_embedder

        emb = get_embedder(self._settings)

        def embed(texts: list[str]) -> list[list[float]]:
            return cached_embed(self._settings.cache_dir, emb.name, texts, emb.embed_documents)

        vec = emb.embed_query(question)
        picked, cited = extract_answer(vec, passages, embed, question=question)
        if not picked:
            return EngineResult(answer=spec.offline.none_found)
        marked = [f"{sentence} [{cited.index(pi) + 1}]" for pi, sentence in picked]
        lines = [marked[0]]
        if marked[1:]:
            lines += ["", spec.offline.intro, *(f"- {m}" for m in marked[1:])]
        return EngineResult(answer="\n".join(lines), cited=cited)

    def draft(
        self,
        spec: PromptSpec,
        me: Profile,
        mentor: MentorCandidate,
        ctx: Context,
        count: int,
        passages: list[Passage],
    ) -> EngineResult:
        """Composed drafts that pass every check."""
        made = compose_drafts(spec, me, mentor, ctx, count)
        return EngineResult(drafts=[DraftOut(t, s, c) for t, s, c in made])

    def agenda(
        self,
        spec: PromptSpec,
        me: Profile,
        mentor: MentorCandidate,
        minutes: int,
        passages: list[Passage],
    ) -> EngineResult:
        """The phase's items, weighted to the minute."""
        return EngineResult(items=compose_agenda(spec, me, mentor, minutes))


def _profile_block(me: Profile) -> str:
    return json.dumps(me.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)


def _mentor_block(mentor: MentorCandidate) -> str:
    return json.dumps(mentor.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)


def passages_block(passages: list[Passage]) -> str:
    """Numbered passages for a prompt."""
    return "\n\n".join(
        f"[{n}] {p.title} › {p.section}\n{p.text}" for n, p in enumerate(passages, 1)
    )


def _clean(text: str) -> str:
    text = text.strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    return text


def split_subject(text: str) -> tuple[str | None, str]:
    """'Subject: ...' on the first line, then the body."""
    m = re.match(r"\s*subject\s*:\s*(.+?)\s*\n(.*)", text, re.IGNORECASE | re.DOTALL)
    if not m:
        return None, _clean(text)
    return _clean(m.group(1)), _clean(m.group(2))


_CITATION = re.compile(r"\[(\d{1,3})\]")
_NOT_COVERED = re.compile(
    r"(?:\bnot|n't|\bnever) (?:\w+ ){0,2}(cover|covered|covering|answer|answered|mention|"
    r"mentioned|address|addressed|say|said|include|included)\b|\bno information\b|"
    r"\bnot in the (guides|passages)\b",
    re.IGNORECASE,
)


def _join_citations(text: str) -> str:
    """'[1, 3]' and '[1][3]' as '[1] [3]', so every number is checked on its own."""
    text = re.sub(
        r"\[(\d{1,3}(?:\s*,\s*\d{1,3})+)\]",
        lambda m: " ".join(f"[{n.strip()}]" for n in m.group(1).split(",")),
        text,
    )
    return re.sub(r"\](?=\[\d)", "] ", text).strip()


def answer_problems(
    text: str, passages: list[Passage], strong: float, question: str = ""
) -> list[str]:
    """What is wrong with a model's answer, in plain words ([] when nothing is): citations
    of passages that were not given, no citation at all, or "not covered" although a
    passage's relevance is at least ``strong`` (below it, an uncited "not covered" is fine);
    and, given the ``question``, an answer that is no answer to it
    (``coach.answering.reply_problems``: the prompt echoed, a sentence said twice, off the
    topic, no number for "how often"), unless it honestly says the guides do not cover it."""
    problems: list[str] = []
    numbers = [int(n) for n in _CITATION.findall(text)]
    bad = sorted({n for n in numbers if not 1 <= n <= len(passages)})
    if bad:
        names = ", ".join(f"[{n}]" for n in bad)
        given = len(passages)
        problems.append(f"it cites {names}, but only passages [1] to [{given}] were given")
    top = max((p.relevance for p in passages), default=0.0)
    declined = bool(_NOT_COVERED.search(text))
    if not any(1 <= n <= len(passages) for n in numbers) and (top >= strong or not declined):
        problems.append("it cites no passage")
    if top >= strong and declined:
        problems.append(
            "it says the guides do not cover the question, but the passages given answer it"
        )
    if question and not (declined and top < strong):
        from coach.answering import reply_problems

        problems += reply_problems(question, text, [p.text for p in passages])
    return problems


class ModelEngine:
    """OpenAI or any OpenAI-compatible server (through ``coach.openai_client``)."""

    name = "openai"

    def __init__(self, settings: Settings, on_token: Tokens | None = None) -> None:
        self._settings = settings
        self._on_token = on_token
        # what the current task has spent so far, kept when it fails so that the turn log
        # still counts the tokens and repairs a fallback cost
        self.spent = Usage()

    def _chat(self, system: str, user: str, usage: Usage, json_mode: bool = False) -> str:
        from coach.openai_client import chat

        done = chat(self._settings, system, user, self._on_token, json_mode=json_mode)
        usage.prompt_tokens += done.prompt_tokens
        usage.completion_tokens += done.completion_tokens
        return done.text

    def answer(self, spec: PromptSpec, question: str, passages: list[Passage]) -> EngineResult:
        """The model's answer, checked (see ``answer_problems``) and repaired once if it
        fails; citations renumbered in order of first use."""
        usage = self.spent = Usage()
        system, user = spec.render(question=question, passages=passages_block(passages))
        text = _join_citations(self._chat(system, user, usage))
        # Well above the "not covered" cut-off: passages this close do answer the question.
        strong = min(1.0, self._settings.min_relevance + 0.2)
        problems = answer_problems(text, passages, strong, question)
        if problems:
            usage.repairs += 1
            repair = (
                f"{user}\n\nYour previous answer failed these checks: {'; '.join(problems)}.\n"
                f"<<<PREVIOUS ANSWER\n{text}\nPREVIOUS ANSWER>>>\n"
                f"Rewrite it so that it passes every check: answer from the passages, and cite "
                f"them only as [1] to [{len(passages)}] after the sentences they support."
            )
            text = _join_citations(self._chat(system, repair, usage))
            problems = answer_problems(text, passages, strong, question)
            if problems:
                raise BadOutput(
                    f"the model's answer failed checks after one repair ({'; '.join(problems)})"
                )
        cited: list[int] = []

        def renumber(m: re.Match[str]) -> str:
            n = int(m.group(1)) - 1
            if n not in cited:
                cited.append(n)
            return f"[{cited.index(n) + 1}]"

        text = _CITATION.sub(renumber, text)
        return EngineResult(answer=text.strip(), cited=cited, usage=usage)

    def draft(
        self,
        spec: PromptSpec,
        me: Profile,
        mentor: MentorCandidate,
        ctx: Context,
        count: int,
        passages: list[Passage],
    ) -> EngineResult:
        """Model drafts, each checked, with one repair attempt for a draft that fails."""
        usage = self.spent = Usage()
        limits = f"At most {ctx.limit} characters in the message."
        if ctx.subject_limit:
            limits += f" Subject line at most {ctx.subject_limit} characters."
        values = {
            "me": _profile_block(me),
            "mentor": _mentor_block(mentor),
            "passages": passages_block(passages),
            "limits": limits,
        }
        out: list[DraftOut] = []
        failure = ""
        for n in range(count):
            system, user = spec.render(**values)
            if n:
                user += f"\n\nWrite a different version from before (version {n + 1})."
            subject, body = split_subject(self._chat(system, user, usage))
            checks = run_checks(spec.checks, body, subject, ctx)
            if not all(c.passed for c in checks):
                failed = "; ".join(f"{c.name}: {c.detail}" for c in checks if not c.passed)
                usage.repairs += 1
                repair = (
                    f"{user}\n\nYour previous draft failed these checks: {failed}.\n"
                    f"<<<PREVIOUS DRAFT\n{body}\nPREVIOUS DRAFT>>>\n"
                    "Rewrite it so that it passes every check."
                )
                subject, body = split_subject(self._chat(system, repair, usage))
                checks = run_checks(spec.checks, body, subject, ctx)
                if not all(c.passed for c in checks):
                    failure = "; ".join(f"{c.name}: {c.detail}" for c in checks if not c.passed)
                    continue
            out.append(DraftOut(body, subject, checks))
        if not out:
            raise BadOutput(f"the model's draft failed checks after one repair ({failure})")
        return EngineResult(drafts=out, usage=usage)

    def agenda(
        self,
        spec: PromptSpec,
        me: Profile,
        mentor: MentorCandidate,
        minutes: int,
        passages: list[Passage],
    ) -> EngineResult:
        """A JSON agenda from the model that passes every agenda check (natural prompts,
        none repeated, the phase's items, exact minutes), with one repair attempt."""
        usage = self.spent = Usage()
        system, user = spec.render(
            me=_profile_block(me),
            mentor=_mentor_block(mentor),
            passages=passages_block(passages),
            minutes=str(minutes),
        )
        ctx = agenda_context(spec, me, mentor)
        raw = self._chat(system, user, usage, json_mode=True)
        items, failed = _judge_agenda(raw, spec, minutes, ctx)
        if failed:
            usage.repairs += 1
            named = "; ".join(f"{c.name}: {c.detail}" for c in failed)
            repair = (
                f"{user}\n\nYour previous agenda failed these checks: {named}.\n"
                f"<<<PREVIOUS AGENDA\n{raw}\nPREVIOUS AGENDA>>>\n"
                "Rewrite it so that it passes every check. Answer with JSON only."
            )
            raw = self._chat(system, repair, usage, json_mode=True)
            items, failed = _judge_agenda(raw, spec, minutes, ctx)
            if failed:
                said = "; ".join(c.detail for c in failed)
                raise BadOutput(f"the model's agenda failed checks after one repair ({said})")
        return EngineResult(items=items, usage=usage)


def _judge_agenda(
    raw: str, spec: PromptSpec, minutes: int, ctx: Context
) -> tuple[list[AgendaItem], list[Check]]:
    """The agenda items in the model's JSON, and the checks they fail (none: usable)."""
    try:
        data = json.loads(raw[raw.find("{") : raw.rfind("}") + 1])
        items = [AgendaItem.model_validate(i) for i in data["items"]]
    except (ValueError, KeyError, TypeError) as exc:
        detail = f"it was not valid JSON ({type(exc).__name__})"
        return [], [Check(name="valid-json", passed=False, detail=detail)]
    return items, [c for c in agenda_checks(items, spec, minutes, ctx) if not c.passed]
