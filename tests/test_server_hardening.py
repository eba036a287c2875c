"""The workshop server under attack, over real HTTP: secret links that are not quite
tokens, paths that try to reach the dashboard, pages and kernels per seat, kernels that
answer only their own seat, a TLS proxy, links from other sites, guessing; and a server
log that holds no token, key or kernel id afterwards.

The servers run as `mentor-coach serve` runs them, in subprocesses on free loopback
ports, with their whole output (kernels' included) in a log file the tests read.
"""

from __future__ import annotations

import asyncio
import http.client
import itertools
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.helpers import coach_home, free_port, start_service, stop, wait_for_port

KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]+)"')
_addresses = itertools.count(1)


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def start_server(home: Path, vector_cache: Path, log: Path, *, workshop: bool, pool: int, **env):
    """The workbook server as `mentor-coach serve` starts it, with extra COACH_* settings."""
    from coach.cli.serve import voila_command, voila_env, workbooks_dir

    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    base.update(COACH_HOME=str(home), COACH_CACHE_DIR=str(vector_cache), **env)
    if workshop:
        base["COACH_WORKSHOP"] = "1"
    service = start_service(base)
    base.update(service.client_env())
    proc = subprocess.Popen(
        voila_command(port, workbooks_dir(), pool=pool, workshop=workshop),
        env=voila_env(base),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    proc.service = service  # type: ignore[attr-defined]
    try:
        wait_for_port(port, proc, "voila")
    except BaseException:
        service.close()
        raise
    return port, proc


@pytest.fixture(scope="module")
def server(tmp_path_factory, vector_cache) -> Iterator[dict]:
    """A workshop server behind a (trusted) TLS proxy: 2 pages per seat, 3 on the server,
    one pre-heated app page."""
    home = tmp_path_factory.mktemp("hardening-home")
    with coach_home(home):
        from coach.cohorts import create_cohort

        created = create_cohort("hard", seats=6)
        other = create_cohort("other", seats=1)
    log = home / "server.log"
    port, proc = start_server(
        home,
        vector_cache,
        log,
        workshop=True,
        pool=1,
        COACH_KERNELS_PER_SEAT="2",
        COACH_MAX_KERNELS="3",
        COACH_TRUST_PROXY="1",
    )
    wait_for_log(log, "Kernel pool of app.ipynb is filled", proc)  # no start later but ours
    state = {"port": port, "log": log, "cohorts": [created, other], "kernels": set()}
    state["seats"] = [token_of(url) for _p, url in created.links]
    state["key"] = token_of(created.facilitator_url)
    yield state
    stop(proc)


def wait_for_log(log: Path, text: str, proc, timeout: float = 300) -> None:
    import time

    deadline = time.monotonic() + timeout
    while text not in log.read_text(encoding="utf-8", errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the server never logged {text!r}")
        time.sleep(0.5)


def request(port: int, path: str, *, method: str = "GET", cookie: str = "", body=None, **headers):
    """One request, with ``path`` sent exactly as written (as curl --path-as-is does), from
    a client address of its own (the trusted proxy's X-Forwarded-For) unless told."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
    h = {"X-Forwarded-For": f"10.1.0.{next(_addresses)}"}
    h.update({k.replace("_", "-"): v for k, v in headers.items()})
    if cookie:
        h["Cookie"] = cookie
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=h)
    resp = conn.getresponse()
    text = resp.read().decode("utf-8", "replace")
    conn.close()
    return resp, text


def open_page(state: dict, path: str, cookie: str) -> tuple[int, str, str]:
    """Open a page: (status, body, its kernel id or "")."""
    resp, body = request(state["port"], path, cookie=cookie)
    found = KERNEL_ID.search(body)
    kernel = found.group(1) if found else ""
    if kernel:
        state["kernels"].add(kernel)
    return resp.status, body, kernel


def close_page(state: dict, kernel: str, cookie: str) -> int:
    """The closing page's beacon (from our own origin, with the given cookies)."""
    port = state["port"]
    resp, _ = request(
        port,
        f"/voila/api/shutdown/{kernel}",
        method="POST",
        cookie=cookie,
        Origin=f"http://127.0.0.1:{port}",
    )
    return resp.status


def kernels_started(log: Path) -> int:
    return log.read_text(encoding="utf-8", errors="replace").count("Kernel started")


@pytest.mark.parametrize("kind", ["join", "facilitator"])
@pytest.mark.parametrize("blank", ["%20", "%09", "%0D", "%20%20%0D%0A"])
def test_a_secret_link_with_blanks_around_it_opens_with_the_bare_token(server, kind, blank):
    secret = server["seats"][0] if kind == "join" else server["key"]
    resp, body = request(server["port"], f"/{kind}/{secret}{blank}")
    assert resp.status == 302, body
    cookie = resp.getheader("Set-Cookie")
    name = "mw_seat" if kind == "join" else "mw_facilitator"
    assert cookie.startswith(f"{name}={secret};"), cookie  # the token the link was checked with


@pytest.mark.parametrize("kind", ["join", "facilitator"])
@pytest.mark.parametrize("junk", ["%3B", "%3Bmw_seat%3Dx", "%22", "%2C", "%00", "%C3%A9", "x%20y"])
def test_a_secret_link_with_other_characters_is_a_link_that_does_not_work(server, kind, junk):
    secret = server["seats"][0] if kind == "join" else server["key"]
    resp, body = request(server["port"], f"/{kind}/{secret}{junk}")
    assert resp.status == 404, body
    assert resp.getheader("Set-Cookie") is None  # no unusable (quoted) cookie either
    assert "does not work" in body and "Traceback" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/x/../facilitator/dashboard.ipynb",
        "/voila/render//facilitator/dashboard.ipynb",
        "/voila/render/./facilitator/dashboard.ipynb",
        "/voila/render/%2ffacilitator/dashboard.ipynb",
        "/voila/render/%2Ffacilitator%2Fdashboard.ipynb",
        "/voila/render/01_goals.ipynb/../facilitator/dashboard.ipynb",
        "/voila/render/facilitator/./dashboard.ipynb",
        "/voila/render/facilitator//dashboard.ipynb",
    ],
)
def test_a_seat_never_opens_the_dashboard_by_another_path(server, path):
    before = kernels_started(server["log"])
    seat = f"mw_seat={server['seats'][3]}"
    status, body, kernel = open_page(server, path, seat)
    assert status == 403 and "needs the facilitator link" in body, (status, body[:300])
    assert not kernel and kernels_started(server["log"]) == before


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/../../etc/passwd",
        "/voila/render/x/../../app.ipynb",
        "/voila/render/%2e%2e/workbooks/app.ipynb",
        "/voila/render/%252ffacilitator/dashboard.ipynb",
        "/voila/render/..%5cfacilitator/dashboard.ipynb",
    ],
)
def test_a_path_out_of_the_workbooks_folder_is_no_page(server, path):
    before = kernels_started(server["log"])
    status, body, kernel = open_page(server, path, f"mw_seat={server['seats'][3]}")
    assert status == 404 and "There is no such page" in body, (status, body[:300])
    assert not kernel and kernels_started(server["log"]) == before


