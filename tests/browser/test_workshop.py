"""A workshop in a real browser: three participants in separate browser contexts, a
stranger, and the facilitator's dashboard following their progress without their words.

Voilà runs as `mentor-coach serve --workshop` does (pre-heated kernels included)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.test_voila import CHROMIUM, TIMEOUT, expect, store_of, wait_until
from tests.helpers import CHROMIUM_ARGS, coach_home, start_workbooks, stop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium not installed (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def workshop(vector_cache: Path, tmp_path_factory) -> Iterator[dict]:
    from coach.cohorts import create_cohort
    from coach.indexer import index_paths
    from coach.settings import Settings

    home = tmp_path_factory.mktemp("workshop-home")
    index_paths(Settings(home=home, cache_dir=vector_cache))
    with coach_home(home):
        created = create_cohort("autumn", seats=3, title="Autumn mentoring workshop")
        port, proc = start_workbooks(home, vector_cache, pool=1, workshop=True)
        yield {"base": f"http://127.0.0.1:{port}", "created": created, "home": home}
        stop(proc)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        yield b
        b.close()


def person(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


def test_three_participants_a_stranger_and_the_dashboard(workshop, browser):
    base, created, home = workshop["base"], workshop["created"], workshop["home"]
    (ada, ada_url), (bea, bea_url), (_cy, cy_url) = created.links
    db = store_of(home)

    # Ada joins, lands on the first workbook with the banner, and sets a goal
    a = person(browser)
    a.goto(ada_url.replace("http://127.0.0.1:8866", base))
    a.wait_for_selector(".mw-banner")
    assert "Autumn mentoring workshop" in a.locator(".mw-banner").inner_text()
    assert "/join/" not in a.url  # the token left the address bar
    a.goto(f"{base}/voila/render/01_goals.ipynb")
    goal = a.get_by_placeholder("e.g. Lead a product discovery project").first
    goal.fill("Ada private goal: present to the board by May")
    goal.press("Tab")
    wait_until(lambda: (db.get(ada.id, "goal", "1") or {}).get("title"))

    # Bea joins and adds a candidate
    b = person(browser)
    b.goto(bea_url.replace("http://127.0.0.1:8866", base))
    b.wait_for_selector(".mw-banner")
    b.goto(f"{base}/voila/render/03_candidates.ipynb")
    b.get_by_placeholder("e.g. Daniel Okafor").fill("Bea Secret Mentor")
    b.locator("textarea").first.fill("gave a talk on analytics careers")
    b.get_by_role("button", name="Add candidate").click()
    b.wait_for_selector("text=Added Bea Secret Mentor.")
    assert [c["name"] for _k, c in db.all(bea.id, "candidate")] == ["Bea Secret Mentor"]
    assert db.all(ada.id, "candidate") == []  # landed in Bea's records only

    # Cy joins, then tries the dashboard and Ada's page by address: nothing of theirs shows
    c = person(browser)
    c.goto(cy_url.replace("http://127.0.0.1:8866", base))
    c.wait_for_selector(".mw-banner")
    c.goto(f"{base}/voila/render/facilitator/dashboard.ipynb")
    c.wait_for_selector("text=needs the facilitator link")
    c.goto(f"{base}/voila/render/01_goals.ipynb?owner={ada.id}")
    c.wait_for_selector(".mw-banner")
    assert c.get_by_placeholder("e.g. Lead a product discovery project").first.input_value() == ""
    assert "Ada private goal" not in c.content()

    # a stranger with no link sees a friendly page
    s = person(browser)
    s.goto(f"{base}/voila/render/01_goals.ipynb")
    s.wait_for_selector("text=Please open your join link")

    # the facilitator sees counts and names, never the goal or the candidate
    f = person(browser)
    f.goto(created.facilitator_url.replace("http://127.0.0.1:8866", base))
    counts = f.locator(".mw-counts")
    expect(counts).to_contain_text("Set a goal: 1 of 3")
    expect(counts).to_contain_text("Added a candidate: 1 of 3")
    assert "Ada private goal" not in f.content() and "Bea Secret Mentor" not in f.content()
    expect(f.locator(".mw-people")).to_contain_text("Seat 1")

    # Ada adds a candidate: the dashboard follows on its own
    a.goto(f"{base}/voila/render/03_candidates.ipynb")
    a.get_by_placeholder("e.g. Daniel Okafor").fill("Another Mentor")
    a.locator("textarea").first.fill("runs the regional data meetup")
    a.get_by_role("button", name="Add candidate").click()
    a.wait_for_selector("text=Added Another Mentor.")
    expect(counts).to_contain_text("Added a candidate: 2 of 3", timeout=40_000)
    assert all(p.dialogs == [] for p in (a, b, c, s, f))


def test_the_facilitator_approves_mentor_matches_and_a_participant_sees_theirs(workshop, browser):
    from coach.cohorts import create_cohort, match_for

    base, home = workshop["base"], workshop["home"]
    roster = Path(__file__).parents[2] / "examples" / "mentoring-roster.csv"
    with coach_home(home):  # six mentors, twelve mentees
        created = create_cohort("circle", roster=roster, title="Mentoring circle")
    link = {p.display_name: url.replace("http://127.0.0.1:8866", base) for p, url in created.links}
    hana = next(p for p, _url in created.links if p.display_name == "Hana Kim")

    # before any approval, a participant sees no match
    h = person(browser)
    h.goto(link["Hana Kim"])
    h.wait_for_selector(".mw-banner")
    assert h.locator(".mw-match-mine").count() == 0

    f = person(browser)
    f.goto(created.facilitator_url.replace("http://127.0.0.1:8866", base))
    f.locator(".mw-propose").click()
    expect(f.locator(".mw-match-row")).to_have_count(12)
    expect(f.locator(".mw-match-message")).to_contain_text("12 of 12 mentees")
    expect(f.locator(".mw-matches")).to_contain_text("goals ↔ offers")
    f.locator(".mw-approve-all").click()
    expect(f.locator(".mw-status-approved")).to_have_count(12)
    with coach_home(home):
        mine = match_for(hana.id).mentor
    assert mine is not None and mine.status == "approved"

    # Hana opens her join link again: her mentor, why, and the pulse
    h.goto(link["Hana Kim"])
    shown = h.locator(".mw-match-mine")
    expect(shown).to_contain_text(f"Your mentor: {mine.mentor_name}")
    expect(shown).to_contain_text(f"why: {mine.reason}")
    pulse = h.locator(".mw-fit-pulse")
    expect(pulse.get_by_text("I want to meet again")).to_be_hidden()  # one line until asked
    pulse.locator(".mw-fit-unfold").click()
    expect(pulse.get_by_text("I want to meet again")).to_be_visible()
    assert all(p.dialogs == [] for p in (f, h))
