"""Follow-up nudges: what is due, from the pipeline's dates and the meetings, on a given day.

Pure rules over records, with the day always given (the tests fix the clock):

- a first message went :data:`FOLLOW_UP_DAYS` days ago and the candidate is still
  'contacted' (no reply): a follow-up is due; a week after that one, a last follow-up;
  a week after the second, let it go, kindly;
- a meeting in the past without notes: add notes (and send a thank-you);
- an active mentor with no contact for :data:`CHECK_IN_DAYS` days: a check-in.

A nudge the person snoozed (a :class:`~coach.workbook.records.NudgeRecord` under its id)
stays hidden until the day it comes back; one they dismissed, for good. Every sentence a
nudge says is data: ``prompts/pages/nudges.yaml``, read when first needed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, Literal

from coach.workbook import kinds, rules
from coach.workbook.records import (
    CandidateRecord,
    DraftRecord,
    MeetingRecord,
    NudgeRecord,
)

if TYPE_CHECKING:
    from coach.workbook.book import Workbook

# -- the day counts, in one place ----------------------------------------------------------
FOLLOW_UP_DAYS: Final = 7  # after a first message (or a follow-up) with no reply
CHECK_IN_DAYS: Final = 30  # an active mentor not heard from
SNOOZE_DAYS: Final = 7  # "Snooze a week"
LAST_FOLLOW_UP: Final = 2  # follow-ups sent before it is time to let go

NudgeKind = Literal["follow-up", "notes", "check-in", "let-go"]
READS: Final = (kinds.CANDIDATE, kinds.DRAFT, kinds.MEETING, kinds.NUDGE)
"""The record kinds the rules read (all of them in one read of the store)."""
STEP_OF_NUDGE: Final[dict[str, str]] = {
    "follow-up": "outreach",
    "check-in": "outreach",
    "let-go": "outreach",
    "notes": "meeting",
}
"""The workbook step (the app's slug) where each kind of nudge is shown and acted on."""


@dataclass(frozen=True)
class Nudge:
    """One thing due: whom, since when, what to say, and what one click does."""

    id: str  # stable across days (its kind, candidate and anchor day); at most 64 characters
    kind: NudgeKind
    candidate: str  # the candidate's key
    name: str  # the candidate's name
    due: dt.date
    since: dt.date  # the day counted from: a message sent, a meeting, the last contact
    days: int  # days since then, on the day asked about
    title: str  # one sentence for the person
    detail: str  # what to do, in a sentence or three
    action: str  # a draft kind ("follow-up", "thank-you"), or "close" (let go)
    label: str  # the action's button
    phase: str = ""  # a meeting's phase (notes)

    @property
    def first_name(self) -> str:
        """The first word of the name, or "this person"."""
        return (self.name.split() or ["this person"])[0]

    @property
    def step(self) -> str:
        """The workbook step where it is shown ("outreach" or "meeting")."""
        return STEP_OF_NUDGE[self.kind]

    def as_json(self) -> dict[str, Any]:
        """The nudge JSON-ready (days as ISO text), as ``mentor-coach followups --json``."""
        data = asdict(self)
        data.update(due=self.due.isoformat(), since=self.since.isoformat(), step=self.step)
        return data


# -- the wording (prompts/pages/nudges.yaml) ------------------------------------------------------

PLACEHOLDERS: Final = frozenset({"name", "days", "date", "count"})


@lru_cache(maxsize=1)
def wording() -> Any:
    """``prompts/pages/nudges.yaml``, validated strictly (a :class:`~coach.prompts.PromptError`
    naming the file when it is broken); read once, when first needed."""
    import yaml
    from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

    from coach.paths import prompts_dir
    from coach.prompts import PromptError, placeholders

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

    class Words(Strict):
        title: str
        detail: str
        action: str

    class Count(Strict):
        one: str
        many: str

    class Buttons(Strict):
        snooze: str
        snooze_tip: str
        dismiss: str
        dismiss_tip: str
        ics: str

    class Messages(Strict):
        heading: str
        none: str
        snoozed: str
        dismissed: str
        closed: str
        kept: str
        gone: str
        add_notes: str
        unreadable: str

    class Wording(Strict):
        name: Literal["nudges"]
        version: int
        nudges: dict[str, Words]
        buttons: Buttons
        counts: dict[str, Count]
        messages: Messages

        @model_validator(mode="after")
        def _complete(self) -> Wording:
            wanted = {*STEP_OF_NUDGE, "last-follow-up"}
            if set(self.nudges) != wanted:
                raise ValueError(f"'nudges' must have exactly {sorted(wanted)}")
            if set(self.counts) != set(STEP_OF_NUDGE.values()):
                raise ValueError(
                    f"'counts' must have exactly {sorted(set(STEP_OF_NUDGE.values()))}"
                )
            for text in _texts(self.model_dump()):
                unknown = placeholders(text) - PLACEHOLDERS
                if unknown:
                    raise ValueError(f"{text!r} uses {sorted(unknown)}; use {sorted(PLACEHOLDERS)}")
            return self

    path = prompts_dir() / "pages" / "nudges.yaml"
    try:
        return Wording.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError, OSError) as exc:
        raise PromptError(f"{path.name}: {exc}") from None


