"""What a cohort is: the data classes, limits and step names, and small shared helpers."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.workbook import kinds as _kinds

STEPS = _kinds.TRACKED_STEPS  # the workbook's steps a cohort tracks
DEFAULT_BASE_URL = "http://127.0.0.1:8866"
MAX_PARTICIPANTS = 500
MAX_NAME = 80
MAX_TITLE = 200
MAX_ROSTER_BYTES = 5_000_000
ACTIVITY_KIND, ACTIVITY_KEY = _kinds.ACTIVITY, _kinds.ACTIVITY_KEY
# mentor matching: a roster's ``role`` and ``wants`` cells, and a mentor's ``capacity``
ROLES = ("mentor", "mentee", "both")
WANTS = ("inside", "outside", "either")  # where a mentee wants their mentor to work
DEFAULT_CAPACITY = 2  # mentees per mentor when the roster gives no capacity
MAX_CAPACITY = 20
MAX_ORGANIZATION = 120

# C0/C1 controls, zero-width space, direction marks and overrides, BOM: invisible or
# spoofing characters. ZWNJ/ZWJ (U+200C/D) stay: some scripts and emoji need them.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff]"
)


class CohortError(CoachError):
    """A cohort cannot be created, found or changed as asked; the message says what to do."""


@dataclass(frozen=True)
class Cohort:
    """A workshop cohort (no secrets: only hashes are stored, and none are kept here)."""

    name: str
    title: str
    created_at: dt.datetime
    expires_at: dt.datetime
    closed_at: dt.datetime | None
    base_url: str
    seed: int
    participant_count: int = 0

    def state(self, now: dt.datetime | None = None) -> str:
        """``open``, ``closed`` or ``expired``."""
        if self.closed_at is not None:
            return "closed"
        return "expired" if (now or _utcnow()) >= self.expires_at else "open"

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """True while join links and the facilitator link work."""
        return self.state(now) == "open"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "name": self.name,
            "title": self.title,
            "created_at": _iso(self.created_at),
            "expires_at": _iso(self.expires_at),
            "closed_at": _iso(self.closed_at) if self.closed_at else None,
            "base_url": self.base_url,
            "participants": self.participant_count,
            "state": self.state(),
        }


@dataclass(frozen=True)
class Participant:
    """One person in a cohort; ``id`` is the owner of their records in the store."""

    id: str
    cohort: str
    display_name: str
    email: str = ""
    offers: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    role: str = "mentee"  # one of ROLES; cohorts from before roles read as mentees
    capacity: int = DEFAULT_CAPACITY  # how many mentees a mentor takes
    organization: str = ""
    wants: str = "either"  # one of WANTS: where a mentee wants their mentor

    @property
    def is_mentor(self) -> bool:
        """Whether this person may mentor someone (``mentor`` or ``both``)."""
        return self.role in ("mentor", "both")

    @property
    def is_mentee(self) -> bool:
        """Whether this person is looking for a mentor (``mentee`` or ``both``)."""
        return self.role in ("mentee", "both")


@dataclass(frozen=True)
class CreatedCohort:
    """A new cohort with its links. The links hold secrets and exist only in this object."""

    cohort: Cohort
    links: list[tuple[Participant, str]] = field(repr=False)
    facilitator_url: str = field(repr=False)


@dataclass(frozen=True)
class RosterEntry:
    """One participant read from a roster, with the line it came from."""

    line: int
    display_name: str
    email: str
    offers: tuple[str, ...]
    goals: tuple[str, ...]
    role: str = "mentee"
    capacity: int = DEFAULT_CAPACITY
    organization: str = ""
    wants: str = "either"


@dataclass
class RosterReport:
    """What :func:`read_roster` found: entries, skipped blank lines and problems."""

    path: Path
    columns: list[str] = field(default_factory=list)
    entries: list[RosterEntry] = field(default_factory=list)
    blank_lines: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the roster can be used as it is."""
        return not self.problems and bool(self.entries)

    def raise_for_problems(self) -> None:
        """Raise one :class:`CohortError` listing every problem (up to ten)."""
        if self.ok:
            return
        shown = self.problems[:10] or ["it lists no participants"]
        more = len(self.problems) - len(shown)
        tail = f"; and {more} more" if more > 0 else ""
        raise CohortError(
            f"Roster {self.path.name}: "
            + "; ".join(shown)
            + tail
            + ". Fix the file and run the command again (nothing was created)."
        )


