"""The workbook's records layer: what a person saves, typed, and the rules over it.

- :mod:`~coach.workbook.kinds`: the vocabulary (record kinds and keys, steps, candidate
  stages); standard library only.
- :mod:`~coach.workbook.records`: one pydantic model per kind of record, read leniently so
  that rows written by any earlier version keep loading.
- :mod:`~coach.workbook.rules`: what completes a step, how a candidate moves through the
  pipeline, who the person is to the coach, the journal's order.
- :mod:`~coach.workbook.book`: :class:`Workbook`, one owner's records in a store, the owner
  always given explicitly; :mod:`~coach.workbook.owners`: the personal default owner.

The widgets, :mod:`coach.cohorts` (the facilitator's side) and :mod:`coach.exports` all go
through this layer. Names load on first use: importing the package costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach._lazy import lazy_names

if TYPE_CHECKING:
    from coach.workbook.book import SharedItem, Workbook
    from coach.workbook.kinds import STAGES, TRACKED_STEPS, draft_key, meeting_key
    from coach.workbook.owners import default_owner, personal_owner
    from coach.workbook.records import (
        RECORDS,
        ActivityRecord,
        CandidateRecord,
        DraftRecord,
        FitRecord,
        GoalRecord,
        JournalRecord,
        MatchRecord,
        MeetingRecord,
        NetworkRecord,
        NudgeRecord,
        ProfileRecord,
        Record,
        SharedRecord,
        load_record,
    )
    from coach.workbook.rules import step_completed, steps_completed

_HOME = {
    "SharedItem": "book",
    "Workbook": "book",
    "default_owner": "owners",
    "personal_owner": "owners",
    "STAGES": "kinds",
    "TRACKED_STEPS": "kinds",
    "draft_key": "kinds",
    "meeting_key": "kinds",
    "RECORDS": "records",
    "ActivityRecord": "records",
    "CandidateRecord": "records",
    "DraftRecord": "records",
    "FitRecord": "records",
    "GoalRecord": "records",
    "JournalRecord": "records",
    "MatchRecord": "records",
    "MeetingRecord": "records",
    "NetworkRecord": "records",
    "NudgeRecord": "records",
    "ProfileRecord": "records",
    "Record": "records",
    "SharedRecord": "records",
    "load_record": "records",
    "step_completed": "rules",
    "steps_completed": "rules",
}

__all__ = [
    "RECORDS",
    "STAGES",
    "TRACKED_STEPS",
    "ActivityRecord",
    "CandidateRecord",
    "DraftRecord",
    "FitRecord",
    "GoalRecord",
    "JournalRecord",
    "MatchRecord",
    "MeetingRecord",
    "NetworkRecord",
    "NudgeRecord",
    "ProfileRecord",
    "Record",
    "SharedItem",
    "SharedRecord",
    "Workbook",
    "default_owner",
    "draft_key",
    "load_record",
    "meeting_key",
    "personal_owner",
    "step_completed",
    "steps_completed",
]

__getattr__, __dir__ = lazy_names(__name__, _HOME, globals())
