"""00 Start here: which coach is active, and your data: download it or delete it."""

from __future__ import annotations

import json

import ipywidgets as w

from coach.widgets.common import CoachStatus, StepView, download_link, heading, note
from coach.widgets.page import workbook_page
from coach.widgets.profile import profile_widget
from coach.workbook import Workbook


@workbook_page("start")
def start_widget(book: Workbook) -> StepView:
    """Coach status, your profile, and 'download my data' / 'delete my data'."""
    link = w.HTML()
    wide = w.Layout(width="auto")
    export = w.Button(description="Download my data (JSON)", icon="download", layout=wide)
    delete = w.Button(
        description="Delete my data", icon="trash", button_style="danger", layout=wide
    )
    confirm = w.Text(placeholder="type DELETE to confirm", layout=w.Layout(display="none"))
    message = w.HTML()

    def on_export(_b: object) -> None:
        payload = json.dumps(book.export(), ensure_ascii=False, indent=2).encode()
        link.value = download_link(
            payload,
            "mentor-workbook-data.json",
            "application/json",
            "Click to save mentor-workbook-data.json",
        )

    def on_delete(_b: object) -> None:
        if confirm.layout.display == "none":
            confirm.layout.display = ""
            message.value = note(
                "This deletes everything you entered. Type DELETE and press the button again.",
                "warn",
            ).value
            return
        if confirm.value.strip() != "DELETE":
            message.value = note("Not deleted: type DELETE to confirm.", "warn").value
            return
        n = book.erase()
        about.refresh()
        confirm.value, confirm.layout.display = "", "none"
        message.value = note(f"Deleted {n} saved items: every step now starts empty.", "ok").value

    def refresh() -> None:
        about.refresh()
        link.value = message.value = ""  # an old download would hold old data
        confirm.value, confirm.layout.display = "", "none"

    export.on_click(on_export)
    delete.on_click(on_delete)
    about = profile_widget(book)
    return StepView(
        [
            CoachStatus(warm=False),
            about,
            heading("Your data"),
            w.HBox([export, delete, confirm]),
            link,
            message,
        ],
        refresh=refresh,
    )
