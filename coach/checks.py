"""The checks every draft carries: the qualities of outreach that gets answered.

Each check is pure text analysis against the inputs, so the same checks judge offline
drafts and model drafts alike. Which checks apply to a kind is listed in its prompt file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.language_names import SEPARATOR
from coach.naturalness import heading_problem, problem, subject_problem
from coach.profiles import MentorCandidate, Profile
from coach.results import AgendaItem, Check

if TYPE_CHECKING:
    from coach.prompts import PromptSpec

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ASK = re.compile(
    r"\b(\d{1,2}|ten|fifteen|twenty|thirty)[- ]?(minute|min)s?\b|\bone (quick |short )?question\b"
    r"|\bquick question\b|\bshort call\b|\bbrief call\b",
    re.IGNORECASE,
)
_BIG_ASK = re.compile(r"\bbe my mentor\b|\bmentor me\b|\bhire me\b|\ba job\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"\{[^}]*\}|\[[A-Za-z ]{2,30}\]|<[A-Za-z ]{2,30}>|\bXX+\b|\bTODO\b|\blorem ipsum\b|\$\{",
    re.IGNORECASE,
)
_PLURAL_GREETING = re.compile(
    r"^\s*(hi|hello|dear|hey)\s+(all|everyone|team|both|folks|there|sir or madam)\b",
    re.IGNORECASE,
)
# Capitalised words that need no support from the inputs.
_COMMON = set(
    """I I'm I've I'd I'll LinkedIn InMail Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday January February March April May June July August September October November
    December OK Premium Zoom Teams""".split()
)


@dataclass(frozen=True)
class Context:
    """What a draft is judged against."""

    kind: str
    me: Profile
    mentor: MentorCandidate
    limit: int
    subject_limit: int | None
    allowed_words: frozenset[str]  # words of the templates and prompt files


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def content_stems(text: str) -> list[str]:
    """The stems of the words of ``text`` that carry meaning (stop words dropped)."""
    from coach.text import STOPWORDS, get_analyzer

    stem = get_analyzer().stem
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def needed(note: str) -> int:
    """How many of a note's meaningful words a draft must repeat to count as mentioning
    it: half of them, at least one and at most three (so a paraphrase still counts)."""
    n = len(set(content_stems(note)))
    return max(1, min(3, (n + 1) // 2))


def distinct_notes(notes: list[str] | tuple[str, ...]) -> list[str]:
    """``notes`` with a note written twice taken once: the same words in other capitals,
    spacing or punctuation ('Runs the guild.' and 'runs the guild') are one point."""
    seen: set[str] = set()
    out = []
    for note in notes:
        key = _norm(note) or note.strip()
        if key not in seen:
            seen.add(key)
            out.append(note)
    return out


def notes_mentioned(text: str, mentor: MentorCandidate) -> int:
    """How many of the mentor's notes the text refers to (a note written twice counts once)."""
    said = set(content_stems(text))
    notes = distinct_notes(mentor.notes)
    return sum(1 for n in notes if len(set(content_stems(n)) & said) >= needed(n))


def _fits(text: str, subject: str | None, ctx: Context) -> Check:
    n = len(text)
    ok = 0 < n <= ctx.limit
    detail = f"{n} of {ctx.limit} characters"
    if ctx.subject_limit is not None:
        s = len(subject or "")
        ok = ok and 0 < s <= ctx.subject_limit
        detail += f"; subject {s} of {ctx.subject_limit}"
    return Check(name="fits-limit", passed=ok, detail=detail)


def _points(text: str, subject: str | None, ctx: Context) -> Check:
    n = notes_mentioned(text, ctx.mentor)
    return Check(
        name="mentions-specific-points",
        passed=1 <= n <= 2,
        detail=f"refers to {n} of the points you noted about {ctx.mentor.first_name}"
        + ("" if 1 <= n <= 2 else " (one or two is best)"),
    )


def _who(text: str, subject: str | None, ctx: Context) -> Check:
    t = _norm(text)
    has_name = _norm(ctx.me.first_name) in t
    words = _WORD.findall(ctx.me.headline.lower())
    pairs = {" ".join(words[i : i + 2]) for i in range(len(words) - 1)} or set(words)
    segments = {_norm(s) for s in SEPARATOR.split(ctx.me.headline)}  # "Designer → ..."
    has_role = (
        any(p and p in t for p in pairs)
        or any(s and f" {s} " in f" {t} " for s in segments)
        or (bool(ctx.me.organization) and _norm(ctx.me.organization) in t)
    )
    if not ctx.me.headline and not ctx.me.organization:
        has_role = True  # nothing to say beyond the name
    return Check(
        name="says-who-i-am",
        passed=has_name and has_role,
        detail="your name and what you do" if has_name and has_role else "add your name and role",
    )


