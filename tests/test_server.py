"""The workbook server over real HTTP: join and facilitator links, the guard in front of
every page, secrets kept out of logs, and the page-close endpoint's origin check.

Voilà runs in a subprocess on a free loopback port, without pre-heated kernels (no page is
rendered here except where a test says so)."""

from __future__ import annotations

import http.client
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coach.cli.serve import voila_command, voila_env, workbooks_dir
from tests.helpers import free_port, wait_for_port


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def start(home: Path, vector_cache: Path, log: Path, workshop: bool) -> tuple[int, Any]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env.update(COACH_HOME=str(home), COACH_CACHE_DIR=str(vector_cache))
    if workshop:
        env["COACH_WORKSHOP"] = "1"
    out = log.open("w")
    proc = subprocess.Popen(
        voila_command(port, workbooks_dir(), pool=0, workshop=workshop),
        env=voila_env(env),
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, proc, "voila")
    return port, proc


@pytest.fixture(scope="module")
def workshop(tmp_path_factory, vector_cache) -> Iterator[dict]:
    home = tmp_path_factory.mktemp("server-home")
    old = os.environ.get("COACH_HOME")
    os.environ["COACH_HOME"] = str(home)
    from coach import settings, store

    settings.reset_settings()
    store.forget_stores()
    from coach.cohorts import close_cohort, create_cohort

    open_one = create_cohort("open-cohort", seats=2)
    closed = create_cohort("closed-cohort", seats=1)
    close_cohort("closed-cohort")
    log = home / "server.log"
    port, proc = start(home, vector_cache, log, workshop=True)
    yield {"port": port, "open": open_one, "closed": closed, "log": log, "home": home}
    proc.terminate()
    proc.wait(timeout=30)
    if old is None:
        os.environ.pop("COACH_HOME", None)
    else:
        os.environ["COACH_HOME"] = old
    settings.reset_settings()
    store.forget_stores()


def get(port: int, path: str, cookie: str = "", method: str = "GET", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    h = {"Cookie": cookie} if cookie else {}
    h.update(headers or {})
    conn.request(method, path, headers=h)
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    conn.close()
    return resp, body


def test_a_join_link_sets_an_httponly_cookie_and_redirects_without_the_token(workshop):
    token = token_of(workshop["open"].links[0][1])
    resp, _ = get(workshop["port"], f"/join/{token}")
    assert resp.status == 302
    assert resp.getheader("Location").endswith("/voila/render/00_start_here.ipynb")
    assert token not in resp.getheader("Location")
    cookie = resp.getheader("Set-Cookie")
    assert cookie.startswith(f"mw_seat={token}") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("kind", ["wrong", "closed", "facilitator-key-as-seat"])
def test_a_bad_join_link_gets_a_friendly_page_and_no_cookie(workshop, kind):
    token = {
        "wrong": "A" * 32,
        "closed": token_of(workshop["closed"].links[0][1]),
        "facilitator-key-as-seat": token_of(workshop["open"].facilitator_url),
    }[kind]
    resp, body = get(workshop["port"], f"/join/{token}")
    assert resp.status == 404 and resp.getheader("Set-Cookie") is None
    assert "This join link does not work" in body and "ask your facilitator" in body.lower()


def test_pages_need_a_valid_seat_and_the_dashboard_a_facilitator_key(workshop):
    port, created = workshop["port"], workshop["open"]
    seat = f"mw_seat={token_of(created.links[0][1])}"
    key = f"mw_facilitator={token_of(created.facilitator_url)}"
    closed = f"mw_seat={token_of(workshop['closed'].links[0][1])}"
    page, board = "/voila/render/01_goals.ipynb", "/voila/render/facilitator/dashboard.ipynb"
    for cookie in ("", "mw_seat=forged", closed, key):
        resp, body = get(port, page, cookie)
        assert resp.status == 403 and "Please open your join link" in body, cookie
    for cookie in ("", seat, "mw_facilitator=forged"):
        resp, body = get(port, board, cookie)
        assert resp.status == 403 and "needs the facilitator link" in body, cookie
    resp, _ = get(port, f"/facilitator/{token_of(created.facilitator_url)}")
    assert resp.status == 302 and resp.getheader("Location").endswith(board)


def test_a_participant_page_renders_for_a_valid_seat(workshop):
    seat = f"mw_seat={token_of(workshop['open'].links[1][1])}"
    resp, body = get(workshop["port"], "/voila/render/01_goals.ipynb", seat)
    assert resp.status == 200
    assert "Traceback" not in body and "join link" not in body


def test_closing_a_page_from_another_site_is_refused(workshop):
    resp, _ = get(
        workshop["port"],
        "/voila/api/shutdown/00000000-0000-0000-0000-000000000000",
        method="POST",
        headers={"Origin": "http://evil.example"},
    )
    assert resp.status == 403
    port = workshop["port"]
    resp, _ = get(  # the same request from one of our pages passes the check
        port,
        "/voila/api/shutdown/00000000-0000-0000-0000-000000000000",
        method="POST",
        headers={"Origin": f"http://127.0.0.1:{port}"},
    )
    assert resp.status != 403


def test_no_token_or_key_reaches_the_server_log(workshop):
    text = workshop["log"].read_text(encoding="utf-8", errors="replace")
    assert "/join/…" in text  # the requests were logged, without their secret
    for created in (workshop["open"], workshop["closed"]):
        for _p, url in created.links:
            assert token_of(url) not in text
        assert token_of(created.facilitator_url) not in text


def test_a_personal_server_refuses_join_links(tmp_path, vector_cache):
    port, proc = start(tmp_path / "home", vector_cache, tmp_path / "log", workshop=False)
    try:
        resp, body = get(port, "/join/" + "B" * 32)
        assert resp.status == 404 and "not running a workshop" in body
    finally:
        proc.terminate()
        proc.wait(timeout=30)
