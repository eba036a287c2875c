"""05 Meetings: an agenda that fits the meeting, notes and actions, Markdown and .ics."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w

from coach.widgets.candidates import all_candidates, pair_for
from coach.widgets.common import CoachStatus, download_link, esc, heading, note, owner, store
from coach.widgets.outreach import source_list
from coach.widgets.page import workbook_page

PHASES = [
    ("First meeting", "first-meeting"),
    ("Agreement", "agreement"),
    ("Development", "development"),
    ("Closing", "closing"),
]


@workbook_page("meeting", coach=True)
def meetings_widget() -> w.VBox:
    """Choose a candidate and a phase, get the agenda, keep notes, download it."""
    who = w.Dropdown(description="With", options=[(d["name"], k) for k, d in all_candidates()])
    phase = w.Dropdown(description="Phase", options=PHASES)
    minutes = w.BoundedIntText(value=45, min=10, max=480, description="Minutes")
    day = w.DatePicker(description="Date", value=dt.date.today() + dt.timedelta(days=7))
    at = w.Text(value="10:00", description="Time")
    go = w.Button(description="Plan the meeting", button_style="primary", icon="calendar")
    agenda_html = w.HTML()
    sources = w.VBox()
    links = w.HTML()
    notes = w.Textarea(placeholder="Notes from the meeting", layout=w.Layout(width="95%"))
    actions = w.Textarea(
        placeholder="Actions: one per line, with an owner and a date", layout=w.Layout(width="95%")
    )
    message = w.HTML()

    def key() -> str:
        return f"{who.value}-{phase.value}"

    def load_notes(_c: object = None) -> None:
        saved = store().get(owner(), "meeting", key()) or {}
        notes.value, actions.value = saved.get("notes", ""), saved.get("actions", "")

    def save_notes(_c: object = None) -> None:
        if who.value is None:
            return
        saved = store().get(owner(), "meeting", key()) or {}
        saved.update(
            notes=notes.value, actions=actions.value, phase=phase.value, candidate=who.value
        )
        store().put(owner(), "meeting", key(), saved)

    def on_plan(_b: object) -> None:
        from coach.errors import CoachError
        from coach.exports import agenda_ics, agenda_markdown
        from coach.tasks import agenda

        try:
            me, mentor = pair_for(who.value)
            result = agenda(phase.value, me, mentor, int(minutes.value))
        except CoachError as exc:
            message.value = note(str(exc), "warn").value
            return
        rows = "".join(
            f"<li><b>{i.minutes} min · {esc(i.title)}</b><ul>"
            + "".join(f"<li>{esc(p)}</li>" for p in i.prompts)
            + "</ul></li>"
            for i in result.items
        )
        agenda_html.value = (
            f'<div class="mw-agenda"><h4>{esc(result.title)}</h4><ol>{rows}</ol></div>'
        )
        sources.children = [source_list(result.citations)]
        md = agenda_markdown(result).encode()
        parts = [download_link(md, "agenda.md", "text/markdown", "Download agenda (.md)")]
        try:
            hh, mm = (int(x) for x in at.value.split(":"))
            start = dt.datetime.combine(day.value or dt.date.today(), dt.time(hh, mm))
            parts.append(
                download_link(
                    agenda_ics(result, start),
                    "meeting.ics",
                    "text/calendar",
                    "Add to calendar (.ics)",
                )
            )
        except (ValueError, TypeError):
            message.value = note("Time must look like 10:00; the .ics link needs it.", "warn").value
        links.value = " · ".join(parts)
        saved = store().get(owner(), "meeting", key()) or {}
        saved.update(
            agenda=result.model_dump(mode="json", exclude={"citations"}),
            date=(day.value or dt.date.today()).isoformat(),
            candidate=who.value,
            phase=phase.value,
        )
        store().put(owner(), "meeting", key(), saved)

    go.on_click(on_plan)
    who.observe(load_notes, names="value")
    phase.observe(load_notes, names="value")
    notes.observe(save_notes, names="value")
    actions.observe(save_notes, names="value")
    load_notes()
    return w.VBox(
        [
            CoachStatus(),
            heading("Plan a meeting"),
            who,
            phase,
            minutes,
            w.HBox([day, at]),
            go,
            message,
            agenda_html,
            links,
            sources,
            heading("Notes and actions (saved as you type)", 4),
            notes,
            actions,
        ]
    )
