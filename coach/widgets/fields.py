"""Form pieces the steps share: fields that show their limit, buttons that ask once, and
saving that loses nothing between tabs.

A limit is shown where a person types ("142 / 300") and enforced before saving, never by
cutting: a value over the limit stays in the box, in red, with how much to cut, and the
store keeps the last value that fitted.

Every edit saves only the field it changed (:class:`SavedField`, :func:`save_changes`), as
a field-level merge in the store, so a second tab or window never erases what the first
wrote. When both changed the same field, the second is told so beside it, keeps its text,
and chooses: Keep mine (save it over the other) or Reload (show the other).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import ipywidgets as w

from coach.store import Conflict, StoreError, as_stored
from coach.widgets.common import esc, note

if TYPE_CHECKING:
    from coach.models import Passage
    from coach.workbook import Record, Workbook

T = TypeVar("T")

GREY, RED = "#666", "#b00020"


class Limited(w.VBox):  # type: ignore[misc]
    """A Text or Textarea with its character limit shown under it."""

    def __init__(self, field: w.Text | w.Textarea, limit: int, hint: str = "") -> None:
        self.field, self.limit, self.hint = field, limit, hint
        self.counter = w.HTML()
        field.observe(lambda _c: self.count(), names="value")
        self.count()
        super().__init__([field, self.counter], layout=w.Layout(width="100%"))

    @property
    def text(self) -> str:
        """The value as it would be saved (surrounding spaces removed)."""
        return str(self.field.value).strip()

    @property
    def fits(self) -> bool:
        """Whether the value is within the limit."""
        return len(self.text) <= self.limit

    def problem(self) -> str | None:
        """How much to cut, or None when the value fits."""
        from coach.profiles import too_long

        return too_long(self.text, self.limit)

    def count(self) -> None:
        """Show the count, in red with how much to cut when over the limit."""
        cut = self.problem()
        text = cut or f"{len(self.text)} / {self.limit} characters"
        if self.hint and not cut:
            text = f"{text} · {self.hint}"
        self.counter.value = hint_html(
            text, error=cut is not None, indent=bool(self.field.description)
        )


def hint_html(text: str, *, error: bool = False, indent: bool = True) -> str:
    """A small line under a field (our own text, escaped): grey, or red for a problem."""
    classes = "mw-limit mw-indent" if indent else "mw-limit"
    colour = RED if error else GREY
    return f'<small class="{classes}" style="color:{colour}">{esc(text)}</small>'


def hint(text: str, *, indent: bool = True) -> w.HTML:
    """A small grey line under a field."""
    return w.HTML(hint_html(text, indent=indent))


class AskOnce(w.Button):  # type: ignore[misc]
    """A button that asks before it acts: the first press says what will happen, the
    second does it. Anything else that resets the view (a refresh) disarms it."""

    def __init__(
        self,
        description: str,
        question: Callable[[], str],
        act: Callable[[], None],
        message: w.HTML,
        **kwargs: object,
    ) -> None:
        super().__init__(description=description, **kwargs)
        self._label, self._question, self._act, self._message = description, question, act, message
        self.armed = False
        self.on_click(self._press)

    def _press(self, _b: object) -> None:
        if not self.armed:
            self.armed = True
            self.description, self.button_style = f"Yes, {self._label.lower()}", "danger"
            self._message.value = note(self._question(), "warn").value
            return
        self.disarm()
        self._act()

    def disarm(self) -> None:
        """Back to the first press."""
        self.armed = False
        self.description, self.button_style = self._label, ""


def svg_image(svg: bytes, alt: str) -> str:
    """An SVG chart as an <img> (it scales crisply, and an image cannot run script, so a
    name with markup in it stays text)."""
    b64 = base64.b64encode(svg).decode("ascii")
    return (
        f'<img class="mw-chart" alt="{esc(alt)}" src="data:image/svg+xml;base64,{b64}" '
        'style="width:100%;max-width:640px;height:auto">'
    )


def when_changed(read: Callable[[], T], draw: Callable[[T], None]) -> Callable[[], None]:
    """A step's refresh: ``draw(read())``, skipped while what ``read`` returns is unchanged
    (a redraw would cost time and close any edit the person has open)."""
    last: list[object] = [object()]

    def refresh() -> None:
        saved = read()
        if saved == last[0]:
            return
        last[0] = saved
        draw(saved)

    return refresh


SMALL = {"width": "auto"}


def shown_text(value: object, limit: int = 300) -> str:
    """A saved value as the conflict message quotes it (a list one item per comma)."""
    if value is None:
        return ""
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


class ConflictNote(w.VBox):  # type: ignore[misc]
    """Beside a field: "changed in another tab or window", with Keep mine and Reload; or
    why nothing can be saved any more (a workshop that has ended). Hidden otherwise.

    Its message and buttons are made the first time there is something to say: a page has
    one of these beside every field, and four widgets each that are almost never shown
    doubled what a page sent to the browser when it opened.
    """

    def __init__(self) -> None:
        self._keep: Callable[[], object] = lambda: None
        self._reload: Callable[[], object] = lambda: None
        self._parts: tuple[w.HTML, w.Button, w.Button, w.HBox] | None = None
        super().__init__([], layout=w.Layout(display="none"))

    def _made(self) -> tuple[w.HTML, w.Button, w.Button, w.HBox]:
        if self._parts is None:
            message = w.HTML()
            keep = w.Button(description="Keep mine", icon="check", layout=SMALL)
            reload = w.Button(description="Reload", icon="refresh", layout=SMALL)
            keep.on_click(lambda _b: self._keep())
            reload.on_click(lambda _b: self._reload())
            buttons = w.HBox([keep, reload])
            self._parts = (message, keep, reload, buttons)
            self.children = [message, buttons]
        return self._parts

    @property
    def message(self) -> w.HTML:
        """What the note says."""
        return self._made()[0]

    @property
    def keep(self) -> w.Button:
        """Keep mine: save this tab's text over the other one."""
        return self._made()[1]

    @property
    def reload(self) -> w.Button:
        """Reload: show the saved text instead."""
        return self._made()[2]

    @property
    def buttons(self) -> w.HBox:
        """Keep mine and Reload."""
        return self._made()[3]

    @property
    def waiting(self) -> bool:
        """Whether a conflict is waiting for the person's choice."""
        return (
            self._parts is not None
            and self.layout.display != "none"
            and self.buttons.layout.display != "none"
        )

    def conflict(
        self, saved: list[str], keep: Callable[[], object], reload: Callable[[], object]
    ) -> None:
        """Say what is saved now, and offer to keep this tab's version or reload that one."""
        quoted = ", ".join(f"“{text}”" for text in saved) or "“”"
        self._keep, self._reload = keep, reload
        self.message.value = note(
            f"Changed in another tab or window: the saved text is now {quoted}. Keep yours "
            "to save it over that, or Reload to see the other version.",
            "warn",
        ).value
        self.buttons.layout.display = None
        self.layout.display = None

    def refused(self, error: StoreError) -> None:
        """Say why nothing was saved (no choice to offer)."""
        self.message.value = note(str(error), "error").value
        self.buttons.layout.display = "none"
        self.layout.display = None

    def clear(self) -> None:
        """Nothing to say: hide."""
        if self._parts is not None:
            self.message.value = ""
        self.layout.display = "none"