def _texts(data: object) -> Iterable[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, Mapping):
        for value in data.values():
            yield from _texts(value)


def say(
    text: str,
    *,
    name: str = "",
    days: int = 0,
    date: dt.date | None = None,
    count: int = 0,
    today: dt.date | None = None,
) -> str:
    """One of the file's texts with its placeholders filled (values are never re-parsed);
    ``date`` said as on ``today``."""
    return text.format(name=name, days=days, date=day_words(date, today), count=count)


def day_words(day: dt.date | None, today: dt.date | None = None) -> str:
    """A day as a person says it: "3 March" (with the year when it is not this year's)."""
    if day is None:
        return ""
    year = "" if day.year == (today or dt.date.today()).year else f" {day.year}"
    return f"{day.day} {day:%B}{year}"


def count_text(step: str, count: int) -> str:
    """ "2 follow-ups due" for a step's count ('' when there is nothing, or no such step)."""
    words = wording().counts.get(step)
    if not count or words is None:
        return ""
    return say(words.one if count == 1 else words.many, count=count)


# -- the rules -------------------------------------------------------------------------


def nudge_id(*parts: str) -> str:
    """A nudge's id: its parts joined (``follow-up:<candidate>:<day>``), or, when that is
    longer than a store key, its kind and a hash of them (stable across days)."""
    text = ":".join(parts)
    if len(text) <= kinds.KEY_MAX:
        return text
    return f"{parts[0]}:{hashlib.sha1(text.encode()).hexdigest()[:32]}"


def _days(values: Iterable[object]) -> list[dt.date]:
    return sorted(d for d in (rules.iso_day(v) for v in values) if d is not None)


@dataclass(frozen=True)
class _Rule:
    kind: NudgeKind
    words: str  # its texts in prompts/pages/nudges.yaml
    action: str  # what its button does
    wait: int  # days after the day it counts from


FOLLOW_UP = _Rule("follow-up", "follow-up", "follow-up", FOLLOW_UP_DAYS)
LAST_ONE = _Rule("follow-up", "last-follow-up", "follow-up", FOLLOW_UP_DAYS)
LET_GO = _Rule("let-go", "let-go", "close", FOLLOW_UP_DAYS)
# a short note: see prompts/pages/nudges.yaml
CHECK_IN = _Rule("check-in", "check-in", "thank-you", CHECK_IN_DAYS)
NOTES = _Rule("notes", "notes", "thank-you", 1)  # the day after the meeting


def _make(
    rule: _Rule, key: str, who: CandidateRecord, since: dt.date, today: dt.date, *parts: str
) -> Nudge | None:
    """The nudge, once ``rule.wait`` days have passed since ``since``; else None. Its id is
    its kind, ``parts`` (default: the candidate) and the day it counts from."""
    due = since + dt.timedelta(days=rule.wait)
    if due > today:
        return None
    text = wording().nudges[rule.words]
    days = (today - since).days
    values: dict[str, Any] = {"name": who.first_name, "days": days, "date": since, "today": today}
    return Nudge(
        id=nudge_id(rule.kind, *(parts or (key,)), since.isoformat()),
        kind=rule.kind,
        candidate=key,
        name=who.name,
        due=due,
        since=since,
        days=days,
        title=say(text.title, **values),
        detail=say(text.detail, **values),
        action=rule.action,
        label=say(text.action, **values),
    )


def _unanswered(
    key: str, who: CandidateRecord, drafts: list[DraftRecord], today: dt.date
) -> Nudge | None:
    """Still 'contacted': a follow-up, a last follow-up, or let it go."""
    sent = _days(who.follow_ups)
    if not sent:
        first = rules.first_sent(key, who, drafts)
        return _make(FOLLOW_UP, key, who, first, today) if first else None
    if len(sent) < LAST_FOLLOW_UP:  # its id says which follow-up is due: not the first again
        return _make(LAST_ONE, key, who, sent[-1], today, key, str(len(sent) + 1))
    return _make(LET_GO, key, who, sent[-1], today)


def last_contact(
    who: CandidateRecord,
    drafts: Iterable[DraftRecord],
    meetings: Iterable[MeetingRecord],
    today: dt.date,
) -> dt.date | None:
    """The latest day anything happened with a candidate (their own drafts and meetings
    given): a stage reached, a meeting held, a message or follow-up sent."""
    found = [*who.stage_dates.values(), *who.follow_ups, *(d.sent_at for d in drafts)]
    held = [d for d in _days([*found, *(m.date for m in meetings)]) if d <= today]
    return held[-1] if held else None


def _notes(mkey: str, meeting: MeetingRecord, who: CandidateRecord, today: dt.date) -> Nudge | None:
    """A meeting held (a day before today) whose notes are empty."""
    day = rules.iso_day(meeting.date)
    if day is None or day >= today or meeting.notes.strip():
        return None
    found = _make(NOTES, meeting.candidate, who, day, today, mkey)
    return replace(found, phase=meeting.phase) if found else None


