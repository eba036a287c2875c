"""Your profile: who you are, used in every draft."""

from __future__ import annotations

import ipywidgets as w

from coach.profiles import NAME_MAX, SHORT_MAX
from coach.widgets.common import StepView, autosave, heading, owner, store
from coach.widgets.fields import Limited

FIELDS = [
    ("name", "Name", "e.g. Priya Raman", NAME_MAX),
    ("headline", "Headline", "e.g. Data analyst moving into product management", SHORT_MAX),
    ("organization", "Organization", "Where you work or study", SHORT_MAX),
    ("industry", "Industry", "e.g. healthcare", SHORT_MAX),
]


def profile_widget() -> StepView:
    """Name, headline, organization, industry and LinkedIn account type, saved on change
    (a field over its limit is kept in its box, with how much to cut, and not saved)."""
    boxes = {
        key: Limited(
            w.Text(placeholder=hint, description=label, layout=w.Layout(width="95%")), limit
        )
        for key, label, hint, limit in FIELDS
    }
    account = w.ToggleButtons(options=[("Free LinkedIn", "free"), ("Premium", "premium")])
    loading = [False]

    def load() -> None:
        data = store().get(owner(), "profile", "me") or {}
        loading[0] = True
        try:
            for key, box in boxes.items():
                box.field.value = data.get(key, "")
            account.value = data.get("linkedin_account", "free")
        finally:
            loading[0] = False

    def save() -> None:
        if loading[0]:
            return
        current = store().get(owner(), "profile", "me") or {}
        current.update({k: box.text for k, box in boxes.items() if box.fits})
        current["linkedin_account"] = account.value
        store().put(owner(), "profile", "me", current)

    load()
    for widget in [*(b.field for b in boxes.values()), account]:
        autosave(widget, save)
    return StepView([heading("About you"), *boxes.values(), account], refresh=load)