def test_pages_per_seat_and_per_server_are_limited_and_kernels_answer_only_their_seat(server):
    port = server["port"]
    a, b, c = (f"mw_seat={t}" for t in server["seats"][:3])
    status, _, first = open_page(server, "/", a)  # the pre-heated app page
    assert status == 200 and first
    status, _, second = open_page(server, "/voila/render/07_progress.ipynb", a)
    assert status == 200 and second
    status, body, third = open_page(server, "/voila/render/07_progress.ipynb", a)
    assert status == 429 and not third
    assert "Too many open pages" in body and "Close another tab of the workbook" in body
    status, _, theirs = open_page(server, "/voila/render/07_progress.ipynb", b)
    assert status == 200 and theirs
    status, body, _ = open_page(server, "/voila/render/07_progress.ipynb", c)
    assert status == 429 and "on this server" in body and "another tab" in body

    # a kernel's id is not enough: only the seat whose page started it reaches it
    assert asyncio.run(websocket(port, first, b)) == 403
    assert asyncio.run(websocket(port, first, "")) == 403
    assert asyncio.run(websocket(port, first, a)) == 101
    assert request(port, f"/api/kernels/{first}", cookie=b)[0].status == 403
    assert request(port, f"/api/kernels/{first}", cookie=a)[0].status == 200
    xsrf = {"X_XSRFToken": "0123abcd"}  # a matching XSRF pair: the seat is what counts
    delete = f"/api/kernels/{second}"
    assert (
        request(port, delete, method="DELETE", cookie=f"_xsrf=0123abcd; {b}", **xsrf)[0].status
        == 403
    )
    assert close_page(server, first, b) == 403
    assert close_page(server, first, "") == 403
    assert (
        request(port, delete, method="DELETE", cookie=f"_xsrf=0123abcd; {a}", **xsrf)[0].status
        == 204
    )

    status, _, again = open_page(server, "/voila/render/07_progress.ipynb", c)
    assert status == 200 and again  # the closed page made room
    for kernel, cookie in ((first, a), (theirs, b), (again, c)):
        assert close_page(server, kernel, cookie) == 204


