"""llama.cpp's server (the ``xllamacpp`` wheel, MIT) on a free loopback port, in a child
process: the ``local`` engine's model server, and the contract tests' (tests/llamaserver.py).

The child runs :data:`SERVE`. It watches its standard input, a pipe only the parent holds
open, and exits the moment it reads end-of-file: when the parent exits, however it exits
(returns, ``sys.exit``, a signal, ``kill -9``), the operating system closes the pipe and
the server goes with it. The parent also stops it at exit (``atexit``), and
:meth:`LlamaServer.stop` stops it at once. Nothing is downloaded: the model is a file the
person already has, and the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from coach.errors import CoachError, ConfigError

# Run in the child as ``python -c SERVE model port n_ctx n_predict threads``. The server
# lives until the parent closes (or loses) the child's standard input, or terminates it.
SERVE = """
import os, sys, threading

def _watch():
    sys.stdin.buffer.read()  # returns at end-of-file: the parent has gone or let go
    os._exit(0)

threading.Thread(target=_watch, daemon=True).start()

import xllamacpp as x

model, port, n_ctx, n_predict, threads = sys.argv[1:6]
p = x.CommonParams()
p.model.path = model
p.model_alias = {os.path.basename(model).rsplit(".", 1)[0]}
p.hostnames = ["127.0.0.1"]
p.port = int(port)
p.n_ctx = int(n_ctx)
p.n_parallel = 1
p.n_predict = int(n_predict)  # a runaway answer stops here, as a hosted model's max tokens
p.cpuparams.n_threads = int(threads)  # -1: as many as llama.cpp finds useful
p.warmup = False
p.offline = True  # never reach for a model hub
p.ui = False
server = x.Server(p)
print("listening", server.listening_address, flush=True)
threading.Event().wait()
"""

GGUF_MAGIC = b"GGUF"
SETTING = "COACH_LOCAL_MODEL"


class NotReady(CoachError):
    """The server started but did not answer within the deadline."""


def installed() -> bool:
    """The ``xllamacpp`` wheel is installed (it is not imported here)."""
    return importlib.util.find_spec("xllamacpp") is not None


def model_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a llama.cpp model, in plain words naming the setting; or None
    (it is a readable GGUF file: whether llama.cpp can load it shows when it starts)."""
    shown = f"{SETTING}={path}"
    if not path.exists():
        return f"{shown}: there is no such file"
    if not path.is_file():
        return f"{shown} is not a file; it should be a model file ending in .gguf"
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as exc:
        return f"{shown} cannot be read ({exc.strerror or exc})"
    if magic != GGUF_MAGIC:
        return (
            f"{shown} is not a GGUF model file (it does not start with 'GGUF'); llama.cpp "
            "reads .gguf files, such as the instruct models on Hugging Face with GGUF in "
            "their name"
        )
    return None


def describe(path: Path) -> str:
    """``path`` and its size, for ``mentor-coach doctor``."""
    try:
        size = path.stat().st_size
    except OSError:
        return f"{path} (missing)"
    return f"{path} ({size / 1_000_000:.0f} MB)"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LlamaServer:
    """A running llama.cpp server, and the child process it runs in."""

    proc: subprocess.Popen[bytes]
    url: str  # the OpenAI-compatible base URL, ending in /v1
    model: str  # the model's name as the server reports it
    path: Path
    seconds: float = 0.0  # how long it took to answer after starting
    max_tokens: int = 768  # the longest answer it writes (its n_predict)
    threads: int = -1  # the CPU threads it computes with (-1: as many as llama.cpp likes)
    _log: IO[bytes] | None = field(default=None, repr=False)
    _owner: int = field(default_factory=os.getpid, repr=False)

    @property
    def port(self) -> int:
        """The loopback port it listens on."""
        return int(self.url.rsplit(":", 1)[1].split("/", 1)[0])

    def alive(self) -> bool:
        """Its process is still running."""
        return self.proc.poll() is None

    def stop(self) -> None:
        """Stop the server and wait for its process (a no-op in a forked child, whose
        parent owns the server)."""
        if os.getpid() != self._owner:
            return
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()  # the child exits on end-of-file
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        if self._log is not None:
            self._log.close()
            self._log = None


