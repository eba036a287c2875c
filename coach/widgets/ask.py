"""06 Coach: ask anything about mentoring; answers cite their sources, which open on click."""

from __future__ import annotations

import ipywidgets as w

from coach.widgets.common import CoachStatus, heading, note, safe_markdown
from coach.widgets.fields import source_list
from coach.widgets.page import workbook_page
from coach.workbook import Workbook


@workbook_page("coach", coach=True)
def coach_widget(_book: Workbook) -> w.VBox:
    """A question box, the answer, and its sources (nothing of the workbook is read)."""
    question = w.Textarea(
        placeholder="e.g. How often should my mentor and I meet?",
        layout=w.Layout(width="95%", height="70px"),
    )
    go = w.Button(description="Ask the coach", button_style="primary", icon="comments")
    answer = w.HTML()
    sources = w.VBox()

    def on_ask(_b: object) -> None:
        from coach.errors import CoachError
        from coach.tasks import ask

        answer.value = note("Thinking…").value
        sources.children = []
        try:
            result = ask(question.value)
        except CoachError as exc:
            answer.value = note(str(exc), "warn").value
            return
        body = safe_markdown(result.text)
        if result.fallback_reason:
            body += note(result.fallback_reason, "warn").value
        answer.value = f'<div class="mw-answer">{body}</div>'
        if result.citations:
            sources.children = [heading("Sources", 4), source_list(result.citations)]

    go.on_click(on_ask)
    return w.VBox([CoachStatus(), question, go, answer, sources])
