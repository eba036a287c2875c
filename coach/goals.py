"""Sharper wording for a development goal, offline: the goal's parts, recomposed.

A goal is read as three parts, each in the person's own words: what they will do, how
they will know it is done (a number or a finished result, in the goal or in its stored
measure) and by when (a date in the goal, or its stored target date). The rewrite is
"By <date>, <what>, <measure>." with only the parts that exist: nothing is invented, no
placeholder is written, and what is missing is said in the reason instead. The sentences
of the reason live in ``prompts/refine-goal.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "VERDICT_KEYS",
    "GoalParts",
    "Wording",
    "check_model_wording",
    "clean",
    "format_date",
    "read_goal",
    "reasons",
    "refusal",
    "suggest_wording",
]

# The keys of the reasons this module gives (``Wording.keys``, :func:`refusal`): the
# sentence for each is in ``prompts/refine-goal.yaml``, checked when the file loads.
VERDICT_KEYS = (
    "done added-measure added-date added-both missing-measure missing-date missing-both vague "
    "verb-first date-passed date-conflict refuse-short refuse-junk refuse-long refuse-measure"
).split()

GOAL_MAX = 400  # longer than a goal and its measure together: not one goal
MODEL_WORDS_MAX = 30

MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_UNIT = r"(?:days?|weeks?|months?|quarters?|years?|semesters?|terms?)"
_SMALL = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)"
_WHEN = (
    rf"(?:{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?"  # 30 June 2027
    rf"|{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"  # June 30, 2027
    rf"|{_MONTH}(?:\s+{_YEAR})?"  # June 2027
    rf"|{_YEAR}-\d\d-\d\d|\d{{1,2}}[/.]\d{{1,2}}[/.]{_YEAR}"  # 2027-06-30, 30/06/2027
    rf"|q[1-4](?:\s+{_YEAR})?|h[12]\s+{_YEAR}"
    rf"|(?:spring|summer|autumn|fall|winter)(?:\s+{_YEAR})?"
    r"|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    rf"|(?:the\s+)?(?:end|start|middle|beginning)\s+of\s+(?:the\s+|this\s+|next\s+)?"
    rf"(?:{_MONTH}(?:\s+{_YEAR})?|{_YEAR}|{_UNIT}|q[1-4]|spring|summer|autumn|fall|winter)"
    rf"|(?:this|next)\s+(?:{_UNIT}|spring|summer|autumn|fall|winter)"
    rf"|(?:the\s+)?(?:next\s+)?{_SMALL}\s+{_UNIT}|the\s+next\s+{_UNIT}"
    rf"|year[- ]end|eoy|{_YEAR})"
)
_DATE = re.compile(
    rf"(?:,\s*)?\b(?P<prep>no\s+later\s+than|by|before|until|till|in|within|during|over)?\s*"
    rf"(?P<when>{_WHEN})\b\.?",
    re.IGNORECASE,
)
# Dates that read as dates only after "by", "in" and the like: "may" and "march" are verbs
# too, "a week" is a frequency ("2 interviews a week"), "summer" can be a noun's adjective.
_NEEDS_PREP = re.compile(
    rf"{_MONTH}|q[1-4]|(?:spring|summer|autumn|fall|winter)|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    rf"(?:the\s+)?(?:next\s+)?{_SMALL}\s+{_UNIT}|the\s+next\s+{_UNIT}",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12, "twice": 2,
    "first": 1, "second": 2, "third": 3,
}  # fmt: skip
_COUNT = re.compile(
    r"\d|%|\b(?:" + "|".join(_NUMBER_WORDS) + r"|once|weekly|monthly|daily|every|per)\b",
    re.IGNORECASE,
)
# Verbs that name a result someone can show; a goal that starts with one says what done
# looks like ("publish", "pass").
RESULT_VERBS = frozenset(
    """apply build close complete deliver design earn finish give host hire interview join
    launch lead mentor obtain organise organize pass present publish read record release run
    land secure ship sign speak submit teach train write""".split()
)
_RESULT = re.compile(
    r"(?:get|become|be)\s+(?:promoted|certified|hired|elected|accepted)\b|become\s+(?:a|an|the)\s",
    re.IGNORECASE,
)
# Verbs and openings that name a direction, not a result ("get better at", "learn").
VAGUE_VERBS = frozenset(
    """boost deepen develop enhance explore focus grow improve know learn master strengthen
    understand work""".split()
)
_VAGUE = re.compile(
    r"(?:get|be|become|feel|grow)\s+(?:a\s+)?(?:better|more|good|comfortable|confident|"
    r"stronger|familiar)\b|better\b",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"^(?:(?:i|we)(?:\s+(?:want|would\s+like|need|plan|hope|aim)|['’]d\s+like)\s+to|"
    r"(?:i|we)(?:'ll|’ll|\s+will)|my\s+goal\s+is\s+to|(?:want\s+)?to)\s+",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"^(?:i|i'm|i’m|my|we|our|me)\b", re.IGNORECASE)
# Markup, code, shell and SQL: checked on the NFKC form, so full-width "＜script＞" counts.
_MARKUP = re.compile(
    r"<[^>]*>|<\s*/?\s*[a-z]+|\{\{|\}\}|\$\{|\$\(|`|javascript:|&#?\w+;|"
    r"\b[a-z_][\w.]*\((?!\s)|\$[A-Z_]{2,}\b|[a-z]+://|\bfile:|/dev/|/tmp/|\\[\"'x]|"
    r"\[\d+(?:;\d+)*m|\+\+\+ath",
    re.IGNORECASE,
)
_INJECTION = re.compile(
    r"\bignore\s+(?:all\s+)?(?:the\s+)?(?:previous|prior|above)\b|\bsystem\s+prompt\b|"
    r";\s*(?:drop|delete|insert|select|exec|echo|touch|rm)\b|\bdrop\s+table\b|"
    r"\bor\s+'?\d'?\s*=\s*'?\d|\.\./",
    re.IGNORECASE,
)
_PUNCTUATION = set(".,;:'’\"“”‘!?()-–—/&+%#")
_KEEP_FORMAT = {"\u200c", "\u200d"}  # joiners that Persian and Indic scripts need


@dataclass(frozen=True)
class GoalParts:
    """A goal read as what, measure and date, each in the person's words (or None)."""

    what: str
    measure: str | None = None
    measure_added: bool = False  # taken from the stored measure, not the goal's text
    vague: bool = False  # a direction ("get better at"), not a result
    date: str | None = None  # "By 31 March 2027", "In Q3": the rewrite's opening
    date_added: bool = False  # taken from the stored target date
    notes: tuple[str, ...] = ()  # reason keys: a date that has passed, two dates


