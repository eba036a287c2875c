"""01 Goals: one or two SMART development goals, why they matter, and what you can offer."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w

from coach.widgets.common import (
    CoachStatus,
    autosave,
    esc,
    heading,
    note,
    owner,
    store,
)
from coach.widgets.page import workbook_page

LAYOUT = w.Layout(width="95%")


class GoalEditor(w.VBox):
    """One goal: title, why, a measure and a target date; saved on every change."""

    def __init__(self, key: str) -> None:
        self.key = key
        data = store().get(owner(), "goal", key) or {}
        self.title = w.Text(
            value=data.get("title", ""),
            placeholder="e.g. Lead a product discovery project",
            description="Goal",
            layout=LAYOUT,
        )
        self.why = w.Textarea(
            value=data.get("why", ""),
            placeholder="Why it matters to you",
            description="Why",
            layout=LAYOUT,
        )
        self.measure = w.Text(
            value=data.get("measure", ""),
            placeholder="How you will know: a number or a result",
            description="Measure",
            layout=LAYOUT,
        )
        date = data.get("target_date")
        self.target = w.DatePicker(
            value=dt.date.fromisoformat(date) if date else None, description="By"
        )
        self.suggest = w.Button(description="Suggest sharper wording", icon="magic")
        self.advice = w.HTML()
        self.suggest.on_click(self._suggest)
        for field in (self.title, self.why, self.measure, self.target):
            autosave(field, self.save)
        from coach.widgets.page import share_toggle

        share = share_toggle("goal", key, "title", f"goal {key}")
        super().__init__(
            [
                self.title,
                self.why,
                self.measure,
                self.target,
                w.HBox([self.suggest, share]),
                self.advice,
            ]
        )

    def save(self) -> None:
        """Write this goal to the store."""
        store().put(
            owner(),
            "goal",
            self.key,
            {
                "title": self.title.value.strip()[:160],
                "why": self.why.value.strip()[:160],
                "measure": self.measure.value.strip()[:160],
                "target_date": self.target.value.isoformat() if self.target.value else None,
            },
        )

    def _suggest(self, _button: object) -> None:
        from coach.errors import CoachError
        from coach.tasks import refine_goal

        goal = " ".join(p for p in (self.title.value, self.measure.value) if p.strip())
        if self.target.value:
            goal += f" by {self.target.value:%B %Y}"
        CoachStatus.start_warm_up()  # the status line follows the coach loading
        self.advice.value = note("Looking at your goal…").value
        self.suggest.disabled = True
        try:
            answer = refine_goal(goal)
        except CoachError as exc:
            self.advice.value = note(str(exc), "warn").value
            return
        finally:
            self.suggest.disabled = False
        lines = "".join(
            f"<li>{esc(x.lstrip('- '))}</li>" for x in answer.text.splitlines() if x.strip()
        )
        self.advice.value = f"<ul>{lines}</ul>"


# Suggestions are optional here, so the coach loads when first asked for, not with the
# page: a goals page then costs a kernel 80 MB instead of 300, and in a workshop thirty
# coaches do not load at once while everyone is still waiting for the page itself.
@workbook_page("goals")
def goals_widget() -> w.VBox:
    """The goals step: two goal editors and what you can offer a mentor in return."""
    profile = store().get(owner(), "profile", "me") or {}
    offer = w.Textarea(
        value=", ".join(profile.get("offer", [])),
        placeholder="Skills or perspective you can offer, separated by commas",
        description="I can offer",
        layout=LAYOUT,
    )

    def save_offer() -> None:
        data = store().get(owner(), "profile", "me") or {}
        data["offer"] = [x.strip()[:160] for x in offer.value.split(",") if x.strip()][:10]
        store().put(owner(), "profile", "me", data)

    autosave(offer, save_offer)
    return w.VBox(
        [
            CoachStatus(warm=False),
            heading("Goal 1"),
            GoalEditor("1"),
            heading("Goal 2 (optional)"),
            GoalEditor("2"),
            heading("What you can offer in return"),
            offer,
            note("Saved automatically as you type."),
        ]
    )
