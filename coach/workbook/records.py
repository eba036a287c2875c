"""One pydantic model per kind of record a workbook saves.

The fields are typed as the workbook has always stored them (JSON: text, lists, dates as
ISO text). A record is read leniently, because the store holds rows written by every
earlier version: a field an older row lacks reads as its default, keys this version does
not know are kept (and written back untouched, since edits save single fields), and a
saved value that does not fit its field's type reads as the default instead of failing.
Limits are not checked here: the values a draft is made from are validated where they
are used (:class:`coach.profiles.Profile` and :class:`~coach.profiles.MentorCandidate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach.workbook import kinds

if TYPE_CHECKING:
    from coach.models import Passage
    from coach.results import Agenda

R = TypeVar("R", bound="Record")

Stage = Literal["idea", "researched", "contacted", "replied", "meeting", "active", "closed"]
Relation = Literal["inside", "outside"]
Channel = Literal["linkedin", "alumni", "family-friends", "colleague", "event", "group"]


class Record(BaseModel):
    """A saved record: typed fields, read leniently (see the module's docstring)."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)

    KIND: ClassVar[str] = ""

    @classmethod
    def load(cls: type[R], data: Mapping[str, Any] | None) -> R:
        """The record from its stored JSON; never fails on a row an older version wrote."""
        fields = dict(data) if isinstance(data, Mapping) else {}
        while True:
            try:
                return cls.model_validate(fields)
            except ValidationError as exc:  # drop what does not fit: it reads as the default
                bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]} & fields.keys()
                if not bad:
                    return cls.model_construct()  # type: ignore[return-value]
                for name in bad:
                    del fields[name]

    def stored(self) -> dict[str, Any]:
        """The record as the store holds it: fields never saved are left out."""
        return self.model_dump(mode="json", exclude_unset=True)

    def saved(self, name: str) -> Any:
        """One field as stored, or None when it has never been saved (as the store's
        field-level checks compare it)."""
        return self.stored().get(name)


class ProfileRecord(Record):
    """Who the person is (key ``me``): used in every draft."""

    KIND: ClassVar[str] = kinds.PROFILE

    name: str = ""
    headline: str = ""
    organization: str = ""
    industry: str = ""
    linkedin_account: Literal["free", "premium"] = "free"
    offer: list[str] = Field(default_factory=list)
    timezone: str = ""  # IANA name the person's browser reported ("Europe/Berlin")


class GoalRecord(Record):
    """One development goal (keys ``1`` and ``2``)."""

    KIND: ClassVar[str] = kinds.GOAL

    title: str = ""
    why: str = ""
    measure: str = ""
    target_date: str | None = None  # ISO date

    @property
    def is_set(self) -> bool:
        """Whether the goal has a title (an empty goal is not a goal)."""
        return bool(self.title.strip())


class NetworkRecord(Record):
    """Someone in the person's developmental network."""

    KIND: ClassVar[str] = kinds.NETWORK

    name: str = ""
    side: Literal["inside", "outside", ""] = ""
    level: Literal["senior", "peer", ""] = ""
    industry: Literal["same", "other", ""] = ""


MENTOR_FIELDS = (
    "name",
    "headline",
    "organization",
    "relation",
    "channel",
    "notes",
    "mutual_connection",
)
"""The candidate's fields a draft is written from (the rest is the person's own pipeline)."""


class CandidateRecord(Record):
    """A possible mentor, what was noticed about them, and where they are in the pipeline."""

    KIND: ClassVar[str] = kinds.CANDIDATE

    name: str = ""
    headline: str = ""
    organization: str = ""
    relation: Relation = "outside"
    channel: Channel = "linkedin"
    notes: list[str] = Field(default_factory=list)
    mutual_connection: str = ""
    stage: Stage = "idea"
    stage_dates: dict[str, str] = Field(default_factory=dict)  # stage -> ISO date reached
    ratings: dict[str, int] = Field(default_factory=dict)  # the five questions, 1 to 5
    follow_ups: list[str] = Field(default_factory=list)  # ISO day each follow-up was sent

    def mentor_fields(self) -> dict[str, Any]:
        """The fields a :class:`~coach.profiles.MentorCandidate` is made of, as saved."""
        return {k: v for k, v in self.stored().items() if k in MENTOR_FIELDS}

    @property
    def first_name(self) -> str:
        """The first word of the name, or "this person"."""
        return (self.name.split() or ["this person"])[0]