def _why(text: str, subject: str | None, ctx: Context) -> Check:
    ok = _addressed(text, ctx) and notes_mentioned(text, ctx.mentor) >= 1
    return Check(
        name="says-why-you",
        passed=ok,
        detail="addresses them and says what drew you to them"
        if ok
        else "say what drew you to this person",
    )


def _ask(text: str, subject: str | None, ctx: Context) -> Check:
    small = len(_ASK.findall(text))
    questions = text.count("?")
    big = bool(_BIG_ASK.search(text))
    ok = small >= 1 and questions <= 1 and not big
    if big:
        detail = "asks for too much at once (save 'mentor' for later)"
    elif not small:
        detail = "ask for one small, time-bounded thing, such as a 15-minute call"
    elif questions > 1:
        detail = f"{questions} questions; keep to one ask"
    else:
        detail = "one small, time-bounded ask"
    return Check(name="one-small-ask", passed=ok, detail=detail)


def _thanks(text: str, subject: str | None, ctx: Context) -> Check:
    ok = bool(re.search(r"\bthank", text, re.IGNORECASE)) and not _BIG_ASK.search(text)
    return Check(name="says-thank-you", passed=ok, detail="thanks them, asks for nothing big")


def _placeholders(text: str, subject: str | None, ctx: Context) -> Check:
    found = _PLACEHOLDER.findall(f"{subject or ''}\n{text}")
    return Check(
        name="no-placeholders",
        passed=not found,
        detail="no template syntax left" if not found else f"remove {found[0]!r}",
    )


def _names(text: str, subject: str | None, ctx: Context) -> Check:
    """Capitalised words inside sentences must come from the inputs or the templates."""
    support = " ".join([*_input_texts(ctx.me, ctx.mentor), *ctx.allowed_words, *_COMMON])
    known = set(_WORD.findall(support.lower()))
    unsupported = []
    for sentence in re.split(r"(?<=[.!?:\n])\s+", f"{subject or ''}\n{text}"):
        words = _WORD.findall(sentence)
        for w in words[1:]:
            if w[0].isupper() and not all(t in known for t in _WORD.findall(w.lower())):
                unsupported.append(w)
    return Check(
        name="no-unsupported-names",
        passed=not unsupported,
        detail="every name comes from your inputs"
        if not unsupported
        else f"not in your inputs: {', '.join(sorted(set(unsupported))[:3])}",
    )


def _addressed(text: str, ctx: Context) -> bool:
    """Whether ``text`` names the mentor: by first name, or 'Dr. Weiss' in a formal e-mail."""
    from coach.language_names import greeting_name

    said = _norm(text)
    formal = greeting_name(ctx.mentor.name, formal=True)
    return _norm(ctx.mentor.first_name) in said or (" " in formal and _norm(formal) in said)


def _recipient(text: str, subject: str | None, ctx: Context) -> Check:
    head = text[:80]
    ok = _addressed(head, ctx) and not _PLURAL_GREETING.search(head)
    return Check(
        name="one-recipient",
        passed=ok,
        detail=f"written to {ctx.mentor.first_name} alone" if ok else "greet one person by name",
    )


def _natural(text: str, subject: str | None, ctx: Context) -> Check:
    found = problem(text) or (subject_problem(subject) if subject else None)
    return Check(
        name="reads-naturally",
        passed=found is None,
        detail=found or "whole sentences, nothing doubled, clashing or copied",
    )


def _input_texts(me: Profile, mentor: MentorCandidate) -> list[str]:
    texts = [me.name, me.headline, me.organization, me.industry, *me.offer]
    texts += [t for g in me.goals for t in (g.title, g.why)]
    texts += [mentor.name, mentor.headline, mentor.organization, *mentor.notes]
    return [*texts, mentor.mutual_connection]


CHECKS: dict[str, Callable[[str, str | None, Context], Check]] = {
    "fits-limit": _fits,
    "mentions-specific-points": _points,
    "says-who-i-am": _who,
    "says-why-you": _why,
    "one-small-ask": _ask,
    "says-thank-you": _thanks,
    "no-placeholders": _placeholders,
    "no-unsupported-names": _names,
    "one-recipient": _recipient,
    "reads-naturally": _natural,
}


def run_checks(names: list[str], text: str, subject: str | None, ctx: Context) -> list[Check]:
    """Run the named checks on a draft."""
    return [CHECKS[n](text, subject, ctx) for n in names]


# What each check means, as a sentence for the person reading it (the page shows these,
# never the names above). ``{mentor}`` is the mentor's first name, ``{limit_text}`` the
# channel's limit (its ``limit_text`` in prompts/vocabulary.yaml).
LABELS: dict[str, str] = {
    "fits-limit": "Fits {limit_text}",
    "mentions-specific-points": "Mentions one or two specific things you noticed about {mentor}",
    "says-who-i-am": "Says who you are and what you do",
    "says-why-you": "Says why you are writing to {mentor} in particular",
    "one-small-ask": "Asks for one small thing with a time limit, such as a 15-minute call",
    "says-thank-you": "Thanks {mentor} without asking for anything big",
    "no-placeholders": "Has no blanks or template text left to fill in",
    "no-unsupported-names": "Names only people, places and things from your own notes",
    "one-recipient": "Greets {mentor} alone, by name",
    "reads-naturally": "Reads as a person wrote it: whole sentences, no clashes or copied markup",
}


