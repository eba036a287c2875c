"""The coach's tasks as the run path carries them out: each job renders its prompt, judges
a model's reply against its checks, words the repair request, and builds the result.

The texts of the limits line, the request for another version and the repair requests are
in ``prompts/repair.yaml``; a job only fills them in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from coach.checks import Context, agenda_checks, agenda_context, run_checks
from coach.engines.base import DraftOut, EngineResult
from coach.models import Passage
from coach.profiles import MentorCandidate, Profile
from coach.prompts import PromptSpec, repair_texts
from coach.results import AgendaItem, Check


def passages_block(passages: list[Passage]) -> str:
    """Numbered passages for a prompt."""
    return "\n\n".join(
        f"[{n}] {p.title} › {p.section}\n{p.text}" for n, p in enumerate(passages, 1)
    )


def _profile_block(person: Profile | MentorCandidate) -> str:
    return json.dumps(person.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)


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


@dataclass
class Verdict:
    """A model's reply, judged: the usable piece, or the checks it failed."""

    piece: Any  # what the result is built from, when nothing failed
    shown: str  # the reply as a repair request quotes it
    failed: list[Check]


def _fail(shown: str, *details: str, name: str = "") -> Verdict:
    return Verdict(None, shown, [Check(name=name, passed=False, detail=d) for d in details])


def _named(failed: list[Check]) -> str:
    return "; ".join(f"{c.name}: {c.detail}" if c.name else c.detail for c in failed)


def _said(failed: list[Check]) -> str:
    return "; ".join(c.detail for c in failed)


@dataclass
class Job:
    """One task: its prompt file, the passages it cites, and how a reply is judged."""

    spec: PromptSpec
    passages: list[Passage]

    task: ClassVar[str]  # the turn log's name for it
    repair_key: ClassVar[str] = ""  # its repair request in prompts/repair.yaml
    repairs: ClassVar[int] = 1  # repair requests per version, when a reply fails
    json_mode: ClassVar[bool] = False

    @property
    def versions(self) -> int:
        """How many replies to ask a model for, each judged (and repaired) on its own."""
        return 1

    def values(self) -> dict[str, str]:
        """The prompt's variables."""
        raise NotImplementedError

    def render(self, version: int) -> tuple[str, str]:
        """The (system, user) messages for reply number ``version`` (from 0)."""
        system, user = self.spec.render(**self.values())
        if version:
            user += "\n\n" + repair_texts().fill("another_version", version=version + 1)
        return system, user

    def judge(self, text: str) -> Verdict:
        """The reply ``text``, checked."""
        raise NotImplementedError

    def repair(self, user: str, verdict: Verdict) -> str:
        """The user message asking once more, saying what failed and quoting the reply."""
        failed, shown = _named(verdict.failed), verdict.shown
        text = repair_texts().fill(
            self.repair_key, problems=failed, previous=shown, **self._extra()
        )
        return f"{user}\n\n{text}"

    def _extra(self) -> dict[str, object]:
        return {}

    def failure(self, failed: list[Check]) -> str:
        """Why no reply could be used: the fallback reason."""
        return _said(failed)

    def result(self, pieces: list[Any]) -> EngineResult:
        """The result from the replies that passed (at least one)."""
        raise NotImplementedError


@dataclass
class AnswerJob(Job):
    """An answer to ``question`` that cites the passages given, renumbered from [1]."""

    question: str
    strong: float  # passages this relevant do answer the question

    task: ClassVar[str] = "ask"
    repair_key: ClassVar[str] = "answer"

    def _extra(self) -> dict[str, object]:
        return {"count": len(self.passages)}

    def values(self) -> dict[str, str]:
        """The question and the numbered passages."""
        return {"question": self.question, "passages": passages_block(self.passages)}

    def judge(self, text: str) -> Verdict:
        """Citations only of passages given, and an answer to the question."""
        text = _join_citations(text)
        problems = answer_problems(text, self.passages, self.strong, self.question)
        return _fail(text, *problems) if problems else Verdict(text, text, [])

    def failure(self, failed: list[Check]) -> str:
        """The answer's failed checks."""
        return f"the model's answer failed checks after one repair ({_said(failed)})"

    def result(self, pieces: list[Any]) -> EngineResult:
        """The answer with its citations numbered in order of first use."""
        cited: list[int] = []

        def renumber(m: re.Match[str]) -> str:
            n = int(m.group(1)) - 1
            if n not in cited:
                cited.append(n)
            return f"[{cited.index(n) + 1}]"

        text = _CITATION.sub(renumber, pieces[0])
        return EngineResult(answer=text.strip(), cited=cited)


