"""The outreach step's line on LinkedIn's note budget: "3 of 5 personalised notes left this
month", a warning before the last one, what works instead when none are left (each drafted
on request), and the guides' advice on pacing after many invitations in a day.

The counting is the workbook's (:mod:`coach.workbook.budget`); the wording is data
(``prompts/pages/note-budget.yaml``); the pacing advice is the guides' own section, cited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from coach.widgets.common import esc, note
from coach.workbook import Workbook
from coach.workbook.budget import NOTE_KIND, NoteBudget

GUIDE = "linkedin-connection-note.md"
PACING_SECTION = "How many personalised notes you get, and pacing your requests"


def _texts() -> Any:
    from coach.prompts import page_texts

    return page_texts("note-budget")


def _resets(budget: NoteBudget) -> str:
    return f"{budget.resets.day} {budget.resets:%B}"


class NoteBudgetPanel(w.VBox):  # type: ignore[misc]
    """The budget line and what goes with it, for the kind of draft shown.

    ``on_draft(kind, how)`` drafts one of the ways in that work without a note (the outreach
    step switches "As" to ``kind`` and drafts; ``how`` says how to send it)."""

    def __init__(self, book: Workbook, on_draft: Callable[[str, str], None]) -> None:
        self.book, self.on_draft = book, on_draft
        self.line = w.HTML()
        self.line.add_class("mw-budget")
        self.warning = w.HTML()
        self.instead = w.VBox()
        self.instead.add_class("mw-budget-instead")
        self.pacing = w.VBox()
        self.pacing.add_class("mw-pacing")
        self.confirm = w.HBox()
        self.confirm.add_class("mw-budget-confirm")
        self.budget: NoteBudget | None = None
        self.kind = ""
        super().__init__([self.line, self.warning, self.confirm, self.instead, self.pacing])

    # -- what is shown -----------------------------------------------------------------

    def show(self, kind: str) -> NoteBudget | None:
        """Re-read the budget and show what it means for a draft of ``kind``; the budget
        (None when it cannot be read: the line says nothing rather than something wrong)."""
        from coach.store import StoreError

        self.kind = kind
        try:
            self.budget = self.book.note_budget()
        except StoreError:
            self.budget = None
        budget = self.budget
        is_note = kind == NOTE_KIND
        self.layout.display = "" if budget is not None and is_note else "none"
        if budget is None or not is_note:
            self.warning.value, self.instead.children = "", []
            self.pacing.children = []
            return budget
        colour = "#b00020" if budget.exhausted else ("#b26a00" if budget.last_one else "#2e7d32")
        self.line.value = (
            f'<div class="mw-budget-line" style="color:{colour}">{esc(budget.line())}</div>'
        )
        texts = _texts()
        if budget.exhausted:
            self.warning.value = note(
                texts.text(
                    "exhausted", used=budget.used, limit=budget.limit, resets=_resets(budget)
                ),
                "warn",
            ).value
            self._offer_instead()
        else:
            self.warning.value = (
                note(texts.text("last_one"), "warn").value if budget.last_one else ""
            )
            self.instead.children = []
        self._show_pacing()
        return budget

    def _offer_instead(self) -> None:
        rows = []
        for way in _texts().get("instead"):
            button = w.Button(description=str(way["label"]), icon="pencil")
            button.add_class(f"mw-instead-{way['key']}")
            button.on_click(lambda _b, way=way: self.on_draft(str(way["kind"]), str(way["how"])))
            rows.append(w.HBox([button, w.HTML(f"<small>{esc(way['how'])}</small>")]))
        self.instead.children = rows

    def _show_pacing(self) -> None:
        from coach.errors import LoadError
        from coach.loaders import guide_section
        from coach.settings import get_settings
        from coach.workbook.budget import needs_pacing

        budget = self.budget
        if budget is None or not needs_pacing(budget, get_settings().pacing_invitations):
            self.pacing.children = []
            return
        lead = note(_texts().text("pacing", count=budget.recent_invitations), "info")
        try:
            section = guide_section(GUIDE, PACING_SECTION)
        except LoadError:  # a corpus without that guide: the advice line alone
            self.pacing.children = [lead]
            return
        from coach.widgets.fields import source_list

        sources = source_list([section])
        sources.selected_index = 0
        self.pacing.children = [lead, sources]

    # -- marking a note as sent ------------------------------------------------------------

    def check_before_sending(self, send: Callable[[], None]) -> bool:
        """Whether a note can be marked as sent now. When the month's notes are used up, ask
        first (LinkedIn may have let it go anyway: the person knows) and offer the other ways;
        ``send`` marks it once they say it went."""
        budget = self.budget
        if self.kind != NOTE_KIND or budget is None or not budget.exhausted:
            return True
        texts = _texts()
        yes = w.Button(description=texts.text("confirm_yes"), icon="check")
        yes.add_class("mw-budget-yes")
        no = w.Button(description=texts.text("confirm_no"))

        def went(_b: object) -> None:
            self.confirm.children = []
            send()

        def other_way(_b: object) -> None:
            self.confirm.children = []
            self._offer_instead()

        yes.on_click(went)
        no.on_click(other_way)
        ask = note(texts.text("confirm", limit=budget.limit, used=budget.used), "warn")
        self.confirm.children = [ask, yes, no]
        return False
