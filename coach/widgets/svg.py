"""The workbook's three charts, drawn as SVG by hand: the network map, goal progress over
the journal, and the facilitator's steps. Each is a few dozen rectangles, lines and
labels, so a plotting library would cost a kernel more than the charts do (matplotlib:
0.5-1 s of CPU and about 40 MB on first use, in every person's kernel). Text is real
text, escaped, so the browser draws every script and emoji with its own fonts; the
result is shown as an ``<img>`` (see :func:`coach.widgets.fields.svg_image`), which
cannot run anything.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from coach.workbook import JournalRecord, NetworkRecord

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
WIDTH = 640
LINE = 17  # px per line of a label
INK, MUTED, GAP_RED = "#1f2933", "#52606d", "#b00020"
GOAL_COLOURS = ("#1f6feb", "#d9480f", "#2b8a3e", "#862e9c", "#e8590c", "#0b7285")


def _text(x: float, y: float, text: str, **attrs: str | float) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(str(v))}" for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def _lines(x: float, y: float, lines: list[str], **attrs: str | float) -> str:
    return "".join(_text(x, y + i * LINE, line, **attrs) for i, line in enumerate(lines))


def _doc(height: float, body: list[str], title: str) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" font-family={quoteattr(FONT)} font-size="13" '
        f'fill="{INK}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    ).encode()


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters (long words broken), never cut."""
    import textwrap

    return textwrap.wrap(" ".join(str(text).split()), width, break_long_words=True) or [""]


def network_map(rows: list[NetworkRecord], cells: list[tuple[str, str]]) -> bytes:
    """A 2x2 map (inside/outside by more senior/peer): each person by their full name, a
    dot coloured by industry; an empty cell is marked as a gap."""
    half = WIDTH / 2
    names = {
        c: [(wrap(r.name, 34), r.industry == "other") for r in rows
            if (r.side, r.level) == c]
        for c in cells
    }  # fmt: skip
    need = {c: sum(len(n) * LINE + 6 for n, _ in people) for c, people in names.items()}
    heights = {
        level: max(110.0, 56 + max(need[("inside", level)], need[("outside", level)]))
        for level in ("senior", "peer")
    }
    top = 34.0
    body = [
        _text(8, 20, "Your developmental network", font_weight="600", font_size=15),
        _text(WIDTH - 8, 20, "● same industry", fill="#1f6feb", text_anchor="end",
              font_size=12),
        _text(WIDTH - 130, 20, "● another industry", fill="#e8590c", text_anchor="end",
              font_size=12),
    ]  # fmt: skip
    for side, level in cells:
        x = 0 if side == "inside" else half
        y = top if level == "senior" else top + heights["senior"]
        h = heights[level]
        people = names[(side, level)]
        fill = "#e9f7ef" if people else "#fdecea"
        body.append(
            f'<rect x="{x + 4:.1f}" y="{y + 4:.1f}" width="{half - 8:.1f}" height="{h - 8:.1f}" '
            f'rx="8" fill="{fill}"/>'
        )
        where = "Inside my organization" if side == "inside" else "Outside"
        who = "more senior" if level == "senior" else "peers"
        body.append(_text(x + 18, y + 28, f"{where} · {who}", font_weight="600"))
        if not people:
            body.append(_text(x + half / 2, y + h / 2 + 12, "gap", fill=GAP_RED, font_size=18,
                              text_anchor="middle"))  # fmt: skip
        line_y = y + 52
        for lines, other in people:
            colour = "#e8590c" if other else "#1f6feb"
            body.append(f'<circle cx="{x + 24:.1f}" cy="{line_y - 4:.1f}" r="5" fill="{colour}"/>')
            body.append(_lines(x + 36, line_y, lines))
            line_y += len(lines) * LINE + 6
    height = top + heights["senior"] + heights["peer"] + 4
    who = ", ".join(r.name for r in rows) or "nobody yet"
    return _doc(height, body, f"Your developmental network: {who}")


def goal_progress(entries: list[JournalRecord], goals: dict[str, str]) -> bytes:
    """Progress (0-100 %) of each goal over the journal's dates, each goal named in full
    in the legend below the chart."""
    series = []
    for key, title in goals.items():
        points = []
        for e in entries:
            value = e.progress.get(key)
            try:
                day = dt.date.fromisoformat(e.date)
            except ValueError:
                continue
            if isinstance(value, (int, float)):
                points.append((day, max(0.0, min(100.0, float(value)))))
        if points:
            series.append((title, sorted(points)))
    left, right, top, plot_h = 48.0, WIDTH - 16.0, 16.0, 180.0
    body = []
    for pct in (0, 25, 50, 75, 100):  # the grid and its labels
        y = top + plot_h * (1 - pct / 100)
        body.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>')
        body.append(_text(left - 8, y + 4, f"{pct}%", fill=MUTED, font_size=11,
                          text_anchor="end"))  # fmt: skip
    if not series:
        body.append(_text((left + right) / 2, top + plot_h / 2, "Add a journal entry to see "
                          "your progress", fill=MUTED, text_anchor="middle"))  # fmt: skip
        return _doc(top + plot_h + 16, body, "Goal progress: no journal entries yet")
    days = [d for _t, pts in series for d, _v in pts]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def x_of(day: dt.date) -> float:
        if first == last:
            return (left + right) / 2
        return left + (right - left) * (day - first).days / span

    for day in sorted({first, last}):  # the ends, each kept inside the picture
        anchor = "middle" if first == last else "start" if day == first else "end"
        body.append(_text(x_of(day), top + plot_h + 18, f"{day:%d %b %Y}", fill=MUTED,
                          font_size=11, text_anchor=anchor))  # fmt: skip
    legend_y = top + plot_h + 44
    for i, (title, pts) in enumerate(series):
        colour = GOAL_COLOURS[i % len(GOAL_COLOURS)]
        coords = [(x_of(d), top + plot_h * (1 - v / 100)) for d, v in pts]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>' for x, y in coords]
        lines = wrap(title, 80)
        body.append(f'<rect x="{left}" y="{legend_y - 10}" width="12" height="12" rx="2" '
                    f'fill="{colour}"/>')  # fmt: skip
        body.append(_lines(left + 20, legend_y, lines))
        legend_y += len(lines) * LINE + 6
    alt = "; ".join(f"{t}: {pts[-1][1]:.0f}% on {pts[-1][0]:%d %b %Y}" for t, pts in series)
    return _doc(legend_y, body, f"Goal progress: {alt}")


def step_bars(rows: list[tuple[str, int]], total: int) -> bytes:
    """A bar per step with its full name: how many of ``total`` people have done it."""
    label_w, top, bar_h = 200.0, 12.0, 26.0
    right = WIDTH - 48.0
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + 8)
        width = (right - label_w) * (value / total if total else 0)
        body.append(_text(label_w - 10, y + bar_h / 2 + 5, label, text_anchor="end"))
        body.append(f'<rect x="{label_w}" y="{y:.1f}" width="{right - label_w:.1f}" '
                    f'height="{bar_h}" rx="4" fill="#eef2f6"/>')  # fmt: skip
        body.append(f'<rect x="{label_w}" y="{y:.1f}" width="{width:.1f}" height="{bar_h}" '
                    'rx="4" fill="#4c78a8"/>')  # fmt: skip
        body.append(_text(label_w + width + 6, y + bar_h / 2 + 5, f"{value} of {total}",
                          fill=MUTED, font_size=12))  # fmt: skip
    height = top + len(rows) * (bar_h + 8) + 4
    alt = ", ".join(f"{label}: {value} of {total}" for label, value in rows)
    return _doc(height, body, f"Progress: {alt}")
