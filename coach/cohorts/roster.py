"""Reading a CSV roster, with every problem reported against the line it is on."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from coach.cohorts.model import (
    DEFAULT_CAPACITY,
    MAX_CAPACITY,
    MAX_NAME,
    MAX_ORGANIZATION,
    MAX_PARTICIPANTS,
    MAX_ROSTER_BYTES,
    ROLES,
    WANTS,
    CohortError,
    RosterEntry,
    RosterReport,
    _clean,
)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ALIASES = {"display_name": "name", "e_mail": "email", "organisation": "organization"}


def _list_cell(value: str) -> tuple[str, ...]:
    return tuple(x[:160] for x in (_clean(v) for v in value.split(";")) if x)[:10]


def read_roster(path: Path) -> RosterReport:
    """Read a CSV roster and report every problem with its line.

    UTF-8, a header with ``name``; optional ``email``, ``offers`` and ``goals`` (items
    separated by ``;``), and for mentor matching ``role`` (mentor, mentee or both; empty:
    mentee), ``capacity`` (mentees a mentor takes, 1 to 20; empty: 2), ``organization``
    and ``wants`` (inside, outside or either: where a mentee wants their mentor to work;
    empty: either)."""
    path = Path(path)
    report = RosterReport(path=path)
    try:
        size = path.stat().st_size
        if size > MAX_ROSTER_BYTES:
            report.problems.append(
                f"the file is {size // 1_000_000} MB; a roster of up to {MAX_PARTICIPANTS} "
                "people is far smaller: check that this is the right file"
            )
            return report
        data = path.read_bytes()
    except OSError as exc:
        raise CohortError(
            f"Cannot read the roster {path}: {exc.strerror}. Check the path."
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.problems.append(
            f"it is not UTF-8 text (line {line}, byte {exc.start} is 0x{data[exc.start]:02x}): "
            "save it as UTF-8 (in Excel: Save As › CSV UTF-8)"
        )
        return report
    if not text.strip():
        report.problems.append(
            "the file is empty: it needs a header line with a 'name' column, then one line "
            "per participant"
        )
        return report
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        while not any(c.strip() for c in header):
            header = next(reader)
        _read_rows(reader, header, report)
    except StopIteration:
        report.problems.append("the file has no header line with a 'name' column")
    except csv.Error as exc:
        report.problems.append(f"line {reader.line_num}: {exc} (is it a CSV file?)")
    if not report.problems and not report.entries:
        report.problems.append("it has a header but no participants")
    return report


def _read_rows(reader: Any, header: list[str], report: RosterReport) -> None:
    report.columns = [_clean(c) for c in header]
    keys = [c.casefold().replace(" ", "_").replace("-", "_") for c in report.columns]
    keys = [_ALIASES.get(k, k) for k in keys]
    if "name" not in keys:
        found = ", ".join(repr(c) for c in report.columns) or "none"
        hint = ""
        if len(header) == 1 and any(s in header[0] for s in (";", "\t")):
            hint = " (the columns seem to be separated by ';' or tabs: save it with commas)"
        report.problems.append(f"it has no 'name' column; columns found: {found}{hint}")
        return
    doubled = sorted({k for k in keys if k and keys.count(k) > 1})
    if doubled:
        report.problems.append(f"the header repeats the column(s) {', '.join(doubled)}")
        return
    wanted = {"name", "email", "offers", "goals", "role", "capacity", "organization", "wants"}
    report.ignored_columns = [c for c, k in zip(report.columns, keys) if k not in wanted]
    seen_names: dict[str, list[int]] = {}
    seen_emails: dict[str, list[int]] = {}
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            report.blank_lines += 1
            continue
        if len(report.entries) >= MAX_PARTICIPANTS:
            report.problems[:] = [
                f"too many rows: a cohort holds at most {MAX_PARTICIPANTS} participants and "
                f"line {line} is participant {MAX_PARTICIPANTS + 1}; split the roster into "
                "several cohorts"
            ]
            report.entries.clear()
            return
        if len(row) > len(keys):
            report.problems.append(
                f"line {line} has {len(row)} cells but the header has {len(keys)} "
                "(put a value containing a comma in double quotes)"
            )
            continue
        cells = dict(zip(keys, row))
        name, email = _clean(cells.get("name", "")), _clean(cells.get("email", ""))
        if not name:
            report.problems.append(f"line {line}: the name is empty")
            continue
        if len(name) > MAX_NAME:
            report.problems.append(
                f"line {line}: the name is {len(name)} characters; the limit is {MAX_NAME}"
            )
            continue
        if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
            report.problems.append(f"line {line}: {email[:60]!r} is not an e-mail address")
            continue
        matching = _matching_cells(cells, line, report)
        if matching is None:
            continue
        seen_names.setdefault(name.casefold(), []).append(line)
        if email:
            seen_emails.setdefault(email.casefold(), []).append(line)
        report.entries.append(
            RosterEntry(
                line,
                name,
                email,
                _list_cell(cells.get("offers", "")),
                _list_cell(cells.get("goals", "")),
                *matching,
            )
        )
    for what, seen in (("name", seen_names), ("e-mail", seen_emails)):
        for key, lines in seen.items():
            if len(lines) > 1:
                report.problems.append(
                    f"duplicate {what} {key[:40]!r} on lines {', '.join(map(str, lines))}"
                )


def _matching_cells(
    cells: dict[str, str], line: int, report: RosterReport
) -> tuple[str, int, str, str] | None:
    """(role, capacity, organization, wants) of one row, or None after reporting a problem."""
    role = _clean(cells.get("role", "")).casefold() or "mentee"
    if role not in ROLES:
        report.problems.append(
            f"line {line}: the role {role[:30]!r} is not mentor, mentee or both "
            "(leave it empty for a mentee)"
        )
        return None
    raw = _clean(cells.get("capacity", ""))
    capacity = DEFAULT_CAPACITY
    if raw:
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_CAPACITY:
            report.problems.append(
                f"line {line}: the capacity {raw[:30]!r} is not a whole number from 1 to "
                f"{MAX_CAPACITY} (how many mentees this mentor takes; empty: {DEFAULT_CAPACITY})"
            )
            return None
        capacity = int(raw)
    organization = _clean(cells.get("organization", ""))
    if len(organization) > MAX_ORGANIZATION:
        report.problems.append(
            f"line {line}: the organization is {len(organization)} characters; the limit is "
            f"{MAX_ORGANIZATION}"
        )
        return None
    wants = _clean(cells.get("wants", "")).casefold() or "either"
    if wants not in WANTS:
        report.problems.append(
            f"line {line}: wants {wants[:30]!r} is not inside, outside or either (where the "
            "mentee wants their mentor to work; empty: either)"
        )
        return None
    return role, capacity, organization, wants
