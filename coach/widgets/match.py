"""A workshop participant's mentor match, under the cohort banner: nothing until the
facilitator approves a match; then who it is and why, and after the first meeting the
three-question pairing-fit pulse."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from coach.widgets.common import Following, QuietRepr, esc, note

FOLLOW_SECONDS = 30.0  # how often an open page looks for a newly approved match


class FitPulseForm(QuietRepr, w.VBox):  # type: ignore[misc]
    """The pairing-fit pulse about one match: three 1-5 answers and Save."""

    def __init__(self, participant_id: str, other_id: str, other_name: str) -> None:
        from coach.cohorts import fit_answers, fit_pulse

        self.participant_id, self.other_id = participant_id, other_id
        pulse = fit_pulse()
        saved = fit_answers(participant_id, other_id) or {}
        self.answers: dict[str, w.ToggleButtons] = {}
        # folded until asked for (or once answered): before the first meeting it is one
        # line, not nine rows above the person's workbook
        self.opener = w.Button(
            description=f"{pulse.title} with {other_name}: how did it go?",
            icon="comments",
            tooltip="Three questions, 1 to 5; your facilitator sees the numbers only",
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.opener.add_class("mw-fit-unfold")
        self.opener.on_click(lambda _b: self.unfold())
        rows: list[w.Widget] = [
            w.HTML(
                f"<small>{pulse.minimum}: {esc(pulse.low)} … {pulse.maximum}: "
                f"{esc(pulse.high)}; your facilitator sees the numbers only</small>"
            )
        ]
        for q in pulse.questions:
            choice = w.ToggleButtons(
                options=[(str(n), n) for n in range(pulse.minimum, pulse.maximum + 1)],
                value=saved.get(q.key),
                style={"button_width": "36px"},
                layout=w.Layout(width="auto"),
            )
            choice.add_class(f"mw-fit-{q.key}")
            self.answers[q.key] = choice
            label = w.HTML(esc(q.text), layout=w.Layout(width="260px", max_width="100%"))
            rows.append(w.HBox([label, choice], layout=w.Layout(flex_flow="row wrap")))
        self.save_button = w.Button(description="Save", icon="check", button_style="primary")
        self.save_button.add_class("mw-fit-save")
        self.save_button.on_click(lambda _b: self.save())
        self.status = w.HTML("<small>Saved: you can change your answers.</small>" if saved else "")
        self.body = w.VBox([*rows, w.HBox([self.save_button, self.status])])
        super().__init__([self.opener, self.body])
        self.add_class("mw-fit-pulse")
        if not saved:
            self.body.layout.display = "none"

    def unfold(self) -> None:
        """Show the three questions (the opener toggles them)."""
        folded = self.body.layout.display == "none"
        self.body.layout.display = None if folded else "none"

    def save(self) -> None:
        """Store the answers in the participant's own records and say thank you."""
        from coach.errors import CoachError

        values = {k: t.value for k, t in self.answers.items()}
        if any(v is None for v in values.values()):
            self.status.value = note("Answer each of the three questions first.", "warn").value
            return
        try:
            from coach.cohorts import answer_fit

            answer_fit(self.participant_id, self.other_id, values)
        except CoachError as exc:
            self.status.value = note(str(exc), "warn").value
            return
        self.status.value = note("Thank you: your answers are saved.", "ok").value


class MatchPanel(Following, QuietRepr, w.VBox):  # type: ignore[misc]
    """The participant's approved match (mentor, or mentees) and the pulse; empty before."""

    def __init__(self, participant_id: str) -> None:
        self.participant_id = participant_id
        self._shown: Any = None
        super().__init__()
        self.add_class("mw-match")
        self.update()
        self.follow(FOLLOW_SECONDS, "mw-match")

    def tick(self) -> None:
        self.update()

    def update(self) -> None:
        """Show what is approved now (rebuilt only when that changed)."""
        from coach.cohorts import match_for

        mine = match_for(self.participant_id)
        shown = (mine.mentor, mine.mentees)
        if shown == self._shown:
            return
        self._shown = shown
        parts: list[w.Widget] = []
        if mine.mentor is not None:
            m = mine.mentor
            parts.append(
                w.HTML(
                    f'<div class="mw-match-mine">Your mentor: <b>{esc(m.mentor_name)}</b> — '
                    f"why: {esc(m.reason)}</div>"
                )
            )
            parts.append(FitPulseForm(self.participant_id, m.mentor_id, m.mentor_name))
        if mine.mentees:
            names = "; ".join(
                f"<b>{esc(m.mentee_name)}</b> (why: {esc(m.reason)})" for m in mine.mentees
            )
            parts.append(w.HTML(f'<div class="mw-match-mine">Your mentees: {names}</div>'))
            parts.extend(
                FitPulseForm(self.participant_id, m.mentee_id, m.mentee_name) for m in mine.mentees
            )
        self.children = parts


def match_panel(seat: Any) -> w.Widget:
    """The match panel for a workshop seat; an empty box if it cannot be read (the rest
    of the page works without it)."""
    import logging

    try:
        return MatchPanel(seat.id)
    except Exception:  # a hint on the page: it must never take the app down
        logging.getLogger(__name__).exception("the match panel could not be shown")
        return w.VBox()