@dataclass(frozen=True)
class ParticipantStatus:
    """A participant's progress: steps done and where they are now (no private text)."""

    participant_id: str
    display_name: str
    steps_done: list[str]
    current_step: str | None
    since: dt.datetime | None
    minutes_on_step: int | None
    last_active: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "participant_id": self.participant_id,
            "display_name": self.display_name,
            "steps_done": self.steps_done,
            "current_step": self.current_step,
            "since": _iso(self.since) if self.since else None,
            "minutes_on_step": self.minutes_on_step,
            "last_active": _iso(self.last_active) if self.last_active else None,
        }


@dataclass(frozen=True)
class CohortStatus:
    """Progress of a whole cohort: one row per participant and counts per step."""

    cohort: Cohort
    participants: list[ParticipantStatus]
    counts: dict[str, int]

    def stuck(self, minutes: int) -> list[str]:
        """Display names of people on an unfinished step for more than ``minutes``."""
        # pages that are not steps ("start", "coach", "progress") and steps already done
        # are places to linger, not to be stuck
        return [
            p.display_name
            for p in self.participants
            if p.minutes_on_step is not None
            and p.minutes_on_step > minutes
            and p.current_step in STEPS
            and p.current_step not in p.steps_done
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "cohort": self.cohort.to_dict(),
            "counts": self.counts,
            "participants": [p.to_dict() for p in self.participants],
        }


@dataclass(frozen=True)
class Match:
    """One mentee's mentor, proposed or approved; or the note that they have none.

    ``score`` is 0 to 100: the share of the mentee's meaningful goal words that the
    mentor's offers hold (inside/outside is not part of it: it is honoured first, and the
    reason says when it could not be). ``words`` are the matched words, the only goal text
    a match holds; ``status`` is ``proposed``, ``approved`` or ``unmatched``.
    """

    mentee_id: str
    mentee_name: str
    mentor_id: str = ""
    mentor_name: str = ""
    score: int = 0
    reason: str = ""
    words: tuple[str, ...] = ()
    status: str = "unmatched"
    seed: int | None = None

    @property
    def matched(self) -> bool:
        """Whether the mentee has a mentor (proposed or approved)."""
        return bool(self.mentor_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (no goal text beyond the matched words)."""
        return {
            "mentee_id": self.mentee_id,
            "mentee": self.mentee_name,
            "mentor_id": self.mentor_id or None,
            "mentor": self.mentor_name or None,
            "score": self.score,
            "reason": self.reason,
            "words": list(self.words),
            "status": self.status,
        }


@dataclass(frozen=True)
class MyMatches:
    """What one participant sees of matching: approved matches only."""

    mentor: Match | None = None  # their mentor, when they are a mentee
    mentees: tuple[Match, ...] = ()  # their mentees, when they mentor


@dataclass(frozen=True)
class FitRow:
    """The pairing-fit pulse of one approved match, as the facilitator sees it: averages,
    never text. ``suggestion`` is the next-best mentor with capacity left, for a poor fit."""

    match: Match
    mentee_average: float | None
    mentor_average: float | None
    flagged: bool
    suggestion_id: str = ""
    suggestion_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            **self.match.to_dict(),
            "mentee_average": self.mentee_average,
            "mentor_average": self.mentor_average,
            "flagged": self.flagged,
            "suggestion_id": self.suggestion_id or None,
            "suggestion": self.suggestion_name or None,
        }


class Group(list[Participant]):
    """A pair or triad for peer practice, with a reason naming only the matched words."""

    def __init__(self, members: list[Participant], reason: str = "") -> None:
        super().__init__(members)
        self.reason = reason


# --- helpers -------------------------------------------------------------------------


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")


def _parse_time(value: object) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _clean(text: str) -> str:
    """Control and invisible characters removed, whitespace collapsed (HTML kept as text)."""
    return " ".join(_CONTROL.sub("", text).split())


def _natural(text: str) -> list[Any]:
    """Sort key that puts "Seat 2" before "Seat 10"."""
    # ASCII digits only: "²" and "٣" are digits to str.isdigit() but not to int() or to
    # a person reading a seat number, so they sort as text
    return [
        (0, int(t), "") if t.isascii() and t.isdigit() else (1, 0, t)
        for t in re.split(r"([0-9]+)", text.casefold())
    ]
