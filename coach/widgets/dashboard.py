"""The facilitator's dashboard: run of show with timers, live progress, who is stuck,
peer pairs, mentor matching, shared items and export. It shows step completion and counts only: a
participant's words appear only for items they chose to share."""

from __future__ import annotations

import time

import ipywidgets as w

from coach.widgets.common import (
    Following,
    download_link,
    esc,
    heading,
    note,
    prepare_page,
    store,
)
from coach.widgets.fields import svg_image

REFRESH_SECONDS = 10.0
# the steps a cohort tracks (coach.workbook.kinds.TRACKED_STEPS), as the dashboard names them
STEP_LABELS = {
    "goals": "Set a goal",
    "network": "Mapped their network",
    "candidates": "Added a candidate",
    "outreach": "Drafted outreach",
    "meeting": "Planned a first meeting",
}


def progress_svg(counts: dict[str, int], total: int) -> bytes:
    """A bar per step, with its full name: how many people have done it (SVG, so it stays
    sharp at any size and its text is the browser's own)."""
    from coach.widgets.svg import step_bars

    return step_bars([(label, counts.get(s, 0)) for s, label in STEP_LABELS.items()], total)


def progress_chart(counts: dict[str, int], total: int) -> str:
    """The progress chart as an <img> for a w.HTML: full width up to 640 px."""
    alt = ", ".join(f"{STEP_LABELS[s]}: {counts.get(s, 0)} of {total}" for s in STEP_LABELS)
    return svg_image(progress_svg(counts, total), f"Progress: {alt}")


def shared_items(cohort: str) -> list[tuple[str, str, str]]:
    """(display name, what, text) for every item a participant shared, and nothing else."""
    from coach.cohorts import participants
    from coach.workbook import Workbook

    s = store()
    return [
        (person.display_name, item.label, item.text)
        for person in participants(cohort)
        for item in Workbook(s, person.id).shared_items()
    ]


