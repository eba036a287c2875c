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

from coach.checks import Context, run_checks
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
        """The passages' sentences closest to the question, in reading order, cited."""
        from coach.embcache import cached_embed
        from coach.embeddings import get_embedder

        emb = get_embedder(self._settings)

        def embed(texts: list[str]) -> list[list[float]]:
            return cached_embed(self._settings.cache_dir, emb.name, texts, emb.embed_documents)

        picked, cited = extract_answer(emb.embed_query(question), passages, embed)
        lines = [spec.offline.intro]
        for pi, sentence in picked:
            lines.append(f"- {sentence} [{cited.index(pi) + 1}]")
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


class ModelEngine:
    """OpenAI or any OpenAI-compatible server (through ``coach.openai_client``)."""

    name = "openai"

    def __init__(self, settings: Settings, on_token: Tokens | None = None) -> None:
        self._settings = settings
        self._on_token = on_token

    def _chat(self, system: str, user: str, usage: Usage, json_mode: bool = False) -> str:
        from coach.openai_client import chat

        done = chat(self._settings, system, user, self._on_token, json_mode=json_mode)
        usage.prompt_tokens += done.prompt_tokens
        usage.completion_tokens += done.completion_tokens
        return done.text

    def answer(self, spec: PromptSpec, question: str, passages: list[Passage]) -> EngineResult:
        """The model's answer; citations that name no retrieved passage are dropped."""
        usage = Usage()
        system, user = spec.render(question=question, passages=passages_block(passages))
        text = self._chat(system, user, usage)
        cited: list[int] = []

        def renumber(m: re.Match[str]) -> str:
            n = int(m.group(1))
            if not 1 <= n <= len(passages):
                return ""
            if n - 1 not in cited:
                cited.append(n - 1)
            return f"[{cited.index(n - 1) + 1}]"

        text = re.sub(r"\s?\[(\d{1,3})\]", lambda m: (" " + r) if (r := renumber(m)) else "", text)
        text = re.sub(r"[ \t]{2,}", " ", text).strip()
        return EngineResult(answer=text, cited=cited, usage=usage)

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
        usage = Usage()
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
        """A JSON agenda from the model, accepted only if its minutes add up exactly."""
        usage = Usage()
        system, user = spec.render(
            me=_profile_block(me),
            mentor=_mentor_block(mentor),
            passages=passages_block(passages),
            minutes=str(minutes),
        )
        raw = self._chat(system, user, usage, json_mode=True)
        try:
            data = json.loads(raw[raw.find("{") : raw.rfind("}") + 1])
            items = [AgendaItem.model_validate(i) for i in data["items"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise BadOutput(
                f"the model's agenda was not valid JSON ({type(exc).__name__})"
            ) from None
        total = sum(i.minutes for i in items)
        if not items or total != minutes or any(i.minutes < 1 or not i.prompts for i in items):
            raise BadOutput(f"the model's agenda adds up to {total} minutes, not {minutes}")
        return EngineResult(items=items, usage=usage)
