"""Your profile: who you are, used in every draft."""

from __future__ import annotations

import ipywidgets as w

from coach.profiles import NAME_MAX, SHORT_MAX
from coach.widgets.common import StepView, heading
from coach.widgets.fields import Limited, SavedField, limited_field
from coach.workbook import Workbook
from coach.workbook.kinds import PROFILE, PROFILE_KEY

FIELDS = [
    ("name", "Name", "e.g. Priya Raman", NAME_MAX),
    ("headline", "Headline", "e.g. Data analyst moving into product management", SHORT_MAX),
    ("organization", "Organization", "Where you work or study", SHORT_MAX),
    ("industry", "Industry", "e.g. healthcare", SHORT_MAX),
]


def profile_widget(book: Workbook) -> StepView:
    """Name, headline, organization, industry and LinkedIn account type, saved on change
    (a field over its limit is kept in its box, with how much to cut, and not saved)."""
    boxes = {
        key: Limited(
            w.Text(placeholder=hint, description=label, layout=w.Layout(width="95%")), limit
        )
        for key, label, hint, limit in FIELDS
    }
    account = w.ToggleButtons(options=[("Free LinkedIn", "free"), ("Premium", "premium")])
    fields = [limited_field(book, box, PROFILE, PROFILE_KEY, key) for key, box in boxes.items()]
    fields.append(
        SavedField(
            book,
            account,
            PROFILE,
            PROFILE_KEY,
            "linkedin_account",
            show=lambda value: setattr(account, "value", value or "free"),
        )
    )

    def load() -> None:
        data = book.profile()
        for field in fields:
            field.load(data)

    load()
    parts: list[w.Widget] = []
    for field in fields:  # each with its "changed in another tab" note beside it
        parts += [boxes.get(field.field, field.widget), field.note]
    return StepView([heading("About you"), *parts], refresh=load)
