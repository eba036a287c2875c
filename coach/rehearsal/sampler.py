"""The workshop server's process as this machine sees it: which process serves a URL, its
memory and kernels, peaks and CPU seconds sampled while participants work, and kernels
left running after their pages closed. Everything here needs the server on this machine,
visible to this user; psutil is imported inside the functions.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from coach.rehearsal.report import Run

SERVER_MARK = "coach.server"  # in the command line of Voilà as `mentor-coach serve` runs it


def server_mb(pid: int, measure: str = "pss") -> float:
    """Memory of the process ``pid`` and every process under it (Voilà, its kernels, the
    coach service), in MB.

    ``pss`` (the default) counts each page of memory once, shared among the processes that
    map it: what the machine really spends. ``rss`` sums each process's resident memory,
    which counts Python's and the libraries' shared pages once per kernel (about 25 MB a
    kernel more), as ``ps`` shows it.
    """
    import psutil

    parent = psutil.Process(pid)
    total = 0.0
    for p in [parent, *parent.children(True)]:
        with contextlib.suppress(psutil.Error):
            info = p.memory_full_info() if measure == "pss" else p.memory_info()
            total += float(getattr(info, measure))
    return total / 1e6


def kernels(pid: int) -> int:
    """How many kernels run under ``pid`` (pre-heated ones included)."""
    import psutil

    count = 0
    for k in psutil.Process(pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if k.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(k.cmdline()):
                count += 1
    return count


def kernels_left(pid: int, ids: set[str], within: float) -> int:
    """How many of these kernels still run ``within`` seconds from now (their pages have
    closed: each should stop at once)."""
    import psutil

    def running() -> int:
        alive = 0
        for k in psutil.Process(pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                line = " ".join(k.cmdline())
                if k.status() != psutil.STATUS_ZOMBIE and any(f"kernel-{i}" in line for i in ids):
                    alive += 1
        return alive

    end = time.monotonic() + within
    while (left := running()) and time.monotonic() < end:
        time.sleep(1.0)
    return left


def voila_pid(pid: int) -> int:
    """Voilà's own process: ``pid`` itself, or its child that `mentor-coach serve` started
    (beside the coach service)."""
    import psutil

    with contextlib.suppress(psutil.Error):
        for child in psutil.Process(pid).children():
            with contextlib.suppress(psutil.Error):
                if SERVER_MARK in child.cmdline():
                    return int(child.pid)
    return pid


def _local(host: str) -> bool:
    """``host`` is one of this machine's addresses."""
    import psutil

    try:
        wanted = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    mine = {a.address.split("%")[0] for nic in psutil.net_if_addrs().values() for a in nic}
    return bool(wanted & (mine | {"127.0.0.1", "::1"}))


def server_pid(url: str) -> int | None:
    """The workshop server serving ``url``, if it runs on this machine and this user may
    see it: `mentor-coach serve` (so that the coach service is counted too), or Voilà
    itself when something else started it; None otherwise (another machine, another
    user's process, or not our server, such as a proxy in front of it)."""
    import psutil

    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not parts.hostname or not _local(parts.hostname):
        return None
    with contextlib.suppress(psutil.Error, OSError):
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == "LISTEN" and conn.pid:
                voila = psutil.Process(conn.pid)
                if SERVER_MARK not in voila.cmdline():
                    return None
                parent = voila.parent()
                if parent is not None and "serve" in parent.cmdline():
                    return int(parent.pid)
                return int(voila.pid)
    return None


def own_cpu() -> float:
    """CPU seconds this process has used (the simulated participants)."""
    t = os.times()
    return t.user + t.system


class MemorySampler(threading.Thread):
    """Peak memory of the server with all its kernels, peak kernel count, and the CPU
    seconds the server (kernels included) and the simulated participants used meanwhile,
    sampled every half second (kernels that exit keep their last reading)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self.peak_kernels = pid, 0.0, 0
        self.done = threading.Event()
        self.server_cpu: dict[int, float] = {}
        self.read_cpu()
        self.server_before = sum(self.server_cpu.values())
        self.own_before = self.participants_cpu()
        self.voila = voila_pid(pid)
        self.voila_before = self.server_cpu.get(self.voila, 0.0)

    def read_cpu(self) -> None:
        """Note every server process's CPU seconds so far."""
        import psutil

        with contextlib.suppress(psutil.Error):
            parent = psutil.Process(self.pid)
            for p in [parent, *parent.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    t = p.cpu_times()
                    self.server_cpu[p.pid] = t.user + t.system

    def participants_cpu(self) -> float:
        """CPU seconds the simulated participants have used so far (this process)."""
        return own_cpu()

    def run(self) -> None:
        while not self.done.is_set():
            with contextlib.suppress(Exception):  # a process that just exited
                self.peak_mb = max(self.peak_mb, server_mb(self.pid))
                self.peak_kernels = max(self.peak_kernels, kernels(self.pid))
            self.read_cpu()
            self.done.wait(0.5)

    def stop(self, into: Run) -> None:
        """Stop sampling and write the peaks and CPU seconds into ``into``."""
        self.done.set()
        self.join()
        into.peak_mb, into.peak_kernels = self.peak_mb, self.peak_kernels
        into.server_cpu = sum(self.server_cpu.values()) - self.server_before
        into.voila_cpu = self.server_cpu.get(self.voila, 0.0) - self.voila_before
        into.participants_cpu = self.participants_cpu() - self.own_before
