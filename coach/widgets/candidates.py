"""03 Candidates: possible mentors, what you noticed about them, the five questions, and a
pipeline from idea to active mentor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from coach.profiles import NAME_MAX, NOTE_MAX, NOTE_MIN, NOTES_MAX, SHORT_MAX
from coach.store import StoreError
from coach.widgets.common import StepView, esc, heading, note
from coach.widgets.fields import (
    AskOnce,
    ConflictNote,
    Limited,
    hint,
    save_changes,
    when_changed,
)
from coach.widgets.page import workbook_page
from coach.workbook import STAGES, CandidateRecord, Workbook
from coach.workbook.kinds import CANDIDATE
from coach.workbook.records import MENTOR_FIELDS

CHANNELS = [
    ("LinkedIn", "linkedin"),
    ("Alumni association", "alumni"),
    ("Family and friends", "family-friends"),
    ("A colleague", "colleague"),
    ("An event", "event"),
    ("A group or network", "group"),
]
RELATIONS = [("Outside my organization", "outside"), ("Inside", "inside")]
QUESTIONS = [
    ("committed", "Committed to their own success in the field?"),
    ("beyond", "Takes on tasks beyond their job?"),
    ("connected", "Well connected and up to date?"),
    ("approachable", "Easy to talk to?"),
    ("time", "Able to make time for you?"),
]


def layout() -> w.Layout:
    """A wide field (a new Layout each time: a widget's layout is its own)."""
    return w.Layout(width="95%")


class CandidateForm(w.VBox):  # type: ignore[misc]
    """The fields of a candidate, for adding one or editing one; each shows its limit."""

    def __init__(self, data: CandidateRecord | None = None) -> None:
        data = data or CandidateRecord()
        self.name = w.Text(description="Name", placeholder="e.g. Daniel Okafor", layout=layout())
        self.headline = w.Text(
            description="Headline", placeholder="e.g. Director of Product", layout=layout()
        )
        self.org = w.Text(description="Organization", layout=layout())
        self.relation = w.ToggleButtons(options=RELATIONS)
        self.channel = w.Dropdown(options=CHANNELS, description="Found via")
        self.notes = w.Textarea(
            description="Noticed",
            layout=layout(),
            placeholder="Specific, checkable points, one per line "
            "(e.g. wrote a post on discovery sprints)",
        )
        self.mutual = w.Text(
            description="Mutual",
            placeholder="Someone you both know (optional)",
            layout=layout(),
        )
        self.boxes = [
            Limited(self.name, NAME_MAX),
            Limited(self.headline, SHORT_MAX),
            Limited(self.org, SHORT_MAX),
        ]
        self.fill(data)
        super().__init__(
            [
                *self.boxes,
                self.relation,
                self.channel,
                self.notes,
                hint(
                    f"One point per line: up to {NOTES_MAX}, each {NOTE_MIN} to {NOTE_MAX} "
                    "characters."
                ),
                Limited(self.mutual, SHORT_MAX),
            ]
        )

    def fill(self, data: CandidateRecord) -> None:
        """Show a saved candidate (or empty fields)."""
        self.name.value = data.name
        self.headline.value = data.headline
        self.org.value = data.organization
        self.relation.value = data.relation
        self.channel.value = data.channel
        self.notes.value = "\n".join(data.notes)
        self.mutual.value = data.mutual_connection

    def clear(self) -> None:
        """Empty the typed fields for the next candidate (the choices stay)."""
        for field in (self.name, self.headline, self.org, self.notes, self.mutual):
            field.value = ""

    def candidate(self) -> tuple[Any, str | None]:
        """(The MentorCandidate, None), or (None, what to fix in plain words)."""
        from pydantic import ValidationError

        from coach.profiles import MentorCandidate, say_what_to_fix

        try:
            return MentorCandidate(
                name=self.name.value,
                headline=self.headline.value,
                organization=self.org.value,
                relation=self.relation.value,
                channel=self.channel.value,
                notes=[ln.strip() for ln in self.notes.value.splitlines() if ln.strip()],
                mutual_connection=self.mutual.value,
            ), None
        except ValidationError as exc:
            return None, say_what_to_fix(exc)


def card_html(data: CandidateRecord) -> str:
    """A candidate's name, headline, organization, notes and mutual connection (escaped)."""
    where = " · ".join(esc(v) for v in (data.headline, data.organization) if v)
    mutual = data.mutual_connection
    also = f"<br><small>You both know {esc(mutual)}</small>" if mutual else ""
    return (
        f"<b>{esc(data.name)}</b>{' · ' + where if where else ''}"
        f"<br><small>{esc('; '.join(data.notes))}</small>{also}"
    )


class CandidateCard(w.VBox):  # type: ignore[misc]
    """One candidate: ratings and pipeline stage, saved on change; Edit and Delete."""

    def __init__(
        self,
        book: Workbook,
        key: str,
        data: CandidateRecord,
        changed: Callable[[str], None] | None = None,
    ) -> None:
        self.book, self.key, self.record = book, key, data
        self._changed = changed or (lambda _said: None)
        self.title = w.HTML(card_html(data))
        self.message = w.HTML()
        self.edit = w.Button(description="Edit", icon="pencil", layout={"width": "auto"})
        self.delete = AskOnce(
            "Delete",
            lambda: (
                f"Delete {self.record.name} and their drafts and meetings? Press again to confirm."
            ),
            self._delete,
            self.message,
            icon="trash",
            layout={"width": "auto"},
        )
        self.edit.on_click(self._open)
        self.stage = w.Dropdown(
            options=[(s.capitalize(), s) for s in STAGES],
            value=data.stage,
            description="Stage",
        )
        self.ratings = {
            k: w.IntSlider(
                value=data.ratings.get(k, 3),
                min=1,
                max=5,
                description="",
                layout=w.Layout(width="200px"),
            )
            for k, _ in QUESTIONS
        }
        self.rows = [w.HBox([self.ratings[k], w.Label(q)]) for k, q in QUESTIONS]
        self.score = w.HTML()
        self.form: CandidateForm | None = None
        self.conflict = ConflictNote()
        self.stage.observe(lambda _c: self.save_stage(), names="value")
        for k, s in self.ratings.items():
            s.observe(lambda _c, k=k: self.save_rating(k), names="value")
        self._show_score()
        super().__init__(
            self._parts(), layout=w.Layout(border="1px solid #ddd", padding="6px", margin="4px 0")
        )

    def _parts(self) -> list[w.Widget]:
        if self.form is None:
            top: list[w.Widget] = [self.title, w.HBox([self.edit, self.delete])]
        else:
            save = w.Button(description="Save changes", icon="check", button_style="primary")
            cancel = w.Button(description="Cancel")
            save.on_click(self._save_edit)
            cancel.on_click(lambda _b: self._close())
            top = [self.form, w.HBox([save, cancel]), self.conflict]
        return [*top, self.message, self.stage, *self.rows, self.score]

    def _show_score(self) -> None:
        total = sum(s.value for s in self.ratings.values())
        dates = self.record.stage_dates
        trail = " → ".join(f"{esc(s)} ({esc(d[:10])})" for s, d in dates.items())
        self.score.value = f"<small>Five-question score: {total}/25. {trail}</small>"

    @property
    def data(self) -> dict[str, Any]:
        """The candidate as stored."""
        return self.record.stored()

    def _change(self, fn: Callable[[], CandidateRecord]) -> None:
        """Change the stored candidate (atomically, in the workbook: another tab's edits
        stay; one deleted meanwhile comes back as shown here), then show it."""
        try:
            self.record = fn()
        except StoreError as exc:  # a workshop that has ended
            self.message.value = note(str(exc), "error").value
            return
        self._show_score()

    def save_rating(self, name: str) -> None:
        """Save one of the five ratings (the other four as saved, maybe by another tab)."""
        value = self.ratings[name].value
        self._change(lambda: self.book.rate_candidate(self.key, name, value, fallback=self.record))

    def save_stage(self) -> None:
        """Save the stage, with the date it was reached."""
        stage = self.stage.value
        self._change(lambda: self.book.move_candidate(self.key, stage, fallback=self.record))

    def _open(self, _b: object) -> None:
        self.delete.disarm()
        self.message.value = ""
        self.form = CandidateForm(self.record)
        self.children = self._parts()

    def _close(self) -> None:
        self.form = None
        self.message.value = ""
        self.conflict.clear()
        self.children = self._parts()

    def _save_edit(self, _b: object) -> None:
        assert self.form is not None
        cand, problem = self.form.candidate()
        if problem:
            self.message.value = note(problem, "warn").value
            return
        # only the fields changed in this form, each as it was when the form opened: the
        # stage, ratings and dates, and any field another tab changed, stay as saved
        loaded = {k: self.record.saved(k) for k in MENTOR_FIELDS}
        save_changes(
            self.book,
            CANDIDATE,
            self.key,
            loaded,
            cand.model_dump(mode="json"),
            self.conflict,
            done=lambda data: self._saved(data, cand.name),
            reload=self._reload,
        )

    def _saved(self, data: CandidateRecord, name: str) -> None:
        self.record = data
        self.title.value = card_html(data)
        self._close()
        self._changed(f"Saved {name}.")

    def _reload(self, data: CandidateRecord) -> None:
        """The form shows the candidate as saved now (another tab's version)."""
        self.record = data
        self.title.value = card_html(data)
        if self.form is not None:
            self.form.fill(data)

    def _delete(self) -> None:
        self.book.delete_candidate(self.key)
        self._changed(f"Deleted {self.record.name}.")


@workbook_page("candidates")
def candidates_widget(book: Workbook) -> StepView:
    """A form to add candidates and a card for each one."""
    form = CandidateForm()
    add = w.Button(description="Add candidate", button_style="primary", icon="plus")
    message = w.HTML()
    cards = w.VBox()

    def changed(said: str) -> None:
        refresh()
        message.value = note(said, "ok").value

    def draw(saved: list[tuple[str, CandidateRecord]]) -> None:
        cards.children = [CandidateCard(book, k, d, changed) for k, d in saved] or [
            w.HTML("<i>No candidates yet: add the first one above.</i>")
        ]

    refresh = when_changed(book.candidates, draw)

    def on_add(_b: object) -> None:
        cand, problem = form.candidate()
        if problem:
            message.value = note(problem, "warn").value
            return
        try:
            book.add_candidate(cand)
        except StoreError as exc:  # a workshop that has ended: say so, keep the form
            message.value = note(str(exc), "error").value
            return
        form.clear()
        changed(f"Added {cand.name}.")

    add.on_click(on_add)
    refresh()
    top = w.VBox([heading("Add a possible mentor"), form, add, message])
    return StepView([top, heading("Your candidates"), cards], refresh=refresh)
