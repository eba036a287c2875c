"""The offline coach: deterministic, no network. A first-class provider, not a stub.

Drafts are composed from the variants in each prompt file, filled from the profiles, and
the first variant that passes every check wins (alternatives take the next ones). Agendas
split the meeting over the phase's items by weight, to the minute. Answers are extractive:
the sentences of the retrieved passages closest in meaning to the question, each cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from coach.checks import Context, run_checks
from coach.errors import CoachError
from coach.models import Passage
from coach.profiles import MentorCandidate, Profile
from coach.prompts import PromptSpec, all_prompts, placeholders
from coach.results import AgendaItem, Check

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_DEPENDENT = re.compile(
    r"(but|and|so|or|though|however|also|this|that|these|those|it|they|in other words|"
    r"keep in mind|for example|instead|then|still)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“(])")
# Words that, first in a note, make it read as something the mentor did: "you wrote ...".
_VERBS = set(
    """wrote writes led leads spoke speaks built builds ran runs gave gives hosts hosted mentors
    mentored started starts founded joined shared shares posted posts published won teaches
    taught organised organized organises organizes manages managed created creates made makes
    has had is was works worked moved switched grew grows coaches coached presented presents
    leads studied studies helped helps launched launches designed designs spent manages
    volunteers volunteered""".split()
)


class DraftError(CoachError, ValueError):
    """No draft of this kind can be made from these inputs; the message says what to change."""


def _article(phrase: str) -> str:
    if not phrase:
        return ""
    first = phrase.split()[0].lower()
    if first in {"a", "an", "the", "my", "our", "head", "chief"} or phrase[0].isdigit():
        return phrase
    return ("an " if first[0] in "aeiou" else "a ") + phrase


def _lower_first(text: str) -> str:
    """'Data analyst' -> 'data analyst', but 'VP of Sales' and 'SQL' stay as they are."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _words(text: str, n: int) -> str:
    parts = text.split()
    return " ".join(parts[:n]) + ("…" if len(parts) > n else "")


def _short_point(clause: str) -> str:
    """The start of a note, long enough to hold the words that identify it."""
    from coach.checks import content_stems, needed

    words = clause.split()
    for n in range(1, len(words) + 1):
        if len(set(content_stems(" ".join(words[:n])))) >= needed(clause):
            return " ".join(words[:n]) + ("…" if n < len(words) else "")
    return clause


def _clause(note: str) -> str:
    """A note as a clause: 'wrote a post on X' -> 'you wrote a post on X'."""
    note = note.rstrip(" .;")
    first = note.split()[0].lower() if note.split() else ""
    return f"you {_lower_first(note)}" if first in _VERBS or first.endswith("ed") else note


@dataclass(frozen=True)
class Inputs:
    """Everything the templates can say, computed once per draft."""

    values: dict[str, str]

    @classmethod
    def build(cls, me: Profile, mentor: MentorCandidate, swap_notes: bool = False) -> Inputs:
        """Fill the template variables from the two profiles."""
        notes = list(mentor.notes)
        if swap_notes and len(notes) > 1:
            notes[0], notes[1] = notes[1], notes[0]
        goals = me.goals
        head = _lower_first(me.headline)
        v = {
            "m_first": mentor.first_name,
            "m_name": mentor.name,
            "m_role": _lower_first(mentor.headline),
            "m_org": mentor.organization,
            "me_first": me.first_name,
            "me_name": me.name,
            "me_role": _article(head),
            "me_role_short": _article(_words(head, 4).rstrip("…")),
            "me_org": me.organization,
            "point1": _clause(notes[0]),
            "point1_short": _short_point(_clause(notes[0])),
            "point2": _clause(notes[1]) if len(notes) > 1 else "",
            "goal": _lower_first(goals[0].title.rstrip(".")) if goals else "",
            "goal_short": _words(_lower_first(goals[0].title.rstrip(".")), 6) if goals else "",
            "goal2": _lower_first(goals[1].title.rstrip(".")) if len(goals) > 1 else "",
            "why": _lower_first(goals[0].why.rstrip(".")) if goals and goals[0].why else "",
            "offer": " and ".join(me.offer[:2]),
            "mutual": mentor.mutual_connection,
            "ask": "",
            "minutes": "",
        }
        return cls(v)

    def fill(self, template: str) -> str | None:
        """The template filled in, or None when it needs a value these inputs lack.

        ``A || B`` means: A if these inputs can fill it, else B.
        """
        for option in template.split(" || "):
            names = placeholders(option)
            if all(self.values.get(n) for n in names):
                return option.format(**{n: self.values[n] for n in names})
        return None


@lru_cache(maxsize=1)
def allowed_words() -> frozenset[str]:
    """Every word of every prompt file: words the templates themselves may say."""
    words: set[str] = set()
    for spec in all_prompts().values():
        texts = [spec.system, spec.user, *spec.offline.subject, *spec.offline.body]
        texts += [p for item in spec.offline.items for p in (item.title, *item.prompts)]
        texts += spec.offline.advice
        for t in texts:
            words.update(_WORD.findall(t))
    return frozenset(words)


