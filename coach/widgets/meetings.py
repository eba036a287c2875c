"""05 Meetings: an agenda that fits the meeting, notes and actions, Markdown and .ics.

What you planned is kept: coming back to a person and a phase shows the agenda again with
its download links, and the notes and actions you wrote."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as w

from coach.store import StoreError
from coach.widgets.common import CoachStatus, StepView, download_link, esc, heading, note
from coach.widgets.fields import SavedField, source_list
from coach.widgets.nudges import NudgePanel
from coach.widgets.outreach import OK, WARN
from coach.widgets.page import workbook_page
from coach.workbook import Workbook, meeting_key
from coach.workbook.followups import Nudge
from coach.workbook.kinds import MEETING


def phase_options() -> list[tuple[str, str]]:
    """(label, phase) of every meeting phase, in prompts/vocabulary.yaml's order (read when
    first asked for, not when this module is imported)."""
    from coach.prompts import vocabulary

    return [(spec.label, phase) for phase, spec in vocabulary().phases.items()]


def phase_label(phase: str, default: str = "") -> str:
    """A phase as the page names it: "First meeting"."""
    from coach.prompts import vocabulary

    spec = vocabulary().phases.get(phase)
    return spec.label if spec else default


def agenda_html(agenda: Any) -> str:
    """An agenda's items, minutes and prompts (escaped)."""
    rows = "".join(
        f"<li><b>{i.minutes} min · {esc(i.title)}</b><ul>"
        + "".join(f"<li>{esc(p)}</li>" for p in i.prompts)
        + "</ul></li>"
        for i in agenda.items
    )
    return (
        f'<div class="mw-agenda"><h4>{esc(agenda.title)}</h4><ol>{rows}</ol>'
        f"{checks_html(agenda.checks)}</div>"
    )


def checks_html(checks: list[Any]) -> str:
    """An agenda's checks as the outreach page shows a draft's: a tick or a warning, the
    check as a sentence, and what was found (all escaped); nothing for an old agenda."""
    from coach.checks import AGENDA_LABELS

    ticks = "".join(
        f"<li>{OK if c.passed else WARN} {esc(AGENDA_LABELS.get(c.name, c.name))}"
        f" <small>({esc(c.detail)})</small></li>"
        for c in checks
    )
    return f'<ul class="mw-checks">{ticks}</ul>' if ticks else ""


def parse_time(text: str) -> dt.time | None:
    """'10:00' or '9:30' as a time, or None."""
    try:
        hh, mm = (int(x) for x in text.strip().split(":"))
        return dt.time(hh, mm)
    except (ValueError, TypeError):
        return None


def agenda_links(agenda: Any, day: dt.date | None, at: str) -> tuple[str, str | None]:
    """(The download links for an agenda: Markdown, and .ics when the time reads, a problem
    with the time or None)."""
    from coach.exports import agenda_ics, agenda_markdown

    md = agenda_markdown(agenda).encode()
    parts = [download_link(md, "agenda.md", "text/markdown", "Download agenda (.md)")]
    when = parse_time(at)
    if when is None:
        return parts[0], "Time must look like 10:00; the calendar (.ics) link needs it."
    start = dt.datetime.combine(day or dt.date.today(), when)
    parts.append(
        download_link(
            agenda_ics(agenda, start), "meeting.ics", "text/calendar", "Add to calendar (.ics)"
        )
    )
    return " · ".join(parts), None


def planned(book: Workbook) -> list[tuple[str, str]]:
    """(A line for each planned meeting, its key), soonest date first."""
    rows = []
    for key, m, who in book.planned_meetings():
        line = f"{m.date} · {who.name} · {phase_label(m.phase)}"
        rows.append((m.date, line, key))
    return [(line, key) for _d, line, key in sorted(rows)]


