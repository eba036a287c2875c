"""Where participants are: activity the workbooks record, step completion, CSV export.

The facilitator side reads only whether a step is done, never the text a participant wrote.
What a record is and what completes a step is the workbook's (:mod:`coach.workbook`): the
status here applies the same rule as a participant's own step bar.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from coach.cohorts.model import (
    STEPS,
    CohortStatus,
    ParticipantStatus,
    _clean,
    _iso,
    _parse_time,
    _utcnow,
)
from coach.cohorts.registry import _records, _require, participants
from coach.workbook import kinds as _kinds


def record_activity(participant_id: str, step: str, *, now: dt.datetime | None = None) -> None:
    """Note that a participant opened ``step`` (the workbooks call this on page open)."""
    from contextlib import suppress

    from coach.store import SeatClosed
    from coach.workbook import Workbook

    with suppress(SeatClosed):  # closed since the link was checked: the page's saves say so
        Workbook.open(participant_id).record_activity(_clean(step)[:32], _iso(now or _utcnow()))


def steps_done(owner: str) -> set[str]:
    """The steps of the cohort's that one person has done, by the rule the facilitator's
    status uses (:func:`coach.workbook.rules.step_completed`)."""
    from coach.workbook import Workbook

    return Workbook.open(owner).steps_done() & set(STEPS)


def status(name: str, *, now: dt.datetime | None = None) -> CohortStatus:
    """Steps done per participant, where each is now and for how long, and counts per step."""
    from coach.workbook import ActivityRecord, steps_completed

    cohort = _require(name)
    now = now or _utcnow()
    people = participants(name)
    rows_of: dict[str, list[tuple[str, dict[str, Any]]]] = {p.id: [] for p in people}
    activity: dict[str, ActivityRecord] = {}
    last: dict[str, dt.datetime] = {}
    for owner, kind, key, raw, updated in _records(
        name, (*_kinds.kinds_completing(STEPS), _kinds.ACTIVITY)
    ):
        stamp = _parse_time(updated)
        if stamp and (owner not in last or stamp > last[owner]):
            last[owner] = stamp
        if kind == _kinds.ACTIVITY:
            if key == _kinds.ACTIVITY_KEY:
                activity[owner] = ActivityRecord.load(json.loads(raw))
        elif owner in rows_of:
            rows_of[owner].append((kind, json.loads(raw)))
    rows = []
    for p in people:
        act = activity.get(p.id)
        since = _parse_time(act.at) if act and act.at else None
        current = act.step if act and act.step else None
        minutes = max(0, int((now - since).total_seconds() // 60)) if since and current else None
        done = steps_completed(rows_of[p.id])
        rows.append(
            ParticipantStatus(
                p.id,
                p.display_name,
                [s for s in STEPS if s in done],
                current,
                since,
                minutes,
                last.get(p.id),
            )
        )
    counts = {s: sum(s in r.steps_done for r in rows) for s in STEPS}
    return CohortStatus(cohort, rows, counts)


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(name: str) -> str:
    """One row per participant: display name, a 0/1 column per step, last active.

    No tokens, e-mail addresses, goals, offers or any other text a participant wrote.
    """
    report = status(name)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["display_name", *STEPS, "last_active"])
    for p in report.participants:
        writer.writerow(
            [
                _csv_safe(p.display_name),
                *(int(s in p.steps_done) for s in STEPS),
                _iso(p.last_active) if p.last_active else "",
            ]
        )
    return buf.getvalue()
