"""01 Goals: one or two SMART development goals, why they matter, and what you can offer."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w

from coach.profiles import GOAL_TITLE_MAX, GOAL_WHY_MAX, MEASURE_MAX, OFFERS_MAX, SHORT_MAX
from coach.widgets.common import CoachStatus, StepView, esc, heading, note
from coach.widgets.fields import Limited, SavedField, hint, hint_html, limited_field
from coach.widgets.page import workbook_page
from coach.workbook import GoalRecord, Workbook
from coach.workbook.kinds import GOAL, GOAL_KEYS, PROFILE, PROFILE_KEY

LAYOUT = w.Layout(width="95%")


class GoalEditor(w.VBox):  # type: ignore[misc]
    """One goal: title, why, a measure and a target date; saved on every change. A field
    over its limit is kept in its box with how much to cut, and not saved until it fits."""

    def __init__(self, book: Workbook, key: str) -> None:
        self.book, self.key = book, key
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
        # One click puts the suggestion in the Goal box, which saves it like an edit.
        self.use = w.Button(
            description="Use this wording",
            icon="check",
            button_style="primary",
            layout=w.Layout(width="auto", display="none"),
        )
        self.use.on_click(self._use)
        self.suggestion: str | None = None
        self.fields = [
            limited_field(book, box, GOAL, key, name) for name, box in self.limited.items()
        ]
        self.fields.append(
            SavedField(
                book,
                self.target,
                GOAL,
                key,
                "target_date",
                read=lambda: self.target.value.isoformat() if self.target.value else None,
                show=self._show_date,
            )
        )
        self.reload()
        from coach.widgets.page import share_toggle

        share = share_toggle(book, GOAL, key, "title", f"goal {key}")
        parts: list[w.Widget] = []
        for field in self.fields:  # each with its "changed in another tab" note beside it
            parts += [self.limited.get(field.field, field.widget), field.note]
        super().__init__(
            [
                *parts,
                w.HBox([self.suggest, share], layout=w.Layout(flex_flow="row wrap")),
                self.advice,
                self.use,
            ]
        )

    def _show_date(self, value: str | None) -> None:
        self.target.value = dt.date.fromisoformat(value) if value else None

    def reload(self) -> None:
        """Show what the store holds for this goal (a field whose text another tab changed
        meanwhile keeps what was typed here, until Keep mine or Reload)."""
        data = self.book.get(GoalRecord, self.key)
        for field in self.fields:
            field.load(data)

    def _suggest(self, _button: object) -> None:
        from coach.errors import CoachError
        from coach.tasks import refine_goal

        CoachStatus.start_warm_up()  # the status line follows the coach loading
        self.advice.value = note("Looking at your goal…").value
        self._offer(None)
        self.suggest.disabled = True
        try:
            found = refine_goal(
                self.title.value,
                why=self.why.value,
                measure=self.measure.value,
                target_date=self.target.value,
            )
        except CoachError as exc:
            self.advice.value = note(str(exc), "warn").value
            return
        finally:
            self.suggest.disabled = False
        parts = []
        if found.suggestion:
            parts.append(
                '<div class="mw-suggestion" style="background:#eef4ff;padding:6px 10px;'
                f'border-radius:6px"><b>Suggested:</b> {esc(found.suggestion)}</div>'
            )
        parts.append(f"<p>{esc(found.reason)}</p>")
        fits = found.suggestion is not None and len(found.suggestion) <= GOAL_TITLE_MAX
        if found.suggestion and not fits:
            parts.append(
                note(
                    f"This wording has {len(found.suggestion)} characters and a goal holds "
                    f"{GOAL_TITLE_MAX}: shorten it before you put it in the Goal box.",
                    "warn",
                ).value
            )
        if found.fallback_reason:
            parts.append(f"<small>Offline suggestion: {esc(found.fallback_reason)}.</small>")
        if found.citations:
            sources = "; ".join(f"{p.title} › {p.section}" for p in found.citations)
            parts.append(f"<small>From the guides: {esc(sources)}</small>")
        self.advice.value = "".join(parts)
        self._offer(found.suggestion if fits else None)

    def _offer(self, suggestion: str | None) -> None:
        """Show the "Use this wording" button for ``suggestion``, or hide it."""
        self.suggestion = suggestion
        self.use.layout.display = None if suggestion else "none"

    def _use(self, _button: object) -> None:
        """Put the suggestion in the Goal box; the box's autosave stores it."""
        if not self.suggestion:
            return
        self.title.value = self.suggestion
        self._offer(None)
        self.advice.value = note("Your goal now has the suggested wording. Saved.", "ok").value


# Suggestions are optional here, so the coach loads when first asked for, not with the
# page: a goals page then costs a kernel 80 MB instead of 300, and in a workshop thirty
# coaches do not load at once while everyone is still waiting for the page itself.
@workbook_page("goals")
def goals_widget(book: Workbook) -> StepView:
    """The goals step: two goal editors and what you can offer a mentor in return."""
    offer = w.Textarea(
        placeholder="Skills or perspective you can offer, separated by commas",
        description="I can offer",
        layout=LAYOUT,
    )
    usual = f"Up to {OFFERS_MAX}, separated by commas, each up to {SHORT_MAX} characters."
    offer_hint = hint(usual)

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

    saved_offer = SavedField(
        book,
        offer,
        PROFILE,
        PROFILE_KEY,
        "offer",
        read=lambda: offers()[0],
        show=lambda value: setattr(offer, "value", ", ".join(value or [])),
        ready=lambda: offers()[1] is None,
    )
    offer.observe(lambda _c: show_offer_hint(), names="value")

    def load_offer() -> None:
        saved_offer.load(book.profile())
        show_offer_hint()

    editors = [GoalEditor(book, key) for key in GOAL_KEYS]

    def refresh() -> None:
        for editor in editors:
            editor.reload()
        load_offer()

    load_offer()
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
            saved_offer.note,
            note("Saved automatically as you type."),
        ],
        refresh=refresh,
    )
