"""Pieces shared by the workbook widgets: safe rendering, autosave, the coach status."""

from __future__ import annotations

import html
import threading
from typing import Any

import ipywidgets as w

from coach.store import OWNER, get_store


def esc(text: object) -> str:
    """Text from a person, the corpus or a model, made safe to put inside HTML."""
    return html.escape(str(text), quote=True)


def safe_markdown(text: str) -> str:
    """Markdown rendered to HTML with raw HTML disabled, then sanitised (nh3)."""
    import nh3
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": False}).render(text)
    return nh3.clean(rendered)


def heading(text: str, level: int = 3) -> w.HTML:
    """A heading from our own (escaped) text."""
    return w.HTML(f"<h{level}>{esc(text)}</h{level}>")


def note(text: str, kind: str = "info") -> w.HTML:
    """A short message in a coloured box (our text, escaped)."""
    colour = {"info": "#eef4ff", "ok": "#e9f7ef", "warn": "#fff4e5", "error": "#fdecea"}[kind]
    return w.HTML(
        f'<div style="background:{colour};padding:6px 10px;border-radius:6px">{esc(text)}</div>'
    )


def owner() -> str:
    """Whose data this kernel reads and writes."""
    return OWNER


def autosave(widget: w.ValueWidget, save: Any) -> None:
    """Call ``save()`` whenever the widget's value changes."""
    widget.observe(lambda _change: save(), names="value")


class CoachStatus(w.HTML):
    """A visible status while the coach loads in the background (the page never waits)."""

    _warm = threading.Event()
    _error: str | None = None

    def __init__(self) -> None:
        super().__init__(value=self._text())
        if not CoachStatus._warm.is_set():
            threading.Thread(target=self._warm_up, daemon=True).start()

    @staticmethod
    def _text() -> str:
        if CoachStatus._error:
            return f"<small>Coach: unavailable ({esc(CoachStatus._error)})</small>"
        if CoachStatus._warm.is_set():
            from coach.settings import get_settings

            engine = get_settings().engine()
            return f"<small>Coach: ready ({esc(engine)} engine)</small>"
        return "<small>Coach: warming up…</small>"

    def _warm_up(self) -> None:
        try:
            from coach.api import search

            search("how do I find a mentor", k=1)
        except Exception as exc:  # shown to the person, never raised into the page
            CoachStatus._error = str(exc)[:200]
        CoachStatus._warm.set()
        self.value = self._text()


def store() -> Any:
    """The workbook store."""
    return get_store()
