"""Agendas and drafts as files: Markdown, and agendas as .ics calendar events."""

from __future__ import annotations

import datetime as dt
import hashlib

from coach.results import Agenda, Draft


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
    from icalendar import Calendar, Event

    if start.tzinfo is None:
        start = start.astimezone()  # the local time zone
    cal = Calendar()
    cal.add("prodid", "-//Mentor Workbook//mentor-coach//EN")
    cal.add("version", "2.0")
    event = Event()
    uid = hashlib.sha1(f"{agenda.title}|{start.isoformat()}".encode()).hexdigest()
    event.add("uid", f"{uid}@mentor-workbook")
    event.add("dtstamp", dt.datetime.now(dt.timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=agenda.minutes))
    event.add("summary", agenda.title)
    event.add("description", agenda_markdown(agenda))
    if location:
        event.add("location", location)
    cal.add_component(event)
    return bytes(cal.to_ical())


def draft_markdown(draft: Draft) -> str:
    """A draft with its checks and sources, for copying or keeping."""
    lines = [f"# {draft.kind} draft", ""]
    if draft.subject:
        lines += [f"Subject: {draft.subject}", ""]
    lines += [draft.text, "", "## Checks"]
    lines += [f"- {'✓' if c.passed else '✗'} {c.name}: {c.detail}" for c in draft.checks]
    if draft.citations:
        lines += ["", "## Sources"]
        lines += [f"- {p.title} › {p.section} ({p.source})" for p in draft.citations]
    return "\n".join(lines) + "\n"
