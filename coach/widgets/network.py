"""02 Network: the mentors you have and need, drawn as a map that shows the gaps."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as w

from coach.profiles import NAME_MAX
from coach.store import StoreError
from coach.widgets.common import StepView, esc, heading, note
from coach.widgets.fields import AskOnce, ConflictNote, Limited, save_changes, when_changed
from coach.widgets.page import workbook_page
from coach.workbook import NetworkRecord, Workbook
from coach.workbook.kinds import NETWORK

SMALL = {"width": "auto"}
ROW = {"border_bottom": "1px solid #eee", "padding": "2px 0"}

CELLS = [("inside", "senior"), ("inside", "peer"), ("outside", "senior"), ("outside", "peer")]
WHERE = {
    ("inside", "senior"): "Ask your manager to introduce you to a leader you respect in your "
    "organization.",
    ("inside", "peer"): "A colleague one step ahead of you, or in another team: ask for one "
    "piece of advice on a finite project.",
    ("outside", "senior"): "LinkedIn: people further along in your field; mention one or two "
    "specific points from their profile. Alumni associations: your local chapter's events.",
    ("outside", "peer"): "LinkedIn groups and professional networks: take part before you ask. "
    "Family and friends may know someone: tell them you are looking.",
    "industry": "Someone from a completely different field: training programmes, meetups, or "
    "friends of friends.",
}


SIDE = {"inside": "Inside my organization", "outside": "Outside"}
LEVEL = {"senior": "More senior", "peer": "Peer"}
INDUSTRY = {"same": "Same industry", "other": "Another industry"}


def network_svg(rows: list[NetworkRecord]) -> bytes:
    """A 2x2 map (inside/outside x senior/peer) listing each person by their full name
    (long names wrap); an empty cell is a gap. SVG, so it stays sharp at any size."""
    from coach.widgets.svg import network_map

    return network_map(rows, CELLS)


def network_html(rows: list[NetworkRecord]) -> str:
    """The map as a sharp, inert image."""
    from coach.widgets.fields import svg_image

    who = ", ".join(r.name for r in rows) or "nobody yet"
    return svg_image(network_svg(rows), f"Your developmental network: {who}")


def gaps(rows: Sequence[NetworkRecord | Mapping[str, Any]]) -> list[str]:
    """Where to look, for each gap in the network (of people as records, or as stored)."""
    people = [r if isinstance(r, NetworkRecord) else NetworkRecord.load(r) for r in rows]
    out = [WHERE[c] for c in CELLS if not any((r.side, r.level) == c for r in people)]
    if not any(r.industry == "other" for r in people):
        out.append(WHERE["industry"])
    return out


def describe(person: NetworkRecord) -> str:
    """One person as a line of the list (escaped HTML)."""
    parts = (
        SIDE.get(person.side, ""),
        LEVEL.get(person.level, ""),
        INDUSTRY.get(person.industry, ""),
    )
    return f"<b>{esc(person.name)}</b> · " + " · ".join(esc(p) for p in parts if p)


def clean_name(text: str) -> str:
    """A name as saved: inner runs of spaces and line breaks made one space."""
    return " ".join(text.split())


class PersonForm(w.VBox):  # type: ignore[misc]
    """Name, inside/outside, senior/peer and industry: adding someone, or editing them."""

    def __init__(self, person: NetworkRecord | None = None) -> None:
        person = person or NetworkRecord()
        self.name = w.Text(
            value=person.name,
            description="Name",
            placeholder="Someone you turn to for advice",
        )
        self.box = Limited(self.name, NAME_MAX)
        self.side = w.ToggleButtons(
            options=[(label, key) for key, label in SIDE.items()],
            value=person.side or "inside",
        )
        self.level = w.ToggleButtons(
            options=[(label, key) for key, label in LEVEL.items()],
            value=person.level or "senior",
        )
        self.industry = w.Checkbox(
            value=person.industry == "other", description="Works in another industry"
        )
        super().__init__([self.box, self.side, self.level, self.industry])

    def problem(self) -> str | None:
        """What to fix before saving, or None."""
        who = clean_name(self.name.value)
        if not who:
            return "Type a name (or a description such as 'my old team lead')."
        if len(who) > NAME_MAX:
            return f"The name is {len(who)} characters; cut {len(who) - NAME_MAX} to save it."
        return None

    def data(self) -> dict[str, Any]:
        """The person as stored."""
        return {
            "name": clean_name(self.name.value),
            "side": self.side.value,
            "level": self.level.value,
            "industry": "other" if self.industry.value else "same",
        }


class PersonRow(w.VBox):  # type: ignore[misc]
    """One person in the list: Edit (the fields open, with Save and Cancel) and Delete
    (asks once)."""

    def __init__(
        self, book: Workbook, key: str, person: NetworkRecord, changed: Callable[[str], None]
    ) -> None:
        self.book, self.key, self.record, self._changed = book, key, person, changed
        self.line = w.HTML(describe(person))
        self.message = w.HTML()
        self.edit = w.Button(description="Edit", icon="pencil", layout=SMALL)
        self.delete = AskOnce(
            "Delete",
            lambda: f"Remove {self.record.name} from your network? Press again to confirm.",
            self._delete,
            self.message,
            icon="trash",
            layout=SMALL,
        )
        self.edit.on_click(self._open)
        self.form: PersonForm | None = None
        self.conflict = ConflictNote()
        self.show()
        super().__init__(self.children_now(), layout=ROW)

    def children_now(self) -> list[w.Widget]:
        """What the row shows: the line and its buttons, or the edit form."""
        if self.form is None:
            return [w.HBox([self.line, self.edit, self.delete]), self.message]
        save = w.Button(description="Save", icon="check", button_style="primary")
        cancel = w.Button(description="Cancel")
        save.on_click(self._save)
        cancel.on_click(lambda _b: self._close())
        return [self.form, w.HBox([save, cancel]), self.conflict, self.message]

    def show(self) -> None:
        """Redraw the row."""
        self.line.value = describe(self.record)
        self.children = self.children_now()

    def _open(self, _b: object) -> None:
        self.delete.disarm()
        self.message.value = ""
        self.form = PersonForm(self.record)
        self.show()

    def _close(self) -> None:
        self.form = None
        self.message.value = ""
        self.conflict.clear()
        self.show()

    def _save(self, _b: object) -> None:
        assert self.form is not None
        problem = self.form.problem()
        if problem:
            self.message.value = note(problem, "warn").value
            return
        # only what this form changed, each field as it was when the form opened
        save_changes(
            self.book,
            NETWORK,
            self.key,
            self.person,
            self.form.data(),
            self.conflict,
            done=self._saved,
            reload=self._reload,
        )

    @property
    def person(self) -> dict[str, Any]:
        """The person as stored."""
        return self.record.stored()

    def _saved(self, person: NetworkRecord) -> None:
        self.record = person
        self._close()
        self._changed(f"Saved {person.name}.")

    def _reload(self, person: NetworkRecord) -> None:
        """The form shows the person as saved now (another tab's version)."""
        self.record = person
        self.form = PersonForm(person)
        self.show()

    def _delete(self) -> None:
        self.book.delete(NETWORK, self.key)
        self._changed(f"Removed {self.record.name} from your network.")


@workbook_page("network")
def network_widget(book: Workbook) -> StepView:
    """Add the people you turn to; the map, the list and the suggestions follow."""
    form = PersonForm()
    add = w.Button(description="Add to my network", icon="plus", button_style="primary")
    picture = w.HTML()
    listing = w.VBox()
    advice = w.HTML()
    message = w.HTML()

    def changed(said: str) -> None:
        refresh()
        message.value = note(said, "ok").value

    def draw(saved: list[tuple[str, NetworkRecord]]) -> None:
        rows = [d for _k, d in saved]
        picture.value = network_html(rows)
        listing.children = [PersonRow(book, k, d, changed) for k, d in saved] or [
            w.HTML("<i>Nobody yet: add the first person above.</i>")
        ]
        tips = "".join(f"<li>{esc(t)}</li>" for t in gaps(rows))
        advice.value = f"<b>Where to look for the gaps</b><ul>{tips}</ul>" if tips else ""

    refresh = when_changed(book.network, draw)

    def on_add(_b: object) -> None:
        problem = form.problem()
        if problem:
            message.value = note(problem, "warn").value
            return
        person = NetworkRecord.load(form.data())
        try:
            book.add_person(person)
        except StoreError as exc:  # a workshop that has ended: say so, keep the form
            message.value = note(str(exc), "error").value
            return
        form.name.value = ""
        changed(f"Added {person.name}.")

    add.on_click(on_add)
    refresh()
    return StepView(
        [
            heading("Who do you turn to?"),
            form,
            add,
            message,
            picture,
            heading("The people in your network", 4),
            listing,
            advice,
        ],
        refresh=refresh,
    )