@dataclass(frozen=True)
class Wording:
    """The offline rewrite (or None when nothing can be improved) and its reason keys."""

    suggestion: str | None
    keys: tuple[str, ...] = ()


def reasons(advice: Sequence[str]) -> dict[str, str]:
    """The prompt file's ``key: text`` lines as a mapping."""
    out: dict[str, str] = {}
    for line in advice:
        key, sep, text = line.partition(": ")
        if sep and re.fullmatch(r"[a-z-]+", key):
            out[key] = text.strip()
    return out


def format_date(day: dt.date) -> str:
    """'31 March 2027' (English month names, whatever the machine's locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def clean(text: str) -> str:
    """Control and invisible formatting characters dropped, whitespace collapsed."""
    kept = (
        c
        for c in unicodedata.normalize("NFC", str(text))
        if c in _KEEP_FORMAT or unicodedata.category(c)[0] != "C" or c in "\t\n"
    )
    return " ".join("".join(kept).split())


def refusal(text: str) -> str | None:
    """The reason key for a goal with no plain words to work with (markup, symbols,
    instructions), or None. ``text`` is the goal after :func:`clean`."""
    if len(text) < 3:
        return "refuse-short"
    if len(text) > GOAL_MAX:
        return "refuse-long"
    folded = unicodedata.normalize("NFKC", text)
    if _MARKUP.search(folded) or _INJECTION.search(folded):
        return "refuse-junk"
    signs = [c for c in text if not c.isspace()]
    plain = [c for c in signs if c.isalnum() or c in _PUNCTUATION]
    if not re.search(r"[^\W\d_]{2,}", text) or len(plain) < 0.8 * len(signs):
        return "refuse-junk"
    return None


def _tidy(phrase: str) -> str:
    return phrase.strip(" ,;:.!-–—").strip()


def _lower_first(phrase: str) -> str:
    first, _, rest = phrase.partition(" ")
    if first[:1].isupper() and first[1:].islower() and first.lower() in _ALL_VERBS:
        return first.lower() + (" " + rest if rest else "")
    return phrase


def _upper_first(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _verb_phrase(phrase: str) -> str:
    """The phrase without its lead-in ("I want to", "To"), first word lowercased if a verb."""
    return _lower_first(_LEAD_IN.sub("", phrase).strip())


def _first_word(phrase: str) -> str:
    words: list[str] = re.findall(r"[\w'’]+", phrase.lower())
    return (words or [""])[0]


def _month_year(when: str) -> tuple[int | None, int | None]:
    low = when.lower()
    month = next(
        (n for n, m in enumerate(MONTHS, 1) if re.search(rf"\b{m[:3].lower()}", low)), None
    )
    year = re.search(_YEAR, low)
    return month, int(year.group()) if year else None


def _find_date(text: str) -> re.Match[str] | None:
    for m in _DATE.finditer(text):
        if m.group("prep") or not _NEEDS_PREP.fullmatch(m.group("when")):
            return m
    return None


def _opening(prep: str, when: str) -> str:
    """'By June 2027', 'In Q3', 'This year': the rewrite's first words."""
    if not prep and re.match(r"(?:this|next)\b", when, re.IGNORECASE):
        return _upper_first(when)
    return _upper_first(f"{prep or 'by'} {when}")