def compose_drafts(
    spec: PromptSpec, me: Profile, mentor: MentorCandidate, ctx: Context, count: int
) -> list[tuple[str, str | None, list[Check]]]:
    """Up to ``count`` distinct drafts that pass every check, best first."""
    out: list[tuple[str, str | None, list[Check]]] = []
    seen: set[str] = set()
    for swap in (False, True):
        inputs = Inputs.build(me, mentor, swap_notes=swap)
        subjects: list[str | None] = [
            s for s in (inputs.fill(t) for t in spec.offline.subject) if s
        ] or [None]
        for n, template in enumerate(spec.offline.body):
            body = inputs.fill(template)
            if body is None or body in seen:
                continue
            subject = subjects[min(n, len(subjects) - 1)] if spec.offline.subject else None
            if subject is not None and ctx.subject_limit and len(subject) > ctx.subject_limit:
                subject = subjects[-1]
            checks = run_checks(spec.checks, body, subject, ctx)
            if all(c.passed for c in checks):
                seen.add(body)
                out.append((body, subject, checks))
                if len(out) >= count:
                    return out
    if not out:
        raise DraftError(
            f"Could not write a {spec.kind} that fits {ctx.limit} characters from these inputs. "
            "Shorten the first note about the mentor, or your headline, and try again."
        )
    return out


def split_minutes(weights: list[float], total: int) -> list[int]:
    """Whole minutes in proportion to ``weights``, each at least 1, adding up to ``total``."""
    if total < len(weights):
        raise ValueError(f"{total} minutes cannot hold {len(weights)} agenda items")
    spare = total - len(weights)
    shares = [w / sum(weights) * spare for w in weights]
    minutes = [1 + int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: -(shares[i] - int(shares[i])))
    for i in order[: total - sum(minutes)]:
        minutes[i] += 1
    return minutes


def compose_agenda(
    spec: PromptSpec, me: Profile, mentor: MentorCandidate, minutes: int
) -> list[AgendaItem]:
    """The phase's items with their minutes and the prompts these inputs can fill."""
    inputs = Inputs.build(me, mentor)
    inputs.values["minutes"] = str(minutes)
    items = spec.offline.items
    split = split_minutes([i.weight for i in items], minutes)
    out = []
    for item, mins in zip(items, split):
        prompts = [p for p in (inputs.fill(t) for t in item.prompts) if p]
        title = inputs.fill(item.title) or item.title
        out.append(AgendaItem(title=title, minutes=mins, prompts=prompts))
    return out


def sentences(text: str) -> list[str]:
    """Split a passage into sentences (keeping list items as their own lines)."""
    out: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"\*\*|__|`", "", line).strip().lstrip("-*•0123456789.) ").strip()
        out.extend(s.strip() for s in _SENTENCE.split(line) if len(s.strip()) > 25)
    return out


def extract_answer(
    question_vec: list[float],
    passages: list[Passage],
    embed: object,
    max_sentences: int = 4,
) -> tuple[list[tuple[int, str]], list[int]]:
    """The sentences that best answer the question: (passage index, sentence) in reading
    order, and the passage indexes cited, in order of first citation."""
    # Passages much weaker than the best one would only dilute the answer.
    top = max((p.relevance for p in passages), default=0.0)
    usable = [p for p in passages[:3] if p.relevance >= 0.8 * top] or passages[:1]
    cands = [(pi, si, s) for pi, p in enumerate(usable) for si, s in enumerate(sentences(p.text))]
    if not cands:
        return [], []
    vecs = np.asarray(embed([c[2] for c in cands]), dtype=np.float32)  # type: ignore[operator]
    sims = vecs @ np.asarray(question_vec, dtype=np.float32)
    # The best passage leads (a small bonus keeps the answer anchored in it), and a sentence
    # that leans on the one before it ("But...", "This means...") reads badly alone.
    sims += np.array(
        [(0.05 if c[0] == 0 else 0.0) - (0.12 if _DEPENDENT.match(c[2]) else 0.0) for c in cands],
        dtype=np.float32,
    )
    chosen: list[int] = []
    per_passage: dict[int, int] = {}
    for i in np.argsort(-sims):
        pi = cands[i][0]
        if per_passage.get(pi, 0) >= 2:
            continue
        chosen.append(int(i))
        per_passage[pi] = per_passage.get(pi, 0) + 1
        if len(chosen) >= max_sentences:
            break
    chosen.sort(key=lambda i: (cands[i][0], cands[i][1]))
    picked = [(cands[i][0], cands[i][2]) for i in chosen]
    cited: list[int] = []
    for pi, _ in picked:
        if pi not in cited:
            cited.append(pi)
    return picked, cited
