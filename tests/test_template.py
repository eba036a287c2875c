"""Our Voilà page template over real HTTP: a page asks nothing of any other host (the
product works offline), its icons come with it, and its tab says which step it is.

Voilà runs in a subprocess on a free loopback port as `mentor-coach serve` runs it, but
without pre-heated kernels and without the coach service: no page here asks the coach
anything, and the service's warm-up (the offline model) would cost a minute. One workbook
page is rendered, for the module."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import free_port, stop, wait_for_port

REPO = Path(__file__).resolve().parents[1]
# where a page names something the browser fetches: an attribute, a CSS url(), an import()
ASSET = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?|url\(\s*["']?|import\(\s*["'])"""
    r"""\s*(https?:)?//""",
    re.IGNORECASE,
)


def start_pages(home: Path, vector_cache: Path):
    """Voilà with our template and the workbooks, on a free loopback port, without the coach
    service; returns (port, process) once it listens."""
    import os
    import subprocess

    from coach.cli.serve import voila_command, voila_env, workbooks_dir

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env.update(COACH_HOME=str(home), COACH_CACHE_DIR=str(vector_cache))
    proc = subprocess.Popen(
        voila_command(port, workbooks_dir(), pool=0),
        env=voila_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, proc, "voila")
    return port, proc


@pytest.fixture(scope="module")
def server(tmp_path_factory, vector_cache) -> Iterator[int]:
    port, proc = start_pages(tmp_path_factory.mktemp("template-home"), vector_cache)
    yield port
    stop(proc)


def get(port: int, path: str) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    conn.close()
    return resp.status, resp.getheader("Content-Type") or "", body


@pytest.fixture(scope="module")
def goals_page(server: int) -> str:
    status, _, body = get(server, "/voila/render/01_goals.ipynb")
    assert status == 200
    return body


def external_references(text: str) -> list[str]:
    """The asset addresses in ``text`` that point at another host (or any host: a page on
    127.0.0.1 names its own assets by path)."""
    return [text[m.start() : m.end() + 60] for m in ASSET.finditer(text)]


def test_a_workbook_page_fetches_nothing_from_another_host(goals_page: str):
    assert "cdn.jsdelivr.net" not in goals_page and "cdnjs.cloudflare.com" not in goals_page
    assert external_references(goals_page) == []


def test_a_workbook_page_loads_our_stylesheet_from_the_template(server: int, goals_page: str):
    found = re.search(r'href="(/voila/templates/mentor/static/mentor\.css[^"]*)"', goals_page)
    assert found, "the page does not link static/mentor.css"
    status, kind, css = get(server, found.group(1))
    assert status == 200 and kind.startswith("text/css")
    assert ".mw-stepbar" in css and "@media" in css
    assert external_references(css) == []


def test_the_widget_icons_are_served_with_the_page(server: int, goals_page: str):
    """Font Awesome 5 and its v4 names (ipywidgets writes `fa fa-<icon>`) come in Voilà's
    own voila-style.js, fonts and all: every icon a widget asks for is there."""
    script = re.search(r'src="(/voila/templates/mentor/static/voila-style\.js[^"]*)"', goals_page)
    assert script, "the page does not load voila-style.js (it carries Font Awesome)"
    status, _, js = get(server, script.group(1))
    assert status == 200
    assert external_references(js) == []  # its fonts are url(...) of files beside it
    icons = set()
    for source in (REPO / "coach" / "widgets").glob("*.py"):
        icons |= set(re.findall(r'\bicon="([a-z0-9-]+)"', source.read_text(encoding="utf-8")))
    assert icons, "no icons found in coach/widgets: the pattern needs updating"
    missing = sorted(i for i in icons if f".fa-{i}:before" not in js)
    assert missing == []


def test_the_tab_title_names_the_product_and_the_step(server: int, goals_page: str):
    assert "<title>Mentor Workbook · Goals</title>" in goals_page


def test_other_pages_fetch_nothing_from_another_host_either(server: int):
    status, _, missing = get(server, "/voila/render/no-such-workbook.ipynb")
    assert status == 404
    assert external_references(missing) == []
    assert "Mentor Workbook" in missing


def test_the_dashboard_chart_is_a_sharp_svg_with_every_step_named_in_full():
    import base64

    from coach.widgets.dashboard import STEP_LABELS, progress_chart

    img = progress_chart({"goals": 3, "network": 1}, 4)
    assert img.startswith('<img class="mw-chart"') and "max-width:640px" in img
    found = re.search(r"base64,([^\"]+)", img)
    assert found
    svg = base64.b64decode(found.group(1)).decode()
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg
    assert all(label in svg for label in STEP_LABELS.values())  # text, not pixels
