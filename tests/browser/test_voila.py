"""The workbooks in a real browser: Voilà on a free loopback port, Debian's Chromium driven
by Playwright. Waits for selectors, never sleeps."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import CHROMIUM_ARGS, start_workbooks, stop

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium not installed (apt-get install chromium)"
    ),
]
TIMEOUT = 60_000  # ms: the first draft loads the offline model


proc_holder: dict[str, subprocess.Popen] = {}


@pytest.fixture(scope="module")
def voila(vector_cache: Path, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    from coach.indexer import index_paths
    from coach.settings import Settings

    home = tmp_path_factory.mktemp("browser-home")
    index_paths(Settings(home=home, cache_dir=vector_cache))  # so the first draft is quick
    port, proc = start_workbooks(home, vector_cache)
    proc_holder["voila"] = proc
    yield f"http://127.0.0.1:{port}", home
    stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    dialogs: list[str] = []

    def dismiss(d: Dialog) -> None:
        dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", dismiss)
    pg.dialogs = dialogs
    yield pg
    context.close()


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def open_book(page, base: str, name: str) -> None:
    page.goto(f"{base}/voila/render/{name}.ipynb")
    page.wait_for_selector(".jupyter-widgets")


def store_of(home: Path):
    from coach.store import Store, database_url

    return Store(database_url(home))


def wait_until(check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


def test_a_mentee_sets_a_goal_adds_a_candidate_and_drafts_a_note(voila, page):
    base, home = voila
    open_book(page, base, "00_start_here")
    page.get_by_placeholder("e.g. Priya Raman").fill("Priya Raman")
    page.get_by_placeholder("e.g. Data analyst moving into product management").fill(
        "Data analyst moving into product management"
    )
    page.get_by_placeholder("e.g. Priya Raman").press("Tab")
    wait_until(lambda: (store_of(home).get("me", "profile", "me") or {}).get("headline"))
    assert page.locator("text=Coach:").first.is_visible()

    open_book(page, base, "01_goals")
    page.get_by_placeholder("e.g. Lead a product discovery project").first.fill(
        "Lead a product discovery project by June"
    )
    page.get_by_placeholder("e.g. Lead a product discovery project").first.press("Tab")
    wait_until(lambda: (store_of(home).get("me", "goal", "1") or {}).get("title"))

    open_book(page, base, "03_candidates")
    page.get_by_placeholder("e.g. Daniel Okafor").fill("Daniel Okafor")
    page.get_by_placeholder("e.g. Director of Product").fill("Director of Product")
    page.locator("textarea").first.fill(
        "wrote a post on running discovery sprints in regulated healthcare"
    )
    page.get_by_role("button", name="Add candidate").click()
    page.wait_for_selector("text=Added Daniel Okafor.")

    open_book(page, base, "04_outreach")
    page.get_by_role("button", name="Draft it").click()
    # the counter shows the limit before there is a draft; wait for the draft itself
    expect(page.locator(".mw-draft textarea")).to_have_value(
        re.compile(r"^Hi Daniel"), timeout=TIMEOUT
    )
    counter = page.wait_for_selector(".mw-counter")
    assert counter.inner_text().endswith("/ 200 characters")
    draft = page.locator(".mw-draft textarea").input_value()
    assert draft.startswith("Hi Daniel") and len(draft) <= 200
    assert "discovery sprints" in draft
    page.wait_for_selector("text=[1]")  # cited sources
    page.locator(".mw-draft textarea").fill(draft + " Thanks!")
    # the kernel recounts after each keystroke: wait for it rather than read at once
    expect(page.locator(".mw-counter")).to_contain_text(f"{len(draft) + 8} / 200")

    # everything is still there after a reload
    open_book(page, base, "01_goals")
    value = page.get_by_placeholder("e.g. Lead a product discovery project").first.input_value()
    assert value == "Lead a product discovery project by June"
    open_book(page, base, "03_candidates")
    page.wait_for_selector("text=Daniel Okafor")


def test_html_in_a_name_shows_as_text(voila, page):
    base, _home = voila
    evil = "<img src=x onerror=alert(1)>"
    open_book(page, base, "03_candidates")
    page.get_by_placeholder("e.g. Daniel Okafor").fill(evil)
    page.locator("textarea").first.fill("spoke at the <b>regional</b> meetup about hiring")
    page.get_by_role("button", name="Add candidate").click()
    page.wait_for_selector(f"text=Added {evil}.")
    page.reload()
    page.wait_for_selector(".jupyter-widgets")
    page.wait_for_selector(f"text={evil}")
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("b:text('regional')").count() == 0
    assert page.dialogs == []


def test_two_tabs_at_once_keep_both_peoples_changes(voila, browser):
    base, home = voila
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        tab.set_default_timeout(TIMEOUT)
        open_book(tab, base, "03_candidates")
    for tab, name in ((first, "Ada Tab-One"), (second, "Grace Tab-Two")):
        tab.get_by_placeholder("e.g. Daniel Okafor").fill(name)
        tab.locator("textarea").first.fill("gave a talk on mentoring new analysts")
        tab.get_by_role("button", name="Add candidate").click()
        tab.wait_for_selector(f"text=Added {name}.")
    names = {c.get("name") for _k, c in store_of(home).all("me", "candidate")}
    assert {"Ada Tab-One", "Grace Tab-Two"} <= names
    for tab in (first, second):  # each tab, reloaded, shows what the other one added
        tab.reload()
        tab.wait_for_selector("text=Ada Tab-One")
        tab.wait_for_selector("text=Grace Tab-Two")
    context.close()


def test_closing_a_page_shuts_its_kernel_down(voila, browser):
    import psutil

    base, _home = voila
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT)
    open_book(tab, base, "02_network")
    kernel_id = tab.eval_on_selector(
        "#jupyter-config-data", "e => JSON.parse(e.textContent).kernelId"
    )
    server = psutil.Process(proc_holder["voila"].pid)

    def running() -> bool:
        for k in server.children(recursive=True):
            try:  # a kernel that has exited may linger as a zombie until reaped
                if k.status() != psutil.STATUS_ZOMBIE and f"kernel-{kernel_id}.json" in " ".join(
                    k.cmdline()
                ):
                    return True
            except psutil.Error:
                continue
        return False

    assert running()
    tab.close(run_before_unload=True)
    wait_until(lambda: not running(), timeout=30)
    context.close()