def label(name: str, ctx: Context) -> str:
    """The check ``name`` as a sentence a person understands, for the draft judged by ``ctx``."""
    from coach.prompts import vocabulary

    account = "Premium" if ctx.me.linkedin_account == "premium" else "free"
    spec = vocabulary().kinds.get(ctx.kind)
    limit_text = (spec.limit_text if spec else "{limit} characters").format(
        limit=ctx.limit, subject_limit=ctx.subject_limit, account=account
    )
    return LABELS[name].format(mentor=ctx.mentor.first_name, limit_text=limit_text)


# The checks of an agenda, in the words the page shows (none take placeholders).
AGENDA_LABELS: dict[str, str] = {
    "agenda-reads-naturally": "Every prompt reads as a person wrote it, with nothing copied "
    "from your notes as markup or instructions",
    "agenda-no-duplicates": "Asks each question once",
    "agenda-has-phase-items": "Covers what this kind of meeting is for",
    "agenda-minutes-add-up": "Its minutes add up exactly to the meeting's length",
}


def agenda_context(spec: PromptSpec, me: Profile, mentor: MentorCandidate) -> Context:
    """What an agenda for ``spec``'s phase is judged against."""
    return Context(spec.name, me, mentor, 0, None, frozenset())


def _phase_titles(spec: PromptSpec) -> list[tuple[str, str]]:
    """(What to call each expected item, the words that stand for it), placeholders dropped:
    of "Goal: {goal} || Your main goal" the part without a placeholder is shown."""
    out = []
    for item in spec.offline.items:
        parts = [p.strip() for p in item.title.split("||")]
        plain = [re.sub(r"\{[^}]*\}", "", p).strip(" :;,-") for p in parts]
        shown = next((p for p, raw in zip(plain, parts) if "{" not in raw and p), plain[0])
        words = " ".join(p for p in plain if p)
        if content_stems(words):
            out.append((shown, words))
    return out


def agenda_checks(
    items: list[AgendaItem], spec: PromptSpec, minutes: int, ctx: Context | None = None
) -> list[Check]:
    """The agenda's checks: natural prompts, none repeated, the phase's items, exact minutes.

    A phase item counts as present when one item's title and prompts repeat half its
    meaningful words (as ``needed`` does for notes), so a paraphrase still counts. ``ctx``
    is kept for symmetry with the draft checks; none of these needs it yet.
    """
    natural = _agenda_problem(items)
    seen: set[str] = set()
    repeated = None
    for p in (p for i in items for p in i.prompts):
        if _norm(p) in seen and repeated is None:
            repeated = p
        seen.add(_norm(p))
    missing = []
    said = [set(content_stems(" ".join([i.title, *i.prompts]))) for i in items]
    for shown, words in _phase_titles(spec):
        want = set(content_stems(words))
        if not any(len(want & s) >= needed(words) for s in said):
            missing.append(shown)
    total = sum(i.minutes for i in items)
    short = [i for i in items if i.minutes < 1]
    if total != minutes:
        timing = f"adds up to {total} minutes, not {minutes}"
    elif short:
        timing = f"{_quote_title(short[0].title)} has {short[0].minutes} minutes"
    else:
        timing = f"{len(items)} items, {total} minutes in all"
    return [
        Check(
            name="agenda-reads-naturally",
            passed=natural is None,
            detail=natural or "every prompt is a whole question or step",
        ),
        Check(
            name="agenda-no-duplicates",
            passed=repeated is None,
            detail=f'asks "{repeated}" more than once' if repeated else "no prompt repeated",
        ),
        Check(
            name="agenda-has-phase-items",
            passed=not missing,
            detail="misses " + ", ".join(f'"{m}"' for m in missing)
            if missing
            else "has every part of this kind of meeting",
        ),
        Check(
            name="agenda-minutes-add-up",
            passed=total == minutes and not short and bool(items),
            detail=timing,
        ),
    ]


def _agenda_problem(items: list[AgendaItem]) -> str | None:
    for i in items:
        found = heading_problem(i.title)
        if found:
            return f"in the title {_quote_title(i.title)}: {found}"
        if not i.prompts:
            return f"{_quote_title(i.title)} has no prompts"
        for p in i.prompts:
            found = problem(p, agenda=True)
            if found:
                return f"in {_quote_title(i.title)}: {found}"
    return None


def _quote_title(title: str) -> str:
    return f'"{" ".join(title.split())[:60]}"'
