"""The offline composer's language layer: what the templates say about people.

Names, titles and headlines live in :mod:`coach.language_names`; notes about a mentor, put
in the mentee's voice or the third person, in :mod:`coach.language_notes`. This module adds
goals ("what I hope to learn"), dates ("I got in touch last week") and meeting notes, and
is the one place the composer imports from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from coach import wordforms
from coach.language_names import (
    SEPARATOR,
    article,
    first_name,
    greeting_name,
    headline_role,
    parse_name,
)
from coach.language_notes import (
    _BREAK,
    _PRONOUNS,
    Point,
    _bare,
    _known_noun,
    _usable,
    _verb_tags,
    clean_text,
    lower_first,
    read_note,
)

__all__ = [
    "SEPARATOR",
    "DraftHistory",
    "Point",
    "aim_phrase",
    "article",
    "clean_text",
    "discussed_topic",
    "first_name",
    "greeting_name",
    "headline_role",
    "learn_phrase",
    "lower_first",
    "parse_name",
    "read_note",
    "sent_when",
    "why_clause",
]


def _verb_first(goal: str) -> bool:
    w = _bare(goal.split(" ", 1)[0])
    return bool(w) and "VB" in _verb_tags(w)


def aim_phrase(goal: str) -> str:
    """'working to lead a project by June' or 'working towards a product role by June'."""
    goal = lower_first(goal.strip().rstrip("."))
    return f"working to {goal}" if _verb_first(goal) else f"working towards {goal}"


def learn_phrase(goal: str) -> str:
    """What the mentee hopes to learn from the goal: 'how you would go about leading a
    product discovery project by June', or '' when the goal does not start with a verb."""
    goal = lower_first(goal.strip().rstrip("."))
    if not _verb_first(goal):
        return ""
    verb, _, rest = goal.partition(" ")
    return f"how you would go about {wordforms.ing_form(_bare(verb))} {rest}".strip()


def why_clause(why: str) -> str:
    """Why the goal matters, as a clause after 'because'."""
    why = lower_first(clean_text(why).rstrip("."))
    why = re.sub(r"^(?:because|since|as)\s+", "", why, flags=re.IGNORECASE)
    # "so I can present at ..." is a purpose: "because I want to present at ..."
    why = re.sub(r"^so(?: that)? I (?:can|could) ", "I want to ", why, flags=re.IGNORECASE)
    if re.match(r"so\b|in order\b", why, re.IGNORECASE):
        return ""  # a purpose that cannot follow "because": the templates leave it out
    return f"I want {why}" if why.lower().startswith("to ") else why


@dataclass(frozen=True)
class DraftHistory:
    """What a follow-up or thank-you knows: when the first message went, what was said."""

    first_sent: dt.date | None
    today: dt.date
    discussed: str = ""


def sent_when(history: DraftHistory | None) -> str:
    """When the first message went, said as a person would: 'earlier today', 'on Monday',
    'last week', 'on 3 November'; '' when unknown (so the draft claims no time)."""
    if history is None or history.first_sent is None or history.first_sent > history.today:
        return ""
    sent, days = history.first_sent, (history.today - history.first_sent).days
    if days == 0:
        return "earlier today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"on {sent:%A}"
    if days < 14:
        return "last week"
    if days < 21:
        return "two weeks ago"
    year = f" {sent.year}" if sent.year != history.today.year else ""
    return f"on {sent.day} {sent:%B}{year}"


def discussed_topic(notes: str) -> str:
    """The topic of a meeting's notes as a noun phrase ('stakeholder maps'), or ''."""
    first = next((s for s in _BREAK.split(clean_text(notes)) if _usable(s)), "")
    first = re.sub(
        r"^(?:we\s+)?(?:talked|spoke|chatted)\s+(?:about|through)\s+|^(?:we\s+)?discussed\s+"
        r"|^(?:topics?|notes?|agenda)\s*:\s*",
        "",
        first.strip(" .,;:"),
        flags=re.IGNORECASE,
    )
    words = first.split()
    past = [w for w in words if "VBD" in _verb_tags(_bare(w)) and not _known_noun(_bare(w))]
    if not words or len(words) > 12 or past:
        return ""
    if _bare(words[0]) in _PRONOUNS or words[0].lower() in ("you", "they"):
        return ""
    return lower_first(" ".join(words))


def warm() -> None:
    """Load the language layer now (the word table's mapping and nameparser's lists), which
    a pre-heated workbook page does before anyone opens it, not on the first draft."""
    wordforms.warm()
    parse_name("Dr. Anna Weiss")
