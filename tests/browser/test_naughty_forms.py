"""The Big List of Naughty Strings through every form a person types into, in a real
browser: the profile, the candidate form, the question box and a cohort's roster shown on
the facilitator's dashboard. Nothing runs, nothing shows as live HTML, nothing is lost:
a value is saved as typed or, over its limit, refused whole.

One workshop server (`mentor-coach serve --workshop`) and one page for the whole module,
to stay fast: the page joins as the first participant of a cohort whose roster is every
naughty string that is a valid name, then opens the dashboard with the facilitator link.
A trap installed before the app loads flags any dialog, any script or ``on*`` attribute
and any image or frame that appears inside the widgets.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_app import step
from tests.browser.test_voila import CHROMIUM, TIMEOUT, store_of, wait_until
from tests.conftest import SHARED
from tests.helpers import coach_home, start_workbooks, stop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium not installed (apt-get install chromium)"
    ),
]
BLNS = SHARED / "data" / "blns.json"
TITLE = "<script>alert('title')</script> Naughty <b>workshop</b>"
CHECK_EVERY = 50  # fills between waits for the store: the kernel keeps up in between

# Before any of the page's scripts: dialogs, scripts, handlers and embedded content that
# appear inside the widgets (where typed text is shown) set window.__pwned and say what.
TRAP = r"""
(() => {
  window.__pwned = false;
  window.__trapped = [];
  const flag = (why) => {
    window.__pwned = true;
    window.__trapped.push(String(why).slice(0, 300));
  };
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
    window[name] = function () {
      flag(name + "(" + Array.from(arguments).join(", ") + ")");
      return null;
    };
  }
  const AREA = ".jupyter-widgets, .widget-html-content";
  const EMBEDS = ["script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
    "math", "base", "meta", "link", "form", "img", "image", "video", "audio", "source", "picture"];
  const URLS = ["href", "src", "srcset", "action", "formaction", "xlink:href", "data", "srcdoc"];
  const ownChart = (el) => el.tagName === "IMG" && el.classList.contains("mw-chart")
    && (el.getAttribute("src") || "").startsWith("data:image/svg+xml;base64,");
  const ownStyle = (el) => el.tagName === "STYLE" && el.textContent.startsWith(".mw-stepbar");
  const checkAttr = (el, name) => {
    const n = name.toLowerCase(), v = el.getAttribute(name) || "";
    if (n.startsWith("on")) { flag("handler " + el.outerHTML.slice(0, 200)); }
    if (URLS.includes(n) && /^\s*(javascript|vbscript|data:text\/html)/i.test(v)) {
      flag("url " + el.outerHTML.slice(0, 200));
    }
  };
  const check = (el) => {
    if (el.nodeType !== 1 || !el.closest(AREA)) { return; }
    const tag = el.tagName.toLowerCase();
    if ((EMBEDS.includes(tag) && !ownChart(el)) || (tag === "style" && !ownStyle(el))) {
      flag(tag + " " + el.outerHTML.slice(0, 200));
    }
    for (const a of Array.from(el.attributes)) { checkAttr(el, a.name); }
  };
  const walk = (node) => {
    if (node.nodeType !== 1) { return; }
    check(node);
    node.querySelectorAll("*").forEach(check);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "childList") { r.addedNodes.forEach(walk); }
      else if (r.target.nodeType === 1 && r.target.closest(AREA)) {
        checkAttr(r.target, r.attributeName);
      }
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
})();
"""

ARM_CHECK = """
() => {
  const probe = document.createElement("span");
  probe.innerHTML = '<img alt="probe" onmouseover="">';  // no src: nothing loads or fires
  document.querySelector(".mw-app .widget-html-content").appendChild(probe);
  setTimeout(() => probe.remove(), 0);
}
"""

# The text an HTML-content widget's element has for ``text`` once escaped and parsed: the
# HTML parser drops NUL and turns CR into LF (no naughty string relies on either).
PARSED = str.maketrans({"\x00": None})


def shown(text: str) -> str:
    """``text`` as the browser's HTML parser gives it back (textContent)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(PARSED)


