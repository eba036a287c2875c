"""Agendas and drafts as files (Markdown, and agendas as .ics calendar events), and a
person's whole workbook as a mentoring plan."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from coach.results import Agenda

if TYPE_CHECKING:
    from icalendar import Calendar, Event

    from coach.workbook import JournalRecord, Workbook
    from coach.workbook.followups import Nudge


def agenda_markdown(agenda: Agenda) -> str:
    """The agenda as Markdown, with timings and the sources it draws on."""
    lines = [f"# {agenda.title}", "", f"{agenda.minutes} minutes", ""]
    start = 0
    for item in agenda.items:
        lines.append(f"## {start:02d}–{start + item.minutes:02d} min · {item.title}")
        lines.extend(f"- {p}" for p in item.prompts)
        lines.append("")
        start += item.minutes
    if agenda.citations:
        lines.append("## Sources")
        lines.extend(f"- {p.title} › {p.section} ({p.source})" for p in agenda.citations)
    return "\n".join(lines).rstrip() + "\n"


def agenda_ics(agenda: Agenda, start: dt.datetime, location: str = "") -> bytes:
    """A calendar event for the meeting, with the agenda in its description."""
    if start.tzinfo is None:
        start = start.astimezone()  # the local time zone
    uid = f"{agenda.title}|{start.isoformat()}"
    cal, event = _calendar_event(uid, start, agenda.minutes, agenda.title)
    event.add("description", agenda_markdown(agenda))
    if location:
        event.add("location", location)
    cal.add_component(event)
    return bytes(cal.to_ical())


def _calendar_event(
    uid: str, start: dt.datetime, minutes: int, summary: str
) -> tuple[Calendar, Event]:
    """A calendar and one event in it (added by the caller once it is complete); the UID
    is a hash of ``uid``, so the same thing exported again updates the same event."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Mentor Workbook//mentor-coach//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{hashlib.sha1(uid.encode()).hexdigest()}@mentor-workbook")
    event.add("dtstamp", dt.datetime.now(dt.timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=minutes))
    event.add("summary", summary)
    return cal, event


def nudge_ics(
    nudge: Nudge,
    at: dt.time = dt.time(9, 0),
    tz: dt.tzinfo | None = None,
    *,
    today: dt.date | None = None,
) -> bytes:
    """A 15-minute reminder for a follow-up nudge at ``at`` on its due day (tomorrow when it
    is overdue already), with an alarm; the same nudge always has the same UID, so a
    calendar updates it rather than adding another."""
    from icalendar import Alarm

    today = today or dt.date.today()
    day = nudge.due if nudge.due >= today else today + dt.timedelta(days=1)
    start = dt.datetime.combine(day, at)
    start = start.replace(tzinfo=tz) if tz is not None else start.astimezone()
    cal, event = _calendar_event(f"nudge|{nudge.id}", start, 15, nudge.title)
    event.add("description", nudge.detail)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", nudge.title)
    alarm.add("trigger", dt.timedelta(0))
    event.add_component(alarm)
    cal.add_component(event)
    return bytes(cal.to_ical())


def markdown_pdf(markdown: str) -> bytes:
    """A simple Markdown document (headings, bullets, paragraphs) as a PDF.

    fpdf2 lays it out; the DejaVu fonts that ship with matplotlib cover any script a
    name or note may use, so nothing is lost to a Latin-1-only core font.
    """
    from pathlib import Path

    import matplotlib
    from fpdf import FPDF

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    sizes = {"# ": 17, "## ": 13, "### ": 11}
    for line in markdown.splitlines():
        text = line.rstrip()
        prefix = next((p for p in sizes if text.startswith(p)), None)
        if prefix:
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", sizes[prefix])
            pdf.multi_cell(0, sizes[prefix] * 0.55, text[len(prefix) :], new_x="LMARGIN")
            pdf.ln(1)
        elif text.lstrip().startswith("- "):
            indent = (len(text) - len(text.lstrip())) // 2 * 5
            pdf.set_font("DejaVu", "", 10)
            pdf.set_x(pdf.l_margin + indent)
            pdf.multi_cell(0, 5.5, "• " + text.lstrip()[2:], new_x="LMARGIN")
        elif text:
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN")
        else:
            pdf.ln(2.5)
    return bytes(pdf.output())


