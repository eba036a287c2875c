"""The offline coach: deterministic, no network. A first-class provider, not a stub.

Drafts are composed from the variants in each prompt file, filled from the profiles, and
the first variant that passes every check wins (alternatives take the next ones). Agendas
split the meeting over the phase's items by weight, to the minute. Answers are extractive:
the sentences of the retrieved passages closest in meaning to the question, each cited.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np

from coach import wordforms
from coach.checks import Context, distinct_notes, run_checks
from coach.errors import CoachError
from coach.language import (
    SEPARATOR,
    DraftHistory,
    Point,
    aim_phrase,
    article,
    clean_text,
    discussed_topic,
    greeting_name,
    headline_role,
    learn_phrase,
    lower_first,
    parse_name,
    read_note,
    sent_when,
    why_clause,
)
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


class DraftError(CoachError, ValueError):
    """No draft of this kind can be made from these inputs; the message says what to change."""


_BLOCK = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
# Words a shortened phrase must not end on ("a data analyst moving into" reads cut off).
_DANGLING = frozenset(
    """a an the and or but of at in on for to with from by into as about my our your their
    his her its this that who which where while moving transitioning switching pivoting
    looking seeking aspiring becoming turning working learning heading""".split()
)


@dataclass(frozen=True)
class HistoryContext(Context):
    """A draft's context with what is known of earlier contact (the checks ignore it)."""

    history: DraftHistory | None = None


def with_history(ctx: Context, history: DraftHistory | None) -> Context:
    """``ctx`` carrying ``history``, for the offline composer's follow-ups and thank-yous."""
    if history is None:
        return ctx
    values = {f.name: getattr(ctx, f.name) for f in fields(Context)}
    return HistoryContext(**values, history=history)


# What people write as their organization when they have none to name.
_NOT_AN_ORG = frozenset(
    {"self employed", "freelance", "freelancer", "unemployed", "retired", "between roles"}
)


