"""A workbook page as a browser holds it, without the browser: the page's HTML over HTTP,
its kernel over the Jupyter websocket, and the widgets through the ipywidgets 8 protocol.

The rehearsal (``mentor-coach cohort rehearse``, and ``bench/workshop.py``) uses it to
simulate many participants from one light process, so that the server's cores serve the
server alone, as in a workshop where everyone brings their own laptop. It does what
Voilà's page does (``@voila-dashboards/widgets-manager8``): read ``kernelId`` from the
page, fetch the kernel's model, open ``/api/kernels/<id>/channels``, open a
``jupyter.widget.control`` comm and ask for every widget's state (``request_states``),
then send the same ``update`` and ``custom`` (click) messages a person's typing and
clicking send, and on leaving POST ``/voila/api/shutdown/<id>`` as the page's
``beforeunload`` beacon does.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

CONFIG = re.compile(
    r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S
)
ASSETS = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"')
TAGS = re.compile(r"<[^>]+>")
EDITABLE = {"TextModel", "TextareaModel"}
PARTS = ("header", "parent_header", "metadata", "content")
SUBPROTOCOL = "v1.kernel.websocket.jupyter.org"


FRAME = 0.016  # seconds: how often a waiting person looks again, as a browser's frame


class PageError(RuntimeError):
    """The page did not open or did not do what a person asked of it."""


def text_of(markup: str) -> str:
    """What a person reads in an HTML widget's value."""
    return html.unescape(TAGS.sub(" ", markup))


def decode(frame: bytes) -> dict[str, Any]:
    """One message from the kernel websocket, in the ``v1.kernel.websocket.jupyter.org``
    framing that Voilà's page uses (jupyter_server's own decoder)."""
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    channel, parts = deserialize_msg_from_ws_v1(frame)  # type: ignore[no-untyped-call]
    header, parent, metadata, content = (json.loads(p) for p in parts[:4])
    return {
        "channel": channel,
        "header": header,
        "parent_header": parent,
        "metadata": metadata,
        "content": content,
        "buffers": parts[4:],
    }


def encode(msg: dict[str, Any], channel: str) -> bytes:
    """One message to the kernel websocket, framed as :func:`decode` reads them."""
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    parts = [json.dumps(msg[k]).encode("utf-8") for k in PARTS]
    return bytes(serialize_msg_to_ws_v1(parts, channel))  # type: ignore[no-untyped-call]