def hidden(mark: NudgeRecord | None, today: dt.date) -> bool:
    """Whether what the person did with a nudge hides it today: dismissed for good, or
    snoozed until a day after today."""
    if mark is None:
        return False
    if mark.state == "dismissed":
        return True
    until = rules.iso_day(mark.until)
    return until is not None and until > today


def nudges(
    candidates: Iterable[tuple[str, CandidateRecord]],
    drafts: Iterable[DraftRecord],
    meetings: Iterable[tuple[str, MeetingRecord]],
    marks: Mapping[str, NudgeRecord],
    today: dt.date,
    *,
    include_hidden: bool = False,
) -> list[Nudge]:
    """Every nudge due on ``today`` (the snoozed and dismissed left out unless
    ``include_hidden``), the longest overdue first."""
    people = dict(candidates)
    drafts_of: dict[str, list[DraftRecord]] = defaultdict(list)
    for d in drafts:
        drafts_of[d.candidate].append(d)
    meetings_of: dict[str, list[tuple[str, MeetingRecord]]] = defaultdict(list)
    for mkey, m in meetings:
        meetings_of[m.candidate].append((mkey, m))
    found: list[Nudge | None] = []
    for key, who in people.items():
        if who.stage == kinds.CONTACTED:
            found.append(_unanswered(key, who, drafts_of[key], today))
        elif who.stage == "active":
            held = [m for _k, m in meetings_of[key]]
            last = last_contact(who, drafts_of[key], held, today)
            found.append(_make(CHECK_IN, key, who, last, today) if last else None)
        found += [_notes(mkey, m, who, today) for mkey, m in meetings_of[key]]
    shown = [n for n in found if n and (include_hidden or not hidden(marks.get(n.id), today))]
    return sorted(shown, key=lambda n: (n.due, n.name, n.id))


def from_rows(
    rows: Iterable[tuple[str, str, Mapping[str, Any] | None]],
    today: dt.date,
    *,
    include_hidden: bool = False,
) -> list[Nudge]:
    """The nudges from stored rows (kind, key, data) of the kinds in :data:`READS`."""
    by_kind: dict[str, list[tuple[str, Mapping[str, Any] | None]]] = defaultdict(list)
    for kind, key, data in rows:
        by_kind[kind].append((key, data))
    return nudges(
        [(k, CandidateRecord.load(d)) for k, d in by_kind[kinds.CANDIDATE]],
        [DraftRecord.load(d) for _k, d in by_kind[kinds.DRAFT]],
        [(k, MeetingRecord.load(d)) for k, d in by_kind[kinds.MEETING]],
        {k: NudgeRecord.load(d) for k, d in by_kind[kinds.NUDGE]},
        today,
        include_hidden=include_hidden,
    )


def for_book(
    book: Workbook, today: dt.date | None = None, *, include_hidden: bool = False
) -> list[Nudge]:
    """The nudges due in ``book`` on ``today`` (default: today), from one read of the store."""
    rows = book.store.records(book.owner, READS)
    return from_rows(rows, today or dt.date.today(), include_hidden=include_hidden)


def due_counts(nudges_due: Iterable[Nudge]) -> dict[str, int]:
    """How many nudges each step shows (step slug -> count; steps with none left out)."""
    counts: dict[str, int] = defaultdict(int)
    for n in nudges_due:
        counts[n.step] += 1
    return dict(counts)


def find(book: Workbook, nudge_id: str, today: dt.date | None = None) -> Nudge | None:
    """The nudge with this id that applies on ``today``, hidden or not; None if none does."""
    return next((n for n in for_book(book, today, include_hidden=True) if n.id == nudge_id), None)


# -- what the person does with a nudge -----------------------------------------------------


def _mark(book: Workbook, nudge_id: str, mark: NudgeRecord) -> NudgeRecord:
    book.store.put(book.owner, kinds.NUDGE, nudge_id[: kinds.KEY_MAX], mark.stored())
    return mark


def snooze(
    book: Workbook,
    nudge_id: str,
    days: int = SNOOZE_DAYS,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> NudgeRecord:
    """Hide a nudge for ``days`` days: it comes back on ``today + days``."""
    if days < 1:
        raise ValueError(f"A nudge is snoozed for a day or more, not {days}")
    until = (today or dt.date.today()) + dt.timedelta(days=days)
    at = (now or dt.datetime.now()).isoformat(timespec="seconds")
    return _mark(book, nudge_id, NudgeRecord(state="snoozed", until=until.isoformat(), at=at))


def dismiss(book: Workbook, nudge_id: str, now: dt.datetime | None = None) -> NudgeRecord:
    """Hide a nudge for good (a new one comes when something new happens)."""
    at = (now or dt.datetime.now()).isoformat(timespec="seconds")
    return _mark(book, nudge_id, NudgeRecord(state="dismissed", at=at))


def let_go(book: Workbook, nudge: Nudge, today: dt.date | None = None) -> CandidateRecord | None:
    """The let-go nudge's action: move the candidate to 'closed' (the door stays open: a
    stage can be changed back in step 03); None when they are no longer saved."""
    if book.candidate(nudge.candidate) is None:
        return None
    return book.move_candidate(nudge.candidate, "closed", today=today)
