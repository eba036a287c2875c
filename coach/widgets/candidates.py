"""03 Candidates: possible mentors, what you noticed about them, the five questions, and a
pipeline from idea to active mentor."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import ipywidgets as w

from coach.widgets.common import esc, heading, note, owner, store
from coach.widgets.page import workbook_page

STAGES = ["idea", "researched", "contacted", "replied", "meeting", "active", "closed"]
QUESTIONS = [
    ("committed", "Committed to their own success in the field?"),
    ("beyond", "Takes on tasks beyond their job?"),
    ("connected", "Well connected and up to date?"),
    ("approachable", "Easy to talk to?"),
    ("time", "Able to make time for you?"),
]
LAYOUT = w.Layout(width="95%")
MENTOR_FIELDS = (
    "name",
    "headline",
    "organization",
    "relation",
    "channel",
    "notes",
    "mutual_connection",
)


def all_candidates() -> list[tuple[str, dict]]:
    """Every saved candidate (key, data), oldest first."""
    return store().all(owner(), "candidate")


def pair_for(key: str | None) -> tuple[Any, Any]:
    """(my Profile, the MentorCandidate saved under ``key``), or a message saying what to
    fill in first, raised as a CoachError."""
    from pydantic import ValidationError

    from coach.errors import CoachError
    from coach.profiles import MentorCandidate, explain
    from coach.widgets.outreach import my_profile

    if key is None:
        raise CoachError("Add a candidate in step 03 first.")
    data = store().get(owner(), "candidate", key) or {}
    fields = {k: data[k] for k in MENTOR_FIELDS if k in data}
    try:
        return my_profile(), MentorCandidate.model_validate(fields)
    except ValidationError as exc:
        raise CoachError(explain(exc, "Fill in your profile and the candidate first")) from None


class CandidateCard(w.VBox):
    """One candidate: ratings and pipeline stage, saved on change."""

    def __init__(self, key: str, data: dict) -> None:
        self.key, self.data = key, data
        title = w.HTML(
            f"<b>{esc(data['name'])}</b> · {esc(data.get('headline', ''))}"
            f"<br><small>{esc(', '.join(data.get('notes', [])))}</small>"
        )
        self.stage = w.Dropdown(
            options=STAGES, value=data.get("stage", "idea"), description="Stage"
        )
        self.ratings = {
            k: w.IntSlider(
                value=data.get("ratings", {}).get(k, 3),
                min=1,
                max=5,
                description="",
                layout=w.Layout(width="200px"),
            )
            for k, _ in QUESTIONS
        }
        rows = [w.HBox([self.ratings[k], w.Label(q)]) for k, q in QUESTIONS]
        self.score = w.HTML()
        self.stage.observe(lambda _c: self.save(), names="value")
        for s in self.ratings.values():
            s.observe(lambda _c: self.save(), names="value")
        self._show_score()
        super().__init__(
            [title, self.stage, *rows, self.score],
            layout=w.Layout(border="1px solid #ddd", padding="6px", margin="4px 0"),
        )

    def _show_score(self) -> None:
        total = sum(s.value for s in self.ratings.values())
        dates = self.data.get("stage_dates", {})
        trail = " → ".join(f"{esc(s)} ({esc(d[:10])})" for s, d in dates.items())
        self.score.value = f"<small>Five-question score: {total}/25. {trail}</small>"

    def save(self) -> None:
        """Write ratings and stage (with the date each stage was reached)."""
        data = store().get(owner(), "candidate", self.key) or self.data
        data["ratings"] = {k: s.value for k, s in self.ratings.items()}
        if data.get("stage") != self.stage.value:
            data["stage"] = self.stage.value
            data.setdefault("stage_dates", {})[self.stage.value] = dt.date.today().isoformat()
        store().put(owner(), "candidate", self.key, data)
        self.data = data
        self._show_score()


@workbook_page("candidates")
def candidates_widget() -> w.VBox:
    """A form to add candidates and a card for each one."""
    name = w.Text(description="Name", placeholder="e.g. Daniel Okafor", layout=LAYOUT)
    headline = w.Text(description="Headline", placeholder="e.g. Director of Product", layout=LAYOUT)
    org = w.Text(description="Organization", layout=LAYOUT)
    relation = w.ToggleButtons(
        options=[("Outside my organization", "outside"), ("Inside", "inside")]
    )
    channel = w.Dropdown(
        options=["linkedin", "alumni", "family-friends", "colleague", "event", "group"],
        description="Found via",
    )
    notes = w.Textarea(
        description="Noticed",
        layout=LAYOUT,
        placeholder="Specific, checkable points, one per line "
        "(e.g. wrote a post on discovery sprints)",
    )
    add = w.Button(description="Add candidate", button_style="primary", icon="plus")
    message = w.HTML()
    cards = w.VBox()

    def refresh() -> None:
        cards.children = [CandidateCard(k, d) for k, d in all_candidates()]

    def on_add(_b: object) -> None:
        from pydantic import ValidationError

        from coach.profiles import MentorCandidate, explain

        points = [ln.strip() for ln in notes.value.splitlines() if ln.strip()]
        try:
            cand = MentorCandidate(
                name=name.value,
                headline=headline.value,
                organization=org.value,
                relation=relation.value,
                channel=channel.value,
                notes=points,
            )
        except ValidationError as exc:
            message.value = note(explain(exc, "Candidate"), "warn").value
            return
        data = cand.model_dump(mode="json")
        data.update(stage="idea", stage_dates={"idea": dt.date.today().isoformat()}, ratings={})
        store().put(owner(), "candidate", uuid.uuid4().hex[:12], data)
        for field in (name, headline, org, notes):
            field.value = ""
        message.value = note(f"Added {cand.name}.", "ok").value
        refresh()

    add.on_click(on_add)
    refresh()
    form = w.VBox(
        [
            heading("Add a possible mentor"),
            name,
            headline,
            org,
            relation,
            channel,
            notes,
            add,
            message,
        ]
    )
    return w.VBox([form, heading("Your candidates"), cards])