class Page:
    """One open workbook page: its HTML and the widget models its kernel holds."""

    def __init__(self, client: Any, url: str, timeout: float) -> None:
        self.client, self.url, self.timeout = client, url, timeout
        self.html = ""
        self.kernel_id = ""
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict[str, Any]] = {}  # model id -> model_name and state
        self.ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.errors: list[str] = []

    # -- opening ----------------------------------------------------------------------
    async def open(self, assets: bool = False) -> float:
        """Load the page and its widgets as a browser does; the seconds until a person could
        use it (a text box or an enabled button has arrived). ``assets``: also fetch the
        page's scripts and styles, as a browser does the first time."""
        t0 = time.perf_counter()
        response = await self.client.get(self.url, follow_redirects=True, timeout=self.timeout)
        if response.status_code != 200:
            raise PageError(f"HTTP {response.status_code} for the page")
        self.url, self.html = str(response.url), response.text
        found = CONFIG.search(self.html)
        if not found:
            raise PageError("the page has no kernel (no jupyter-config-data)")
        self.kernel_id = json.loads(found.group(1)).get("kernelId", "")
        if not self.kernel_id:
            raise PageError("the page names no kernel")
        if assets:
            await asyncio.gather(*(self._fetch(a) for a in ASSETS.findall(self.html)))
        base = self.base()
        model = await self.client.get(f"{base}api/kernels/{self.kernel_id}", timeout=self.timeout)
        if model.status_code != 200:
            raise PageError(f"HTTP {model.status_code} for the page's kernel")
        await self._connect(base)
        await self.request("kernel_info_request", {})
        await self._load_widgets()
        await self.wait_for(self._usable, "a text box or an enabled button")
        return time.perf_counter() - t0

    def base(self) -> str:
        """The server's base URL (what the page calls ``baseUrl``)."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}/"

    async def _fetch(self, asset: str) -> None:
        if asset.startswith(("data:", "http://", "https://")) and not asset.startswith(self.base()):
            return  # a CDN the page names; the server does not serve it
        await self.client.get(urljoin(self.url, asset), timeout=self.timeout)

    async def _connect(self, base: str) -> None:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        cookies = "; ".join(f"{k}={v}" for k, v in self.client.cookies.items())
        ws_url = base.replace("http", "ws", 1)
        request = HTTPRequest(
            f"{ws_url}api/kernels/{self.kernel_id}/channels?session_id={self.session}",
            headers={"Cookie": cookies, "Origin": base.rstrip("/")},
            connect_timeout=self.timeout,
            request_timeout=self.timeout,
        )
        self.ws = await websocket_connect(
            request, max_message_size=64 * 1024 * 1024, subprotocols=[SUBPROTOCOL]
        )
        self._reader = asyncio.ensure_future(self._read())

    async def _load_widgets(self) -> None:
        comm = uuid.uuid4().hex
        self.send(
            "comm_open",
            {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
            metadata={"version": "1.0.0"},
        )
        self.send("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})
        await self.wait_for(lambda: bool(self.models), "the widgets' state")

    def _usable(self) -> bool:
        return any(
            m["model_name"] in EDITABLE
            or (m["model_name"] == "ButtonModel" and not m["state"].get("disabled"))
            for m in self.models.values()
        )

    # -- the kernel websocket ---------------------------------------------------------
    def send(
        self,
        msg_type: str,
        content: dict[str, Any],
        channel: str = "shell",
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Send one message to the kernel; its id."""
        msg_id = uuid.uuid4().hex
        msg = {
            "header": {
                "msg_id": msg_id,
                "username": "rehearsal",
                "session": self.session,
                "date": dt.datetime.now(dt.timezone.utc).isoformat(),
                "msg_type": msg_type,
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
        }
        self.ws.write_message(encode(msg, channel), binary=True)
        return msg_id

    async def request(self, msg_type: str, content: dict[str, Any]) -> dict[str, Any]:
        """Send a request and wait for its reply."""
        reply: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[self.send(msg_type, content)] = reply
        return await asyncio.wait_for(reply, self.timeout)

    async def _read(self) -> None:
        while True:
            frame = await self.ws.read_message()
            if frame is None:  # closed
                self.errors.append("the kernel connection closed")
                self._changed.set()
                return
            try:
                msg = decode(frame)
            except (ValueError, IndexError) as exc:  # kept, and the page fails on it
                self.errors.append(f"an unreadable message from the kernel: {exc}")
                self._changed.set()
                continue
            parent = (msg.get("parent_header") or {}).get("msg_id")
            if parent in self._replies and msg.get("channel") == "shell":
                self._replies.pop(parent).set_result(msg)
            self._take(msg)

    def _take(self, msg: dict[str, Any]) -> None:
        kind, content = msg["header"]["msg_type"], msg.get("content", {})
        data = content.get("data", {}) if isinstance(content.get("data"), dict) else {}
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = {
                "model_name": data.get("state", {}).get("_model_name", ""),
                "state": dict(data.get("state", {})),
            }
        elif kind == "comm_msg" and data.get("method") == "update_states":
            for model_id, model in data.get("states", {}).items():
                self.models[model_id] = {
                    "model_name": model.get("model_name", ""),
                    "state": dict(model.get("state", {})),
                }
        elif kind == "comm_msg" and data.get("method") in ("update", "echo_update"):
            model = self.models.setdefault(content["comm_id"], {"model_name": "", "state": {}})
            model["state"].update(data.get("state", {}))
        elif kind == "comm_close":
            self.models.pop(content.get("comm_id", ""), None)
        elif kind == "error":
            self.errors.append(f"{content.get('ename')}: {content.get('evalue')}"[:200])
        self._changed.set()

    async def wait_for(self, check: Callable[[], bool], what: str) -> None:
        """Wait until ``check()`` holds for the widgets as they stand, or fail saying
        ``what`` never came."""
        end = time.monotonic() + self.timeout
        while not check():
            if self.errors and "closed" in self.errors[-1]:
                raise PageError(f"{self.errors[-1]} before {what}")
            left = end - time.monotonic()
            if left <= 0:
                raise PageError(f"no {what} within {self.timeout:.0f} s")
            self._changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
                # a view arrives as a burst of messages (one per widget): look once the
                # burst is in, not after each, or the looking costs more CPU than the
                # server spends (a browser, too, draws at most once a frame)
                await asyncio.sleep(FRAME)

    # -- what a person does -----------------------------------------------------------
    def find(self, **want: Any) -> str:
        """The id of the one widget whose state has these values (``placeholder=...``,
        ``description=...``, ``_model_name=...``)."""
        for model_id, model in self.models.items():
            state = model["state"]
            if all(state.get(k) == v for k, v in want.items()):
                return model_id
        raise PageError(f"no widget with {want}")

    def find_step(self, label: str) -> str:
        """The id of the app's step-bar button for the step called ``label``."""
        for model_id, model in self.models.items():
            state = model["state"]
            if (
                model["model_name"] == "ButtonModel"
                and "mw-step" in state.get("_dom_classes", ())
                and str(state.get("description", "")).endswith(label)
            ):
                return model_id
        raise PageError(f"no step called {label!r} in the step bar")

    async def switch(self, label: str, ready: Callable[[], bool]) -> float:
        """Go to a step of the app, as a click on the step bar does; the seconds until
        ``ready()`` (its view has arrived)."""
        t0 = time.perf_counter()
        self.click(self.find_step(label))
        await self.wait_for(ready, f"the {label} step")
        return time.perf_counter() - t0

    def has(self, **want: Any) -> bool:
        """Some widget on the page has these state values."""
        try:
            self.find(**want)
        except PageError:
            return False
        return True

    def fill(self, model_id: str, value: str) -> None:
        """Type ``value`` into a text box and leave it (the browser sends one update)."""
        self.models[model_id]["state"]["value"] = value
        self.send(
            "comm_msg",
            {"comm_id": model_id, "data": {"method": "update", "state": {"value": value}}},
        )

    def click(self, model_id: str) -> None:
        """Press a button."""
        self.send(
            "comm_msg",
            {"comm_id": model_id, "data": {"method": "custom", "content": {"event": "click"}}},
        )

    def shows(self, pattern: str) -> bool:
        """Some HTML widget on the page shows text matching ``pattern``."""
        found = re.compile(pattern)
        return any(
            found.search(str(m["state"].get("value", "")))
            for m in self.models.values()
            if m["model_name"] in ("HTMLModel", "LabelModel", "HTMLMathModel")
        )

    def visible_text(self) -> str:
        """The page's own text and every HTML widget's, as a person would read them."""
        parts = [text_of(self.html)]
        parts += [
            text_of(str(m["state"].get("value", "")))
            for m in self.models.values()
            if m["model_name"] in ("HTMLModel", "LabelModel", "HTMLMathModel")
        ]
        return "\n".join(parts)

    async def close(self) -> None:
        """Leave the page as a closing tab does: the beacon that stops its kernel."""
        if self.kernel_id:
            base = self.base()
            await self.client.post(
                f"{base}voila/api/shutdown/{self.kernel_id}",
                headers={"Origin": base.rstrip("/")},
                data={"_xsrf": self.client.cookies.get("_xsrf", "")},
                timeout=self.timeout,
            )
        if self.ws is not None:
            self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
