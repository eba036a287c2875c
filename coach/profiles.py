"""The mentee (``Profile``) and a possible mentor (``MentorCandidate``), from YAML files.

Validation is strict and speaks in field names: an unknown key, a missing name or a note
that is too long is an error that says which field and what to do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from coach.errors import CoachError


class ProfileError(CoachError, ValueError):
    """A profile or mentor file is invalid; the message names the field."""


# The limits, one constant each: the models below and the workbook's fields (which show
# them as counters and refuse, never cut, a longer value) both read them.
NAME_MAX = 60
"""A person's name (yours, a candidate's, someone in your network)."""
SHORT_MAX = 160
"""A headline, an organization, an industry, one offer, a mutual connection."""
GOAL_TITLE_MIN = 3
GOAL_TITLE_MAX = 160
"""A goal's title: one line."""
GOAL_WHY_MAX = 500
"""Why a goal matters: a sentence or two, long enough not to be broken off."""
MEASURE_MAX = 160
"""How you will know a goal is met (kept with the goal in the workbook)."""
NOTE_MIN = 3
NOTE_MAX = 2000
"""One specific point you noticed about a candidate: a line, or a paragraph pasted whole
(the coach uses its identifying clause in short notes and the rest in e-mails)."""
NOTES_MAX = 8
GOALS_MAX = 5
OFFERS_MAX = 10

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=SHORT_MAX)]
Why = Annotated[str, StringConstraints(strip_whitespace=True, max_length=GOAL_WHY_MAX)]
Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=NOTE_MIN, max_length=NOTE_MAX)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


P = TypeVar("P", bound="_Person")


class _Person(_Strict):
    """A named person loadable from a YAML file."""

    name: Name

    @property
    def first_name(self) -> str:
        """The given name, used in greetings and sign-offs ('Dr. Anna Weiss' -> 'Anna')."""
        from coach.language_names import first_name

        return first_name(self.name)

    @classmethod
    def from_yaml(cls: type[P], path: str | Path) -> P:
        """Load and validate a YAML file (see examples/me.yaml and examples/mentor.yaml)."""
        person: P = _load(cls, path)
        return person


class Goal(_Strict):
    """One development goal: what, why, and by when."""

    title: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=GOAL_TITLE_MIN, max_length=GOAL_TITLE_MAX
        ),
    ]
    why: Why = ""
    target_date: dt.date | None = None


class Profile(_Person):
    """The mentee: who they are, their goals and what they can offer a mentor."""

    headline: Short = ""
    organization: Short = ""
    industry: Short = ""
    linkedin_account: Literal["free", "premium"] = "free"
    goals: list[Goal] = Field(default_factory=list, max_length=GOALS_MAX)
    offer: list[Short] = Field(default_factory=list, max_length=OFFERS_MAX)


class MentorCandidate(_Person):
    """A person you might ask for mentoring, with specific points you noticed about them."""

    headline: Short = ""
    organization: Short = ""
    relation: Literal["inside", "outside"] = "outside"
    channel: Literal["linkedin", "alumni", "family-friends", "colleague", "event", "group"] = (
        "linkedin"
    )
    notes: list[Note] = Field(min_length=1, max_length=NOTES_MAX)
    mutual_connection: Short = ""


def explain(exc: ValidationError, what: str) -> str:
    """One readable line per problem, naming the field."""
    lines = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"]) or what
        if e["type"] == "extra_forbidden":
            lines.append(f"unknown key '{loc}' (check the spelling; see examples/)")
        elif e["type"] == "missing":
            lines.append(f"'{loc}' is required")
        else:
            lines.append(f"'{loc}': {e['msg']}")
    return f"{what}: " + "; ".join(lines)