class DraftRecord(Record):
    """The one draft kept per candidate and outreach kind, with what came with it."""

    KIND: ClassVar[str] = kinds.DRAFT

    candidate: str = ""
    kind: str = ""
    subject: str | None = None
    text: str = ""
    advice: list[str] = Field(default_factory=list)
    sources: list[dict[str, Any]] = Field(default_factory=list)  # cited passages, as JSON
    alternatives: list[str] = Field(default_factory=list)
    earlier: str | None = None  # what was in the box before the coach's draft
    provider: str | None = None
    drafted_at: str | None = None
    edited_at: str | None = None
    sent_at: str | None = None  # ISO time it was marked as sent

    def citations(self) -> list[Passage]:
        """The passages the draft was written from."""
        from coach.models import Passage

        out = []
        for p in self.sources:
            try:
                out.append(Passage.model_validate(p))
            except ValidationError:
                continue
        return out


class MeetingRecord(Record):
    """The one meeting kept per candidate and phase: the agenda, notes and actions."""

    KIND: ClassVar[str] = kinds.MEETING

    candidate: str = ""
    phase: str = ""
    date: str = ""  # ISO date
    time: str = ""  # "10:00"
    agenda: dict[str, Any] | str | None = None  # an Agenda, as JSON
    notes: str = ""
    actions: str = ""

    @property
    def has_agenda(self) -> bool:
        """Whether an agenda was planned (notes alone are saved too)."""
        agenda = self.agenda
        return bool(agenda.strip() if isinstance(agenda, str) else agenda)

    def planned_agenda(self) -> Agenda | None:
        """The planned agenda, or None (none planned, or one this version cannot read)."""
        from coach.results import Agenda

        if not isinstance(self.agenda, dict) or not self.agenda:
            return None
        try:
            return Agenda.model_validate(self.agenda)
        except ValidationError:
            return None


class JournalRecord(Record):
    """A journal entry: what happened, and each goal's progress (0-100 %) that day."""

    KIND: ClassVar[str] = kinds.JOURNAL

    date: str = ""  # ISO date
    text: str = ""
    progress: dict[str, int] = Field(default_factory=dict)  # goal key -> percent


class SharedRecord(Record):
    """That one item is shared with the workshop's facilitator (and which of its fields)."""

    KIND: ClassVar[str] = kinds.SHARED

    kind: str = ""
    key: str = ""
    field: str = "text"
    label: str = "item"


class ActivityRecord(Record):
    """Where a workshop participant is now: the step last opened, and when."""

    KIND: ClassVar[str] = kinds.ACTIVITY

    step: str = ""
    at: str = ""  # ISO time


class NudgeRecord(Record):
    """What the person did with one follow-up nudge: snoozed it to a day, or dismissed it."""

    KIND: ClassVar[str] = kinds.NUDGE

    state: Literal["snoozed", "dismissed"] = "snoozed"
    until: str | None = None  # ISO day a snoozed nudge comes back
    at: str = ""  # ISO time it was snoozed or dismissed


class MatchRecord(Record):
    """One mentee's proposed or approved mentor in a cohort (kept under the cohort's owner,
    key: the mentee's participant id). ``words`` are the only goal text it holds."""

    KIND: ClassVar[str] = kinds.MATCH

    mentee: str = ""  # participant id
    mentor: str = ""  # participant id
    score: float = 0.0
    reason: str = ""
    words: list[str] = Field(default_factory=list)
    status: Literal["proposed", "approved"] = "proposed"
    seed: int | None = None
    decided_at: str | None = None  # ISO time it was approved


class FitRecord(Record):
    """A participant's pairing-fit pulse after the first meeting with their match: three
    answers from 1 to 5, no text (the facilitator may read it)."""

    KIND: ClassVar[str] = kinds.FIT

    other: str = ""  # the matched participant's id
    answers: dict[str, int] = Field(default_factory=dict)  # question key -> 1..5
    at: str = ""  # ISO time answered


RECORDS: dict[str, type[Record]] = {
    model.KIND: model
    for model in (
        ProfileRecord,
        GoalRecord,
        NetworkRecord,
        CandidateRecord,
        DraftRecord,
        MeetingRecord,
        JournalRecord,
        SharedRecord,
        ActivityRecord,
        NudgeRecord,
        MatchRecord,
        FitRecord,
    )
}
"""The model of each kind."""


def model_of(kind: str) -> type[Record]:
    """The model for ``kind``; a kind the workbook does not know is a programming error."""
    try:
        return RECORDS[kind]
    except KeyError:
        raise ValueError(f"The workbook has no record kind {kind!r}") from None


def load_record(kind: str, data: Mapping[str, Any] | None) -> Record:
    """A stored row of ``kind`` as its model (leniently: see :meth:`Record.load`)."""
    return model_of(kind).load(data)
