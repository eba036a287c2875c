"""Pieces shared by the workbook widgets: safe rendering, autosave, the coach status.

Whose data a view shows is never ambient state here: each view is handed the person's
:class:`coach.workbook.Workbook` (see :mod:`coach.widgets.page`)."""

from __future__ import annotations

import html
import os
import threading
from collections.abc import Callable
from typing import Any, ClassVar

import ipywidgets as w

from coach.store import get_store


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


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An HTML link that downloads ``data`` (base64: nothing in it can become markup)."""
    import base64

    b64 = base64.b64encode(data).decode("ascii")
    safe_name = "".join(c for c in filename if c.isalnum() or c in "._-") or "download"
    return f'<a download="{safe_name}" href="data:{mime};base64,{b64}">{esc(label)}</a>'


class QuietRepr:
    """A widget whose text form names only its type. A notebook's saved output keeps the
    text form of the widget a cell returned, and ipywidgets' default lists the values of
    its children: the person's own words would end up in the ``.ipynb``."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class Following:
    """A widget kept up to date by a daemon thread: :meth:`tick` runs every ``every``
    seconds from :meth:`follow` on, until the widget is closed (its page went away or its
    kernel stops). A failing tick is tried again at the next one. Put it before the
    ipywidgets base, so that its :meth:`close` runs first."""

    def follow(self, every: float, name: str) -> None:
        self._closed = threading.Event()
        threading.Thread(target=self._follow, args=(every,), name=name, daemon=True).start()

    def tick(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        closed = getattr(self, "_closed", None)
        if closed is not None:
            closed.set()
        super().close()  # type: ignore[misc]

    def _follow(self, every: float) -> None:
        while not self._closed.wait(every):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 (a thread's top level: the next tick retries)
                continue


class StepView(QuietRepr, w.VBox):  # type: ignore[misc]
    """A step's view: its widgets, and how to re-read them from the store.

    The workbook app builds each step once, the first time it is shown, and calls
    :meth:`refresh` every time it is shown again, so a step always shows what is saved
    (another tab, another step or the facilitator may have changed it meanwhile).
    """

    def __init__(
        self, children: list[w.Widget], refresh: Callable[[], None] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(children, **kwargs)
        self._refresh = refresh

    def refresh(self) -> None:
        """Show what the store holds now."""
        if self._refresh is not None:
            self._refresh()


def autosave(widget: w.ValueWidget, save: Any) -> None:
    """Call ``save()`` whenever the widget's value changes. A field of a stored record
    saves with :class:`coach.widgets.fields.SavedField` instead (that field alone, and a
    "changed in another tab" note rather than overwriting it)."""
    widget.observe(lambda _change: save(), names="value")


class CoachStatus(w.HTML):  # type: ignore[misc]
    """A visible status while the coach loads in the background (the page never waits)."""

    _warm = threading.Event()
    _error: str | None = None

    _thread: ClassVar[threading.Thread | None] = None
    _scheduled: ClassVar[bool] = False  # starts once the page's cell has run
    _shown: ClassVar[list[CoachStatus]] = []

    def __init__(self, *, warm: bool = True) -> None:
        super().__init__(value=self._text())
        CoachStatus._shown.append(self)
        if warm and not CoachStatus._scheduled:
            CoachStatus.start_warm_up()
        if CoachStatus._warm.is_set() or CoachStatus._thread is None:
            self.value = self._text()

    @staticmethod
    def start_warm_up() -> None:
        """Load the coach (index, model) in a background thread, once per kernel."""
        if CoachStatus._thread is None:
            CoachStatus._thread = threading.Thread(target=CoachStatus._warm_up, daemon=True)
            CoachStatus._thread.start()

    @staticmethod
    def _text() -> str:
        if CoachStatus._error:
            return f"<small>Coach: unavailable ({esc(CoachStatus._error)})</small>"
        if CoachStatus._warm.is_set():
            from coach.settings import get_settings

            engine = get_settings().engine()
            return f"<small>Coach: ready ({esc(engine)} engine)</small>"
        if CoachStatus._thread is None and not CoachStatus._scheduled:  # not needed here
            from coach.settings import get_settings

            engine = get_settings().engine()
            return f"<small>Coach: {esc(engine)} engine (it loads when you first use it)</small>"
        return "<small>Coach: warming up…</small>"

    @staticmethod
    def _warm_up() -> None:
        if CoachStatus._scheduled:  # a page drawn on request: let it come up first
            _wait_for_widget_manager()
        try:
            from coach.api import search

            search("how do I find a mentor", k=1)
        except Exception as exc:  # noqa: BLE001 (a thread's top level: shown)
            CoachStatus._error = str(exc)[:200]
        CoachStatus._warm.set()
        for status in CoachStatus._shown:
            status.value = status._text()


def _wait_for_widget_manager(limit: float = 30.0, settle: float = 2.0) -> None:
    """Wait until the page's widget manager has connected (opened ipywidgets' control comm)
    and had ``settle`` seconds to receive the widgets, or ``limit`` seconds at most (a
    front end that never connects: JupyterLab, nbclient).

    A kernel runs its page's cell, then the browser connects and asks for the widgets. A
    coach loading in between (2-3 s of CPU, in a thread that holds the GIL through imports)
    held that answer back: in a workshop where thirty people opened the outreach page at
    once, the page took 76 s to become usable instead of 28."""
    import time

    end = time.monotonic() + limit
    while time.monotonic() < end:
        if w.Widget._control_comm is not None:
            time.sleep(settle)
            return
        time.sleep(0.1)


def prepare_page(*, coach: bool = False, warm: Callable[[], None] | None = None) -> None:
    """Everything a page can do before anyone opens it, then wait until someone does.

    Under ``mentor-coach serve`` Voilà keeps pre-heated kernels for the app that have
    already run the notebook up to here: the store is open and (with ``coach=True``) the
    coach is warming up. The person's own data is read only after their request arrives,
    so a page opened later never shows data from before. In JupyterLab, nbclient or a
    Voilà without pre-heating this returns at once.
    """
    store()
    preheating = os.environ.get("VOILA_PREHEAT") == "True" and not _request.is_set()
    if coach and not preheating:
        CoachStatus._scheduled = _after_this_cell(CoachStatus.start_warm_up)
    if coach and not CoachStatus._scheduled:
        CoachStatus.start_warm_up()
    if preheating:
        if warm is not None:  # whatever makes the page quick later, while nobody waits
            warm()
        wait_for_request()
    _request.set()


def wait_for_request() -> None:
    """Wait until a person asks for this pre-heated page, then take what Voilà tells about
    their request (``QUERY_STRING``, and the ``Cookie`` header a workshop page needs) into
    ``os.environ``.

    ``voila.utils.wait_for_request`` does this, but importing it imports Voilà's whole
    server side (jupyter_server, jupyterlab_server, jsonschema and the Lark grammars of its
    IRI checker): 3.2 s of CPU in every kernel, the largest part of a page's cost in a
    workshop. This speaks the same protocol (voila 0.5: one JSON message on the websocket
    ``voila/query/<kernel id>``, addressed by the ``VOILA_*`` variables Voilà sets) with
    tornado, which the kernel has loaded already.
    """
    import asyncio
    import json

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )

    async def receive() -> str | None:
        from tornado.websocket import websocket_connect

        ws = await websocket_connect(url, connect_timeout=5)
        try:
            message = await ws.read_message()
        finally:
            ws.close()
        return message if isinstance(message, str) else None

    got: list[str | None] = []

    def run() -> None:  # the kernel's own event loop is busy running this cell
        try:
            got.append(asyncio.run(receive()))
        except Exception as exc:  # noqa: BLE001 (a thread's top level: warn)
            import warnings

            warnings.warn(f"No request details from {url}: {type(exc).__name__}", stacklevel=1)

    waiter = threading.Thread(target=run, daemon=True)
    waiter.start()
    try:
        waiter.join()
    except KeyboardInterrupt:
        # The server is stopping and interrupts this waiting kernel before shutting it
        # down. Nobody's page is on it yet, so nothing is lost by leaving now, and
        # finishing the cell would print a traceback (its reply has no socket left) into
        # the log of the person who pressed Ctrl+C.
        os._exit(0)
    if got and got[0]:
        for name, value in json.loads(got[0]).items():
            os.environ[name] = value


def _after_this_cell(run: Callable[[], None]) -> bool:
    """Run ``run`` once the notebook cell now executing has finished (and so its widget has
    been sent to the page); False outside IPython. A page opened without a pre-heated kernel
    is drawn first and loads the coach after, rather than both fighting for the CPU while
    Voilà waits for the page's output."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def once(*_args: object) -> None:
        shell.events.unregister("post_execute", once)
        run()

    shell.events.register("post_execute", once)
    return True


_request = threading.Event()  # set once this kernel's page has been requested


def store() -> Any:
    """The workbook store."""
    return get_store()