@workbook_page("meeting", coach=True)
def meetings_widget(book: Workbook) -> StepView:
    """Choose a candidate and a phase, get the agenda, keep notes, download it."""
    who = w.Dropdown(description="With")
    phases = phase_options()
    phase = w.Dropdown(description="Phase", options=phases)
    minutes = w.BoundedIntText(value=45, min=10, max=480, description="Minutes")
    day = w.DatePicker(description="Date", value=dt.date.today() + dt.timedelta(days=7))
    at = w.Text(value="10:00", description="Time")
    go = w.Button(description="Plan the meeting", button_style="primary", icon="calendar")
    shown = w.HTML()
    sources = w.VBox()
    links = w.HTML()
    notes = w.Textarea(placeholder="Notes from the meeting", layout=w.Layout(width="95%"))
    actions = w.Textarea(
        placeholder="Actions: one per line, with an owner and a date", layout=w.Layout(width="95%")
    )
    message = w.HTML()
    earlier = w.Dropdown(description="Open", layout=w.Layout(width="95%"))
    before = w.VBox([heading("Meetings you planned", 4), earlier])
    loading = [False]

    def key() -> str:
        return meeting_key(who.value, phase.value)

    def load(_c: object = None) -> None:
        """Show what is saved for this person and phase: agenda, links, notes, actions."""
        if loading[0]:
            return
        saved = book.meeting(who.value, phase.value) if who.value else None
        loading[0] = True
        try:
            for field in saved_text:
                field.load(saved)
            if saved and saved.date:
                day.value = dt.date.fromisoformat(saved.date)
            if saved and saved.saved("time") is not None:
                at.value = saved.time
            message.value = ""
            agenda = saved.planned_agenda() if saved else None
            if agenda is None:
                shown.value = links.value = ""
                sources.children = []
            else:
                minutes.value = agenda.minutes
                shown.value = agenda_html(agenda)
                links.value, _problem = agenda_links(agenda, day.value, at.value)
                sources.children = [source_list(agenda.citations)] if agenda.citations else []
            earlier.value = key() if key() in [k for _l, k in earlier.options] else None
        finally:
            loading[0] = False

    def key_now() -> str | None:
        return key() if who.value is not None else None

    saved_text = [  # each saved alone, with the meeting it belongs to
        SavedField(
            book,
            box,
            MEETING,
            key_now,
            name,
            also=lambda: {"phase": phase.value, "candidate": who.value},
        )
        for box, name in ((notes, "notes"), (actions, "actions"))
    ]

    def on_plan(_b: object) -> None:
        from coach.errors import CoachError
        from coach.tasks import agenda

        try:
            me, mentor = book.pair_for(who.value)
            result = agenda(phase.value, me, mentor, int(minutes.value))
        except CoachError as exc:
            message.value = note(str(exc), "warn").value
            return
        shown.value = agenda_html(result)
        sources.children = [source_list(result.citations)]
        links.value, problem = agenda_links(result, day.value, at.value)
        message.value = note(problem, "warn").value if problem else ""
        try:  # the notes and actions, maybe typed in another tab, stay as saved
            book.plan_meeting(
                who.value,
                phase.value,
                result.model_dump(mode="json"),
                day.value or dt.date.today(),
                at.value.strip(),
            )
        except StoreError as exc:  # a workshop that has ended
            message.value = note(str(exc), "error").value
            return
        show_planned()

    def show_planned() -> None:
        loading[0] = True
        try:
            earlier.options = planned(book)
            earlier.value = key() if key() in [k for _l, k in earlier.options] else None
        finally:
            loading[0] = False
        before.layout.display = "" if earlier.options else "none"

    def on_open(change: dict[str, Any]) -> None:
        if loading[0] or not change["new"]:
            return
        from coach.workbook import MeetingRecord

        m = book.get(MeetingRecord, change["new"]) or MeetingRecord()
        loading[0] = True
        try:
            who.value, phase.value = m.saved("candidate"), m.phase or phases[0][1]
        finally:
            loading[0] = False
        load()

    def on_nudge(nudge: Nudge) -> None:
        """A meeting without notes: open it, and say where the notes go."""
        from coach.workbook.followups import say, wording

        if nudge.candidate not in [k for _n, k in who.options]:
            refresh()
        if nudge.candidate not in [k for _n, k in who.options]:
            message.value = note(say(wording().messages.gone, name=nudge.first_name)).value
            return
        loading[0] = True
        try:
            who.value = nudge.candidate
            if nudge.phase in [p for _l, p in phases]:
                phase.value = nudge.phase
        finally:
            loading[0] = False
        load()
        message.value = note(say(wording().messages.add_notes, name=nudge.first_name)).value

    nudges = NudgePanel(book, steps=("meeting",), on_action=on_nudge)

    def notes_typed(_c: object) -> None:
        if nudges.shown and not loading[0]:  # a meeting's notes: its nudge goes
            nudges.refresh()

    def refresh() -> None:
        """Candidates added or renamed elsewhere appear; the chosen meeting reloads."""
        loading[0] = True
        try:
            keep = who.value
            who.options = [(d.name, k) for k, d in book.candidates()]
            keys = [k for _n, k in who.options]
            who.value = keep if keep in keys else (keys[-1] if keys else None)
        finally:
            loading[0] = False
        if not who.options:
            message.value = note(
                "No candidates yet: add one in step 03 (Candidates), then come back here."
            ).value
        show_planned()
        load()
        nudges.refresh()

    go.on_click(on_plan)
    notes.observe(notes_typed, names="value")
    who.observe(load, names="value")
    phase.observe(load, names="value")
    earlier.observe(on_open, names="value")
    refresh()
    return StepView(
        [
            CoachStatus(),
            nudges,
            before,
            heading("Plan a meeting"),
            who,
            phase,
            minutes,
            w.HBox([day, at]),
            go,
            message,
            shown,
            links,
            sources,
            heading("Notes and actions (saved as you type)", 4),
            notes,
            saved_text[0].note,
            actions,
            saved_text[1].note,
        ],
        refresh=refresh,
    )
