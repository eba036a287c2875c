"""What every workbook page does around its widget: get ready before anyone opens it, learn
whose page it is and open their workbook (handed to the view), and (in a workshop) show the
cohort banner and record where people are."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec

import ipywidgets as w

from coach.widgets.common import Following, esc, note, prepare_page

if TYPE_CHECKING:
    from coach.workbook import Workbook

P = ParamSpec("P")
BANNER_SECONDS = 15.0


def open_workbook(step: str) -> tuple[Workbook, Any]:
    """Whose workbook this page shows, and their workshop seat (None outside a workshop).
    Personal use: the one local person (:func:`coach.workbook.personal_owner`). Workshop:
    the participant whose join link set the cookie, or :class:`NoSeat` (nothing is shown)."""
    from coach.settings import get_settings
    from coach.workbook import Workbook, personal_owner
    from coach.workshop import NoSeat, request_cookies, seat_from_cookies

    if not get_settings().workshop:
        return Workbook.open(personal_owner()), None
    seat = seat_from_cookies(request_cookies())
    if seat is None:
        raise NoSeat(
            "This workshop page opens from your personal join link. If you used it already, "
            "the workshop may have ended: ask your facilitator."
        )
    from coach.cohorts import record_activity

    record_activity(seat.id, step)
    return Workbook.open(seat.id), seat


class CohortBanner(Following, w.HTML):  # type: ignore[misc]
    """Workshop name and the segment the facilitator is running, kept up to date."""

    def __init__(self, cohort: str) -> None:
        from coach.cohorts import get_cohort

        found = get_cohort(cohort)
        self.cohort = cohort
        self.title = found.title if found else cohort
        super().__init__(value=self.text())
        self.follow(BANNER_SECONDS, "mw-cohort-banner")

    def tick(self) -> None:
        self.value = self.text()

    def text(self) -> str:
        from coach.workshop import current_segment, segment_status

        now = segment_status(current_segment(self.cohort), time.time())
        segment = f" · Now: {esc(now)}" if now else ""
        return f'<div class="mw-banner">Workshop: <b>{esc(self.title)}</b>{segment}</div>'


def workbook_page(
    step: str, *, coach: bool = False
) -> Callable[[Callable[Concatenate[Workbook, P], w.Widget]], Callable[P, w.Widget]]:
    """Wrap a page's view builder, which takes the person's workbook first: the page readies
    itself, opens the workbook of whoever opened it and adds the banner. The builder stays
    at the page's ``__wrapped__`` (the workbook app builds each step's view with it)."""

    def wrap(build: Callable[Concatenate[Workbook, P], w.Widget]) -> Callable[P, w.Widget]:
        @functools.wraps(build)
        def page(*args: P.args, **kwargs: P.kwargs) -> w.Widget:
            from coach.workshop import NoSeat

            prepare_page(coach=coach)
            try:
                book, seat = open_workbook(step)
            except NoSeat as exc:
                return note(str(exc), "warn")
            view = build(book, *args, **kwargs)
            if seat is None:
                return view
            return w.VBox([CohortBanner(seat.cohort), view])

        return page

    return wrap


def share_toggle(book: Workbook, kind: str, key: str, field: str, label: str) -> w.Widget:
    """In a workshop, "Share with facilitator" for one item (and unshare); else nothing."""
    from coach.settings import get_settings

    if not get_settings().workshop:
        return w.HBox()
    is_shared = book.is_shared(kind, key)
    toggle = w.ToggleButton(
        value=is_shared,
        description="Shared with facilitator" if is_shared else "Share with facilitator",
        icon="eye" if is_shared else "eye-slash",
        tooltip="Only what you share is visible to the facilitator; press again to unshare",
        layout=w.Layout(width="auto"),
    )

    def on_change(change: dict[str, Any]) -> None:
        from coach.store import StoreError

        try:
            if change["new"]:
                book.share(kind, key, field, label)
                toggle.description, toggle.icon = "Shared with facilitator", "eye"
            else:
                book.unshare(kind, key)
                toggle.description, toggle.icon = "Share with facilitator", "eye-slash"
        except StoreError as exc:  # e.g. the workshop has ended: say so, share nothing
            toggle.unobserve(on_change, names="value")
            toggle.value = change["old"]
            toggle.observe(on_change, names="value")
            toggle.description, toggle.tooltip = "Not shared", str(exc)

    toggle.observe(on_change, names="value")
    return toggle