def _norm_words(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _cut_words(text: str, n: int) -> str:
    """The first ``n`` words of ``text``, never ending on a word that needs another (a
    preposition, or an adjective cut from its noun: 'a PhD candidate in computational')."""
    words = text.split()
    cut = len(words) > n
    words = words[:n]
    while len(words) > 1 and (
        words[-1].lower().strip(",;:") in _DANGLING or (cut and _adjective(words[-1]))
    ):
        words.pop()
    return " ".join(words).rstrip(",;:")


def _adjective(word: str) -> bool:
    pos = wordforms.lookup(word.lower().strip(",;:")).pos
    return "ADJ" in pos and "NOUN" not in pos


def _short(point: Point, raw: str) -> Point:
    """The shortest cut of ``point`` that still mentions ``raw`` for the checks."""
    from coach.checks import content_stems, needed

    stems, need = set(content_stems(raw)), needed(raw)
    for cut in point.cuts():
        if len(set(content_stems(cut.clause())) & stems) >= need:
            return cut
    return point


def _sentences_within(text: str, limit: int) -> str:
    """Whole sentences of ``text``, as many as fit in ``limit`` characters."""
    out = ""
    for s in re.split(r"(?<=[.!?])\s+", text):
        if len(out) + len(s) + 1 > limit:
            break
        out = f"{out} {s}".strip()
    return out


def _field(text: str) -> str:
    """A short field cleaned, without the ellipses that would read as text cut off."""
    return re.sub(r"\s*(?:…|\.{3,})\s*", " ", clean_text(text)).strip(" ,;:")


def _role(headline: str, org: str) -> str:
    role = clean_text(headline_role(clean_text(headline)))
    if len(role.split()) < 2 and not org:  # a one-word segment alone would not say enough
        role = clean_text(headline_role(SEPARATOR.sub(", ", clean_text(headline))))
    return role


def _subject_topic(topic: str) -> str:
    """A topic for a subject that says 'A question about {topic1}': its own 'about' said
    'on' ('your talk on onboarding', never 'about your talk about onboarding')."""
    topic = re.sub(r"^about\s+", "", topic, flags=re.IGNORECASE)
    return re.sub(r"\babout\b", "on", topic, flags=re.IGNORECASE)


def _about(point: Point, name: str) -> str:
    """The point for the mentee to read: 'their post on X', 'they run the guild'."""
    return point.topic(third=True, name=name) or point.third(name)


def usable_points(mentor: MentorCandidate) -> list[tuple[str, Point]]:
    """(note as written, the note understood) for each note that has something usable,
    a note written twice (in other capitals or punctuation) taken once."""
    pairs = [(raw, read_note(raw, mentor.name)) for raw in distinct_notes(mentor.notes)]
    return [(raw, p) for raw, p in pairs if p is not None]


@dataclass(frozen=True)
class Inputs:
    """Everything the templates can say, computed once per draft."""

    values: dict[str, str]

    @classmethod
    def build(
        cls,
        me: Profile,
        mentor: MentorCandidate,
        swap_notes: bool = False,
        history: DraftHistory | None = None,
    ) -> Inputs:
        """Fill the template variables from the two profiles (and what is known of earlier
        contact), every note and field cleaned of markup and instruction-like text."""
        points = usable_points(mentor)
        if swap_notes and len(points) > 1:
            points[0], points[1] = points[1], points[0]
        m_first = greeting_name(mentor.name)
        formal = greeting_name(mentor.name, formal=True)
        goals = [g for g in (lower_first(_field(g.title)).rstrip(".") for g in me.goals) if g]
        org = clean_text(me.organization)
        if _norm_words(org) in _NOT_AN_ORG:  # "a designer at self-employed"
            said = {"freelance": "freelancer"}.get(org.lower(), lower_first(org))
            org, head = "", _role(me.headline or said, "")
        else:
            head = _role(me.headline, org)
        goal = goals[0] if goals else ""
        why = why_clause(me.goals[0].why) if goal and me.goals[0].why else ""
        mutual = _field(mentor.mutual_connection)
        v = {
            "m_first": m_first,
            "m_name": mentor.name,
            "m_role": clean_text(headline_role(clean_text(mentor.headline))).replace("|", ""),
            "m_org": clean_text(mentor.organization),
            "m_formal": formal if parse_name(mentor.name).title and formal != m_first else "",
            "me_first": greeting_name(me.name),
            "me_name": parse_name(me.name).plain,
            "me_role": article(head),
            "me_role_short": article(_cut_words(head, 4)),
            "me_org": org,
            "goal": goal,
            "goal_short": goal if len(goal.split()) <= 12 else _cut_words(goal, 8),
            "goal_do": goal if aim_phrase(goal).startswith("working to ") else "",
            "goal2": goals[1] if len(goals) > 1 else "",
            "aim": aim_phrase(goal) if goal else "",
            "learn": learn_phrase(goal) if goal else "",
            "why": why if re.search(r"[^\W\d_]{2}", why) else "",
            "offer": " and ".join(
                o for o in (clean_text(o) for o in me.offer[:2]) if re.search(r"[^\W\d_]{2}", o)
            ),
            "mutual": mutual if re.search(r"[^\W\d_]{2}", mutual) else "",
            "sent_when": sent_when(history),
            "discussed": discussed_topic(history.discussed) if history else "",
            "ask": "",
            "minutes": "",
        }
        for n, (raw, point) in enumerate(points[:2], 1):
            short = _short(point, raw)
            if len(point.clause()) > 160:  # a long note: its identifying clause, the rest kept
                point = Point(short.form, short.words, short.lead, short.has_verb, point.rest)
            if n == 2:
                v["point2"] = point.clause()
                continue
            v.update(
                point1=point.clause(),
                point1_short=short.clause(),
                noticed1=point.noticed(),
                noticed1_short=short.noticed(),
                topic1=_subject_topic(point.topic()),
                more1=_sentences_within(point.more(), 400),
                about1=_about(point if len(point.clause()) <= 120 else short, m_first),
            )
        return cls(v)

    def _filled(self, option: str) -> bool:
        return all(self.values.get(n) for n in placeholders(option))

    def fill(self, template: str) -> str | None:
        """The template filled in, or None when it needs a value these inputs lack.

        ``A || B`` means: A if these inputs can fill it, else B. ``[[A || B]]`` is an
        optional part: A, else B, else nothing.
        """

        def part(m: re.Match[str]) -> str:
            return next((alt for alt in m.group(1).split(" || ") if self._filled(alt)), "")

        for option in _BLOCK.sub(part, template).split(" || "):
            if self._filled(option):
                names = placeholders(option)
                text = option.format(**{n: self.values[n] for n in names})
                return _tidy(text)
        return None


def _tidy(text: str) -> str:
    """Spaces left by an optional part that was not filled: none at either end of a line
    (a paragraph whose first part was left out), none doubled."""
    text = re.sub(r"[ \t]{2,}", " ", text)
    return re.sub(r"^[ \t]+|[ \t]+$", "", text, flags=re.MULTILINE).strip()


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


def refuse_unusable(me: Profile, mentor: MentorCandidate) -> None:
    """Raise DraftError, saying what to write instead, when the mentor's name is only a
    title, a name holds markup, or none of the notes holds anything a message could say."""
    refuse_bad_names(me, mentor)
    if not usable_points(mentor):
        first = greeting_name(mentor.name)
        raise DraftError(
            f"The notes about {first} hold only markup or instructions, nothing a message "
            f"can mention. Rewrite the note about {first} as something you noticed, e.g. "
            "'wrote a post on …' or 'we met at the alumni dinner'."
        )


def refuse_bad_names(me: Profile, mentor: MentorCandidate) -> None:
    """Raise DraftError when a name cannot be written into a draft or an agenda: only a
    title, markup or code, or no letters."""
    p = parse_name(mentor.name)
    if p.title and not (p.first or p.last or p.nickname):
        raise DraftError(
            f"'{mentor.name}' is a title, not a name: write the person's full name (for "
            "example 'Dr. Anna Weiss') so the coach can greet them."
        )
    for who, name in (("the person's", mentor.name), ("your", me.name)):
        if clean_text(name) != " ".join(name.split()):
            raise DraftError(
                f"'{name}' holds markup or code: write {who} name as it is said (for example "
                "'Anna Weiss'), and the coach will greet and sign with it."
            )
    if not re.search(r"[^\W\d_]", greeting_name(mentor.name)):
        raise DraftError(
            f"'{mentor.name}' does not read as a name: write the person's name as you would "
            "greet them (for example 'Anna Weiss') so the coach can address them."
        )


def compose_drafts(
    spec: PromptSpec, me: Profile, mentor: MentorCandidate, ctx: Context, count: int
) -> list[tuple[str, str | None, list[Check]]]:
    """Up to ``count`` distinct drafts that pass every check, best first."""
    refuse_unusable(me, mentor)
    history = ctx.history if isinstance(ctx, HistoryContext) else None
    out: list[tuple[str, str | None, list[Check]]] = []
    seen: set[str] = set()
    failed: Counter[str] = Counter()
    for swap in (False, True):
        inputs = Inputs.build(me, mentor, swap_notes=swap, history=history)
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
            failed.update(c.name for c in checks if not c.passed)
            if all(c.passed for c in checks):
                seen.add(body)
                out.append((body, subject, checks))
                if len(out) >= count:
                    return out
    if not out:
        raise DraftError(_why_no_draft(spec.kind, ctx, failed))
    return out


def _why_no_draft(kind: str, ctx: Context, failed: Counter[str]) -> str:
    """What to change when no template made a draft that passes: said from the checks that
    failed, not guessed (a note too thin to mention is not fixed by shortening it)."""
    first = greeting_name(ctx.mentor.name)
    if failed and set(failed) <= {"fits-limit"}:
        return (
            f"Could not write {article(kind)} that fits {ctx.limit} characters from these "
            f"inputs. Shorten the first note about {first}, or your headline, and try again."
        )
    if failed["mentions-specific-points"] or failed["says-why-you"]:
        return (
            f"Could not write {article(kind)} that says what drew you to {first}: the notes "
            f"give it too little to mention. Write what you noticed about {first} in a few "
            "words, e.g. 'wrote a post on …' or 'we met at the alumni dinner'."
        )
    if failed["says-who-i-am"]:
        return (
            f"Could not write {article(kind)} that says who you are: add your headline "
            "(what you do) in step 00, Start here, and try again."
        )
    return (
        f"Could not write {article(kind)} from these inputs that reads well. Check your "
        f"headline and the notes about {first} for stray symbols, and try again."
    )


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
    refuse_bad_names(me, mentor)
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


_LIST_ITEM = re.compile(r"^(?:[-*•+]|\d{1,2}[.)])\s+")
_BOLD_LABEL = re.compile(r"^\*\*(.+?)\*\*")


def _plain(line: str) -> str:
    return re.sub(r"\*\*|__|`", "", line).strip()


def _list_labels(lines: list[str]) -> list[str]:
    """The labels of the list that starts ``lines``: each item's bold label, or the whole
    item when it is short; [] when the list cannot be summed up that way."""
    labels: list[str] = []
    for line in lines:
        item = _LIST_ITEM.match(line)
        if not item:
            if line or labels:
                break
            continue
        body = line[item.end() :]
        bold = _BOLD_LABEL.match(body)
        label = bold.group(1) if bold else _plain(body)
        label = re.sub(r"\s*\([^)]*\)", "", label).strip(" .:;,")
        long_item = not bold and len(body.split()) > 6
        if not label or label[0].isdigit() or len(label.split()) > 6 or long_item:
            return []
        first = label.split()[0]
        # "Specific" -> "specific", but "LinkedIn" and "SMART" keep their capitals
        labels.append(label[0].lower() + label[1:] if first[1:].islower() else label)
    return labels


def sentences(text: str) -> list[str]:
    """Split a passage into sentences, list items as their own lines; headings, quoted
    examples and tables left out. A sentence that opens a list with a colon comes whole as
    well, with the list's labels: "The four phases are: building the relationship, ...".
    """
    out: list[str] = []
    lines = [line.strip() for line in text.splitlines()]
    for n, line in enumerate(lines):
        if not line or line.startswith(("#", ">", "|")):
            continue
        item = _LIST_ITEM.match(line)
        plain = _plain(line[item.end() :] if item else line)
        parts = [s.strip() for s in _SENTENCE.split(plain) if len(s.strip()) > 25]
        out.extend(parts)
        if not parts or item:
            continue
        # A list of labelled items after a paragraph spells out what its first sentence
        # names, so that sentence carries the labels ("SMART is a checklist ...: specific,
        # measurable, ...").
        labels = _list_labels(lines[n + 1 :])
        joined = ", ".join(labels[:-1]) + " and " + labels[-1] if labels else ""
        if parts[-1].endswith(":") and len(labels) >= 2:
            out.append(f"{parts[-1]} {joined}.")
        elif len(labels) >= 3 and parts[0].endswith(".") and _LIST_ITEM.match(_next(lines, n)):
            out[-len(parts)] = f"{parts[0][:-1]}: {joined}."
    return out


def _next(lines: list[str], n: int) -> str:
    return next((line for line in lines[n + 1 :] if line), "")


def _same_point(a: set[str], b: set[str]) -> bool:
    return len(a & b) >= 0.6 * min(len(a), len(b))


def extract_answer(
    question_vec: list[float],
    passages: list[Passage],
    embed: object,
    max_sentences: int = 4,
    question: str = "",
) -> tuple[list[tuple[int, str]], list[int]]:
    """The sentences that answer the question, the one that answers it best first, then
    distinct supporting points: (passage index, sentence) in that order, and the passage
    indexes cited, in order of first citation."""
    from coach.answering import fit, is_fragment, read_question

    # Passages much weaker than the best one would only dilute the answer.
    top = max((p.relevance for p in passages), default=0.0)
    usable = [i for i, p in enumerate(passages[:4]) if p.relevance >= 0.8 * top] or [0]
    cands: list[tuple[int, int, str]] = []
    for pi in usable[: len(passages)]:
        found = [s for s in sentences(passages[pi].text) if not is_fragment(s)]
        cands += [(pi, si, s) for si, s in enumerate(found) if s not in {c[2] for c in cands}]
    if not cands:
        return [], []
    vecs = np.asarray(embed([c[2] for c in cands]), dtype=np.float32)  # type: ignore[operator]
    sims = vecs @ np.asarray(question_vec, dtype=np.float32)
    q = read_question(question)
    # The best-ranked passage and a section's opening sentence (the guides put the answer
    # first) lead; a sentence that leans on the one before ("But...", "This means...")
    # reads badly alone; then the question's own rules (``coach.answering``).
    scores = [
        float(sim)
        + (0.05 if pi == usable[0] else 0.0)
        + (0.03 if si == 0 else 0.0)
        - (0.12 if _DEPENDENT.match(s) else 0.0)
        + fit(q, s, passages[pi].section, best=pi == usable[0])
        for sim, (pi, si, s) in zip(sims, cands)
    ]
    order = sorted(range(len(cands)), key=lambda i: -scores[i])
    words = [set(_WORD.findall(c[2].lower())) for c in cands]
    chosen: list[int] = []
    for i in order:
        pi = cands[i][0]
        if chosen and scores[i] < scores[chosen[0]] - 0.2:
            break  # the rest is too far from the question to support the answer
        if sum(cands[j][0] == pi for j in chosen) >= 2 or any(
            float(vecs[i] @ vecs[j]) > 0.85 or _same_point(words[i], words[j]) for j in chosen
        ):
            continue
        chosen.append(i)
        if len(chosen) >= max_sentences:
            break
    picked = [(cands[i][0], cands[i][2]) for i in chosen]
    cited: list[int] = []
    for pi, _ in picked:
        if pi not in cited:
            cited.append(pi)
    return picked, cited
