"""Form pieces the steps share: fields that show their limit, and buttons that ask once.

A limit is shown where a person types ("142 / 300") and enforced before saving, never by
cutting: a value over the limit stays in the box, in red, with how much to cut, and the
store keeps the last value that fitted.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TypeVar

import ipywidgets as w

from coach.widgets.common import esc, note

T = TypeVar("T")

GREY, RED = "#666", "#b00020"


class Limited(w.VBox):
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


class AskOnce(w.Button):
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
