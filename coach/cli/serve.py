"""`mentor-coach serve`: the workbooks as web pages (Voilà) on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path
from typing import Any


def workbooks_dir() -> Path:
    """The workbooks folder (a source checkout, or shipped in the wheel)."""
    from coach.paths import _shipped

    return _shipped("workbooks")


def voila_command(
    port: int, folder: Path, pool: int = 1, *, workshop: bool = False, host: str = "127.0.0.1"
) -> list[str]:
    """The Voilà command line: loopback only, no tracebacks, idle kernels culled.

    With ``pool`` > 0 the app keeps that many pre-heated kernels (see
    ``coach.server.WorkbookServer.preheated``): the notebook has already run up to the
    point where it waits for a person (see
    ``coach.widgets.common.prepare_page``), so a page opens as fast as Voilà can send it.
    A kernel is shut down when its page is closed (Voilà does this on ``beforeunload``).
    """
    preheat = (
        [
            "--preheat_kernel=True",
            f"--pool_size={pool}",
            # refill a pool after the new page has loaded, not while it loads
            "--VoilaKernelManager.fill_delay=8",
        ]
        if pool > 0
        else []
    )
    return [
        sys.executable,
        "-m",
        "coach.server",
        str(folder),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={host}",
        # the kernel learns whose page it is from the cookie a join link set
        "--VoilaConfiguration.http_header_envs=Cookie",
        # kernels talk to the server over Unix sockets, not TCP ports others could reach
        "--KernelManager.transport=ipc",
        *(["--workshop"] if workshop else []),
        "--show_tracebacks=False",
        "--strip_sources=True",
        "--theme=light",
        "--template=mentor",
        "--MappingKernelManager.cull_idle_timeout=600",
        "--MappingKernelManager.cull_interval=300",
        # a busy server (a workshop's first minute) may take more than nbclient's default
        # 4 s to send a page's output; past this, Voilà would drop the page's widget
        "--VoilaExecutor.iopub_timeout=60",
        *preheat,
    ]


def voila_env(base: dict[str, str]) -> dict[str, str]:
    """The environment Voilà runs in: ``base`` plus the path to our page template."""
    from coach.paths import package_data

    env = dict(base)
    ours = str(package_data("jupyter"))
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (ours, env.get("JUPYTER_PATH", "")) if p)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def free_port(preferred: int) -> int:
    """``preferred`` if it is free on 127.0.0.1, else any free port."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])


KERNEL_MB = 90  # a pre-heated app page's kernel with the shared coach (bench/voila.py)
RESERVE_MB = 1500  # the server, the coach service and what people's pages grow by


def workshop_pool(available_mb: float | None = None) -> tuple[int, str]:
    """How many app pages to pre-heat for a workshop: one per open seat of the open cohorts
    (everyone's first page is then ready when they open their link), as far as the free
    memory allows; and a sentence saying what was chosen and why."""
    import psutil

    from coach.cohorts import list_cohorts

    seats = sum(c.participant_count for c in list_cohorts() if c.is_open())
    if available_mb is None:
        available_mb = psutil.virtual_memory().available / 1e6
    fits = max(1, int((available_mb - RESERVE_MB) // KERNEL_MB))
    pool = max(1, min(seats, fits))
    why = f"{seats} open seat{'s' if seats != 1 else ''} in the open cohorts"
    if seats > fits:
        why += f"; free memory ({available_mb / 1000:.1f} GB) fits {fits}"
    return pool, (
        f"Pre-heating {pool} app page{'s' if pool != 1 else ''} ({why}; --pool N to choose)"
    )


def add_command(sub: Any) -> None:
    """Register `serve`."""
    s = sub.add_parser("serve", help="serve the workbooks as web pages on 127.0.0.1")
    s.add_argument(
        "--port",
        type=int,
        default=8866,
        help="port to listen on (default %(default)s; a busy one: the next free one, printed)",
    )
    s.add_argument(
        "--pool",
        type=int,
        default=None,
        metavar="N",
        help="app pages kept pre-heated, ready for the next person (0 turns pre-heating off; "
        "each costs about 80 MB); default 1, or with --workshop one per open seat of the open "
        "cohorts, as far as the free memory allows",
    )
    s.add_argument(
        "--workshop",
        action="store_true",
        help="serve a workshop: every page needs a participant's join link "
        "(see `mentor-coach cohort create`)",
    )
    s.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; a workshop on a "
        "network uses this machine's address or 0.0.0.0, ideally behind HTTPS)",
    )
    s.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the coach service, then Voilà; run until interrupted, then stop both.

    SIGTERM, SIGINT (Ctrl+C) and SIGHUP reach Voilà, which shuts its kernels down; the
    service stops after it, and any kernel still there is ended (see ``coach.cli.supervise``).
    """
    import secrets

    from coach.cli.supervise import ServiceProcess, Supervisor

    port = free_port(args.port) if args.host == "127.0.0.1" else args.port
    folder = workbooks_dir()
    shown = "127.0.0.1" if args.host in ("127.0.0.1", "0.0.0.0") else args.host
    sup = Supervisor(ServiceProcess(dict(os.environ), secrets.token_urlsafe(32)))
    with sup.handling_signals():
        info = sup.start_service()
        if info is None:  # stopped while it warmed up
            return 0
        line = f"Coach service up on 127.0.0.1:{sup.service.port}, shared by every page"
        print(line + (f" (warning: {info['warning']})" if info.get("warning") else ""), flush=True)
        if args.workshop:
            print(
                f"Mentor Workbook workshop on http://{shown}:{port}/ : participants open their "
                "join links; you open the facilitator link (Ctrl+C stops it)",
                flush=True,
            )
        else:
            print(
                f"Mentor Workbook: open http://{shown}:{port}/ in your browser (Ctrl+C stops it)",
                flush=True,
            )
        env = voila_env(dict(os.environ))
        env.update(sup.service.client_env())
        if args.workshop:
            env["COACH_WORKSHOP"] = "1"
        if args.pool is not None:
            pool = max(args.pool, 0)
        elif args.workshop:
            pool, why = workshop_pool()
            print(why, flush=True)
        else:
            pool = 1
        return sup.run(
            voila_command(port, folder, pool, workshop=args.workshop, host=args.host), env
        )
