"""A small OpenAI-compatible HTTP server for the tests, run in a thread on 127.0.0.1.

It answers ``POST /v1/embeddings`` with deterministic bag-of-words vectors, and
``POST /v1/chat/completions`` with the next text queued in ``server.replies`` (or
``server.default_reply``), as one JSON answer or as a server-sent-event stream ending in a
usage chunk. It can be scripted to fail: ``server.script(status=500, times=3)``,
``server.script(stall=2.0)``, ``server.script(body=b"garbage")``,
``server.script(bad_chunk=True)`` (a malformed SSE chunk mid-stream),
``server.script(status=429, headers={"Retry-After": "30"})``,
``server.script(body=b"<html>", ctype="text/html")`` and ``server.script(trickle=0.2)`` (a 200
answer that only ever sends keep-alives, one every 0.2 s, for up to ``trickle_for`` seconds).
Every request is recorded in ``server.requests``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIMS = 64


def bag_vector(text: str) -> list[float]:
    """A deterministic unit vector from the words of ``text``."""
    v = [0.0] * DIMS
    for w in re.findall(r"[a-z]+", text.lower()):
        h = int(hashlib.md5(w.encode()).hexdigest(), 16)
        v[h % DIMS] += 1.0 if (h >> 8) & 1 else -1.0
    n = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / n for x in v]


@dataclass
class Fault:
    status: int | None = None
    stall: float = 0.0
    body: bytes | None = None
    bad_chunk: bool = False
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    ctype: str = "application/json"
    trickle: float = 0.0
    trickle_for: float = 120.0


@dataclass
class FakeOpenAI:
    """Handle on the running server."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    default_reply: str = "A reply from the test server."
    faults: list[Fault] = field(default_factory=list)
    hangups: int = 0
    _httpd: Any = None

    def script(self, **kwargs: Any) -> None:
        """Queue a fault for the next requests (status, stall seconds, raw body, times)."""
        self.faults.append(Fault(**kwargs))

    def _next_fault(self) -> Fault | None:
        if not self.faults:
            return None
        f = self.faults[0]
        f.times -= 1
        if f.times <= 0:
            self.faults.pop(0)
        return f

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def start() -> FakeOpenAI:
    """Start the server on a free loopback port."""
    state = FakeOpenAI()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(
            self,
            status: int,
            body: bytes,
            ctype: str = "application/json",
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _trickle(self, fault: Fault, stream: bool) -> None:
            # headers at once, then keep-alives (SSE comments, or JSON whitespace) and never
            # an answer: each read succeeds quickly, so only a deadline on the call ends it
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream" if stream else "application/json")
            self.end_headers()
            self.wfile.flush()
            until = time.monotonic() + fault.trickle_for
            try:
                while time.monotonic() < until:
                    self.wfile.write(b": keep-alive\n\n" if stream else b" \n")
                    self.wfile.flush()
                    time.sleep(fault.trickle)
            except OSError:  # the client hung up: what a deadline should do
                state.hangups += 1

        def _stream(self, text: str, payload: dict[str, Any], bad: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()

            def event(obj: Any) -> None:
                self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
                self.wfile.flush()

            base = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0}
            words = re.findall(r"\S+\s*", text)
            for n, word in enumerate(words):
                if bad and n == len(words) // 2:
                    self.wfile.write(b"data: {this is not json\n\n")
                    self.wfile.flush()
                    return
                delta = {"index": 0, "delta": {"content": word}, "finish_reason": None}
                event({**base, "model": payload.get("model"), "choices": [delta]})
            stop = {"index": 0, "delta": {}, "finish_reason": "stop"}
            event({**base, "model": payload.get("model"), "choices": [stop]})
            if (payload.get("stream_options") or {}).get("include_usage"):
                usage = {"prompt_tokens": 11, "completion_tokens": len(words), "total_tokens": 0}
                event({**base, "model": payload.get("model"), "choices": [], "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def do_GET(self) -> None:
            if self.path.endswith("/models"):
                body = {"object": "list", "data": [{"id": "test-model", "object": "model"}]}
                self._send(200, json.dumps(body).encode())
            else:
                self._send(404, b'{"error": {"message": "not found"}}')

        def do_POST(self) -> None:
            try:
                self._post()
            except (BrokenPipeError, ConnectionResetError):  # the client gave up first
                state.hangups += 1

        def _post(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            payload = json.loads(self.rfile.read(length) or b"{}")
            state.requests.append(
                {"path": self.path, "json": payload, "auth": self.headers.get("Authorization")}
            )
            fault = state._next_fault()
            if fault and fault.stall:
                time.sleep(fault.stall)
            if fault and fault.trickle:
                self._trickle(fault, bool(payload.get("stream")))
                return
            if fault and fault.status:
                err = {"error": {"message": f"scripted {fault.status}", "type": "test"}}
                self._send(fault.status, json.dumps(err).encode(), headers=fault.headers)
                return
            if fault and fault.body is not None:
                self._send(200, fault.body, fault.ctype, fault.headers)
                return
            if self.path.endswith("/chat/completions"):
                text = state.replies.pop(0) if state.replies else state.default_reply
                if payload.get("stream"):
                    try:
                        self._stream(text, payload, bad=bool(fault and fault.bad_chunk))
                    except OSError:  # the client stopped reading (a cap or a deadline)
                        state.hangups += 1
                    return
                body = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": 0,
                    "model": payload.get("model"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
                }
                self._send(200, json.dumps(body).encode())
                return
            if self.path.endswith("/embeddings"):
                inputs = payload.get("input", [])
                if isinstance(inputs, str):
                    inputs = [inputs]
                data = [
                    {"object": "embedding", "index": i, "embedding": bag_vector(t)}
                    for i, t in enumerate(inputs)
                ]
                body = {
                    "object": "list",
                    "data": data,
                    "model": payload.get("model"),
                    "usage": {"prompt_tokens": 1, "total_tokens": 1},
                }
                self._send(200, json.dumps(body).encode())
                return
            self._send(404, b'{"error": {"message": "not found"}}')

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state._httpd = httpd
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return state
