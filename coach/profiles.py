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


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=160)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


P = TypeVar("P", bound="_Person")


class _Person(_Strict):
    """A named person loadable from a YAML file."""

    name: Name

    @property
    def first_name(self) -> str:
        """The first word of the name, used in greetings and sign-offs."""
        return self.name.split()[0]

    @classmethod
    def from_yaml(cls: type[P], path: str | Path) -> P:
        """Load and validate a YAML file (see examples/me.yaml and examples/mentor.yaml)."""
        return _load(cls, path)


class Goal(_Strict):
    """One development goal: what, why, and by when."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=160)]
    why: Short = ""
    target_date: dt.date | None = None


class Profile(_Person):
    """The mentee: who they are, their goals and what they can offer a mentor."""

    headline: Short = ""
    organization: Short = ""
    industry: Short = ""
    linkedin_account: Literal["free", "premium"] = "free"
    goals: list[Goal] = Field(default_factory=list, max_length=5)
    offer: list[Short] = Field(default_factory=list, max_length=10)


class MentorCandidate(_Person):
    """A person you might ask for mentoring, with specific points you noticed about them."""

    headline: Short = ""
    organization: Short = ""
    relation: Literal["inside", "outside"] = "outside"
    channel: Literal["linkedin", "alumni", "family-friends", "colleague", "event", "group"] = (
        "linkedin"
    )
    notes: list[Note] = Field(min_length=1, max_length=8)
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