def read_goal(
    text: str,
    *,
    measure: str = "",
    target_date: dt.date | None = None,
    today: dt.date | None = None,
) -> GoalParts:
    """The goal's parts: its date phrase taken out, its measure found or taken from
    ``measure``, its date taken from ``target_date`` when the text names none."""
    today = today or dt.date.today()
    notes: list[str] = []
    found = _find_date(text)
    what = text
    date: str | None = None
    date_added = False
    if found:
        what = " ".join(_tidy(text[: found.start()] + " " + text[found.end() :]).split())
        when = " ".join(found.group("when").split())
        date = _opening(" ".join((found.group("prep") or "").lower().split()), when)
        month, year = _month_year(when)
        if year is not None and (year, month or 12) < (today.year, today.month):
            notes.append("date-passed")
        if target_date is not None and (
            (year is not None and year != target_date.year)
            or (month is not None and month != target_date.month)
        ):
            notes.append("date-conflict")
    elif target_date is not None and target_date < today:
        notes.append("date-passed")
    elif target_date is not None:
        date, date_added = f"By {format_date(target_date)}", True
    what = _tidy(what) or _tidy(text)
    core = _verb_phrase(what)
    vague = _first_word(core) in VAGUE_VERBS or bool(_VAGUE.match(core))
    stored = _tidy(clean(measure))
    measure_text: str | None = None
    measure_added = False
    if stored and stored.casefold() not in text.casefold():
        measure_text, measure_added = stored, True
    elif stored or _COUNT.search(what) or _first_word(core) in RESULT_VERBS or _RESULT.match(core):
        measure_text = ""  # the goal's own words say it already
    return GoalParts(
        what=what,
        measure=measure_text,
        measure_added=measure_added,
        vague=vague,
        date=date,
        date_added=date_added,
        notes=tuple(dict.fromkeys(notes)),
    )


def _join(what: str, measure: str, vague: bool) -> str:
    """What and measure as one clause, the measure leading when it is the concrete part."""
    core = _verb_phrase(what)
    shown = _verb_phrase(measure)
    first = _first_word(shown)
    if _PRONOUN.match(shown):
        return f"{core}, so that {shown}"
    if first in _ALL_VERBS and vague:
        return f"{shown} to {core}"
    if first in _ALL_VERBS:
        return f"{core} and {shown}"
    return f"{core}, measured by {shown}"