# What a person calls each field, for messages in the workbook (which never show keys).
_LABELS: dict[str, dict[str, str]] = {
    "MentorCandidate": {
        "name": "the candidate's name",
        "headline": "their headline",
        "organization": "their organization",
        "relation": "whether they work inside or outside your organization",
        "channel": "where you found them",
        "notes": "at least one thing you noticed about them",
        "notes.item": "point {n} you noticed",
        "notes.many": "points you noticed",
        "mutual_connection": "the mutual connection",
    },
    "Profile": {
        "name": "your name",
        "headline": "your headline",
        "organization": "your organization",
        "industry": "your industry",
        "linkedin_account": "your LinkedIn account type",
        "goals.many": "goals",
        "goals.title": "the title of goal {n}",
        "goals.why": "why goal {n} matters",
        "goals.target_date": "the date of goal {n}",
        "offer.item": "offer {n}",
        "offer.many": "offers",
    },
    "Goal": {
        "title": "the goal",
        "why": "why it matters",
        "target_date": "the target date",
    },
}


def _label(model: str, loc: tuple[int | str, ...]) -> tuple[str, bool]:
    """(What a person calls the field at ``loc``, whether it names a list as a whole)."""
    labels = _LABELS.get(model, {})
    field = str(loc[0]) if loc else ""
    if len(loc) == 1:
        return labels.get(field, "this field"), f"{field}.many" in labels
    n = loc[1] + 1 if isinstance(loc[1], int) else 1
    sub = ".".join(str(p) for p in loc[2:]) or "item"
    found = labels.get(f"{field}.{sub}") or labels.get(f"{field}.item") or "this field"
    return found.format(n=n), False


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def say_what_to_fix(exc: ValidationError) -> str:
    """A ValidationError as plain sentences, one per field, naming fields the way a person
    does ("Add the candidate's name and at least one thing you noticed about them.").

    For the workbook's pages; :func:`explain` names the YAML keys for the command line.
    """
    adds: list[str] = []
    sentences: list[str] = []
    for e in exc.errors():
        label, is_list = _label(exc.title, tuple(e["loc"]))
        kind, ctx = e["type"], e.get("ctx", {})
        value = e.get("input")
        if kind == "missing" or (
            kind in ("string_too_short", "too_short") and ctx.get("min_length", 1) <= 1
        ):
            adds.append(label)
        elif kind == "string_too_short":
            sentences.append(f"{_cap(label)} needs at least {ctx['min_length']} characters.")
        elif kind == "string_too_long":
            n, limit = len(str(value).strip()), int(ctx["max_length"])
            sentences.append(
                f"{_cap(label)} is {n} characters long; the limit is {limit}, so cut {n - limit}."
            )
        elif kind == "too_long":
            many = _LABELS.get(exc.title, {}).get(f"{e['loc'][0]}.many", label)
            sentences.append(f"Keep at most {ctx['max_length']} {many}.")
        elif kind in ("literal_error", "enum"):
            sentences.append(f"Choose {label}.")
        elif kind.startswith(("date", "datetime")):
            sentences.append(f"{_cap(label)} must be a date, like 2025-06-30.")
        elif kind == "extra_forbidden":
            sentences.append("Part of what was saved is not recognised: enter it again.")
        elif is_list:
            sentences.append(f"Check the {label}.")
        else:
            sentences.append(f"Check {label}.")
    if adds:
        joined = adds[0] if len(adds) == 1 else ", ".join(adds[:-1]) + " and " + adds[-1]
        sentences.insert(0, f"Add {joined}.")
    return " ".join(dict.fromkeys(sentences)) or "Check what you entered."


def too_long(text: str, limit: int) -> str | None:
    """A message saying how much to cut when ``text`` (stripped) is over ``limit``."""
    n = len(text.strip())
    if n <= limit:
        return None
    return f"{n} / {limit} characters: cut {n - limit} to save it."


def _load(cls: type[Any], path: str | Path) -> Any:
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{p}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{p}: cannot be read as UTF-8 text ({type(exc).__name__})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ProfileError(f"{p}: not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{p}: expected 'key: value' lines, like examples/{p.name}")
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(explain(exc, str(p))) from None
