"""Where participants are: activity the workbooks record, step completion, CSV export.

The facilitator side reads only whether a step is done, never the text a participant wrote.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from coach.cohorts.model import (
    ACTIVITY_KEY,
    ACTIVITY_KIND,
    STEPS,
    CohortStatus,
    ParticipantStatus,
    _clean,
    _iso,
    _parse_time,
    _utcnow,
)
from coach.cohorts.registry import _records, _require, participants


def record_activity(participant_id: str, step: str, *, now: dt.datetime | None = None) -> None:
    """Note that a participant opened ``step`` (the workbooks call this on page open)."""
    from contextlib import suppress

    from coach.store import SeatClosed, get_store

    data = {"step": _clean(step)[:32], "at": _iso(now or _utcnow())}
    with suppress(SeatClosed):  # closed since the link was checked: the page's saves say so
        get_store().put(participant_id, ACTIVITY_KIND, ACTIVITY_KEY, data)


def _done(kind: str, data: dict[str, Any]) -> str | None:
    """The step a record completes, if any (see coach/widgets for what each kind holds)."""
    if kind == "goal":
        return "goals" if str(data.get("title") or "").strip() else None
    if kind == "meeting":  # notes alone are saved too; a planned agenda completes the step
        agenda = data.get("agenda")
        return "meeting" if (agenda.strip() if isinstance(agenda, str) else agenda) else None
    return {"network": "network", "candidate": "candidates", "draft": "outreach"}.get(kind)


def steps_done(owner: str) -> set[str]:
    """The steps one person has done, by the same rule as the facilitator's status (the
    workbook app's step bar shows these)."""
    from coach.store import get_store

    store = get_store()
    done: set[str] = set()
    for kind in ("goal", "network", "candidate", "draft", "meeting"):
        for _key, data in store.all(owner, kind):
            step = _done(kind, data)
            if step:
                done.add(step)
    return done


def status(name: str, *, now: dt.datetime | None = None) -> CohortStatus:
    """Steps done per participant, where each is now and for how long, and counts per step."""
    cohort = _require(name)
    now = now or _utcnow()
    people = participants(name)
    done: dict[str, set[str]] = {p.id: set() for p in people}
    activity: dict[str, dict[str, Any]] = {}
    last: dict[str, dt.datetime] = {}
    kinds = ("goal", "network", "candidate", "draft", "meeting", ACTIVITY_KIND)
    for owner, kind, key, raw, updated in _records(name, kinds):
        stamp = _parse_time(updated)
        if stamp and (owner not in last or stamp > last[owner]):
            last[owner] = stamp
        if kind == ACTIVITY_KIND:
            if key == ACTIVITY_KEY:
                activity[owner] = json.loads(raw)
            continue
        step = _done(kind, json.loads(raw) if kind in ("goal", "meeting") else {})
        if step and owner in done:
            done[owner].add(step)
    rows = []
    for p in people:
        act = activity.get(p.id, {})
        since = _parse_time(act.get("at")) if act.get("at") else None
        current = str(act["step"]) if act.get("step") else None
        minutes = max(0, int((now - since).total_seconds() // 60)) if since and current else None
        rows.append(
            ParticipantStatus(
                p.id,
                p.display_name,
                [s for s in STEPS if s in done[p.id]],
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