class Dashboard(Following, w.VBox):  # type: ignore[misc]
    """The whole dashboard for one cohort; refreshes itself every few seconds."""

    def __init__(self, cohort_name: str) -> None:
        from coach.cohorts import get_cohort
        from coach.settings import get_settings
        from coach.widgets.match_review import MatchReview
        from coach.workshop import run_of_show

        self.cohort_name = cohort_name
        cohort = get_cohort(cohort_name)
        self.title = cohort.title if cohort else cohort_name
        self.segments = run_of_show()
        self.stuck_after = get_settings().stuck_minutes
        self.timer = w.HTML(layout=w.Layout(margin="0 0 6px 0"))
        self.segment_buttons = [
            w.Button(
                description=f"{s['start'] // 60}:{s['start'] % 60:02d} {s['name']} "  # type: ignore[operator]
                f"({s['minutes']} min)",
                layout=w.Layout(width="auto"),
            )
            for s in self.segments
        ]
        for i, b in enumerate(self.segment_buttons):
            b.on_click(lambda _b, i=i: self.start_segment(i))
        stop = w.Button(description="Stop timer", icon="stop", layout=w.Layout(width="auto"))
        stop.on_click(lambda _b: self.stop_segment())
        self.counts = w.HTML()
        self.chart = w.HTML()
        self.people = w.HTML()
        self.stuck = w.HTML()
        self.size = w.Dropdown(options=[("pairs", 2), ("triads", 3)], value=2, description="Groups")
        self.seed = w.IntText(value=1, description="Seed", layout=w.Layout(width="160px"))
        form = w.Button(description="Form groups", icon="users", button_style="primary")
        form.on_click(lambda _b: self.form_groups())
        self.groups = w.HTML()
        self.matching = MatchReview(cohort_name, seed=lambda: int(self.seed.value))
        self.shared = w.HTML()
        export = w.Button(description="Export progress (CSV)", icon="download")
        export.on_click(lambda _b: self.export())
        refresh = w.Button(description="Refresh now", icon="refresh")
        refresh.on_click(lambda _b: self.refresh())
        self.export_link = w.HTML()
        super().__init__(
            [
                w.HTML(f"<h2>Facilitator dashboard: {esc(self.title)}</h2>"),
                note(
                    "You see who has finished each step, never what they wrote, unless they "
                    "share an item with you."
                ),
                heading("Run of show (from the facilitator guide)"),
                self.timer,
                w.HBox(
                    [w.VBox(self.segment_buttons[:4]), w.VBox([*self.segment_buttons[4:], stop])]
                ),
                heading("Progress"),
                self.counts,
                self.chart,
                self.stuck,
                self.people,
                refresh,
                heading("Peer practice"),
                w.HBox([self.size, self.seed, form]),
                self.groups,
                heading("Mentor matching"),
                self.matching,
                heading("Shared with you"),
                self.shared,
                heading("Export"),
                export,
                self.export_link,
            ]
        )
        self.refresh()
        self._last_refresh = 0.0  # the first tick refreshes the board too
        self.follow(1.0, "mw-dashboard-clock")

    # -- run of show ---------------------------------------------------------------
    def start_segment(self, index: int) -> None:
        """Start segment ``index``: its timer runs here and in every participant's banner."""
        from coach.workshop import cohort_owner

        seg = dict(self.segments[index], index=index, started=time.time())
        store().put(cohort_owner(self.cohort_name), "segment", "current", seg)
        self.show_timer()

    def stop_segment(self) -> None:
        """Stop the timer (participants' banners show the workshop name only)."""
        from coach.workshop import cohort_owner

        store().delete(cohort_owner(self.cohort_name), "segment", "current")
        self.show_timer()

    def show_timer(self) -> None:
        from coach.workshop import current_segment, segment_status

        seg = current_segment(self.cohort_name)
        text = segment_status(seg, time.time())
        over = text.endswith("over")
        colour = "#fdecea" if over else "#e9f7ef"
        self.timer.value = (
            f'<div class="mw-timer" style="font-size:1.3em;background:{colour};padding:6px 10px;'
            f'border-radius:6px">Now: {esc(text)}</div>'
            if text
            else '<div class="mw-timer">No segment running: press one to start its timer.</div>'
        )

    # -- progress ------------------------------------------------------------------
    def refresh(self) -> None:
        """Counts, chart, who is where, and who is stuck, from the store."""
        from coach.cohorts import status

        st = status(self.cohort_name)
        total = len(st.participants)
        self.counts.value = (
            '<ul class="mw-counts">'
            + "".join(
                f"<li>{esc(label)}: <b>{st.counts.get(step, 0)}</b> of {total}</li>"
                for step, label in STEP_LABELS.items()
            )
            + "</ul>"
        )
        self.chart.value = progress_chart(st.counts, total)
        self.matching.show_fits()
        stuck = st.stuck(self.stuck_after)
        self.stuck.value = (
            note(
                f"On one step for more than {self.stuck_after} minutes: " + ", ".join(stuck),
                "warn",
            ).value
            if stuck
            else ""
        )
        rows = "".join(
            f"<tr><td>{esc(p.display_name)}</td>"
            + "".join(
                f"<td style='text-align:center'>{'✓' if s in p.steps_done else ''}</td>"
                for s in STEP_LABELS
            )
            + f"<td>{esc(p.current_step or '')}</td></tr>"
            for p in st.participants
        )
        head = "".join(f"<th>{esc(s)}</th>" for s in STEP_LABELS)
        self.people.value = (
            f'<table class="mw-people"><tr><th>Name</th>{head}<th>Now on</th></tr>{rows}</table>'
        )
        items = shared_items(self.cohort_name)
        self.shared.value = (
            "<ul>"
            + "".join(
                f"<li><b>{esc(who)}</b> ({esc(what)}): {esc(text)}</li>"
                for who, what, text in items
            )
            + "</ul>"
            if items
            else "<i>Nothing shared yet.</i>"
        )

    def form_groups(self) -> None:
        """Pairs or triads, matching one person's goals with another's offers."""
        from coach.cohorts import pairs

        groups = pairs(self.cohort_name, size=int(self.size.value), seed=int(self.seed.value))
        self.groups.value = (
            '<ol class="mw-groups">'
            + "".join(
                "<li>"
                + esc(" + ".join(p.display_name for p in g))
                + (f" <small>({esc(g.reason)})</small>" if getattr(g, "reason", "") else "")
                + "</li>"
                for g in groups
            )
            + "</ol>"
        )

    def export(self) -> None:
        from coach.cohorts import export_csv

        self.export_link.value = download_link(
            export_csv(self.cohort_name).encode(),
            f"{self.cohort_name}-progress.csv",
            "text/csv",
            "Save the progress CSV",
        )

    def tick(self) -> None:
        """Each second: the segment's clock; every ``REFRESH_SECONDS``: the whole board."""
        self.show_timer()
        if time.monotonic() - self._last_refresh >= REFRESH_SECONDS:
            self._last_refresh = time.monotonic()
            self.refresh()


def dashboard_widget() -> w.Widget:
    """The dashboard, if this page was opened with a facilitator link; otherwise a refusal."""
    from coach.workshop import facilitator_from_cookies, request_cookies

    prepare_page()
    cohort = facilitator_from_cookies(request_cookies())
    if cohort is None:
        return note(
            "The facilitator dashboard opens from the facilitator link that "
            "`mentor-coach cohort create` printed. Nothing is shown without it.",
            "warn",
        )
    return Dashboard(cohort.name)