def typed_in_input(text: str) -> str:
    """What an <input type=text> holds after ``text`` is typed: line breaks dropped."""
    return text.replace("\r", "").replace("\n", "")


def typed_in_textarea(text: str) -> str:
    """What a <textarea> holds after ``text`` is typed: line breaks as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture(scope="module")
def naughty() -> list[str]:
    if not BLNS.is_file():
        pytest.skip(f"{BLNS} is absent: the naughty-strings tests need ../shared/data")
    strings = json.loads(BLNS.read_text(encoding="utf-8"))
    assert isinstance(strings, list) and len(strings) > 500
    return [s for s in strings if isinstance(s, str)]


def roster_names(strings: list[str]) -> list[str]:
    """The strings a roster takes as names: not empty once cleaned, within the limit, and
    each name once (the first spelling of a name that differs only in case)."""
    from coach.cohorts import MAX_NAME
    from coach.cohorts.model import _clean

    seen: set[str] = set()
    out = []
    for s in strings:
        name = _clean(s)
        if name and len(name) <= MAX_NAME and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(s)
    return out


def write_roster(path: Path, names: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["name"])
        out.writerows([n] for n in names)
    return path


@pytest.fixture(scope="module")
def workshop(vector_cache: Path, tmp_path_factory, naughty) -> Iterator[dict[str, Any]]:
    from coach.cohorts import create_cohort, participants
    from coach.indexer import index_paths
    from coach.settings import Settings

    home = tmp_path_factory.mktemp("naughty-home")
    index_paths(Settings(home=home, cache_dir=vector_cache))
    names = roster_names(naughty)
    log = home / "voila.log"
    with coach_home(home):
        roster = write_roster(home / "roster.csv", names)
        created = create_cohort("naughty", roster=roster, title=TITLE)
        people = participants("naughty")
        port, proc = start_workbooks(home, vector_cache, pool=1, workshop=True, log=log)
    base = f"http://127.0.0.1:{port}"
    me, join = created.links[0]
    yield {
        "base": base,
        "home": home,
        "log": log,
        "names": names,
        "people": people,
        "owner": me.id,
        "join": join.replace("http://127.0.0.1:8866", base),
        "facilitator": created.facilitator_url.replace("http://127.0.0.1:8866", base),
    }
    stop(proc)


@pytest.fixture(scope="module")
def page(chromium, workshop) -> Iterator[Any]:
    """The one page of the module, trapped before the app loads, joined as the first
    participant."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.add_init_script(TRAP)
    pg.dialogs, pg.errors = [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(workshop["join"])
    pg.wait_for_selector(".mw-app .mw-stepbar")
    # the trap is armed: markup put where a widget shows text is caught, then forgotten
    pg.evaluate(ARM_CHECK)
    pg.wait_for_function("() => window.__trapped.length >= 2")
    pg.evaluate("() => { window.__trapped = []; window.__pwned = false; }")
    yield pg
    context.close()


def assert_nothing_ran(page) -> None:
    """No dialog, no trapped element, no page error, no error output, no traceback."""
    assert page.evaluate("window.__trapped") == []
    assert not page.evaluate("window.__pwned")
    assert page.dialogs == []
    assert page.errors == []
    assert page.locator('[data-mime-type="application/vnd.jupyter.error"]').count() == 0
    assert "Traceback" not in page.locator("body").inner_text()


def settles(read, want: Any, timeout: float = 30.0) -> None:
    """Wait until ``read()`` gives ``want``; fail showing both if it never does."""
    import contextlib

    with contextlib.suppress(AssertionError):
        wait_until(lambda: read() == want, timeout=timeout)
    assert read() == want


def wait_for_js(page, script: str, arg: Any = None, timeout: float = TIMEOUT) -> None:
    page.wait_for_function(script, arg=arg, timeout=timeout)


# One round trip for all of a form's boxes: each gets the text and the events typing and
# then leaving the box would give (Playwright's fill is a round trip per box, and with
# some 500 strings in five or six boxes the test would mostly wait on the driver).
FILL_ALL = """
([boxes, text]) => {
  for (const box of boxes) {
    box.focus();
    box.value = text;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }
}
"""


def fill_all(page, boxes: list[Any], text: str) -> None:
    """Type ``text`` into every box (element handles) at once."""
    page.evaluate(FILL_ALL, [boxes, text])


# -- the roster -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (["\u200b\u200e\u202e"], "line 3: the name is empty"),
        (["9" * 96], "line 3: the name is 96 characters; the limit is 80"),
        (["ด้้้้้็็็็็" * 8], "line 3: the name is 88 characters; the limit is 80"),
        (["<b>Ada</b>", "<B>ADA</B>"], "duplicate name '<b>ada</b>' on lines 3, 4"),
    ],
    ids=["invisible", "too-long", "zalgo-thai", "duplicate"],
)
def test_a_roster_name_it_cannot_take_is_refused_in_plain_words_and_nothing_created(
    tmp_path, bad, says
):
    from coach.cohorts import CohortError, create_cohort, get_cohort

    roster = write_roster(tmp_path / "roster.csv", ["Grace Hopper", *bad])
    with pytest.raises(CohortError) as caught:
        create_cohort("refused", roster=roster)
    message = str(caught.value)
    assert message.startswith("Roster roster.csv: ") and says in message
    assert "Traceback" not in message and "Fix the file" in message
    assert get_cohort("refused") is None


