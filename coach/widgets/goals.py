"""01 Goals: one or two SMART development goals, why they matter, and what you can offer."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w

from coach.profiles import GOAL_TITLE_MAX, GOAL_WHY_MAX, MEASURE_MAX, OFFERS_MAX, SHORT_MAX
from coach.widgets.common import (
    CoachStatus,
    StepView,
    autosave,
    esc,
    heading,
    note,
    owner,
    store,
)
from coach.widgets.fields import Limited, hint, hint_html
from coach.widgets.page import workbook_page

LAYOUT = w.Layout(width="95%")


class GoalEditor(w.VBox):
    """One goal: title, why, a measure and a target date; saved on every change. A field
    over its limit is kept in its box with how much to cut, and not saved until it fits."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._loading = False
        self.title = w.Text(
            placeholder="e.g. Lead a product discovery project",
            description="Goal",
            layout=LAYOUT,
        )
        self.why = w.Textarea(
            placeholder="Why it matters to you",
            description="Why",
            layout=LAYOUT,
        )
        self.measure = w.Text(
            placeholder="How you will know: a number or a result",
            description="Measure",
            layout=LAYOUT,
        )
        self.target = w.DatePicker(description="By")
        self.limited = {
            "title": Limited(self.title, GOAL_TITLE_MAX),
            "why": Limited(self.why, GOAL_WHY_MAX),
            "measure": Limited(self.measure, MEASURE_MAX),
        }
        self.suggest = w.Button(description="Suggest sharper wording", icon="magic")
        self.advice = w.HTML()
        self.suggest.on_click(self._suggest)
        self.reload()
        for field in (self.title, self.why, self.measure, self.target):
            autosave(field, self.save)
        from coach.widgets.page import share_toggle

        share = share_toggle("goal", key, "title", f"goal {key}")
        super().__init__(
            [
                *self.limited.values(),
                self.target,
                w.HBox([self.suggest, share]),
                self.advice,
            ]
        )

    def reload(self) -> None:
        """Show what the store holds for this goal."""
        data = store().get(owner(), "goal", self.key) or {}
        date = data.get("target_date")
        self._loading = True
        try:
            self.title.value = data.get("title", "")
            self.why.value = data.get("why", "")
            self.measure.value = data.get("measure", "")
            self.target.value = dt.date.fromisoformat(date) if date else None
        finally:
            self._loading = False

    def save(self) -> None:
        """Write this goal to the store; a field over its limit keeps its saved value."""
        if self._loading:
            return
        saved = store().get(owner(), "goal", self.key) or {}
        data = {
            name: box.text if box.fits else saved.get(name, "")
            for name, box in self.limited.items()
        }
        data["target_date"] = self.target.value.isoformat() if self.target.value else None
        store().put(owner(), "goal", self.key, data)

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
def goals_widget() -> StepView:
    """The goals step: two goal editors and what you can offer a mentor in return."""
    offer = w.Textarea(
        placeholder="Skills or perspective you can offer, separated by commas",
        description="I can offer",
        layout=LAYOUT,
    )
    usual = f"Up to {OFFERS_MAX}, separated by commas, each up to {SHORT_MAX} characters."
    offer_hint = hint(usual)
    loading = [False]

    def offers() -> tuple[list[str], str | None]:
        items = [x.strip() for x in offer.value.split(",") if x.strip()]
        over = [(i, len(x) - SHORT_MAX) for i, x in enumerate(items, 1) if len(x) > SHORT_MAX]
        if over:
            parts = ", ".join(f"offer {i} by {n}" for i, n in over)
            return items, f"Not saved yet: shorten {parts} characters."
        if len(items) > OFFERS_MAX:
            return items, f"Not saved yet: you listed {len(items)}, keep at most {OFFERS_MAX}."
        return items, None

    def show_offer_hint() -> None:
        problem = offers()[1]
        offer_hint.value = hint_html(problem or usual, error=problem is not None)

    def save_offer() -> None:
        show_offer_hint()
        items, problem = offers()
        if loading[0] or problem:
            return
        data = store().get(owner(), "profile", "me") or {}
        data["offer"] = items
        store().put(owner(), "profile", "me", data)

    def load_offer() -> None:
        profile = store().get(owner(), "profile", "me") or {}
        loading[0] = True
        try:
            offer.value = ", ".join(profile.get("offer", []))
        finally:
            loading[0] = False
        show_offer_hint()

    editors = [GoalEditor("1"), GoalEditor("2")]

    def refresh() -> None:
        for editor in editors:
            editor.reload()
        load_offer()

    load_offer()
    autosave(offer, save_offer)
    return StepView(
        [
            CoachStatus(warm=False),
            heading("Goal 1"),
            editors[0],
            heading("Goal 2 (optional)"),
            editors[1],
            heading("What you can offer in return"),
            offer,
            offer_hint,
            note("Saved automatically as you type."),
        ],
        refresh=refresh,
    )
