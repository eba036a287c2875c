"""The workbook server over real HTTP: join and facilitator links, the guard in front of
every page, secrets kept out of logs, and the page-close endpoint's origin check.

Voilà runs in a subprocess on a free loopback port, without pre-heated kernels (no page is
rendered here except where a test says so)."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest

from tests.helpers import coach_home, start_workbooks, stop


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory, vector_cache) -> Iterator[dict]:
    home = tmp_path_factory.mktemp("server-home")
    with coach_home(home):
        from coach.cohorts import close_cohort, create_cohort

        open_one = create_cohort("open-cohort", seats=2)
        closed = create_cohort("closed-cohort", seats=1)
        close_cohort("closed-cohort")
        log = home / "server.log"
        port, proc = start_workbooks(home, vector_cache, pool=0, workshop=True, log=log)
        yield {"port": port, "open": open_one, "closed": closed, "log": log, "home": home}
        stop(proc)


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
    assert resp.getheader("Location") == "/"  # the workbook app
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
    port, proc = start_workbooks(tmp_path / "home", vector_cache, pool=0, log=tmp_path / "log")
    try:
        resp, body = get(port, "/join/" + "B" * 32)
        assert resp.status == 404 and "not running a workshop" in body
    finally:
        stop(proc)


def test_the_kernel_websocket_refuses_clients_without_the_v1_protocol(workshop):
    """Voilà reads binary kernel messages as the v1 protocol; a client of the older framing
    would make the first chart it receives send the whole server into a loop."""
    import asyncio
    import re

    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    port = workshop["port"]
    seat = f"mw_seat={token_of(workshop['open'].links[0][1])}"
    resp, body = get(port, "/voila/render/07_progress.ipynb", seat)
    assert resp.status == 200
    found = re.search(r'"kernelId": "([0-9a-f-]+)"', body)
    assert found is not None, "no kernel id in the page"
    kernel = found.group(1)
    url = f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels?session_id=test"

    async def connect(protocols):
        request = HTTPRequest(url, headers={"Cookie": seat}, request_timeout=60)
        ws = await websocket_connect(request, subprotocols=protocols)
        chosen = ws.selected_subprotocol
        ws.close()
        return chosen

    with pytest.raises(HTTPClientError) as refused:
        asyncio.run(connect(None))
    assert refused.value.code == 400
    v1 = "v1.kernel.websocket.jupyter.org"
    assert asyncio.run(connect([v1])) == v1  # as Voilà's own page connects
    get(
        port,
        f"/voila/api/shutdown/{kernel}",
        method="POST",
        headers={"Origin": f"http://127.0.0.1:{port}"},
    )


def test_a_simulated_participant_completes_the_workshop_over_the_kernel_protocol(workshop):
    """The rehearsal (`mentor-coach cohort rehearse`, README "Run a bigger workshop") drives a page
    as Voilà's own page does; one participant's journey and the dashboard's counts."""
    with coach_home(workshop["home"]):  # the server's store, where the journey is checked
        journey(workshop)


def journey(workshop):
    import asyncio

    from coach.rehearsal.driver import dashboard as dashboard_protocol
    from coach.rehearsal.driver import participant as participant_protocol
    from coach.store import get_store

    base = f"http://127.0.0.1:{workshop['port']}"
    who, link = workshop["open"].links[1]
    link = base + link[link.index("/join/") :]
    visits = asyncio.run(participant_protocol(base, 7, who.id, link, timeout=120))
    assert [(v.kind, v.error) for v in visits] == [
        ("start", None),
        ("goals", None),
        ("candidates", None),
        ("outreach", None),
    ]
    assert all(v.seconds and v.seconds > 0 for v in visits)
    db = get_store()
    goal = db.get(who.id, "goal", "1")
    assert goal is not None and "(7)" in goal["title"]
    assert db.all(who.id, "draft")
    key = workshop["open"].facilitator_url
    # one of the two has been through: the counts say so as soon as the dashboard refreshes
    counts = asyncio.run(
        dashboard_protocol(base + key[key.index("/facilitator/") :], 2, 60, done=1)
    )
    assert "Set a goal: 1 of 2" in counts and "Drafted outreach: 1 of 2" in counts
