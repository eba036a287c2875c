"""How the workbook pages look in Chromium, on a laptop and on a phone: nothing cut short,
nothing off the side of the screen, one font, and not one request beyond 127.0.0.1.

Each page loads once, at 1280 px, then is measured again at 390 px (the layout follows the
viewport without a reload). Voilà runs without the coach service: no page here asks it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.test_voila import CHROMIUM, TIMEOUT, browser  # noqa: F401  (fixture)
from tests.helpers import stop
from tests.test_template import start_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium not installed (apt-get install chromium)"
    ),
]
# the pages with the most to clip: a long label ("Organization"), a long button ("Suggest
# sharper wording"), two dropdowns in a row ("To", "As") and a checkbox beside a button
PAGES = {
    "00_start_here": "Download my data (JSON)",
    "01_goals": "Suggest sharper wording",
    "04_outreach": "Draft it",
}
WIDTHS = (1280, 390)

# What a person would see as broken: a label, button or choice whose words do not fit in
# it (ipywidgets cuts them with an ellipsis), a control reaching past the screen's edge,
# a page that scrolls sideways, or text in a monospace font.
PROBLEMS = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const cells = document.getElementById("rendered_cells") || document.body;
  const say = (el, what) => problems.push(
    `${what}: ${(el.textContent || el.placeholder || el.className).trim().slice(0, 40)}`);
  for (const el of cells.querySelectorAll(
      ".widget-label, .widget-label-basic, .jupyter-button, .widget-html-content, " +
      "input, select, textarea")) {
    if (el.offsetParent === null) continue;  // not shown
    if (!["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)
        && el.scrollWidth > el.clientWidth + 1) say(el, "cut short");
    if (el.getBoundingClientRect().right > width + 1) say(el, "past the edge");
    if (/monospace/.test(getComputedStyle(el).fontFamily)) say(el, "monospace");
  }
  if (document.documentElement.scrollWidth > width + 1
      || cells.scrollWidth > cells.clientWidth + 1) problems.push("the page scrolls sideways");
  return problems;
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory, vector_cache) -> Iterator[str]:
    port, proc = start_pages(tmp_path_factory.mktemp("look-home"), vector_cache)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


def test_pages_fit_a_laptop_and_a_phone_and_stay_on_this_machine(pages, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    elsewhere: list[str] = []

    def note_request(request) -> None:
        if not request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            elsewhere.append(request.url)

    page.on("request", note_request)
    found: dict[str, list[str]] = {}
    try:
        for name, button in PAGES.items():
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            page.goto(f"{pages}/voila/render/{name}.ipynb")
            page.get_by_role("button", name=button).first.wait_for()
            assert page.title().startswith("Mentor Workbook · ")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                # Voilà's panel follows the window on its next frame
                page.wait_for_function(
                    "w => (document.getElementById('rendered_cells') || document.body)"
                    ".getBoundingClientRect().right <= w",
                    arg=width,
                )
                problems = page.evaluate(PROBLEMS)
                if problems:
                    found[f"{name} at {width} px"] = problems
    finally:
        context.close()
    assert found == {}
    assert elsewhere == []