# -- the profile ----------------------------------------------------------------------


def test_every_string_in_every_profile_field_is_saved_as_typed_or_refused_whole(
    page, workshop, naughty
):
    from coach.profiles import NAME_MAX, too_long
    from coach.widgets.profile import FIELDS

    db, owner = store_of(workshop["home"]), workshop["owner"]
    step(page, "Start here")
    banner = page.locator(".mw-banner b")
    assert banner.evaluate("b => [b.textContent, b.childElementCount]") == [TITLE, 0]
    view = page.locator(".mw-step-body .mw-view-start")
    boxes = {key: view.get_by_placeholder(hint) for key, _label, hint, _limit in FIELDS}
    limits = {key: limit for key, _label, _hint, limit in FIELDS}
    expected = {key: "" for key in boxes}

    def saved() -> dict[str, str]:
        record = db.get(owner, "profile", "me") or {}
        return {key: record.get(key) or "" for key in boxes}

    fits_all = [len(typed_in_input(s).strip()) <= min(limits.values()) for s in naughty]
    due, last = CHECK_EVERY, max(n for n, fits in enumerate(fits_all, 1) if fits)
    handles = [box.element_handle() for box in boxes.values()]
    for n, s in enumerate(naughty, 1):
        fill_all(page, handles, s)
        typed = typed_in_input(s)
        for key in boxes:  # saved without its surrounding spaces, or refused whole
            if len(typed.strip()) <= limits[key]:
                expected[key] = typed.strip()
        # checked on a string every field takes: a fitting value followed at once by one
        # over the limit may reach the kernel merged into it, and so not be saved
        if fits_all[n - 1] and (n >= due or n == last):
            settles(saved, expected)
            assert [box.input_value() for box in boxes.values()] == [typed] * len(boxes)
            due = n + CHECK_EVERY

    # over the limit: the box keeps it, says how much to cut, and the store keeps the last
    good = "Priya <b>Raman</b>"
    boxes["name"].fill(good)
    wait_until(lambda: saved()["name"] == good)
    over = next(s for s in naughty if NAME_MAX < len(s.strip()) <= 2 * NAME_MAX)
    boxes["name"].fill(over)
    counter = boxes["name"].locator("xpath=../..").locator(".mw-limit")
    from playwright.sync_api import expect

    expect(counter).to_have_text(too_long(over, NAME_MAX) or "")
    boxes["headline"].fill("after the refusal")  # processed after the name: a round trip
    wait_until(lambda: saved()["headline"] == "after the refusal")
    assert saved()["name"] == good
    assert boxes["name"].input_value() == over
    assert_nothing_ran(page)


# -- the candidate form ---------------------------------------------------------------

