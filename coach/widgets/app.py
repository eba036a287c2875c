"""The workbook as one app: a shell with a step bar, Back/Next and (in a workshop) the
cohort banner, whose step views are built the first time they are shown and re-read the
store every time they are shown again. One page, one kernel, for a person's whole journey.

The step notebooks (``workbooks/0N_*.ipynb``) stay for people who prefer a notebook per
step in JupyterLab; the app shows each step's guidance from the same notebook's Markdown,
so the prose lives in one place.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import re
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import ipywidgets as w

from coach.widgets.common import QuietRepr, note, prepare_page, safe_markdown
from coach.workbook import Workbook


@dataclass(frozen=True)
class Step:
    """One step of the journey: where it lives and what completes it."""

    slug: str  # the address fragment (#goals) and the activity a workshop records
    label: str  # in the tab's title and the Next button
    notebook: str  # the step notebook whose Markdown is this step's guidance
    module: str  # coach.widgets.<module>
    builder: str  # the page function there (decorated with workbook_page)
    done_when: str | None  # the workbook's step that completes it (coach.workbook.rules)
    short: str = ""  # in the step bar, where eight must fit on one line

    @property
    def tab(self) -> str:
        """The step's name in the step bar."""
        return self.short or self.label


STEPS: tuple[Step, ...] = (
    Step("start", "Start here", "00_start_here", "start", "start_widget", "profile", "Start"),
    Step("goals", "Goals", "01_goals", "goals", "goals_widget", "goals"),
    Step("network", "Network", "02_network", "network", "network_widget", "network"),
    Step(
        "candidates", "Candidates", "03_candidates", "candidates", "candidates_widget", "candidates"
    ),
    Step("outreach", "Outreach", "04_outreach", "outreach", "outreach_widget", "outreach"),
    Step("meeting", "Meetings", "05_meetings", "meetings", "meetings_widget", "meeting"),
    Step("coach", "Ask the coach", "06_coach", "ask", "coach_widget", None, "Coach"),
    Step("progress", "Progress", "07_progress", "progress", "progress_widget", "journal"),
)
BY_SLUG = {s.slug: s for s in STEPS}
BY_NOTEBOOK = {s.notebook: s for s in STEPS}
_NOTEBOOK_LINK = re.compile(r"\]\((?:\.\./)?(0\d_[a-z_]+)\.ipynb\)")


def steps_done(book: Workbook) -> set[str]:
    """The slugs of the steps this person has done, by the workbook's one rule (the
    facilitator's dashboard applies it too): a saved name for Start here, a journal entry
    for Progress, and the five steps a cohort tracks."""
    done = book.steps_done()
    return {s.slug for s in STEPS if s.done_when in done}


