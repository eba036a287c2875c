"""The workbook's rules, in one place: what completes a step, how a candidate moves through
the pipeline, who the person is to the coach, and the order of the journal.

Pure functions over records; :class:`coach.workbook.Workbook` reads and writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from coach.workbook import kinds
from coach.workbook.records import (
    CandidateRecord,
    DraftRecord,
    GoalRecord,
    JournalRecord,
    MeetingRecord,
    ProfileRecord,
    Record,
    load_record,
)

if TYPE_CHECKING:
    from coach.profiles import MentorCandidate, Profile


# -- step completion ---------------------------------------------------------------------


def step_completed(record: Record) -> str | None:
    """The step a saved record completes, if any: a profile with a name, a goal with a
    title, a meeting with a planned agenda; any saved person in the network, candidate,
    draft or journal entry. The one rule behind the workbook's step bar and the
    facilitator's dashboard."""
    if isinstance(record, ProfileRecord):
        return "profile" if record.name.strip() else None
    if isinstance(record, GoalRecord):
        return "goals" if record.is_set else None
    if isinstance(record, MeetingRecord):
        return "meeting" if record.has_agenda else None
    return kinds.STEP_OF_KIND.get(record.KIND)


def steps_completed(rows: Iterable[tuple[str, Mapping[str, Any] | None]]) -> set[str]:
    """The steps that stored rows (kind, data) complete. For a kind outside
    :data:`~coach.workbook.kinds.CONTENT_KINDS` the data is not read: ``{}`` will do."""
    done = set()
    for kind, data in rows:
        if kind in kinds.STEP_OF_KIND:
            step = step_completed(load_record(kind, data))
            if step:
                done.add(step)
    return done


# -- candidates --------------------------------------------------------------------------


def today_iso(today: dt.date | None = None) -> str:
    """A day as the workbook stores it."""
    return (today or dt.date.today()).isoformat()


def new_candidate(mentor: MentorCandidate, today: dt.date | None = None) -> dict[str, Any]:
    """A candidate as first saved: their details, at the first stage since today, unrated."""
    data = mentor.model_dump(mode="json")
    first = kinds.STAGES[0]
    data.update(stage=first, stage_dates={first: today_iso(today)}, ratings={})
    return data


def stage_changes(
    candidate: CandidateRecord, stage: str, today: dt.date | None = None
) -> dict[str, Any]:
    """The fields to save to move a candidate to ``stage`` (noting the day it was reached);
    nothing when they are there already."""
    if stage not in kinds.STAGES:
        raise ValueError(f"{stage!r} is not a stage; the stages are {', '.join(kinds.STAGES)}")
    if candidate.saved("stage") == stage:
        return {}
    return {"stage": stage, "stage_dates": {**candidate.stage_dates, stage: today_iso(today)}}


def contacted_changes(candidate: CandidateRecord, today: dt.date | None = None) -> dict[str, Any]:
    """The fields to save when a first message to the candidate was sent: they move to
    'contacted', unless they are there or further along already."""
    if not kinds.stage_before(candidate.saved("stage"), kinds.CONTACTED):
        return {}
    dates = {**candidate.stage_dates, kinds.CONTACTED: today_iso(today)}
    return {"stage": kinds.CONTACTED, "stage_dates": dates}


def follow_up_changes(candidate: CandidateRecord, today: dt.date | None = None) -> dict[str, Any]:
    """The fields to save when a follow-up to the candidate was sent: today's day added to
    their follow-ups (once a day: a second tab marking the same one adds nothing)."""
    day = today_iso(today)
    if candidate.follow_ups and candidate.follow_ups[-1] == day:
        return {}
    return {"follow_ups": [*candidate.follow_ups, day]}


def iso_day(value: object) -> dt.date | None:
    """The day an ISO date or time stored as text names ("2026-03-01T10:00" too), or None."""
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def first_sent(
    key: str, candidate: CandidateRecord, drafts: Iterable[DraftRecord]
) -> dt.date | None:
    """The day the first message to the candidate under ``key`` went: the earliest first
    message (not a follow-up or thank-you) marked as sent, or the day they reached
    'contacted'."""
    days = [d.sent_at for d in drafts if d.candidate == key and d.kind not in kinds.LATER_MESSAGES]
    days.append(candidate.stage_dates.get(kinds.CONTACTED))
    sent = [day for day in map(iso_day, days) if day is not None]
    return min(sent, default=None)


def mentor_of(candidate: CandidateRecord) -> MentorCandidate:
    """The candidate as the coach drafts to them (raises ValidationError: what to fill in)."""
    from coach.profiles import MentorCandidate

    return MentorCandidate.model_validate(candidate.mentor_fields())


# -- the person --------------------------------------------------------------------------


def mentee_of(profile: ProfileRecord, goals: Iterable[GoalRecord]) -> Profile:
    """The person as the coach sees them: their profile and each goal with a title long
    enough to be one (raises ValidationError: what to fix)."""
    from coach.profiles import GOAL_TITLE_MIN, Goal, Profile

    # only what a draft is written from (the record also keeps the time zone, say)
    data = {k: v for k, v in profile.stored().items() if k in Profile.model_fields}
    data["goals"] = [
        Goal.model_validate({"title": g.title, "why": g.why, "target_date": g.target_date})
        for g in goals
        if len(g.title.strip()) >= GOAL_TITLE_MIN
    ]
    return Profile.model_validate(data)


def goal_titles(goals: Iterable[tuple[str, GoalRecord]]) -> dict[str, str]:
    """Each goal with a title: key -> title."""
    return {key: g.title for key, g in goals if g.title}


# -- the journal -------------------------------------------------------------------------


def journal_newest_first(
    entries: Iterable[tuple[str, JournalRecord]],
) -> list[tuple[str, JournalRecord]]:
    """Journal entries (key, entry), newest first: by date, then the later-written first."""
    ordered = sorted(enumerate(entries), key=lambda t: (t[1][1].date, t[0]))
    return [entry for _i, entry in reversed(ordered)]


def journal_key(now: dt.datetime | None = None) -> str:
    """A new journal entry's key: its day and time, so entries never overwrite each other."""
    now = now or dt.datetime.now()
    return f"{now.date().isoformat()}-{now:%H%M%S%f}"