class SavedField:
    """One field of a record in ``book``, saved alone on every change of its widget.

    ``read`` gives the value to store (default: the widget's value), ``show`` puts a stored
    value in the widget, ``ready`` says whether the value may be saved now (a text over its
    limit is not), ``also`` adds fields saved with it (which record a meeting's notes are
    for). The value this tab loaded is sent as what it expects, so a change another tab
    made to the same field meanwhile shows :attr:`note` instead of being overwritten.
    """

    def __init__(
        self,
        book: Workbook,
        widget: w.ValueWidget,
        kind: str,
        key: str | Callable[[], str | None],
        field: str,
        *,
        read: Callable[[], Any] | None = None,
        show: Callable[[Any], None] | None = None,
        ready: Callable[[], bool] | None = None,
        also: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.book, self.widget, self.kind, self.field = book, widget, kind, field
        self._key = key
        self._read = read or (lambda: widget.value)
        self._show = show or (lambda value: setattr(widget, "value", value or ""))
        self._ready = ready or (lambda: True)
        self._also = also or dict
        self.seen: Any = None  # the stored value this tab last loaded or saved
        self._loaded_key: str | None = None
        self.note = ConflictNote()
        self._loading = False
        widget.observe(lambda _c: self.save(), names="value")

    def key(self) -> str | None:
        """The record's key now (a meeting's follows the person and phase chosen)."""
        return self._key() if callable(self._key) else self._key

    def load(self, record: Record | None, *, force: bool = False) -> None:
        """Show this field's value from the stored ``record``. A field waiting for the
        person's choice after a conflict keeps their text (unless ``force``, or the field
        now shows another record)."""
        value, key = (record.saved(self.field) if record else None), self.key()
        if self.note.waiting and not force and key == self._loaded_key:
            return
        self._loaded_key = key
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False
        self.seen = value
        self.note.clear()

    def reload(self) -> None:
        """Show what the store holds now for this field."""
        from coach.workbook.records import model_of

        key = self.key()
        self.load(self.book.get(model_of(self.kind), key) if key else None, force=True)

    def save(self, *, mine: bool = False) -> bool:
        """Save the field alone (``mine``: over whatever another tab saved); True if saved."""
        key = self.key()
        if self._loading or key is None or not self._ready():
            return False
        value = self._read()
        expected = None if mine else {self.field: self.seen}
        try:
            self.book.patch(self.kind, key, {self.field: value, **self._also()}, expected=expected)
        except Conflict as exc:
            saved = [shown_text(exc.stored.get(self.field))]
            self.note.conflict(saved, lambda: self.save(mine=True), self.reload)
            return False
        except StoreError as exc:  # a workshop that has ended, a store that cannot write
            self.note.refused(exc)
            return False
        self.seen = value
        self.note.clear()
        return True


def limited_field(book: Workbook, box: Limited, kind: str, key: str, field: str) -> SavedField:
    """A :class:`Limited` text saved as :class:`SavedField` does: its text without the
    surrounding spaces, and only while it fits its limit."""
    return SavedField(
        book, box.field, kind, key, field, read=lambda: box.text, ready=lambda: box.fits
    )


def save_changes(
    book: Workbook,
    kind: str,
    key: str,
    loaded: dict[str, Any],
    current: dict[str, Any],
    conflict: ConflictNote,
    *,
    done: Callable[[Any], None],
    reload: Callable[[Any], None],
    mine: bool = False,
) -> None:
    """Save a form (its Save button): only the fields that differ from ``loaded`` (what the
    form opened with, as stored), each expected to be as loaded. ``done`` gets the record
    as saved; on a conflict ``conflict`` offers Keep mine (save again, ``mine``) and Reload
    (``reload`` gets the record as stored now)."""
    from coach.workbook.records import model_of

    model = model_of(kind)
    changed = {k: v for k, v in as_stored(current).items() if loaded.get(k) != v}
    expected = None if mine else {k: loaded.get(k) for k in changed}
    try:
        if changed:
            book.patch(kind, key, changed, expected=expected)
    except Conflict as exc:

        def keep() -> None:
            save_changes(
                book, kind, key, loaded, current, conflict, done=done, reload=reload, mine=True
            )

        def fresh() -> None:
            conflict.clear()
            reload(book.get(model, key) or model())

        conflict.conflict([shown_text(exc.stored.get(f)) for f in exc.fields], keep, fresh)
        return
    except StoreError as exc:
        conflict.refused(exc)
        return
    conflict.clear()
    done(book.get(model, key) or model.load({**loaded, **changed}))


def source_list(passages: list[Passage]) -> w.Accordion:
    """Each cited passage, opened on click, rendered as sanitised Markdown."""
    from coach.widgets.common import safe_markdown

    acc = w.Accordion(children=[w.HTML(safe_markdown(p.text)) for p in passages])
    for i, p in enumerate(passages):
        acc.set_title(i, f"[{i + 1}] {p.title} › {p.section}")
    acc.selected_index = None
    return acc
