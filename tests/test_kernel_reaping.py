"""Kernels of pages that went away without closing (a browser that crashed, a laptop that
slept) are shut down after a grace period, and their seat may open pages again; a page
that reconnects within it keeps its kernel, and a pre-heated kernel no one has opened is
never shut down for having no connection (``coach.server_kernels.OrphanKernels``).

A real workshop server, as `mentor-coach serve` starts it, with real kernels and real
kernel websockets; a connection is dropped as a crash drops it: its TCP connection closes,
with no websocket close frame and no page-close beacon.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest

from coach.server_guard import kernel_tag
from tests.helpers import coach_home, stop
from tests.test_server_hardening import (
    close_page,
    open_page,
    request,
    start_server,
    token_of,
    wait_for_log,
)

pytestmark = pytest.mark.server

GRACE = 3.0  # COACH_ORPHAN_KERNEL_SECONDS for this server
INTERVAL = 1.0  # the reaper's check interval for that grace (OrphanKernels.interval)
MARGIN = 20.0  # a kernel's shutdown on a busy machine (two cores, other tests running)
PAGE = "/voila/render/07_progress.ipynb"  # a page that starts its own kernel
PROTOCOL = "v1.kernel.websocket.jupyter.org"


@pytest.fixture(scope="module")
def server(tmp_path_factory, vector_cache) -> Iterator[dict]:
    """A workshop server with one page per seat, one pre-heated app page, and a grace of
    3 s for pages that lost their connection."""
    home = tmp_path_factory.mktemp("reaping-home")
    with coach_home(home):
        from coach.cohorts import create_cohort

        created = create_cohort("reap", seats=3)
    log = home / "server.log"
    port, proc = start_server(
        home,
        vector_cache,
        log,
        workshop=True,
        pool=1,
        COACH_KERNELS_PER_SEAT="1",
        COACH_ORPHAN_KERNEL_SECONDS=str(int(GRACE)),
    )
    wait_for_log(log, "Kernel pool of app.ipynb is filled", proc)
    state = {"port": port, "log": log, "proc": proc, "kernels": set()}
    state["seats"] = [f"mw_seat={token_of(url)}" for _p, url in created.links]
    yield state
    stop(proc)


def kernel_model(state: dict, kernel: str, cookie: str) -> dict | None:
    """jupyter_server's model of the kernel (its ``connections`` included), None once the
    kernel is gone."""
    resp, body = request(state["port"], f"/api/kernels/{kernel}", cookie=cookie)
    if resp.status == 404:
        return None
    assert resp.status == 200, (resp.status, body[:300])
    return json.loads(body)


def wait_for_connections(state: dict, kernel: str, cookie: str, count: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        model = kernel_model(state, kernel, cookie)
        assert model is not None, "the kernel went away"
        if model["connections"] == count:
            return
        assert time.monotonic() < deadline, f"connections stayed {model['connections']}"
        time.sleep(0.2)


async def connect(state: dict, kernel: str, cookie: str, session: str):
    """A page's kernel websocket, as the page opens it."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    req = HTTPRequest(
        f"ws://127.0.0.1:{state['port']}/api/kernels/{kernel}/channels?session_id={session}",
        headers={"Cookie": cookie},
        request_timeout=60,
    )
    return await websocket_connect(req, subprotocols=[PROTOCOL])


def drop(ws) -> None:
    """Lose the connection as a crashed browser does: no close frame, no beacon."""
    ws.protocol.stream.close()


def test_a_page_that_lost_its_connection_is_shut_down_and_frees_its_seat(server):
    seat = server["seats"][0]
    status, body, kernel = open_page(server, PAGE, seat)
    assert status == 200 and kernel, body[:300]

    async def crash() -> None:
        ws = await connect(server, kernel, seat, "crashing-page")
        await asyncio.to_thread(wait_for_connections, server, kernel, seat, 1)
        drop(ws)

    asyncio.run(crash())
    dropped = time.monotonic()
    wait_for_connections(server, kernel, seat, 0)  # still there: within its grace
    status, body, _ = open_page(server, PAGE, seat)
    assert status == 429 and "Too many open pages" in body  # it still counts

    while kernel_model(server, kernel, seat) is not None:
        assert time.monotonic() - dropped < GRACE + INTERVAL + MARGIN, "never shut down"
        time.sleep(0.3)
    assert time.monotonic() - dropped >= GRACE - 0.5  # not before its grace was over
    # The kernel leaves the manager inside shutdown_kernel; the reaper frees the seat and
    # logs once that returns, a moment after the API's first 404.
    line = f"Shut down {kernel_tag(kernel)}, the kernel of a page of seat s:"
    wait_for_log(server["log"], line, server["proc"], timeout=MARGIN)
    text = server["log"].read_text(encoding="utf-8", errors="replace")
    assert kernel not in text and kernel.replace("-", "") not in text  # a tag, never the id

    status, body, again = open_page(server, PAGE, seat)  # the seat's place is free
    assert status == 200 and again and again != kernel, body[:300]
    assert close_page(server, again, seat) == 204


def test_a_pre_heated_kernel_with_no_connection_waits_for_its_visitor(server):
    before = server["log"].read_text(encoding="utf-8", errors="replace")
    time.sleep(GRACE + 2 * INTERVAL + 3)  # well past the grace, with checks in between
    seat = server["seats"][1]
    status, body, kernel = open_page(server, "/", seat)
    assert status == 200 and kernel, body[:300]
    tag = kernel_tag(kernel)
    assert f"Kernel started: {tag}" in before  # started before the wait: the pool's
    text = server["log"].read_text(encoding="utf-8", errors="replace")
    assert f"Using pre-heated kernel: {tag}" in text
    assert f"Shut down {tag}" not in text
    assert close_page(server, kernel, seat) == 204


def test_a_page_that_reconnects_within_the_grace_keeps_its_kernel(server):
    seat = server["seats"][2]
    status, body, kernel = open_page(server, PAGE, seat)
    assert status == 200 and kernel, body[:300]

    async def blip():
        ws = await connect(server, kernel, seat, "blinking-page")
        await asyncio.to_thread(wait_for_connections, server, kernel, seat, 1)
        drop(ws)
        await asyncio.sleep(GRACE / 3)
        ws = await connect(server, kernel, seat, "blinking-page")  # the page reconnects
        await asyncio.to_thread(wait_for_connections, server, kernel, seat, 1)
        await asyncio.sleep(GRACE + 2 * INTERVAL + 3)  # connected, well past the grace
        model = await asyncio.to_thread(kernel_model, server, kernel, seat)
        ws.close()
        return model

    model = asyncio.run(blip())
    assert model is not None and model["connections"] == 1
    text = server["log"].read_text(encoding="utf-8", errors="replace")
    assert f"Shut down {kernel_tag(kernel)}" not in text
    assert close_page(server, kernel, seat) == 204