def suggest_wording(
    goal: str,
    *,
    measure: str = "",
    target_date: dt.date | None = None,
    today: dt.date | None = None,
) -> Wording:
    """The rewrite from the goal's parts (None when nothing can be added), and the keys of
    the reason's sentences. Check the goal with :func:`refusal` first."""
    text = clean(goal)
    parts = read_goal(text, measure=measure, target_date=target_date, today=today)
    keys = list(parts.notes)
    added = {
        (True, True): "added-both",
        (True, False): "added-measure",
        (False, True): "added-date",
    }.get((parts.measure_added, parts.date_added))
    if added:
        keys.insert(0, added)
    has_date = parts.date is not None or "date-passed" in keys
    core = _verb_phrase(parts.what)
    if len(core.split()) < 2:  # a word, not yet a goal: "Python", "undefined", "学习数据分析"
        keys = [*parts.notes, "vague"] + ([] if has_date else ["missing-date"])
        return Wording(None, tuple(keys))
    if _first_word(core) not in _ALL_VERBS:  # a name, a noun, another language
        keys = [*parts.notes, "verb-first"]
        if parts.measure is None:
            keys.append("missing-measure" if has_date else "missing-both")
        elif not has_date:
            keys.append("missing-date")
        return Wording(None, tuple(keys))
    if parts.measure is None and parts.vague:
        keys += ["vague"] if has_date else ["vague", "missing-date"]
    elif parts.measure is None:
        keys.append("missing-measure" if has_date else "missing-both")
    elif not has_date:
        keys.append("missing-date")
    if not added:
        return Wording(None, tuple(keys or ["done"]))
    if parts.measure_added:
        clause = _join(parts.what, parts.measure or "", parts.vague)
    else:
        clause = _verb_phrase(parts.what)
    sentence = f"{parts.date}, {clause}" if parts.date else _upper_first(clause)
    if sentence[-1] not in ".!?":
        sentence += "."
    return Wording(sentence, tuple(keys))


# Other verbs a goal often starts with. A goal that starts with none of these is not read as
# an English verb phrase (a name, a noun, another language): the coach then asks for one
# rather than build a sentence around words it cannot place.
_ALL_VERBS = (
    RESULT_VERBS
    | VAGUE_VERBS
    | frozenset(
        """accept achieve act add adopt advance agree analyse analyze answer arrange ask
        assess attend automate be become begin book bring call change chair choose coach
        collaborate collect commit communicate compete connect contribute convince cover
        create cut decide define delegate demonstrate do document draft drive edit enrol
        enroll establish estimate evaluate expand facilitate feel find fix follow gather get
        go grow handle have help identify implement increase influence introduce invest keep
        lower make manage map measure meet migrate model moderate move negotiate network
        offer own pair participate pick pitch plan practise practice prepare prioritise
        prioritize produce prototype propose prove raise reach reduce refactor reflect
        represent research review save schedule see sell send set settle shadow share show
        simplify solve spend stand start stop study support switch take talk test track
        transition translate try update upskill use visit volunteer win""".split()
    )
)

# What may appear in a model's rewrite only if the inputs have it too: numbers, months,
# quarters, seasons and weekdays.
_FACT = re.compile(
    rf"\d+|\b(?:{'|'.join(_NUMBER_WORDS)})\b|\b{_MONTH}(?=\W|$)|\bq[1-4]\b|\bh[12]\b|"
    r"\b(?:spring|summer|autumn|fall|winter|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)\b",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"\[[^\]]*\]|<[^>]*>|\{[^}]*\}|\bTBD\b|\bX{2,}\b|_{3,}|\.\.\.|…", re.IGNORECASE
)


def _facts(text: str) -> set[str]:
    out: set[str] = set()
    for m in _FACT.finditer(text):
        token = m.group().lower().rstrip(".")
        if token.isdigit():
            out.add(str(int(token)))
        elif token in _NUMBER_WORDS:
            out.add(str(_NUMBER_WORDS[token]))
            out.add(token)
        else:
            out.add(token[:3])
    return out


def check_model_wording(suggestion: str, inputs: Sequence[str]) -> str | None:
    """What is wrong with a model's rewrite (too long, a placeholder, a number or date the
    inputs do not have), or None when it can be shown."""
    words = len(suggestion.split())
    if words > MODEL_WORDS_MAX:
        return f"its suggestion has {words} words, more than {MODEL_WORDS_MAX}"
    holder = _PLACEHOLDER.search(suggestion)
    if holder:
        return f"its suggestion has a placeholder ({holder.group()[:20]})"
    known = _facts(" ".join(inputs))
    for m in _FACT.finditer(suggestion):
        token = m.group().lower().rstrip(".")
        key = str(int(token)) if token.isdigit() else str(_NUMBER_WORDS.get(token, token[:3]))
        if key not in known:
            return f"its suggestion has {m.group()!r}, which the goal does not say"
    return None