@cache
def guidance(notebook: str) -> str:
    """A step notebook's Markdown cells as safe HTML, its links to other steps turned into
    in-app links (``#goals``), so a link switches steps in place."""
    from coach.cli.serve import workbooks_dir

    try:
        nb = json.loads((workbooks_dir() / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    parts = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        text = _NOTEBOOK_LINK.sub(
            lambda m: f"](#{BY_NOTEBOOK[m.group(1)].slug})" if m.group(1) in BY_NOTEBOOK else m[0],
            text,
        )
        parts.append(text)
    # the notebook's own first heading ("Step 4: reach out") becomes the step's heading
    return safe_markdown("\n\n".join(parts))


def _router() -> Any:
    """The small front-end piece that keeps the address (``#step``) and the tab title in
    step with the app: the browser's Back button and a reload stay on the step. It also
    makes sure, once per page, that a click never overtakes what the person typed (see
    ``clicksAfterTyping`` in its script)."""
    import anywidget
    import traitlets

    class StepRouter(anywidget.AnyWidget):
        _esm = _ROUTER_JS
        step = traitlets.Unicode("start").tag(sync=True)
        title = traitlets.Unicode("Mentor Workbook").tag(sync=True)
        timezone = traitlets.Unicode("").tag(sync=True)  # the browser's, e.g. "Europe/Berlin"

    return StepRouter()


_ROUTER_JS = """
function fromHash() {
  try { return decodeURIComponent(window.location.hash.replace(/^#/, "")); }
  catch (e) { return ""; }
}
function inVoila() {
  // Voilà's page says which kernel it runs; JupyterLab's does not (and owns its address)
  const node = document.getElementById("jupyter-config-data");
  try { return Boolean(node && JSON.parse(node.textContent).kernelId); }
  catch (e) { return false; }
}
// ipywidgets (WidgetModel, @jupyter-widgets/base 8) holds a model's next update in the
// page while the kernel is not yet done with its last one, but sends a custom message (a
// button's click) at once: typing twice into a box while the kernel is busy, then
// clicking, would have the kernel handle the click with what the box held before. A click
// must never overtake what the person typed, so: remember each model whose update is held,
// and send those updates, as the library's own idle handler would, before any custom
// message. Private names of the library: if they are not there, leave it alone and say so.
let guarded = false;
async function clicksAfterTyping(manager) {
  if (guarded) { return; }
  guarded = true;
  const fits = (m) => "_msg_buffer" in m && "_msg_buffer_callbacks" in m
    && typeof m.send_sync_message === "function" && typeof m.rememberLastUpdateFor === "function";
  const owners = new Set();  // the prototype that defines sync and send: WidgetModel's
  try {
    const ids = Object.keys(manager._models);
    for (const m of await Promise.all(ids.map((id) => manager.get_model(id)))) {
      let p = Object.getPrototypeOf(m);
      while (p && !(Object.hasOwn(p, "sync") && Object.hasOwn(p, "send"))) {
        p = Object.getPrototypeOf(p);
      }
      if (p && fits(m)) { owners.add(p); }
    }
  } catch (e) { owners.clear(); }
  if (owners.size === 0) {
    console.warn("Mentor Workbook: ipywidgets is not as expected; a click may overtake typing");
    return;
  }
  const held = new Set();
  const flush = (m) => {  // as WidgetModel._handle_status does once the kernel is idle
    if (m._msg_buffer === null || m.comm === undefined) { return; }
    // send_sync_message counts it in _pending_msgs and its idle counts it out again
    m.rememberLastUpdateFor(m.send_sync_message(m._msg_buffer, m._msg_buffer_callbacks));
    m._msg_buffer = null;
    m._msg_buffer_callbacks = null;
  };
  for (const proto of owners) {
    if (proto.__mwClicksAfterTyping) { continue; }
    proto.__mwClicksAfterTyping = true;
    const sync = proto.sync, send = proto.send;
    proto.sync = function (...args) {
      const result = sync.apply(this, args);
      if (this._msg_buffer !== null) { held.add(this); }
      return result;
    };
    proto.send = function (...args) {
      held.forEach(flush);
      held.clear();
      return send.apply(this, args);
    };
  }
}
function render({ model, el }) {
  el.style.display = "none";
  clicksAfterTyping(model.widget_manager);
  // the person's time zone, for what counts by calendar month (LinkedIn's note budget)
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    if (zone && zone !== model.get("timezone")) {
      model.set("timezone", zone);
      model.save_changes();
    }
  } catch (e) { /* no Intl: the machine's time zone is used */ }
  if (!inVoila()) { return; }
  const follow = () => {
    const want = fromHash();
    if (want && want !== model.get("step")) { model.set("step", want); model.save_changes(); }
  };
  const show = () => {
    const step = model.get("step");
    if (fromHash() !== step) {
      if (fromHash()) { window.history.pushState(null, "", "#" + encodeURIComponent(step)); }
      else { window.history.replaceState(null, "", "#" + encodeURIComponent(step)); }
    }
    window.scrollTo(0, 0);
  };
  const title = () => { document.title = model.get("title"); };
  model.on("change:step", show);
  model.on("change:title", title);
  window.addEventListener("hashchange", follow);
  window.addEventListener("popstate", follow);
  title();
  if (fromHash()) { follow(); } else { show(); }
  return () => {
    window.removeEventListener("hashchange", follow);
    window.removeEventListener("popstate", follow);
  };
}
export default { render };
"""


class WorkbookApp(QuietRepr, w.VBox):  # type: ignore[misc]
    """The shell: product name, step bar with what is done, the current step, Back/Next."""

    def __init__(self) -> None:
        """The shell alone: it holds nobody's data, so a pre-heated page builds it before
        anyone opens the page; :meth:`show_first` then shows the person's first step."""
        self.seat: Any = None
        self.book: Workbook | None = None  # whose workbook: set when someone opens the page
        self.views: dict[str, w.Widget] = {}
        self.switch_seconds: list[float] = []  # for the benchmark and the tests
        self.router = _router()
        self.router.observe(self._zone_reported, names="timezone")
        self.buttons = {s.slug: self._step_button(s) for s in STEPS}
        self.bar = w.HBox(list(self.buttons.values()))
        self.bar.add_class("mw-stepbar")
        self.count = w.HTML()
        self.intro = w.HTML()
        self.intro.add_class("mw-guidance")
        self.body = w.VBox()
        self.body.add_class("mw-step-body")
        self.back = w.Button(description="Back", icon="arrow-left", tooltip="The step before")
        self.next = w.Button(
            description="Next",
            icon="arrow-right",
            button_style="primary",
            tooltip="The next step",
        )
        self.back.on_click(lambda _b: self.go(self._neighbour(-1)))
        self.next.on_click(lambda _b: self.go(self._neighbour(+1)))
        self.nav = w.HBox([self.back, self.next])
        self.nav.add_class("mw-nav")
        self.header = w.HTML(
            # JupyterLab has no page template of ours: this keeps the step bar readable there
            "<style>.mw-stepbar{flex-wrap:wrap;gap:4px}.mw-stepbar .jupyter-button"
            "{width:auto;margin:0}</style>"
            '<div class="mw-brand"><span class="mw-brand-name">Mentor Workbook</span></div>'
        )
        super().__init__([self.header, self.bar, self.count, self.intro, self.body, self.nav])
        self.add_class("mw-app")
        self.current = ""

    def show_first(self, book: Workbook, *, seat: Any = None, first: str = "start") -> WorkbookApp:
        """Show the person's first step of ``book`` (and, in a workshop, their cohort's
        banner)."""
        self.book, self.seat = book, seat
        top: list[w.Widget] = [self.header]
        if seat is not None:
            from coach.widgets.match import match_panel
            from coach.widgets.page import CohortBanner

            top.extend([CohortBanner(seat.cohort), match_panel(seat)])
        self.children = [*top, self.bar, self.count, self.intro, self.body, self.nav, self.router]
        self.router.observe(lambda change: self.go(change["new"]), names="step")
        self.go(first if first in BY_SLUG else "start")
        return self

    def _zone_reported(self, change: dict[str, Any]) -> None:
        """The browser said which time zone the person is in: keep it in their profile."""
        from coach.store import StoreError

        if self.book is not None:
            with contextlib.suppress(StoreError, ValueError):  # a hint: the machine's is used
                self.book.set_timezone(str(change["new"]))

    def _step_button(self, step: Step) -> w.Button:
        number = STEPS.index(step)
        b = w.Button(description=f"{number:02d} {step.tab}", tooltip=step.label)
        b.add_class("mw-step")
        b.on_click(lambda _b: self.go(step.slug))
        return b

    def _neighbour(self, offset: int) -> str:
        slugs = [s.slug for s in STEPS]
        i = slugs.index(self.current) + offset
        return slugs[max(0, min(i, len(slugs) - 1))]

    def go(self, slug: str) -> None:
        """Show step ``slug`` (an unknown one shows Start here), in place."""
        started = time.perf_counter()
        step = BY_SLUG.get(slug, STEPS[0])
        if step.slug == self.current:
            return
        self.current = step.slug
        view = self.views.get(step.slug)
        problem: w.Widget | None = None
        if view is None:
            view = self._build(step)
            self.views[step.slug] = view
        else:
            refresh = getattr(view, "refresh", None)
            if callable(refresh):
                try:
                    refresh()
                except Exception as exc:  # noqa: BLE001 (a step's bug: say it, stay usable)
                    problem = _problem(step, exc)
        # every view built so far stays in the page, hidden: showing one again changes one
        # style, where replacing the children would make the browser draw it anew
        for other in self.views.values():
            other.layout.display = "" if other is view else "none"
        shown = [*self.views.values(), *([problem] if problem else [])]
        if list(self.body.children) != shown:
            self.body.children = shown
        self.intro.value = guidance(step.notebook)
        self._mark(step)
        if self.router.step != step.slug:
            self.router.step = step.slug
        self.router.title = f"Mentor Workbook · {step.label}"
        self._record(step)
        self.switch_seconds.append(time.perf_counter() - started)

    def _build(self, step: Step) -> w.Widget:
        page = getattr(importlib.import_module(f"coach.widgets.{step.module}"), step.builder)
        build = getattr(page, "__wrapped__", page)  # the view without the page's set-up
        try:
            if self.book is None:
                raise RuntimeError("the app shows a step only once show_first has run")
            view: w.Widget = build(self.book)
        except Exception as exc:  # noqa: BLE001 (a broken step must not take the app down)
            return _problem(step, exc)
        if isinstance(view, w.DOMWidget):
            view.add_class(f"mw-view-{step.slug}")  # for the tests and the benchmark
        return view

    def _mark(self, step: Step) -> None:
        try:
            done = steps_done(self.book) if self.book is not None else set()
        except Exception:  # noqa: BLE001 (the bar is a hint: it keeps its last state)
            done = set()
        due = self._nudges_due()
        for s in STEPS:
            b = self.buttons[s.slug]
            tick = "✓ " if s.slug in done else ""
            count, why = due.get(s.slug, (0, ""))
            b.description = f"{tick}{STEPS.index(s):02d} {s.tab}" + (f" · {count}" if count else "")
            b.tooltip = why or s.label
            marks = (("mw-step-done", s.slug in done), ("mw-step-current", s is step))
            for cls, on in (*marks, ("mw-step-nudge", bool(count))):
                if on:
                    b.add_class(cls)
                else:
                    b.remove_class(cls)
        tracked = [s for s in STEPS if s.done_when]
        n = sum(s.slug in done for s in tracked)
        self.count.value = f'<div class="mw-count">{n} of {len(tracked)} steps done</div>'
        i = STEPS.index(step)
        self.back.disabled = i == 0
        self.next.disabled = i == len(STEPS) - 1
        self.next.description = f"Next: {STEPS[i + 1].label}" if i + 1 < len(STEPS) else "Next"

    def _nudges_due(self) -> dict[str, tuple[int, str]]:
        """Step slug -> (how many follow-ups are due there, saying so), from one read of
        the store; nothing when they cannot be read (the bar is a hint)."""
        if self.book is None:
            return {}
        try:
            from coach.workbook import followups

            counts = followups.due_counts(followups.for_book(self.book))
            return {slug: (n, followups.count_text(slug, n)) for slug, n in counts.items()}
        except Exception:  # noqa: BLE001 (a hint: the bar stays as it is without it)
            return {}

    def _record(self, step: Step) -> None:
        if self.seat is None:
            return
        from coach.cohorts import record_activity

        try:
            record_activity(self.seat.id, step.slug)
        except Exception:  # noqa: BLE001 (activity is only a hint)
            return


def _problem(step: Step, exc: Exception) -> w.HTML:
    import logging

    logging.getLogger(__name__).exception("step %s failed", step.slug)
    return note(
        f"{step.label} could not be shown ({type(exc).__name__}). Your saved work is safe; "
        "reload the page to try again.",
        "error",
    )


def warm_steps() -> None:
    """Import what the steps' views need, so the first visit of a step builds at once: run
    in a pre-heated kernel before anyone has opened its page. (The coach's heavy parts are
    not here: under ``mentor-coach serve`` they live in the shared coach service.)"""
    for step in STEPS:
        importlib.import_module(f"coach.widgets.{step.module}")
        guidance(step.notebook)
    from coach import checks, cohorts, prompts, tasks, workshop  # noqa: F401 (for their cost)
    from coach.prompts import all_prompts
    from coach.store import StoreError, get_store

    all_prompts()
    from coach.cohorts.fit import fit_pulse
    from coach.prompts import page_texts
    from coach.workbook.followups import wording

    page_texts("note-budget")  # the pages' own wording (YAML): 0.1 s on a first visit
    wording()
    fit_pulse()
    from coach.language import warm

    warm()  # the drafts' dictionaries: 0.6 s a page's first draft would wait for
    with contextlib.suppress(StoreError):  # the page says what is wrong when it is opened
        get_store()  # SQLAlchemy's import and the migrations: 0.3 s a page would wait for


def app_widget(first: str = "start") -> w.Widget:
    """The workbook app (the page ``mentor-coach serve`` opens at its address)."""
    from coach.widgets.page import open_workbook
    from coach.workshop import NoSeat

    ready: list[WorkbookApp] = []

    def before_anyone_asks() -> None:
        warm_steps()
        ready.append(WorkbookApp())

    prepare_page(warm=before_anyone_asks)
    try:
        book, seat = open_workbook(first)
    except NoSeat as exc:
        return note(str(exc), "warn")
    return (ready[0] if ready else WorkbookApp()).show_first(book, seat=seat, first=first)