SIDE_NAMES = {"inside": "inside my organization", "outside": "outside my organization"}
LEVEL_NAMES = {"senior": "more senior", "peer": "a peer"}


def _one_line(text: object) -> str:
    return " ".join(str(text or "").split())


def progress_line(entry: JournalRecord, goals: dict[str, str]) -> str:
    """'Lead a discovery project: 25 %; …' for a journal entry's progress."""
    return "; ".join(f"{goals.get(k) or f'Goal {k}'}: {v} %" for k, v in entry.progress.items())


def mentoring_plan(book: Workbook) -> str:
    """Goals, network, candidates, outreach sent, meetings (with their agendas) and the
    journal of one workbook, as one Markdown document. Everything a person typed goes in
    whole."""
    from coach.prompts import vocabulary

    vocab = vocabulary()  # what each kind of draft and phase of meeting is called
    goals = book.goal_titles()
    candidates = book.candidates()
    names = {k: c.name for k, c in candidates}
    lines = [f"# Mentoring plan: {_one_line(book.profile().name)}".rstrip(), "", "## Goals"]
    for _k, g in book.goals():
        if not g.title:
            continue
        line = f"- {_one_line(g.title)} (by {g.target_date or 'no date yet'})"
        if g.why:
            line += f": {_one_line(g.why)}"
        if g.measure:
            line += f" Measure: {_one_line(g.measure)}"
        lines.append(line)
    lines += ["", "## My developmental network"]
    lines += [
        f"- {_one_line(p.name)}: {SIDE_NAMES.get(p.side, '')}, {LEVEL_NAMES.get(p.level, '')}, "
        f"{'another' if p.industry == 'other' else 'the same'} industry"
        for _k, p in book.network()
    ]
    lines += ["", "## Candidates"]
    lines += [
        f"- {_one_line(c.name)} ({c.stage}): " + "; ".join(_one_line(n) for n in c.notes)
        for _k, c in candidates
    ]
    lines += ["", "## Outreach sent"]
    for _k, d in book.drafts():
        if d.sent_at:
            to = names.get(d.candidate, "")
            spec = vocab.kinds.get(d.kind)
            kind = spec.short if spec else "Message"
            lines.append(f"- {d.sent_at} {kind}{' to ' + to if to else ''}: {_one_line(d.text)}")
    lines += ["", "## Meetings"]
    for _k, m in book.meetings():
        with_whom = names.get(m.candidate, "")
        head = " ".join(p for p in (m.date, m.time) if p)
        phase = vocab.phases.get(m.phase)
        what = phase.label if phase else "Meeting"
        lines.append(
            f"- {head + ' · ' if head else ''}{what}{' with ' + with_whom if with_whom else ''}"
        )
        agenda = m.agenda if isinstance(m.agenda, dict) else {}
        for item in agenda.get("items", []):
            lines.append(f"  - {item.get('minutes', '')} min: {_one_line(item.get('title'))}")
            lines += [f"    - {_one_line(p)}" for p in item.get("prompts", [])]
        if _one_line(m.notes):
            lines.append(f"  - Notes: {_one_line(m.notes)}")
        if _one_line(m.actions):
            lines.append(f"  - Actions: {_one_line(m.actions)}")
    lines += ["", "## Journal"]
    for _k, e in book.journal():
        lines.append(f"- {e.date}: {_one_line(e.text)}")
        if progress_line(e, goals):
            lines.append(f"  - Progress: {progress_line(e, goals)}")
    return "\n".join(lines).rstrip() + "\n"
