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
