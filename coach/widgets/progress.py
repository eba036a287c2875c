"""07 Progress: a journal after meetings, goal progress over time, and 'export my plan'."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from coach.exports import progress_line
from coach.store import StoreError
from coach.widgets.common import StepView, download_link, esc, heading, note
from coach.widgets.fields import AskOnce, Limited
from coach.widgets.page import workbook_page
from coach.workbook import JournalRecord, Workbook
from coach.workbook.kinds import JOURNAL

JOURNAL_MAX = 5000


def progress_svg(entries: list[JournalRecord], goals: dict[str, str]) -> bytes:
    """Progress (0-100 %) of each goal over the journal's dates, each goal named in full."""
    from coach.widgets.svg import goal_progress

    return goal_progress(entries, goals)


def plan_markdown(book: Workbook) -> str:
    """Goals, network, candidates, outreach, meetings and the journal, as one Markdown
    document."""
    from coach.exports import mentoring_plan

    return mentoring_plan(book)


class JournalEntry(w.VBox):  # type: ignore[misc]
    """One entry: its date, text and progress per goal; Delete asks once."""

    def __init__(
        self,
        book: Workbook,
        key: str,
        entry: JournalRecord,
        goals: dict[str, str],
        changed: Callable[[str], None],
    ) -> None:
        self.key = key
        message = w.HTML()
        progress = progress_line(entry, goals)
        text = w.HTML(
            f"<b>{esc(entry.date)}</b>"
            f'<div style="white-space:pre-wrap">{esc(entry.text)}</div>'
            + (f"<small>{esc(progress)}</small>" if progress else "")
        )

        def delete() -> None:
            book.delete(JOURNAL, key)
            changed(f"Deleted the entry of {entry.date}.")

        remove = AskOnce(
            "Delete",
            lambda: f"Delete this entry of {entry.date}? Press again to confirm.",
            delete,
            message,
            icon="trash",
            layout={"width": "auto"},
        )
        super().__init__(
            [text, w.HBox([remove]), message],
            layout=w.Layout(border_bottom="1px solid #eee", padding="4px 0"),
        )


@workbook_page("progress")
def progress_widget(book: Workbook) -> StepView:
    """Journal entries with a progress slider per goal; the entries; the plot; export."""
    text = w.Textarea(
        placeholder="What happened, what you learned, what you will do next",
        layout=w.Layout(width="95%"),
    )
    box = Limited(text, JOURNAL_MAX)
    hint = w.VBox()
    slider_box = w.VBox()
    sliders: dict[str, w.IntSlider] = {}
    add = w.Button(description="Add journal entry", icon="plus", button_style="primary")
    entries_box = w.VBox()
    picture = w.HTML()
    export = w.Button(
        description="Export my plan (Markdown and PDF)",
        icon="download",
        layout=w.Layout(width="auto"),
    )
    link = w.HTML()
    message = w.HTML()
    last: list[object] = [None]

    def changed(said: str) -> None:
        refresh()
        message.value = note(said, "ok").value

    def refresh() -> None:
        """Re-read goals (a goal set since appears), the journal and the chart."""
        from coach.widgets.fields import svg_image

        goals = book.goal_titles()
        newest = book.journal()
        if (goals, newest) == last[0]:  # nothing changed: keep the list and the chart
            return
        last[0] = (goals, newest)
        latest = newest[0][1].progress if newest else {}
        for key in list(sliders):
            if key not in goals:
                del sliders[key]
        rows = []
        for key, title in goals.items():
            if key not in sliders:
                sliders[key] = w.IntSlider(
                    value=int(latest.get(key, 0)), description=f"Goal {key}", min=0, max=100, step=5
                )
            rows.append(w.HBox([sliders[key], w.HTML(f"<small>{esc(title)}</small>")]))
        slider_box.children = rows
        hint.children = [] if goals else [note("Set a goal in step 01 to track its progress here.")]
        entries_box.children = [JournalEntry(book, k, e, goals, changed) for k, e in newest] or [
            w.HTML("<i>No entries yet.</i>")
        ]
        picture.value = svg_image(
            progress_svg([e for _k, e in newest], goals), "Your goals' progress over time"
        )
        link.value = ""  # an earlier export would be out of date

    def on_add(_b: object) -> None:
        if not box.text:
            message.value = note("Write a line or two first.", "warn").value
            return
        if not box.fits:
            message.value = note(f"Not saved: {box.problem()}", "warn").value
            return
        progress = {k: s.value for k, s in sliders.items()}
        try:  # a new entry under its own key: nothing another tab wrote is touched
            book.add_journal_entry(box.text, progress)
        except StoreError as exc:  # a workshop that has ended: say so, keep the text
            message.value = note(str(exc), "error").value
            return
        text.value = ""
        changed("Saved.")

    def on_export(_b: object) -> None:
        from coach.exports import markdown_pdf

        plan = plan_markdown(book)
        links = [
            download_link(
                plan.encode(), "mentoring-plan.md", "text/markdown", "Save mentoring-plan.md"
            )
        ]
        try:
            links.append(
                download_link(
                    markdown_pdf(plan), "mentoring-plan.pdf", "application/pdf", "Save as PDF"
                )
            )
        except Exception as exc:  # noqa: BLE001 (fpdf's failure: say why)
            message.value = note(
                f"The PDF could not be made ({type(exc).__name__}); the Markdown file has "
                "everything.",
                "warn",
            ).value
        link.value = " · ".join(links)

    add.on_click(on_add)
    export.on_click(on_export)
    refresh()
    return StepView(
        [
            heading("Journal"),
            hint,
            box,
            slider_box,
            add,
            message,
            heading("Your entries, newest first", 4),
            entries_box,
            heading("Goal progress"),
            picture,
            heading("Your plan"),
            export,
            link,
        ],
        refresh=refresh,
    )
