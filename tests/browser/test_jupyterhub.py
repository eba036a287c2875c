"""deploy/jupyterhub/jupyterhub_config.py for real: JupyterHub on loopback with its trial
authenticator, the local-process spawner and configurable-http-proxy (from npm), one shared
PostgreSQL database and one shared chroma server. Two people log in through the hub in
Chromium; each gets their own single-user server with the workbooks in Voilà, and each
sees only their own records."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.test_voila import CHROMIUM, TIMEOUT, wait_until
from tests.browser.test_workshop import browser, person  # noqa: F401  (fixture)
from tests.helpers import free_port, stop, wait_for_port

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROXY = "configurable-http-proxy"
LOCAL_PROXY = REPO / ".venv" / "hub" / "node_modules" / ".bin" / PROXY
BIN = Path(sys.executable).parent
GOAL = "e.g. Lead a product discovery project"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium not installed (apt-get install chromium)"
    ),
]


def proxy_dir() -> str:
    """Where configurable-http-proxy is: `make test` installs it under .venv/hub."""
    found = shutil.which(PROXY)
    if found:
        return str(Path(found).parent)
    if LOCAL_PROXY.exists():
        return str(LOCAL_PROXY.parent)
    pytest.fail(f"{PROXY} is missing: `make hub-install` (run by `make test`) installs it")


@pytest.fixture(scope="module")
def chroma(vector_cache: Path, tmp_path_factory) -> Iterator[str]:
    """A `chroma run` server holding the corpus index, built once as an admin would."""
    from coach.indexer import index_paths
    from coach.settings import Settings

    port = free_port()
    where = str(tmp_path_factory.mktemp("chroma"))
    proc = subprocess.Popen(
        [BIN / "chroma", "run", "--host", "127.0.0.1", "--port", str(port), "--path", where],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc, "chroma run")
        url = f"http://127.0.0.1:{port}"
        admin = tmp_path_factory.mktemp("admin")
        index_paths(Settings(home=admin, cache_dir=vector_cache, chroma_url=url))
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def hub(pg_cluster, chroma: str, vector_cache: Path, tmp_path_factory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("hub")
    port, hub_port, api_port = free_port(), free_port(), free_port()
    password = secrets.token_urlsafe(12)
    database = pg_cluster.new_database()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env.update(
        PATH=os.pathsep.join([proxy_dir(), str(BIN), env["PATH"]]),
        MW_HUB_AUTHENTICATOR="dummy",
        MW_HUB_PASSWORD=password,
        MW_HUB_HOME=str(root / "home" / "{username}"),
        MW_HUB_BIND_URL=f"http://127.0.0.1:{port}",
        COACH_DATABASE_URL=database,
        COACH_CHROMA_URL=chroma,
        COACH_CACHE_DIR=str(vector_cache),
    )
    log = (root / "hub.log").open("w")
    proc = subprocess.Popen(
        [
            BIN / "jupyterhub",
            *("-f", CONFIG, f"--JupyterHub.hub_port={hub_port}"),
            f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{api_port}",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc, "jupyterhub")
        yield {
            "base": f"http://127.0.0.1:{port}",
            "password": password,
            "database": database,
            "log": root / "hub.log",
        }
    finally:
        stop(proc)  # the hub stops the people's servers as it exits
        log.close()


def log_in(browser, hub: dict, name: str):  # noqa: F811
    page = person(browser)
    page.goto(f"{hub['base']}/hub/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", hub["password"])
    page.click("[type=submit]")
    # the hub starts this person's own server and opens the workbook app in Voilà
    page.wait_for_url(f"**/user/{name}/voila/render/app.ipynb*", timeout=TIMEOUT * 2)
    page.wait_for_selector("text=Start here")
    return page


def test_two_people_through_the_hub_each_see_only_their_own(hub, browser):  # noqa: F811
    from coach.store import Store

    db = Store(hub["database"])  # the one PostgreSQL database every server shares
    base = hub["base"]
    alice = log_in(browser, hub, "alice")
    alice.goto(f"{base}/user/alice/voila/render/01_goals.ipynb")
    goal = alice.get_by_placeholder(GOAL).first
    goal.fill("Alice's own goal: run the spring offsite")
    goal.press("Tab")
    wait_until(lambda: (db.get("hub:alice", "goal", "1") or {}).get("title"))

    bob = log_in(browser, hub, "bob")
    bob.goto(f"{base}/user/bob/voila/render/01_goals.ipynb")
    goal = bob.get_by_placeholder(GOAL).first
    assert goal.input_value() == ""  # nothing of Alice's, though the database is shared
    goal.fill("Bob's goal: mentor two new hires")
    goal.press("Tab")
    wait_until(lambda: (db.get("hub:bob", "goal", "1") or {}).get("title"))
    # Bob cannot open Alice's server: the hub refuses him
    response = bob.goto(f"{base}/user/alice/voila/render/01_goals.ipynb")
    assert response is not None and response.status == 403
    assert "Alice's own goal" not in bob.content()

    alice.reload()
    assert alice.get_by_placeholder(GOAL).first.input_value().startswith("Alice's own goal")
    assert "Bob's goal" not in alice.content()
    alice_goal = db.get("hub:alice", "goal", "1")
    assert alice_goal is not None and alice_goal["title"].startswith("Alice")
    bob_goal = db.get("hub:bob", "goal", "1")
    assert bob_goal is not None and bob_goal["title"].startswith("Bob")
    assert db.all("me", "goal") == []  # nobody fell back to the one-person owner
    # the server is for workbooks only: no terminals (deploy/jupyterhub/jupyter_server_config)
    assert alice.request.get(f"{base}/user/alice/api/terminals").status == 404

    # Alice's coach searches the shared chroma server and cites the corpus
    alice.goto(f"{base}/user/alice/voila/render/06_coach.ipynb")
    alice.get_by_placeholder("e.g. How often should my mentor and I meet?").fill(
        "How often should my mentor and I meet?"
    )
    alice.get_by_role("button", name="Ask the coach").click()
    alice.wait_for_selector(".mw-answer", timeout=TIMEOUT * 2)
    alice.wait_for_selector("text=Sources")
    assert all(p.dialogs == [] for p in (alice, bob))
    log = hub["log"].read_text()
    assert hub["password"] not in log and hub["database"] not in log
