"""The coach service: one process that holds the coach's heavy parts for every kernel.

Under `mentor-coach serve` each page has its own kernel; loading the embedder, chromadb and
BM25 in each cost some 220 MB and 2-3 s of CPU per kernel. Instead `mentor-coach serve`
starts this service once, on 127.0.0.1, and its kernels call it (``coach.service_client``):

- ``GET /health``: 200 ``{"status": "ready", "embedder": ...}`` once warm, 503 before;
- ``POST /search`` ``{"query", "k", "corpus"}``: ``{"passages": [...]}``, every field of
  :class:`coach.models.Passage`, exactly as ``coach.search`` returns them in-process;
- ``POST /embed`` ``{"texts", "kind": "query" | "documents"}``: ``{"embedder", "vectors"}``.

Every request needs ``Authorization: Bearer <COACH_SERVICE_TOKEN>`` (401 otherwise). A
request the coach cannot use gets 400 (413: too large) and a plain sentence saying why.
The standard library's threading HTTP server is enough: a handful of small JSON requests
on loopback, no streaming, and nothing to install.

Run it as ``python -m coach.service --port N`` with ``COACH_SERVICE_TOKEN`` in the
environment; `mentor-coach serve` passes an already listening socket with ``--fd``.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from coach.errors import CoachError, CorpusIndexError, QueryError
from coach.service_client import MAX_TEXTS
from coach.settings import Settings

__all__ = ["MAX_BODY", "MAX_TEXT_CHARS", "CoachService", "main", "make_server"]

log = logging.getLogger("coach.service")

MAX_BODY = 4 * 1024 * 1024  # bytes in one request
MAX_TEXT_CHARS = 20_000  # a document text: the largest chunk COACH_CHUNK_CHARS allows
READY_WAIT = 300.0  # seconds a request waits for the warm-up (a first start indexes)
SEARCH_TTL = 60.0  # seconds a search's passages are reused for the same query
SEARCH_CACHE = 256  # queries kept

Answer = tuple[int, "dict[str, Any] | str"]
Route = Callable[[dict[str, Any]], dict[str, Any]]


class CoachService:
    """Search and embeddings for one set of settings, safe to call from many threads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ready = threading.Event()
        self.warning: str | None = None
        self.embedder = ""
        # numpy and the tokenizer release the GIL; more threads than cores only thrash
        self._work = threading.BoundedSemaphore(max(1, min(4, os.cpu_count() or 1)))
        # Drafts and agendas search with their prompt's fixed query, so a workshop's thirty
        # pages ask the same few questions within seconds: answer those from memory. An
        # index rebuilt meanwhile shows within SEARCH_TTL.
        self._recent: dict[tuple[str, int, str | None], tuple[float, dict[str, Any]]] = {}
        self._recent_lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the embedder, index the shipped corpus if needed, run one search."""
        from coach.api import search
        from coach.embeddings import get_embedder

        start = time.perf_counter()
        try:
            self.embedder = get_embedder(self.settings).name
            search("how do I find a mentor", k=1)
        except CoachError as exc:
            # as in-process: the pages still work, and each search says what is wrong
            self.warning = str(exc)
            log.warning("the coach is unavailable: %s", exc)
        except Exception:
            self.warning = "the warm-up failed; see the log of `mentor-coach serve`"
            log.exception("coach service warm-up failed")
        log.info("warm in %.1f s", time.perf_counter() - start)
        self.ready.set()

    def health(self) -> Answer:
        """200 with what the service runs, once warm; 503 while it warms up."""
        if not self.ready.is_set():
            return 503, "warming up: loading the embedder and the index"
        body: dict[str, Any] = {"status": "ready", "embedder": self.embedder, "pid": os.getpid()}
        if self.warning:
            body["warning"] = self.warning
        return 200, body

    def call(self, route: Route, body: dict[str, Any]) -> Answer:
        """Run ``route`` once warm; coach errors become 400/409/500 with their sentence."""
        if not self.ready.wait(READY_WAIT):
            return 503, "still warming up"
        try:
            with self._work:
                return 200, route(body)
        except QueryError as exc:
            return 400, str(exc)
        except CorpusIndexError as exc:
            return 409, str(exc)
        except CoachError as exc:
            return 500, str(exc)
        except Exception:
            log.exception("coach service request failed")
            return 500, "internal error in the coach service; see the log of `mentor-coach serve`"

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        """``coach.search`` in this process (``check_query`` bounds the query)."""
        from coach.api import search

        corpus = body.get("corpus")
        if corpus is not None and not isinstance(corpus, str):
            raise QueryError("corpus must be the name of a corpus, or null for the default.")
        query, k = body.get("query"), body.get("k", 5)
        key = (query, k, corpus) if isinstance(query, str) and isinstance(k, int) else None
        now = time.monotonic()
        with self._recent_lock:
            hit = self._recent.get(key) if key else None
        if hit and now - hit[0] < SEARCH_TTL:
            return hit[1]
        passages = search(query, k, corpus=corpus)  # type: ignore[arg-type]
        found = {"passages": [p.model_dump(mode="json") for p in passages]}
        if key:
            with self._recent_lock:
                if len(self._recent) >= SEARCH_CACHE:
                    self._recent.clear()
                self._recent[key] = (now, found)
        return found

    def embed(self, body: dict[str, Any]) -> dict[str, Any]:
        """Vectors from this process's embedder, for at most ``MAX_TEXTS`` bounded texts."""
        from coach.embeddings import get_embedder

        texts, kind = body.get("texts"), body.get("kind")
        if kind not in ("query", "documents"):
            raise QueryError("kind must be 'query' or 'documents'.")
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise QueryError("texts must be a list of strings.")
        if len(texts) > MAX_TEXTS:
            raise QueryError(
                f"Too many texts ({len(texts):,}); send at most {MAX_TEXTS} in one request."
            )
        limit = self.settings.max_query_chars if kind == "query" else MAX_TEXT_CHARS
        for n, t in enumerate(texts, 1):
            size = len(" ".join(t.split())) if kind == "query" else len(t)
            if size > limit:
                raise QueryError(
                    f"Text {n} is too long ({size:,} characters; the limit for a {kind} is "
                    f"{limit:,})."
                )
        emb = get_embedder(self.settings)
        vectors = (
            [emb.embed_query(t) for t in texts] if kind == "query" else emb.embed_documents(texts)
        )
        return {"embedder": emb.name, "vectors": vectors}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a workshop's thirty pages may all ask in the same second

    def __init__(self, coach: CoachService, token: str, sock: socket.socket) -> None:
        super().__init__(("127.0.0.1", 0), _Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.server_address = sock.getsockname()[:2]
        self.coach = coach
        self.token = token.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "mentor-coach-service"
    sys_version = ""
    timeout = 60  # a client that stops sending does not hold a thread for ever

    def log_message(self, format: str, *args: Any) -> None:
        # the request line only (the token is in a header, never here), and only in debug
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, body: dict[str, Any] | str) -> None:
        if isinstance(body, str):
            data, ctype = (body + "\n").encode("utf-8"), "text/plain; charset=utf-8"
        else:
            data, ctype = json.dumps(body).encode("utf-8"), "application/json"
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the kernel stopped waiting
            log.debug("%s left before the answer", self.address_string())

    def _authorized(self) -> bool:
        scheme, _, given = self.headers.get("Authorization", "").partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode("utf-8"), self.server.token
        )
        if not ok:
            self._send(401, "A valid bearer token is required (COACH_SERVICE_TOKEN).")
        return ok

    def do_GET(self) -> None:  # http.server's naming
        """``/health``."""
        if not self._authorized():
            return
        if self.path != "/health":
            self._send(404, "Not found: this service answers GET /health, POST /search, /embed.")
            return
        self._send(*self.server.coach.health())

    def do_POST(self) -> None:
        """``/search`` and ``/embed``."""
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if 0 <= length <= MAX_BODY:
            raw = self.rfile.read(length)  # read first: closing on unread data resets it
        if not self._authorized():
            return
        coach = self.server.coach
        route = {"/search": coach.search, "/embed": coach.embed}.get(self.path)
        if route is None:
            self._send(404, "Not found: this service answers GET /health, POST /search, /embed.")
        elif length < 0:
            self._send(411, "A Content-Length header is required.")
        elif length > MAX_BODY:
            self._send(
                413, f"The request is too large ({length:,} bytes; the limit is {MAX_BODY:,})."
            )
        else:
            try:
                body = json.loads(raw)
            except ValueError:
                self._send(400, "The request body is not valid JSON.")
                return
            if not isinstance(body, dict):
                self._send(400, "The request body must be a JSON object.")
                return
            self._send(*coach.call(route, body))