CANDIDATE_PLACEHOLDERS = {
    "name": "e.g. Daniel Okafor",
    "headline": "e.g. Director of Product",
    "mutual_connection": "Someone you both know (optional)",
}
CARD = """
() => Array.from(document.querySelectorAll(".mw-view-candidates .widget-html-content"))
  .filter(c => c.firstElementChild && c.firstElementChild.tagName === "B")
  .map(c => ({
    name: c.firstElementChild.textContent,
    nameElements: c.firstElementChild.childElementCount,
    text: c.textContent,
    tags: Array.from(c.querySelectorAll("*")).map(e => e.tagName),
  }))
"""
MESSAGE = """
() => {
  const add = Array.from(document.querySelectorAll(".mw-view-candidates button"))
    .find(b => b.textContent.trim() === "Add candidate");
  return add.nextElementSibling.querySelector(".widget-html-content").textContent;
}
"""

ADDED = f"""
([name, message]) => {{
  const cards = ({CARD})();
  const ready = cards.length === 1 && cards[0].name === name && ({MESSAGE})() === message
    && document.querySelector(".mw-view-candidates input").value === "";
  return ready && cards[0];
}}
"""


def candidate_fits(field: str, value: Any) -> bool:
    from pydantic import ValidationError

    from coach.profiles import MentorCandidate

    base: dict[str, Any] = {"name": "Naughty", "notes": ["noticed them"]}
    try:
        MentorCandidate.model_validate({**base, field: value})
    except ValidationError:
        return False
    return True


def note_lines(text: str) -> list[str]:
    """The points the form reads from its textarea, one a line."""
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def card_text(c: dict[str, Any]) -> str:
    """What a candidate's card shows, as text (tags dropped)."""
    where = " · ".join(c[k] for k in ("headline", "organization") if c.get(k))
    mutual = c.get("mutual_connection")
    return (
        f"{c['name']}{' · ' + where if where else ''}{'; '.join(c['notes'])}"
        f"{'You both know ' + mutual if mutual else ''}"
    )


def added_ones(strings: list[str]) -> set[int]:
    """Which strings' candidates are added (each add draws a card of some forty widgets):
    every 25th, and every sixth of those with markup."""
    markup = [n for n, s in enumerate(strings) if "<" in s or "script" in s.lower()]
    return {*range(0, len(strings), 25), *markup[::6]}


def test_every_string_in_the_candidate_form_and_each_added_one_shows_as_text(
    page, workshop, naughty
):
    from playwright.sync_api import Error as PlaywrightError

    from coach.profiles import MentorCandidate

    db, owner = store_of(workshop["home"]), workshop["owner"]
    step(page, "Candidates")
    view = page.locator(".mw-step-body .mw-view-candidates")
    fields = {key: view.get_by_placeholder(hint) for key, hint in CANDIDATE_PLACEHOLDERS.items()}
    fields["organization"] = view.get_by_label("Organization", exact=True)
    fields["notes"] = view.locator("textarea").first
    add = view.get_by_role("button", name="Add candidate")
    to_add = added_ones(naughty)
    handles = [box.element_handle() for box in fields.values()]
    for n, s in enumerate(naughty):
        fill_all(page, handles, s)
        if n not in to_add:
            continue
        # the string wherever it is a valid value, a plain one where it is not
        values = {k: typed_in_input(s) for k in fields if k != "notes"}
        values["notes"] = typed_in_textarea(s)
        for key, value in values.items():
            if candidate_fits(key, note_lines(value) if key == "notes" else value):
                continue
            values[key] = {"name": f"Naughty {n}", "notes": f"noticed: {s}"}.get(key, "")
            if key == "notes" and not candidate_fits(key, note_lines(values[key])):
                values[key] = "noticed them"
            fields[key].fill(values[key])
        want = MentorCandidate(
            **{k: v for k, v in values.items() if k != "notes"}, notes=note_lines(values["notes"])
        ).model_dump(mode="json")
        # clicked right after typing: the page sends every field's newest value ahead of
        # the click (StepRouter's script; see the question-box test below)
        add.click()
        # the kernel saves it, clears the form, draws the card, then says so
        try:
            card = page.wait_for_function(
                ADDED, arg=[shown(want["name"]), shown(f"Added {want['name']}.")], timeout=30_000
            ).json_value()
        except PlaywrightError:  # its TimeoutError too
            raise AssertionError(f"#{n} {s!r} not added: {page.evaluate(MESSAGE)!r}") from None
        [(key, stored)] = db.all(owner, "candidate")
        assert {k: stored.get(k) for k in want} == want, repr(s)
        assert card["text"] == shown(card_text(want)), repr(s)
        assert card["nameElements"] == 0 and set(card["tags"]) <= {"B", "BR", "SMALL"}, repr(s)
        db.delete(owner, "candidate", key)  # one card at a time: each add redraws them all

    # refused: the form keeps every value and says what to fix; nothing is saved
    from pydantic import ValidationError

    from coach.profiles import say_what_to_fix

    for key in ("headline", "organization", "mutual_connection"):
        fields[key].fill("")
    fields["notes"].fill("<i>spoke</i> at the meetup")
    for name in (next(s for s in naughty if len(s.strip()) > 60), "\u3000 \u2003"):
        fields["name"].fill(name)
        with pytest.raises(ValidationError) as caught:
            MentorCandidate(name=name, notes=["<i>spoke</i> at the meetup"])
        add.click()
        wait_for_js(page, f"want => ({MESSAGE})() === want", shown(say_what_to_fix(caught.value)))
        assert fields["name"].input_value() == name
        assert db.all(owner, "candidate") == []
    assert_nothing_ran(page)