async def websocket(port: int, kernel: str, cookie: str) -> int:
    """The HTTP status of a kernel websocket handshake (101: connected)."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    request = HTTPRequest(
        f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels?session_id=test",
        headers={"Cookie": cookie} if cookie else {},
        request_timeout=60,
    )
    try:
        ws = await websocket_connect(request, subprotocols=["v1.kernel.websocket.jupyter.org"])
    except HTTPClientError as refused:
        return refused.code
    ws.close()
    return 101


def test_behind_the_trusted_proxy_the_seat_cookie_is_secure(server):
    token = server["seats"][0]
    resp, _ = request(server["port"], f"/join/{token}", X_Forwarded_Proto="https")
    assert resp.status == 302 and "Secure" in resp.getheader("Set-Cookie")
    resp, _ = request(server["port"], f"/join/{token}")
    assert resp.status == 302 and "Secure" not in resp.getheader("Set-Cookie")


def test_a_join_link_from_another_site_asks_before_replacing_the_seat(server):
    port = server["port"]
    mine, theirs = server["seats"][4], server["seats"][5]
    held = f"mw_seat={mine}"
    resp, body = request(port, f"/join/{theirs}", cookie=held, Sec_Fetch_Site="cross-site")
    assert resp.status == 200 and "Use this join link?" in body
    assert all("mw_seat" not in c for c in resp.headers.get_all("Set-Cookie") or [])
    found = re.search(r"name=\"_xsrf\" value=\"([^\"]+)\"", body)
    assert found
    xsrf = found.group(1)
    # the same question for a link on another site's page without Sec-Fetch-Site
    resp, body = request(port, f"/join/{theirs}", cookie=held, Referer="http://evil.example/")
    assert resp.status == 200 and "Use this join link?" in body
    # the page's own button (same origin, with its XSRF token) replaces the seat
    resp, _ = request(
        port,
        f"/join/{theirs}",
        method="POST",
        cookie=f"{held}; _xsrf={xsrf}",
        body=urlencode({"_xsrf": xsrf}),
        Sec_Fetch_Site="same-origin",
        Origin=f"http://127.0.0.1:{port}",
    )
    assert resp.status == 303 and resp.getheader("Set-Cookie").startswith(f"mw_seat={theirs};")
    # a POST from another site, or without the token, replaces nothing
    resp, _ = request(
        port,
        f"/join/{theirs}",
        method="POST",
        cookie=f"{held}; _xsrf={xsrf}",
        body=urlencode({"_xsrf": xsrf}),
        Sec_Fetch_Site="cross-site",
    )
    assert resp.status == 403 and resp.getheader("Set-Cookie") is None
    resp, _ = request(port, f"/join/{theirs}", method="POST", cookie=held, body="")
    assert resp.status == 403 and resp.getheader("Set-Cookie") is None
    # typed or scanned (no other site), or no seat held yet: the link just works
    for cookie, site in ((held, "none"), ("", "cross-site"), (f"mw_seat={theirs}", "cross-site")):
        resp, _ = request(port, f"/join/{theirs}", cookie=cookie, Sec_Fetch_Site=site)
        assert resp.status == 302 and resp.getheader("Set-Cookie").startswith(f"mw_seat={theirs};")


def test_guessing_links_from_one_address_is_stopped_after_20_a_minute(server):
    port, token = server["port"], server["seats"][3]
    guesser = {"X_Forwarded_For": "10.2.0.1"}
    for n in range(20):
        resp, _ = request(port, f"/join/{'A' * 31}{n % 10}", **guesser)
        assert resp.status == 404
    resp, body = request(port, f"/facilitator/{'B' * 32}", **guesser)
    assert resp.status == 429 and "Too many links" in body and resp.getheader("Retry-After")
    resp, _ = request(port, f"/join/{token}", **guesser)  # even a right one, for this minute
    assert resp.status == 429 and resp.getheader("Set-Cookie") is None
    resp, _ = request(port, "/", cookie=f"mw_seat={'C' * 32}", **guesser)  # or as a cookie
    assert resp.status == 429
    resp, _ = request(port, f"/join/{token}", X_Forwarded_For="10.2.0.2")  # someone else
    assert resp.status == 302


def test_the_server_log_holds_no_token_key_or_kernel_id(server):
    """Last in this module: after every attack above."""
    text = server["log"].read_text(encoding="utf-8", errors="replace")
    assert "/join/…" in text and "/facilitator/…" in text  # the requests were logged
    assert "Kernel started" in text and server["kernels"]  # and the kernels
    secrets = [*server["seats"], server["key"]]
    secrets += [token_of(u) for _p, u in server["cohorts"][1].links]
    for secret in secrets:
        assert secret not in text
    for kernel in server["kernels"]:
        assert kernel not in text and kernel.replace("-", "") not in text
    assert "Traceback" not in text and " 500 " not in text


@pytest.fixture(scope="module")
def personal(tmp_path_factory, vector_cache) -> Iterator[dict]:
    """A personal server (no --workshop, no proxy trusted) that holds one page at a time."""
    home = tmp_path_factory.mktemp("personal-home")
    with coach_home(home):
        from coach.cohorts import create_cohort

        created = create_cohort("mine", seats=1)
    log = home / "server.log"
    port, proc = start_server(
        home, vector_cache, log, workshop=False, pool=0, COACH_MAX_KERNELS="1"
    )
    yield {"port": port, "log": log, "key": token_of(created.facilitator_url), "kernels": set()}
    stop(proc)


def test_a_personal_server_limits_pages_but_not_who_closes_them(personal):
    status, _, kernel = open_page(personal, "/voila/render/07_progress.ipynb", "")
    assert status == 200 and kernel
    status, body, _ = open_page(personal, "/voila/render/07_progress.ipynb", "")
    assert status == 429 and "another tab" in body
    assert close_page(personal, kernel, "") == 204  # no seats: as before
    status, _, kernel = open_page(personal, "/voila/render/07_progress.ipynb", "")
    assert status == 200 and kernel
    assert close_page(personal, kernel, "") == 204


def test_an_untrusted_proxy_header_does_not_make_the_cookie_secure(personal):
    resp, _ = request(
        personal["port"], f"/facilitator/{personal['key']}", X_Forwarded_Proto="https"
    )
    assert resp.status == 302 and "Secure" not in resp.getheader("Set-Cookie")
    text = personal["log"].read_text(encoding="utf-8", errors="replace")
    assert personal["key"] not in text
    for kernel in personal["kernels"]:
        assert kernel not in text


def test_a_traceback_in_the_log_loses_its_secrets_and_kernel_ids():
    """Whatever raises with a secret in its message, the line and its traceback are
    redacted before any handler formats them (the server installs this for every record)."""
    import io
    import logging
    import secrets
    import uuid

    from coach.server_guard import install_redaction

    token, kernel = secrets.token_urlsafe(24), str(uuid.uuid4())
    out = io.StringIO()
    log = logging.getLogger("tornado.application")
    handler = logging.StreamHandler(out)
    log.addHandler(handler)
    previous = logging.getLogRecordFactory()
    install_redaction()
    try:
        try:
            raise ValueError(f"Invalid cookie 'mw_seat': '{token} ' for kernel {kernel}")
        except ValueError:
            log.error("Uncaught exception GET /join/%s%%20 (%s)", token, kernel, exc_info=True)
        log.warning("Cookie: mw_facilitator=%s; _xsrf=1", token)
    finally:
        logging.setLogRecordFactory(previous)
        log.removeHandler(handler)
    text = out.getvalue()
    assert "Traceback" in text and "/join/…" in text and "mw_facilitator=…" in text
    assert token not in text and kernel not in text and "k:" in text