# the server is on this machine: an HTTP_PROXY in the environment must not be asked for it
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url: str, seconds: float) -> Any:
    with OPENER.open(url, timeout=seconds) as r:
        return json.loads(r.read() or b"{}")


def _tail(log: IO[bytes]) -> str:
    """The server's last words: its error lines if it printed any, else its last line."""
    log.seek(0)
    lines = [ln.strip() for ln in log.read()[-20_000:].decode("utf-8", "replace").splitlines()]
    lines = [ln for ln in lines if ln]
    errors = [ln for ln in lines if "error" in ln.lower() or "failed" in ln.lower()]
    shown = (errors or lines)[-2:]
    return "; ".join(shown)[-400:] or "it printed nothing"


def start(
    model: Path,
    port: int | None = None,
    timeout: float = 120.0,
    *,
    n_ctx: int = 4096,
    n_predict: int = 768,
    threads: int = -1,
) -> LlamaServer:
    """Start the server for ``model`` on 127.0.0.1:``port`` (a free one if None) and wait
    until it answers ``/health`` and lists its model on ``/v1/models``.

    A ConfigError in plain words naming COACH_LOCAL_MODEL when the file is not a GGUF model,
    ``xllamacpp`` is not installed, or the server exits while loading the model;
    :class:`NotReady` when it does not answer within ``timeout`` seconds (it is stopped).
    """
    problem = model_problem(model)
    if problem:
        raise ConfigError(problem)
    if not installed():
        raise ConfigError(
            f"{SETTING} needs llama.cpp's server from the xllamacpp package, which is not "
            "installed: pip install 'mentor-workbook[local]' (or pip install xllamacpp)"
        )
    port = port or free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server)
    began = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, *map(str, (model, port, n_ctx, n_predict, threads))],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = began + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            why = _tail(log)
            log.close()
            raise ConfigError(
                f"llama.cpp's server could not load {SETTING}={model} (it exited with "
                f"{proc.returncode}): {why}"
            )
        try:
            if _get(f"{base}/health", 2).get("status") == "ok":
                listed = _get(f"{base}/v1/models", 5).get("data") or [{}]
                name = str(listed[0].get("id") or model.stem)
                seconds = time.monotonic() - began
                server = LlamaServer(proc, f"{base}/v1", name, model, seconds, n_predict, threads)
                server._log = log
                return server
        except (OSError, ValueError, AttributeError, IndexError):
            pass  # not listening yet, or still loading (503)
        time.sleep(0.25)
    LlamaServer(proc, f"{base}/v1", model.stem, model, _log=log).stop()
    raise NotReady(
        f"llama.cpp's server for {SETTING}={model} did not answer within {timeout:.0f} s "
        "(a large model on a slow disk can take longer; try again, or use a smaller model)"
    )


_lock = threading.Lock()
_shared: LlamaServer | None = None


def shared(
    model: Path, timeout: float = 120.0, max_tokens: int = 768, threads: int = -1
) -> LlamaServer:
    """This process's one server, started for ``model`` on first use and reused after; a
    server for another model, or one that died, is replaced. Safe from many threads: one
    starts it, the others wait for it."""
    global _shared
    with _lock:
        current = _shared
        if (
            current is not None
            and current.alive()
            and current.path == model
            and current.max_tokens == max_tokens
            and current.threads == threads
        ):
            return current
        if current is not None:
            current.stop()
            _shared = None
        _shared = start(model, timeout=timeout, n_predict=max_tokens, threads=threads)
        return _shared


def running() -> LlamaServer | None:
    """This process's server, if one is running."""
    current = _shared
    return current if current is not None and current.alive() else None


def stop_shared() -> None:
    """Stop this process's server, if it started one (also run at exit, where the lock is
    not waited for: a thread still starting one must not hold the exit up)."""
    global _shared
    current, _shared = _shared, None
    if current is not None:
        current.stop()


atexit.register(stop_shared)
