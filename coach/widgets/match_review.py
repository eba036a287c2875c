"""The dashboard's "Mentor matching" section: propose matches, swap a mentor, approve, and
follow the pairing-fit pulse with a one-click re-match. Shows names, scores, reasons (the
matched words only) and fit averages; never anyone's goal text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from coach.widgets.common import esc, note

_STATUS = {"proposed": "proposed", "approved": "✓ approved", "unmatched": "unmatched"}
_NONE = ""  # the swap dropdown's value for "no mentor yet"


def _cell(html: str, width: str, cls: str = "") -> w.HTML:
    cell = w.HTML(html, layout=w.Layout(width=width, overflow="hidden"))
    if cls:
        cell.add_class(cls)
    return cell


class MatchReview(w.VBox):  # type: ignore[misc]
    """Mentor matches of one cohort, for the facilitator to review, swap and approve."""

    def __init__(self, cohort_name: str, seed: Callable[[], int]) -> None:
        self.cohort_name = cohort_name
        self.seed = seed
        self.message = w.HTML()
        self.message.add_class("mw-match-message")
        self.rows = w.VBox()
        self.rows.add_class("mw-matches")
        self.fits = w.VBox()
        self.fits.add_class("mw-fits")
        self._fit_shown: object = None
        self.propose_button = w.Button(
            description="Propose matches", icon="random", button_style="primary"
        )
        self.propose_button.add_class("mw-propose")
        self.propose_button.on_click(lambda _b: self.propose())
        self.approve_all_button = w.Button(description="Approve all", icon="check")
        self.approve_all_button.add_class("mw-approve-all")
        self.approve_all_button.on_click(lambda _b: self.approve(None))
        super().__init__()
        self.add_class("mw-matching")
        self.show()

    # -- what it shows ---------------------------------------------------------------
    def show(self) -> None:
        """Rebuild the section from the store."""
        from coach.cohorts import capacity_left, matches, no_mentors_hint, participants

        people = participants(self.cohort_name)
        mentors = [p for p in people if p.is_mentor]
        if not mentors:
            self.children = [note(no_mentors_hint(self.cohort_name))]
            return
        found = matches(self.cohort_name)
        left = capacity_left(self.cohort_name)
        intro = note(
            "One mentor per mentee: goals that meet a mentor's offers first, within each "
            "mentor's capacity, inside or outside their organization as the mentee asked. "
            "Participants see a match only once you approve it."
        )
        self.rows.children = (
            [self._header(), *(self._row(m, mentors, left) for m in found)]
            if found
            else [w.HTML("<i>No matches yet: press Propose matches (it uses the seed above).</i>")]
        )
        self.approve_all_button.disabled = not any(m.status == "proposed" for m in found)
        self.children = [
            intro,
            w.HBox([self.propose_button, self.approve_all_button]),
            self.message,
            self.rows,
            self.fits,
        ]
        self._fit_shown = None
        self.show_fits()

    def _header(self) -> w.HBox:
        return w.HBox(
            [
                _cell("<b>Mentee</b>", "170px"),
                _cell("<b>Mentor</b>", "210px"),
                _cell("<b>Score</b>", "60px"),
                _cell("<b>Why</b>", "340px"),
                _cell("<b>Status</b>", "100px"),
            ]
        )

    def _row(self, m: Any, mentors: list[Any], left: dict[str, int]) -> w.HBox:
        options = [("(no mentor)", _NONE)] if not m.matched else []
        options += [
            (p.display_name, p.id)
            for p in mentors
            if p.id != m.mentee_id and (p.id == m.mentor_id or left.get(p.id, 0) > 0)
        ]
        pick = w.Dropdown(
            options=options, value=m.mentor_id or _NONE, layout=w.Layout(width="200px")
        )
        pick.add_class("mw-swap")
        pick.observe(
            lambda change, mentee=m.mentee_id: self.swap(mentee, change["new"]), names="value"
        )
        approve = w.Button(
            description="Approve",
            icon="check",
            disabled=m.status != "proposed",
            layout=w.Layout(width="auto"),
        )
        approve.add_class("mw-approve")
        approve.on_click(lambda _b, mentee=m.mentee_id: self.approve(mentee))
        row = w.HBox(
            [
                _cell(esc(m.mentee_name), "170px", "mw-match-mentee"),
                pick,
                _cell(str(m.score) if m.matched else "", "60px"),
                _cell(f"<small>{esc(m.reason)}</small>", "340px", "mw-match-reason"),
                _cell(esc(_STATUS.get(m.status, m.status)), "100px", f"mw-status-{m.status}"),
                approve,
            ]
        )
        row.add_class("mw-match-row")
        return row

    def show_fits(self) -> None:
        """The pairing-fit pulse of approved matches: poor fits with a re-match button
        (rebuilt only when something changed, so a refresh never disturbs a click)."""
        from coach.cohorts import fit_report

        rows = fit_report(self.cohort_name)
        answered = [r for r in rows if (r.mentee_average, r.mentor_average) != (None, None)]
        shown = [r.to_dict() for r in answered]
        if shown == self._fit_shown:
            return
        self._fit_shown = shown
        if not answered:
            self.fits.children = []
            return
        flagged = [r for r in answered if r.flagged]
        parts: list[w.Widget] = [
            w.HTML(
                f"<b>Pairing-fit pulse</b>: {len(answered)} of {len(rows)} approved matches "
                f"answered, {len(flagged)} poor fit{'s' if len(flagged) != 1 else ''}."
            )
        ]
        for r in answered:
            avg = ", ".join(
                f"{who} {value:.1f}"
                for who, value in (("mentee", r.mentee_average), ("mentor", r.mentor_average))
                if value is not None
            )
            pair = f"{esc(r.match.mentee_name)} + {esc(r.match.mentor_name)} ({esc(avg)} of 5)"
            if not r.flagged:
                parts.append(w.HTML(f'<div class="mw-fit-ok">{pair}</div>'))
                continue
            advice = (
                f"consider {esc(r.suggestion_name)} instead"
                if r.suggestion_id
                else "no other mentor has capacity left"
            )
            flag = w.HTML(f'<div class="mw-fit-flag">⚠ {pair}: Poor fit reported: {advice}</div>')
            items: list[w.Widget] = [flag]
            if r.suggestion_id:
                again = w.Button(
                    description=f"Re-match with {r.suggestion_name}"[:60],
                    icon="exchange",
                    layout=w.Layout(width="auto"),
                )
                again.add_class("mw-rematch")
                again.on_click(
                    lambda _b, mentee=r.match.mentee_id, mentor=r.suggestion_id: self.swap(
                        mentee, mentor
                    )
                )
                items.append(again)
            parts.append(w.HBox(items))
        self.fits.children = parts

    # -- what the facilitator does ------------------------------------------------------
    def _do(self, action: Callable[[], str]) -> None:
        from coach.errors import CoachError

        try:
            said, kind = action(), "ok"
        except CoachError as exc:
            said, kind = str(exc), "warn"
        self.show()
        self.message.value = note(said, kind).value

    def propose(self) -> None:
        """Propose matches with the dashboard's seed (approved ones stay)."""
        from coach.cohorts import propose

        def run() -> str:
            found = propose(self.cohort_name, seed=int(self.seed()))
            n = sum(m.matched for m in found)
            return f"{n} of {len(found)} mentees have a mentor proposed or approved."

        self._do(run)

    def swap(self, mentee_id: str, mentor_id: str) -> None:
        """Give a mentee another mentor (a proposal to approve)."""
        from coach.cohorts import swap

        if not mentor_id:
            return

        def run() -> str:
            m = swap(self.cohort_name, mentee_id, mentor_id)
            return f"{m.mentee_name} → {m.mentor_name}: proposed, approve it when it suits."

        self._do(run)

    def approve(self, mentee_id: str | None) -> None:
        """Approve one proposed match, or (None) all of them."""
        from coach.cohorts import approve

        def run() -> str:
            done = approve(self.cohort_name, mentee_id)
            n = len(done)
            return f"Approved {n} match{'es' if n != 1 else ''}: those participants see it now."

        self._do(run)
