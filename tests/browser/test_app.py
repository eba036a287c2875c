"""The workbook app in a real browser: one page at the server's address, every step one
click away in the same page and kernel, and everything saved back after a reload.

Voilà on a free loopback port, Debian's Chromium driven by Playwright; waits for
selectors, never sleeps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.test_voila import CHROMIUM, TIMEOUT, store_of, wait_until
from tests.helpers import start_workbooks, stop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium not installed (apt-get install chromium)"
    ),
]
STEP_LABELS = [
    "Start here",
    "Goals",
    "Network",
    "Candidates",
    "Outreach",
    "Meetings",
    "Ask the coach",
    "Progress",
]


@pytest.fixture(scope="module")
def app(vector_cache: Path, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    from coach.indexer import index_paths
    from coach.settings import Settings

    home = tmp_path_factory.mktemp("app-home")
    index_paths(Settings(home=home, cache_dir=vector_cache))
    port, proc = start_workbooks(home, vector_cache)
    yield f"http://127.0.0.1:{port}", home
    stop(proc)


@pytest.fixture
def tab(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.requests = requests
    yield pg
    context.close()


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def open_app(page, base: str, fragment: str = "") -> None:
    page.goto(f"{base}/{fragment}")
    page.wait_for_selector(".mw-app .mw-stepbar")


def step(page, label: str) -> None:
    """Click a step in the step bar and wait until its view is on screen."""
    slug = {"Meetings": "meeting", "Ask the coach": "coach", "Start here": "start"}.get(
        label, label.lower()
    )
    tab = {"Start here": "Start", "Ask the coach": "Coach"}.get(label, label)
    page.locator(".mw-stepbar button", has_text=tab).click()
    page.wait_for_selector(f".mw-step-body .mw-view-{slug}")
    expect(page).to_have_title(f"Mentor Workbook · {label}")


def kernel_id(page) -> str:
    return page.eval_on_selector("#jupyter-config-data", "e => JSON.parse(e.textContent).kernelId")


def test_the_address_opens_the_app_not_a_file_list(app, tab):
    base, _home = app
    open_app(tab, base)
    expect(tab).to_have_title("Mentor Workbook · Start here")
    assert tab.url.endswith("/#start")
    for label in STEP_LABELS:
        expect(tab.locator(".mw-stepbar button[title='" + label + "']")).to_be_visible()
    assert tab.locator("text=Select items to open with Voilà").count() == 0
    # the file listing's own addresses lead to the app
    tab.goto(f"{base}/voila/tree")
    tab.wait_for_selector(".mw-app")
    assert tab.url.split("#")[0].rstrip("/") == base
    # nothing is fetched from anywhere but this server
    assert all(u.startswith(base) or u.startswith(("data:", "blob:")) for u in tab.requests)


def test_a_whole_journey_in_one_page_and_one_kernel_comes_back_after_a_reload(app, tab):
    base, home = app
    open_app(tab, base)
    first_kernel = kernel_id(tab)
    tab.evaluate("window.__sameDocument = true")

    tab.get_by_placeholder("e.g. Priya Raman").fill("Priya Raman")
    tab.get_by_placeholder("e.g. Data analyst moving into product management").fill(
        "Data analyst moving into product management"
    )
    tab.get_by_placeholder("e.g. Priya Raman").press("Tab")
    wait_until(lambda: (store_of(home).get("me", "profile", "me") or {}).get("headline"))

    step(tab, "Goals")
    goal = tab.get_by_placeholder("e.g. Lead a product discovery project").first
    goal.fill("Lead a product discovery project by June")
    goal.press("Tab")
    wait_until(lambda: (store_of(home).get("me", "goal", "1") or {}).get("title"))

    step(tab, "Network")
    tab.get_by_placeholder("Someone you turn to for advice").fill("Maria Chen-Rodriguez")
    tab.get_by_role("button", name="Add to my network").click()
    tab.wait_for_selector("text=Added Maria Chen-Rodriguez.")

    step(tab, "Candidates")
    tab.get_by_placeholder("e.g. Daniel Okafor").fill("Daniel Okafor")
    tab.get_by_placeholder("e.g. Director of Product").fill("Director of Product")
    tab.locator(".mw-view-candidates textarea").first.fill(
        "wrote a post on running discovery sprints in regulated healthcare"
    )
    tab.get_by_role("button", name="Add candidate").click()
    tab.wait_for_selector("text=Added Daniel Okafor.")

    step(tab, "Outreach")
    tab.get_by_role("button", name="Draft it").click()
    box = tab.locator(".mw-draft textarea")
    expect(box).to_have_value(re.compile(r"^Hi Daniel"), timeout=TIMEOUT)  # the coach loads
    edited = box.input_value() + " Thanks!"
    box.fill(edited)
    wait_until(lambda: any(d.get("text") == edited for _k, d in store_of(home).all("me", "draft")))

    step(tab, "Meetings")
    tab.get_by_role("button", name="Plan the meeting").click()
    tab.wait_for_selector(".mw-agenda")
    tab.wait_for_selector("a[download='agenda.md']")

    step(tab, "Ask the coach")
    tab.locator(".mw-view-coach textarea").fill("How often should we meet?")
    tab.locator(".mw-step-body").get_by_role("button", name="Ask the coach").click()
    tab.wait_for_selector(".mw-answer")

    step(tab, "Progress")
    tab.locator(".mw-view-progress textarea").first.fill("First call went well; next: a plan.")
    tab.get_by_role("button", name="Add journal entry").click()
    tab.wait_for_selector("text=First call went well; next: a plan.")

    # one page, one kernel, the whole way
    assert tab.evaluate("window.__sameDocument === true")
    assert kernel_id(tab) == first_kernel
    # the step bar shows what is done
    for label in ("Goals", "Network", "Candidates", "Outreach", "Meetings"):
        expect(tab.locator(".mw-stepbar button.mw-step-done", has_text=label)).to_have_count(1)

    # the browser's Back button goes to the step before, in place
    tab.go_back()
    tab.wait_for_selector(".mw-step-body .mw-view-coach")
    assert tab.url.endswith("#coach")
    tab.go_forward()
    tab.wait_for_selector(".mw-step-body .mw-view-progress")

    # a reload stays on the step and shows everything saved
    tab.reload()
    tab.wait_for_selector(".mw-step-body .mw-view-progress")
    tab.wait_for_selector(".mw-view-progress >> text=First call went well; next: a plan.")
    step(tab, "Outreach")
    expect(tab.locator(".mw-draft textarea")).to_have_value(edited)
    step(tab, "Meetings")
    tab.wait_for_selector(".mw-view-meeting .mw-agenda")
    tab.wait_for_selector(".mw-view-meeting a[download='agenda.md']")
    step(tab, "Candidates")
    tab.wait_for_selector(".mw-view-candidates >> text=Daniel Okafor")
    step(tab, "Network")
    tab.wait_for_selector(".mw-view-network >> text=Maria Chen-Rodriguez")
    step(tab, "Goals")
    expect(tab.get_by_placeholder("e.g. Lead a product discovery project").first).to_have_value(
        "Lead a product discovery project by June"
    )


def test_a_link_to_a_step_switches_in_place(app, tab):
    base, _home = app
    open_app(tab, base, "#coach")
    tab.wait_for_selector(".mw-step-body .mw-view-coach")
    tab.evaluate("window.__sameDocument = true")
    tab.evaluate("window.location.hash = '#goals'")  # as a link to #goals does
    tab.wait_for_selector(".mw-step-body .mw-view-goals")
    assert tab.evaluate("window.__sameDocument === true")


def test_the_app_fits_a_laptop_and_a_phone_on_every_step(app, tab):
    """Nothing cut short, past the edge, monospace or scrolling sideways, at 1280 and 390 px
    (the same checks as the step pages, tests/browser/test_look.py)."""
    from tests.browser.test_look import PROBLEMS, WIDTHS

    base, _home = app
    open_app(tab, base)
    found: dict[str, list[str]] = {}
    for label in STEP_LABELS:
        tab.set_viewport_size({"width": WIDTHS[0], "height": 900})
        step(tab, label)
        for width in WIDTHS:
            tab.set_viewport_size({"width": width, "height": 900})
            tab.wait_for_function(
                "w => document.querySelector('.mw-app').getBoundingClientRect().right <= w",
                arg=width,
            )
            problems = tab.evaluate(PROBLEMS)
            if problems:
                found[f"{label} at {width} px"] = problems
    assert found == {}


SHUT_DOWN = """
async (id) => (await fetch("/voila/api/shutdown/" + id, { method: "POST" })).status
"""  # what a closing page's beacon asks: the server checks the Origin, as for a beacon


def test_a_page_whose_kernel_is_gone_says_so_and_offers_a_reload(app, tab):
    base, _home = app
    open_app(tab, base, "#goals")
    assert tab.locator(".mw-lost").count() == 0
    tab.evaluate("() => window.dispatchEvent(new Event('online'))")  # a live kernel: quiet
    tab.wait_for_timeout(1500)
    assert tab.locator(".mw-lost").count() == 0
    assert tab.evaluate(SHUT_DOWN, kernel_id(tab)) < 300
    tab.evaluate("() => window.dispatchEvent(new Event('online'))")  # as a laptop wakes up
    banner = tab.locator(".mw-lost[role=alert]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("lost its connection")
    expect(banner).to_contain_text("Everything you saved is kept")
    tab.get_by_role("button", name="Reload the page").click()
    tab.wait_for_selector(".mw-app .mw-stepbar")
    expect(tab).to_have_title("Mentor Workbook · Goals")
    assert tab.locator(".mw-lost").count() == 0


def test_the_outreach_step_counts_linkedins_note_budget_in_the_persons_time_zone(app, chromium):
    """A free account with four notes sent this month: the budget line says one is left,
    the fifth spends it, and what works instead is drafted on request; the month is counted
    in the time zone the browser reports."""
    import datetime as dt

    base, home = app
    store = store_of(home)
    if not (store.get("me", "profile", "me") or {}).get("name"):
        store.patch("me", "profile", "me", {"name": "Priya Raman", "headline": "Data analyst"})
        store.put("me", "goal", "1", {"title": "Lead a product discovery project by June"})
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    for n in range(4):
        store.put("me", "candidate", f"b{n}", {"name": f"Budget Person {n}", "notes": ["x y"]})
        note = {"candidate": f"b{n}", "kind": "linkedin-note", "text": "Hi", "sent_at": now}
        store.put("me", "draft", f"b{n}-linkedin-note", note)
    store.put(
        "me",
        "candidate",
        "b9",
        {"name": "Amara Nwosu", "headline": "VP Data", "notes": ["spoke on data ethics boards"]},
    )
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="Pacific/Auckland"
    )
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT)
    try:
        open_app(tab, base, "#outreach")
        tab.wait_for_selector(".mw-step-body .mw-view-outreach")
        view = tab.locator(".mw-view-outreach")
        view.locator("select").nth(0).select_option(label="Amara Nwosu")
        view.locator("select").nth(1).select_option(label="LinkedIn connection note")
        line = view.locator(".mw-budget-line")
        expect(line).to_contain_text("1 of 5 personalised notes left this month")
        expect(view).to_contain_text("This is your last personalised note this month")
        tab.get_by_role("button", name="Draft it").click()
        box = view.locator(".mw-draft textarea")
        expect(box).to_have_value(re.compile(r"^Hi Amara"), timeout=TIMEOUT)  # the coach loads
        tab.get_by_role("button", name="Mark as sent").click()
        expect(line).to_contain_text("0 of 5 personalised notes left this month")
        instead = view.locator(".mw-budget-instead")
        expect(instead.get_by_role("button")).to_have_count(3)
        # the browser's time zone is the person's: the month is counted there
        wait_until(
            lambda: (store.get("me", "profile", "me") or {}).get("timezone") == "Pacific/Auckland"
        )
        for width in (1280, 390):  # nothing past the edge on a laptop or a phone
            tab.set_viewport_size({"width": width, "height": 900})
            right = tab.evaluate(
                "() => document.querySelector('.mw-budget-instead').getBoundingClientRect().right"
            )
            assert right <= width
        tab.set_viewport_size({"width": 1280, "height": 900})
        instead.get_by_role("button", name="Draft an e-mail instead").click()
        expect(view.locator("select").nth(1)).to_have_value(re.compile(r"e-?mail", re.IGNORECASE))
        expect(view).to_contain_text("Drafted as an e-mail", timeout=TIMEOUT)
        expect(box).to_have_value(re.compile(r"^Hi Amara"))
    finally:
        context.close()
