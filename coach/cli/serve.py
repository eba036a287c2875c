"""`mentor-coach serve`: the workbooks as web pages (Voilà) on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any


def workbooks_dir() -> Path:
    """The workbooks folder (a source checkout, or shipped in the wheel)."""
    from coach.paths import _shipped

    return _shipped("workbooks")


def voila_command(port: int, folder: Path) -> list[str]:
    """The Voilà command line: loopback only, no tracebacks, idle kernels culled."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(folder),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--show_tracebacks=False",
        "--strip_sources=True",
        "--theme=light",
        "--MappingKernelManager.cull_idle_timeout=1800",
        "--MappingKernelManager.cull_interval=300",
        "--VoilaConfiguration.file_allowlist=[]",
    ]


def free_port(preferred: int) -> int:
    """``preferred`` if it is free on 127.0.0.1, else any free port."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])


def add_command(sub: Any) -> None:
    """Register `serve`."""
    s = sub.add_parser("serve", help="serve the workbooks as web pages on 127.0.0.1")
    s.add_argument("--port", type=int, default=8866)
    s.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    """Run Voilà until interrupted."""
    port = free_port(args.port)
    folder = workbooks_dir()
    print(
        f"Mentor Workbook: open http://127.0.0.1:{port}/ in your browser (Ctrl+C stops it)",
        flush=True,
    )
    env = dict(os.environ)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return subprocess.call(voila_command(port, folder), env=env)
