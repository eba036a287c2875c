"""How the offline coach picks the sentence that answers a question, in plain rules.

The embedding similarity between question and sentence does most of the work; these rules
add what it misses: the kind of answer a question asks for ("how often" wants a frequency,
"how many" a number, "why" a reason), whether a sentence shares the question's key words,
and whether it can stand alone as a sentence at all (no list fragments or headings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = (
    r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|ninety|hundred|a few|several|a couple|half an?|an?"
)
_UNIT = r"minutes?|min|hours?|days?|weeks?|months?|years?|sessions?|meetings?"
# Each question type: what the question looks like, and what a sentence answering it holds.
_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "frequency": (
        re.compile(r"\bhow (often|frequently|regularly)\b|\bhow many times\b", re.I),
        re.compile(
            rf"\bevery (other |few |couple of )?(({_NUMBER})( or ({_NUMBER}))? )?({_UNIT})\b|"
            r"\b(weekly|monthly|fortnightly|daily|yearly|annually|quarterly)\b|\btwice\b|"
            rf"\b(once|({_NUMBER}) times?) (a|an|per|every) ({_UNIT})\b",
            re.I,
        ),
    ),
    "duration": (
        re.compile(r"\bhow long\b|\bhow much time\b", re.I),
        re.compile(
            rf"\b({_NUMBER})(( to | or |-)({_NUMBER}))?[- ]({_UNIT}|characters?|words?)\b|"
            r"\b(an|one|half an?) hour\b|\bshort\b|\bbrief\b",
            re.I,
        ),
    ),
    "count": (
        re.compile(
            r"\bhow many\b|\bhow much\b|\bwhat (share|percentage|proportion|number|fraction)\b"
            r"|\bwhat percent|\bhow big\b",
            re.I,
        ),
        re.compile(
            r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|"
            r"a few|a couple|several|single|most|half|percent)\b",
            re.I,
        ),
    ),
    "when": (
        re.compile(r"^\s*when\b|\bwhat time\b|\bhow soon\b|\bhow early\b|\bat what point\b", re.I),
        re.compile(
            rf"\b(within|after|before|once|as soon as|same day|next day|straight away|"
            rf"right after|the day|ahead)\b|\b({_NUMBER})( to ({_NUMBER}))? ({_UNIT})\b|"
            r"\bwhen you\b",
            re.I,
        ),
    ),
    "content": (
        re.compile(
            r"\bwhat (should|do|can|must|shall) (i|we|you) (put|include|write|say|mention|"
            r"cover|bring|prepare)\b|\bwhat goes in\b",
            re.I,
        ),
        re.compile(
            r"\b(parts?|includes?|including|covers?|contains?|heart of|made of|items?|"
            r"should (say|name|mention|take|hold))\b",
            re.I,
        ),
    ),
    "why": (
        re.compile(r"^\s*why\b|\bwhat(?:'s| is) the (point|benefit|reason)\b|\bwhat for\b", re.I),
        re.compile(
            r"\bbecause\b|\bso that\b|\breasons?\b|\bbenefits?\b|\bmotivat\w*|\bsince\b|"
            r"\bwhy\b|\bthe point\b|\bvalue\b|\bgain\b|\blimited\b|\bsatisf\w*|\breward\w*",
            re.I,
        ),
    ),
}
_DEFINITION = re.compile(
    r"^\s*(?:what|who)(?:'s| is| are| does| do)\s+(?:an?\s+|the\s+)?(?P<term>[\w\s'’-]+?)"
    r"(?:\s+(?:mean|stand for|do))?\s*\??\s*$",
    re.I,
)
_COPULA = re.compile(r"\b(is|are|means|called|stands? for|refers? to)\b", re.I)
# Words every question here shares: matching them says nothing about the topic.
_GENERIC = frozenset(
    """mentor mentors mentoring mentee mentees mentorship good well best way ways thing things
    need want someone something person people ok okay""".split()
)
# A label and a colon opening a list item: "A proposed rhythm: how often (...)".
_LABELLED = re.compile(r"^(?:[^\s:]+\s){0,3}[^\s:]+:\s+[a-z]")
# A title with its timing, "Backgrounds (15 to 20 minutes).": a label, not a sentence.
_TITLE = re.compile(r"^[^.!?()]{1,60}\([^)]*\)\.?$")
_WHY = re.compile(r"\bwhy\b", re.I)
# Questions that want a quantity: a sentence without one does not answer them.
_QUANTITY = {"frequency", "duration", "count"}


@dataclass(frozen=True)
class Question:
    """A question as the scoring rules see it."""

    kinds: tuple[str, ...]
    keys: frozenset[str]  # stems and concept tokens that carry the question's topic
    term: str  # the thing a "what is X?" question asks about, or ""


def read_question(text: str) -> Question:
    """The kinds of answer ``text`` asks for, its key words, and any term it defines."""
    from coach.text import CONCEPT_PREFIX, get_analyzer

    kinds = tuple(k for k, (ask, _) in _TYPES.items() if ask.search(text))
    # "how long", "how often": the kind of answer, not its topic
    topic = text
    for kind in kinds:
        topic = _TYPES[kind][0].sub(" ", topic)
    a = get_analyzer().analyse(topic)
    keys = {s for w, s in zip(a.words, a.stems) if w not in _GENERIC}
    keys |= {c for c in a.concepts if c.removeprefix(CONCEPT_PREFIX) not in _GENERIC}
    m = _DEFINITION.match(text)
    term = m.group("term").strip().lower() if m and not kinds else ""
    return Question(kinds, frozenset(keys), term)


def is_fragment(sentence: str) -> bool:
    """True for text that cannot stand alone as a sentence: list fragments that end in
    ';' ',' or ':' or without a full stop, lines starting in lower case, labels."""
    s = sentence.strip().rstrip("”\"')")
    if len(s.split()) < 4 or not (s[:1].isupper() or s[:1].isdigit()):
        return True
    if _TITLE.match(s):
        return True
    return not s.endswith((".", "!", "?"))


def _keys(text: str) -> set[str]:
    from coach.text import get_analyzer

    a = get_analyzer().analyse(text)
    return set(a.stems) | set(a.concepts)


def fit(q: Question, sentence: str, heading: str = "", best: bool = False) -> float:
    """How well ``sentence`` (under ``heading``) fits the question beyond its embedding
    similarity: a bonus for the kind of answer asked for and the question's key words, a
    penalty for a sentence that lacks the quantity asked for, or for advice that shares no
    key word with the question, not even through its heading (unless it is in the ``best``
    passage the search found, which is on topic by that measure)."""
    score = 0.0
    quantity = False
    for kind in q.kinds:
        # a section titled "Why ..." answers why-questions as a whole
        if _TYPES[kind][1].search(sentence) or (kind == "why" and _WHY.search(heading)):
            score += 0.2 if kind in _QUANTITY else 0.12
            quantity = quantity or kind in _QUANTITY
        else:
            # "how often?" answered without a frequency is no answer, however close in topic
            score -= 0.25 if kind in _QUANTITY else 0.06
    if q.keys:
        # the share of the question's key words that the sentence, or its heading, holds
        covered = len(q.keys & (_keys(sentence) | _keys(heading))) / len(q.keys)
        score += 0.12 * covered if covered or best else -0.08
    if q.term and q.term in sentence.lower():
        score += 0.08 + (0.06 if _COPULA.search(sentence) else 0.0)
    if _LABELLED.match(sentence) and not quantity:
        score -= 0.04
    return score


# -- is a model's answer an answer? ------------------------------------------------------

# The prompt's own markers (prompts/ask.yaml wraps the question and passages in them): an
# answer holding one repeats the prompt instead of answering it.
_SCAFFOLD = re.compile(r"<<<\s*[A-Z]|\b[A-Z]{4,}\s*>>>")
# A passage's heading line as the prompt gives it ("[1] Guide title › Section"): copied
# into an answer, it is the prompt again, not an answer.
_HEADING = re.compile(r"(?m)^\s*\[\d{1,3}\][^\n]{0,200}›")
_ASKS_FOR = {
    "frequency": "how often",
    "duration": "how long",
    "count": "how many or how much",
}


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def reply_problems(question: str, text: str, passages: list[str] | None = None) -> list[str]:
    """What makes ``text`` no answer to ``question``, in plain words ([] when nothing does):
    the prompt's markers repeated, a sentence said twice, an answer that shares no word with
    the question's topic nor draws its words from the ``passages`` it was given, or a
    question that asks how often, how long or how many answered without a quantity. The
    citation checks are ``coach.engines.answer_problems``'; these are about the words.
    """
    problems: list[str] = []
    if _SCAFFOLD.search(text):
        problems.append("it repeats the prompt's markers instead of answering")
    elif _HEADING.search(text):
        problems.append("it copies a passage's heading instead of answering")
    words = re.sub(r"\[\d{1,3}\]", "", text)
    seen: set[str] = set()
    for s in _sentences(words):
        key = " ".join(re.findall(r"\w+", s.lower()))
        if len(key.split()) >= 5 and key in seen:
            problems.append("it says the same sentence twice")
            break
        seen.add(key)
    q, said = read_question(question), _keys(words)
    grounded = bool(said) and len(said & _keys(" ".join(passages or []))) >= 0.5 * len(said)
    if q.keys and not q.keys & said and not grounded:
        problems.append("it does not mention what the question is about")
    # a question that opens with "how often" asks for a number; one that mentions it among
    # other things ("how do we settle ground rules like how often we meet") may not
    opening = _TYPES.keys() & {k for k in q.kinds if _TYPES[k][0].match(question.strip())}
    for kind in sorted(opening):
        if kind in _ASKS_FOR and not _TYPES[kind][1].search(words):
            problems.append(f"the question asks {_ASKS_FOR[kind]}, and it gives no number")
    return problems
