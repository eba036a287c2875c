"""The child processes of `mentor-coach serve`: the coach service and Voilà, which start
and stop together.

Voilà runs in a session of its own, so a terminal's Ctrl+C reaches it once, from us, as
SIGTERM (on which Voilà shuts its kernels down). Its kernels also run in sessions of their
own (jupyter_client starts them so), so no process-group signal reaches them: the
supervisor remembers them and ends any that Voilà leaves behind. A SIGKILL of
`mentor-coach serve` cannot be caught; the service then notices its parent is gone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from coach.errors import CoachError

__all__ = ["ServiceProcess", "Supervisor", "descendants"]

SERVICE_START_TIMEOUT = 600.0  # seconds; a first start indexes the shipped corpus
STOP_TIMEOUT = 12.0  # seconds Voilà gets to shut its kernels down before it is killed
KERNEL_GRACE = 3.0  # seconds a kernel left behind gets between SIGTERM and SIGKILL
MAX_RESTARTS = 3  # of a service that stops by itself while Voilà runs
_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, n))


class ServiceProcess:
    """The coach service as a child process, serving on a listening socket that this
    process keeps, so requests made while it (re)starts wait instead of failing."""

    def __init__(self, env: dict[str, str], token: str) -> None:
        self.token = token
        skip = ("COACH_SERVICE_URL", "COACH_SERVICE_TOKEN")
        self._env = {k: v for k, v in env.items() if k not in skip}
        self._env["COACH_SERVICE_TOKEN"] = token
        self._sock: socket.socket | None = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def client_env(self) -> dict[str, str]:
        """The variables a kernel needs to use this service."""
        return {"COACH_SERVICE_URL": self.url, "COACH_SERVICE_TOKEN": self.token}

    def start(self) -> None:
        """Start (or restart) the service process; it warms up in the background."""
        command = [sys.executable, "-m", "coach.service"]
        fds: tuple[int, ...] = ()
        if os.name == "posix" and self._sock is not None:
            fds = (self._sock.fileno(),)
            command += ["--fd", str(fds[0])]
        else:  # no socket inheritance: give the port up and let the service bind it
            if self._sock is not None:
                self._sock.close()
                self._sock = None
            command += ["--port", str(self.port)]
        self.proc = subprocess.Popen(command, env=self._env, pass_fds=fds, start_new_session=True)

    def alive(self) -> bool:
        """True while the service process runs."""
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout: float, stop: Callable[[], bool]) -> dict[str, Any] | None:
        """The service's /health once it is ready; None if ``stop()`` turns true first."""
        from coach.service_client import ServiceClient

        client = ServiceClient(self.url, self.token, timeout=5)
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        while not stop():
            if self.proc is None or self.proc.poll() is not None:
                code = None if self.proc is None else self.proc.returncode
                raise CoachError(
                    f"The coach service stopped at start (exit code {code}); its message is "
                    "above. Run `mentor-coach doctor` to check the setup."
                )
            try:
                return client.health()
            except CoachError as exc:
                last = str(exc)
            if time.monotonic() > deadline:
                raise CoachError(
                    f"The coach service did not get ready within {timeout:.0f} s ({last}). "
                    "Check that COACH_HOME is writable and run `mentor-coach doctor`."
                )
            time.sleep(0.25)
        return None

    def close(self, timeout: float = 10.0) -> None:
        """Stop the service process and give its port up."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class Supervisor:
    """Runs Voilà next to the coach service and stops everything on SIGTERM/SIGINT/SIGHUP."""

    def __init__(self, service: ServiceProcess) -> None:
        self.service = service
        self.voila: subprocess.Popen[bytes] | None = None
        self.signals = 0  # signals received; a second one kills at once
        self._forwarded = 0
        self._known: set[int] = set()  # Voilà's descendants: its kernels
        self._restarts = 0
        self._stopping = False

    @contextmanager
    def handling_signals(self) -> Iterator[None]:
        """Catch the stop signals while the block runs; stop every child when it ends."""
        old = {sig: signal.signal(sig, self._on_signal) for sig in _SIGNALS}
        try:
            yield
        finally:
            try:
                self._shutdown()
            finally:
                for sig, handler in old.items():
                    signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: object) -> None:
        self.signals += 1
        self._forward()

    def _forward(self) -> None:
        voila = self.voila
        if voila is None or voila.poll() is not None or self._forwarded >= self.signals:
            return
        self._forwarded = self.signals
        self._known |= descendants(voila.pid)
        if self.signals == 1:
            voila.send_signal(signal.SIGTERM)
        else:  # asked twice: do not wait for a clean shutdown
            voila.kill()
            for pid in self._known:
                _kill(pid, signal.SIGKILL)

    def start_service(self) -> dict[str, Any] | None:
        """Start the service and wait until it is ready (None: a stop signal came first)."""
        self.service.start()
        return self.service.wait_ready(SERVICE_START_TIMEOUT, lambda: self.signals > 0)

    def run(self, command: list[str], env: dict[str, str]) -> int:
        """Run Voilà until it ends or a stop signal arrives; its exit code (0 when asked)."""
        if self.signals:
            return 0
        self.voila = voila = subprocess.Popen(command, env=env, start_new_session=True)
        scanned = time.monotonic()
        while voila.poll() is None:
            time.sleep(0.5)
            self._forward()  # a signal that came before Popen returned
            if time.monotonic() - scanned > 5:
                self._known = {p for p in self._known if _alive(p)} | descendants(voila.pid)
                scanned = time.monotonic()
            if (
                not self.signals
                and not self._stopping
                and voila.poll() is None  # the service may have stopped because Voilà did
                and self.service.proc is not None
                and not self.service.alive()
            ):
                self._restart_service()
        return 0 if self.signals else voila.returncode

    def _restart_service(self) -> None:
        code = self.service.proc.returncode if self.service.proc else None
        if self._restarts >= MAX_RESTARTS:
            print(
                f"The coach service stopped again (exit code {code}); pages now say the coach "
                "is unavailable. Restart `mentor-coach serve`.",
                file=sys.stderr,
                flush=True,
            )
            self.service.close()  # give the port up: kernels get a clear error at once
            self.service.proc = None
            return
        self._restarts += 1
        print(f"The coach service stopped (exit code {code}); restarting it", file=sys.stderr)
        self.service.start()

    def _shutdown(self) -> None:
        self._stopping = True  # a service stopped from here now is not restarted
        voila = self.voila
        if voila is not None:
            if voila.poll() is None:
                self._known |= descendants(voila.pid)
                voila.send_signal(signal.SIGTERM)
            try:
                voila.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                voila.kill()
                voila.wait()
            _end(self._known)
        self.service.close()


def descendants(pid: int) -> set[int]:
    """The ids of every process below ``pid`` (psutil when installed, else /proc)."""
    try:
        import psutil
    except ImportError:
        return _proc_descendants(pid)
    try:
        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        return set()


def _proc_descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead, only not yet reaped
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _kill(pid: int, sig: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def _end(pids: set[int]) -> None:
    """SIGTERM the processes still alive, then SIGKILL those that did not stop."""
    alive = {p for p in pids if _alive(p)}
    for pid in alive:
        _kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + KERNEL_GRACE
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = {p for p in alive if _alive(p)}
    for pid in alive:
        _kill(pid, signal.SIGKILL)