@dataclass
class DraftJob(Job):
    """Up to ``count`` versions of a draft, each passing the prompt file's checks."""

    me: Profile
    mentor: MentorCandidate
    ctx: Context
    count: int = 1

    task: ClassVar[str] = "draft"
    repair_key: ClassVar[str] = "draft"

    @property
    def versions(self) -> int:
        """One reply per version asked for."""
        return self.count

    def values(self) -> dict[str, str]:
        """Both profiles, the passages, and the limits line."""
        texts = repair_texts()
        limits = texts.fill("limits", limit=self.ctx.limit)
        if self.ctx.subject_limit:
            limits += " " + texts.fill("subject_limit", subject_limit=self.ctx.subject_limit)
        return {
            "me": _profile_block(self.me),
            "mentor": _profile_block(self.mentor),
            "passages": passages_block(self.passages),
            "limits": limits,
        }

    def judge(self, text: str) -> Verdict:
        """The subject and body, through the kind's checks."""
        subject, body = split_subject(text)
        checks = run_checks(self.spec.checks, body, subject, self.ctx)
        failed = [c for c in checks if not c.passed]
        return Verdict(None if failed else DraftOut(body, subject, checks), body, failed)

    def failure(self, failed: list[Check]) -> str:
        """The last version's failed checks."""
        return f"the model's draft failed checks after one repair ({_named(failed)})"

    def result(self, pieces: list[Any]) -> EngineResult:
        """The versions that passed."""
        return EngineResult(drafts=list(pieces))


@dataclass
class AgendaJob(Job):
    """A JSON agenda that passes every agenda check (natural prompts, none repeated, the
    phase's items, exact minutes)."""

    me: Profile
    mentor: MentorCandidate
    minutes: int

    task: ClassVar[str] = "agenda"
    repair_key: ClassVar[str] = "agenda"
    json_mode: ClassVar[bool] = True

    def values(self) -> dict[str, str]:
        """Both profiles, the passages and the meeting's length."""
        return {
            "me": _profile_block(self.me),
            "mentor": _profile_block(self.mentor),
            "passages": passages_block(self.passages),
            "minutes": str(self.minutes),
        }

    def judge(self, text: str) -> Verdict:
        """The items in the reply's JSON, through the agenda checks."""
        try:
            data = json.loads(text[text.find("{") : text.rfind("}") + 1])
            items = [AgendaItem.model_validate(i) for i in data["items"]]
        except (ValueError, KeyError, TypeError) as exc:
            detail = f"it was not valid JSON ({type(exc).__name__})"
            return _fail(text, detail, name="valid-json")
        ctx = agenda_context(self.spec, self.me, self.mentor)
        failed = [c for c in agenda_checks(items, self.spec, self.minutes, ctx) if not c.passed]
        return Verdict(None if failed else items, text, failed)

    def failure(self, failed: list[Check]) -> str:
        """What the agenda got wrong."""
        return f"the model's agenda failed checks after one repair ({_said(failed)})"

    def result(self, pieces: list[Any]) -> EngineResult:
        """The agenda's items."""
        return EngineResult(items=pieces[0])


def _reply_line(reply: str, label: str) -> str | None:
    """The text after ``label:`` on a line of the model's reply ("**Why:** ..." too)."""
    m = re.search(rf"^[\W_]*{label}[\W_]*:\s*(.+?)\s*$", reply, re.IGNORECASE | re.MULTILINE)
    return m.group(1).strip(" *_\"'“”") if m else None


@dataclass
class GoalJob(Job):
    """A SMART rewrite of a goal from its parts, inventing nothing (``coach.goals``)."""

    goal: str
    measure: str
    target_date: dt.date | None
    today: dt.date | None
    why: str
    verdicts: dict[str, str]  # the reasons' sentences, by key (prompts/refine-goal.yaml)

    task: ClassVar[str] = "refine-goal"
    repairs: ClassVar[int] = 0  # an unusable rewrite is replaced by the offline one at once

    @property
    def date(self) -> str:
        """The target date as the prompt and the rewrite say it."""
        from coach.goals import format_date

        return format_date(self.target_date) if self.target_date else ""

    def values(self) -> dict[str, str]:
        """The goal's parts and the passages."""
        return {
            "goal": self.goal,
            "measure": self.measure,
            "date": self.date,
            "why": self.why,
            "passages": passages_block(self.passages),
        }

    def judge(self, text: str) -> Verdict:
        """The 'Suggestion:' and 'Why:' lines; a rewrite only with facts the inputs have."""
        from coach.goals import check_model_wording

        suggestion = _reply_line(text, "suggestion")
        reason = _reply_line(text, "why")
        if not suggestion:
            return _fail(text, "the model's reply had no 'Suggestion:' line")
        if not reason or len(reason.split()) > 60:
            return _fail(text, "the model's reply had no short 'Why:' line")
        if suggestion.lower().rstrip(".") in {"none", "no change", "n/a"}:
            return Verdict((None, reason), text, [])
        iso = self.target_date.isoformat() if self.target_date else ""
        problem = check_model_wording(
            suggestion, [self.goal, self.measure, self.date, iso, self.why]
        )
        if problem:
            return _fail(text, f"the model's rewrite was not usable: {problem}")
        if suggestion.casefold().rstrip(".") == self.goal.casefold().rstrip("."):
            return Verdict((None, reason), text, [])
        return Verdict((suggestion, reason), text, [])

    def result(self, pieces: list[Any]) -> EngineResult:
        """The rewrite (None: leave the goal as it is) and why."""
        suggestion, reason = pieces[0]
        return EngineResult(answer=suggestion or "", suggestion=suggestion, reason=reason)