def make_server(coach: CoachService, token: str, *, port: int = 0, fd: int | None = None) -> Any:
    """An HTTP server for ``coach`` on 127.0.0.1:``port``, or on the listening socket ``fd``."""
    if fd is not None:
        sock = socket.socket(fileno=fd)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(_Server.request_queue_size)
    return _Server(coach, token, sock)


def _exit_with_parent(server: Any, parent: int) -> None:
    """Stop when the process that started us is gone (a `kill -9` of `mentor-coach serve`)."""
    while os.getppid() == parent:
        time.sleep(2)
    log.warning("the parent process is gone; stopping")
    server.shutdown()


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM, SIGINT or SIGHUP, or until the parent process is gone."""
    p = argparse.ArgumentParser(
        prog="python -m coach.service",
        description="The shared coach service for `mentor-coach serve` (127.0.0.1 only). "
        "The bearer token comes from the environment variable COACH_SERVICE_TOKEN.",
    )
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    p.add_argument("--fd", type=int, help="serve on this inherited, listening socket")
    args = p.parse_args(argv)
    # our logger only: a root handler would print bm25s's debug records (it sets DEBUG)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("coach service: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False
    token = os.environ.pop("COACH_SERVICE_TOKEN", "")
    os.environ.pop("COACH_SERVICE_URL", None)  # this process is the service, not its client
    if len(token) < 16:
        print(
            "error: set COACH_SERVICE_TOKEN to a random secret of at least 16 characters "
            "(`mentor-coach serve` does this for you)",
            file=sys.stderr,
        )
        return 2
    from coach.settings import get_settings, reset_settings

    reset_settings()
    try:
        coach = CoachService(get_settings())
        server = make_server(coach, token, port=args.port, fd=args.fd)
    except (CoachError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.fd is None:
        print(f"coach service on http://127.0.0.1:{server.server_address[1]}", file=sys.stderr)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _stop)
    threading.Thread(target=coach.warm_up, name="warm-up", daemon=True).start()
    watchdog = threading.Thread(target=_exit_with_parent, args=(server, os.getppid()))
    watchdog.daemon = True
    watchdog.start()
    try:
        server.serve_forever(poll_interval=0.5)
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
