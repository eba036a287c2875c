"""Your profile: who you are, used in every draft."""

from __future__ import annotations

import ipywidgets as w

from coach.widgets.common import autosave, heading, owner, store

FIELDS = [
    ("name", "Name", "e.g. Priya Raman"),
    ("headline", "Headline", "e.g. Data analyst moving into product management"),
    ("organization", "Organization", "Where you work or study"),
    ("industry", "Industry", "e.g. healthcare"),
]


def profile_widget() -> w.VBox:
    """Name, headline, organization, industry and LinkedIn account type, saved on change."""
    data = store().get(owner(), "profile", "me") or {}
    inputs = {
        key: w.Text(
            value=data.get(key, ""),
            placeholder=hint,
            description=label,
            layout=w.Layout(width="95%"),
        )
        for key, label, hint in FIELDS
    }
    account = w.ToggleButtons(
        options=[("Free LinkedIn", "free"), ("Premium", "premium")],
        value=data.get("linkedin_account", "free"),
    )

    def save() -> None:
        current = store().get(owner(), "profile", "me") or {}
        current.update({k: v.value.strip()[:160] for k, v in inputs.items()})
        current["name"] = current["name"][:60]
        current["linkedin_account"] = account.value
        store().put(owner(), "profile", "me", current)

    for widget in [*inputs.values(), account]:
        autosave(widget, save)
    return w.VBox([heading("About you"), *inputs.values(), account])
