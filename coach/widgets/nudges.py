"""The follow-ups due on a step (outreach: follow-ups, check-ins, letting go; meetings:
notes), one line each, with what one click does, "Snooze a week", "Dismiss" and a calendar
reminder. The rules are :mod:`coach.workbook.followups`; this only shows them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from coach.errors import CoachError
from coach.widgets.common import QuietRepr, download_link, esc, note
from coach.workbook import Workbook
from coach.workbook.followups import Nudge

log = logging.getLogger(__name__)


class NudgePanel(QuietRepr, w.VBox):  # type: ignore[misc]
    """The nudges due for ``steps`` (the app's step slugs); nothing at all when none are."""

    def __init__(
        self,
        book: Workbook,
        *,
        steps: tuple[str, ...] = ("outreach",),
        on_action: Callable[[Nudge], None] | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__([])
        self.add_class("mw-nudges")
        self.book, self.steps, self.on_action, self.today = book, steps, on_action, today
        self.shown: list[Nudge] = []
        self.message = w.HTML()
        self.refresh()

    def refresh(self) -> None:
        """Show what is due now (a nudge acted on, snoozed or dismissed elsewhere goes)."""
        self._redraw("")

    def _redraw(self, message: str, kind: str = "ok") -> None:
        from coach.workbook import followups

        rows: list[w.Widget] = []
        try:
            due = followups.for_book(self.book, self.today())
            self.shown = [n for n in due if n.step in self.steps]
            rows = [self._row(n) for n in self.shown]
        except CoachError as exc:  # a hint: the step stays usable, and says so once
            log.warning("follow-up nudges could not be read: %s", exc)
            self.shown = []
            message, kind = _unreadable(), "warn"
        self.message.value = note(message, kind).value if message else ""
        head = [w.HTML(f"<h4>{esc(_words().messages.heading)}</h4>")] if rows else []
        self.children = [*head, *rows, *([self.message] if message else [])]
        self.layout.display = "" if self.children else "none"

    def _row(self, nudge: Nudge) -> w.Widget:
        from coach.exports import nudge_ics

        buttons = _words().buttons
        text = w.HTML(
            f'<div class="mw-nudge-title">{esc(nudge.title)}</div>'
            f'<small class="mw-nudge-detail">{esc(nudge.detail)}</small>'
        )
        act = w.Button(description=nudge.label, button_style="info", icon="pencil")
        later = w.Button(description=buttons.snooze, tooltip=buttons.snooze_tip)
        drop = w.Button(description=buttons.dismiss, tooltip=buttons.dismiss_tip)
        act.on_click(lambda _b: self._act(nudge))
        later.on_click(lambda _b: self._snooze(nudge))
        drop.on_click(lambda _b: self._dismiss(nudge))
        ics = nudge_ics(nudge, today=self.today())
        link = w.HTML(download_link(ics, "follow-up.ics", "text/calendar", buttons.ics))
        row = w.VBox([text, w.HBox([act, later, drop, link])])
        row.add_class("mw-nudge")
        return row

    # -- the person's clicks -----------------------------------------------------------

    def _act(self, nudge: Nudge) -> None:
        from coach.store import StoreError
        from coach.workbook import followups

        if nudge.action == "close":
            try:
                moved = followups.let_go(self.book, nudge, self.today())
            except StoreError as exc:
                self._redraw(str(exc), "warn")
                return
            said = _words().messages.closed if moved else _words().messages.gone
            self._redraw(followups.say(said, name=nudge.first_name))
            return
        if self.on_action is not None:
            self.on_action(nudge)

    def _snooze(self, nudge: Nudge) -> None:
        from coach.store import StoreError
        from coach.workbook import followups

        try:
            mark = followups.snooze(self.book, nudge.id, today=self.today())
        except StoreError as exc:
            self._redraw(str(exc), "warn")
            return
        until = dt.date.fromisoformat(mark.until or self.today().isoformat())
        self._redraw(followups.say(_words().messages.snoozed, date=until, today=self.today()))

    def _dismiss(self, nudge: Nudge) -> None:
        from coach.store import StoreError
        from coach.workbook import followups

        try:
            followups.dismiss(self.book, nudge.id)
        except StoreError as exc:
            self._redraw(str(exc), "warn")
            return
        self._redraw(_words().messages.dismissed)


def _words() -> Any:
    from coach.workbook.followups import wording

    return wording()


def _unreadable() -> str:
    """What the panel says when the nudges cannot be read ('' when its own wording file is
    what cannot be read: then it says nothing)."""
    try:
        return str(_words().messages.unreadable)
    except CoachError:
        return ""