# -- the question box -----------------------------------------------------------------

RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u202b\u202e\u2067]")
NUL_LIKE = re.compile(r"\\x[0-9a-f]{2}|\\0|\\u0000|%00|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", re.I)


def questions(strings: list[str]) -> list[str]:
    """About forty questions: markup, template and format syntax, NUL-like escapes and
    right-to-left text, spread over the list; the empty one and the longest one too."""
    picked: list[str] = ["", max(strings, key=len)]
    for wanted, n in (
        (lambda s: "<" in s, 12),
        (lambda s: "{" in s, 8),
        (lambda s: "%" in s, 8),
        (NUL_LIKE.search, 6),
        (RTL.search, 6),
    ):
        found = [s for s in strings if wanted(s) and s not in picked]
        picked += found[:: max(1, len(found) // n)][:n]
    return picked


ANSWER = """
() => {
  const go = Array.from(document.querySelectorAll(".mw-view-coach button"))
    .find(b => b.textContent.trim() === "Ask the coach");
  return go.nextElementSibling.querySelector(".widget-html-content");
}
"""
LIVE = """
(area) => Array.from(area.querySelectorAll("*")).filter(e =>
  ["SCRIPT", "IFRAME", "OBJECT", "EMBED", "SVG", "IMG", "STYLE", "FORM", "INPUT", "LINK"]
    .includes(e.tagName.toUpperCase())
  || Array.from(e.attributes).some(a => a.name.startsWith("on")
    || /^\\s*javascript:/i.test(a.value))).map(e => e.outerHTML.slice(0, 200))
"""


def ask_and_wait(page, question: str) -> str:
    """Ask ``question`` and return the answer's text once it has replaced the last one."""
    page.locator(".mw-step-body .mw-view-coach textarea").fill(question)
    # a marker the answer replaces, so the last answer is never taken for this one
    page.evaluate(f"() => ({ANSWER})().appendChild(document.createElement('i')).id = 'nf'")
    page.locator(".mw-step-body").get_by_role("button", name="Ask the coach").click()
    wait_for_js(
        page,
        f"""() => {{ const a = ({ANSWER})();
            return !a.querySelector('#nf') && a.textContent.trim() !== ''
              && a.textContent.trim() !== 'Thinking…'; }}""",
        timeout=30_000,
    )
    return page.evaluate(f"() => ({ANSWER})().textContent")


def test_naughty_questions_get_an_answer_or_a_plain_refusal_never_live_markup(
    page, workshop, naughty
):
    step(page, "Ask the coach")
    box = page.locator(".mw-step-body .mw-view-coach textarea")
    area = page.locator(".mw-step-body .mw-view-coach")
    asked = questions(naughty)
    assert len(asked) >= 40
    for q in asked:
        said = ask_and_wait(page, q)
        assert said.strip(), repr(q)  # an answer, or in plain words why there is none
        assert area.evaluate(LIVE) == [], repr(q)
        assert box.input_value() == typed_in_textarea(q)  # the question stays as asked
    assert_nothing_ran(page)


def test_asking_right_after_typing_while_the_coach_is_busy_answers_the_question_in_the_box(
    page, workshop
):
    step(page, "Ask the coach")
    busy, older, newer = (
        "How do I end a mentoring relationship well?",
        "How often should my mentor and I meet?",
        "xyzzy plugh frobnicate",
    )
    for_older, for_newer = ask_and_wait(page, older), ask_and_wait(page, newer)
    assert for_older != for_newer
    box = page.locator(".mw-step-body .mw-view-coach textarea")
    go = page.locator(".mw-step-body").get_by_role("button", name="Ask the coach")
    box.fill(busy)
    go.click()  # the kernel is busy with this answer while the person types on
    box.fill(older)
    box.fill(newer)
    go.click()
    wait_for_js(
        page,
        f"texts => texts.includes(({ANSWER})().textContent)",
        [for_older, for_newer],
        timeout=30_000,
    )
    assert box.input_value() == newer
    assert page.evaluate(f"() => ({ANSWER})().textContent") == for_newer


# -- the facilitator's dashboard --------------------------------------------------------


def test_the_dashboard_shows_every_roster_name_as_text(page, workshop):
    from coach.cohorts.model import _clean

    people = workshop["people"]  # every valid name in the roster, cleaned, none lost
    assert len(people) > 450
    assert sorted(p.display_name for p in people) == sorted(_clean(s) for s in workshop["names"])
    page.goto(workshop["facilitator"])
    page.wait_for_selector(".mw-people")
    heading = page.locator("h2", has_text="Facilitator dashboard")
    assert heading.evaluate("h => [h.textContent, h.childElementCount]") == [
        f"Facilitator dashboard: {TITLE}",
        0,
    ]
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll(".mw-people tr")).slice(1)
            .map(r => [r.cells[0].textContent, r.cells[0].childElementCount])"""
    )
    assert sorted(rows) == sorted([shown(p.display_name), 0] for p in people)

    page.get_by_role("button", name="Form groups").click()
    page.wait_for_selector(".mw-groups li")
    groups = page.locator(".mw-groups").evaluate("g => g.textContent")
    missing = [p.display_name for p in people if shown(p.display_name) not in groups]
    assert missing == []
    assert page.locator(".mw-groups li > :not(small)").count() == 0
    assert_nothing_ran(page)


def test_after_everything_nothing_ran_and_the_server_logged_no_traceback(page, workshop):
    assert_nothing_ran(page)
    log = workshop["log"].read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log[log.find("Traceback") - 2000 :][:6000]


# -- the connection the forms save through ------------------------------------------------

PING_CHECK = r"""
import json, sys
from types import SimpleNamespace

from jupyter_server.base.websocket import WebSocketMixin
from tornado import ioloop

from coach.server import WorkbookServer

app = WorkbookServer()
app.initialize([sys.argv[1], "--no-browser", "--port=0"])
settings = app.init_settings()


class Socket(WebSocketMixin):
    ping_callback = None

    def __init__(self):
        self.settings, self.log, self.closed = settings, app.log, False
        self.ws_connection = SimpleNamespace(client_terminated=False)

    def close(self):
        self.closed = True

    def ping(self, data):
        pass


sock = Socket()
# a page opened one ping interval and 5 ms ago: its first keep-alive ping is due, a bit late
opened = ioloop.IOLoop.current().time() - sock.ping_interval / 1e3 - 0.005
sock.last_ping = sock.last_pong = opened
sock.send_ping()
print(json.dumps({"closed": sock.closed, "ms": [sock.ping_interval, sock.ping_timeout]}))
"""


def test_a_page_keeps_its_kernel_connection_past_the_first_ping():
    import subprocess
    import sys

    from coach.cli.serve import workbooks_dir

    out = subprocess.run(
        [sys.executable, "-c", PING_CHECK, str(workbooks_dir())],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    said = json.loads(out.stdout.strip().splitlines()[-1])
    assert said["closed"] is False, said
