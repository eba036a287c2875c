"""What a rehearsal measured (:class:`Run`), as plain-text lines and as JSON."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from coach.rehearsal.driver import KINDS, Visit, all_done


@dataclass
class Run:
    """What one rehearsal (or one benchmark run) measured."""

    store: str = ""  # what the heading calls the run (the benchmark: its store)
    url: str = ""  # the server's address
    visits: list[Visit] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    wall: float = 0.0
    rest_mb: float = 0.0  # proportional (PSS): shared pages counted once, see server_mb
    rest_rss_mb: float = 0.0  # every process's resident memory summed, as ps shows it
    rest_kernels: int = 0
    peak_mb: float = 0.0
    peak_kernels: int = 0
    dashboard: str = ""
    participants: int = 0
    log: str = ""  # the server's log, kept when something failed
    server_cpu: float = 0.0
    voila_cpu: float = 0.0  # of server_cpu, Voilà's own process (the rest: kernels)
    participants_cpu: float = 0.0  # the simulated people: browsers, or this process
    kernels_left: int = 0  # of the participants' pages, still running 30 s after they closed
    server_seen: bool = False  # the server's process was visible: memory and kernels checked

    @property
    def dashboard_ok(self) -> bool:
        """The facilitator's counts say everyone did what they did."""
        return all_done(self.dashboard, self.participants)

    @property
    def failures(self) -> int:
        """Failed steps, missing records, a dashboard that does not add up, and kernels
        still running after their pages closed."""
        pages = sum(1 for v in self.visits if v.error)
        return pages + len(self.missing) + (0 if self.dashboard_ok else 1) + self.kernels_left

    def reasons(self) -> list[str]:
        """Why each failure happened, one line each."""
        failed = sorted({f"{v.kind}: {v.error}" for v in self.visits if v.error})
        dashboard = [] if self.dashboard_ok else [f"dashboard: it counts {self.dashboard}"]
        left = (
            [f"{self.kernels_left} kernels still running 30 s after their page closed"]
            if self.kernels_left
            else []
        )
        return failed + self.missing + dashboard + left


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def steps(run: Run) -> dict[str, dict[str, Any]]:
    """Per step (and ``all``): how many opened and failed, time to usable p50 and p95."""
    out: dict[str, dict[str, Any]] = {}
    for kind in (*KINDS, "all"):
        mine = [v for v in run.visits if kind in ("all", v.kind)]
        times = [v.seconds for v in mine if v.seconds is not None]
        out[kind] = {
            "opened": len(times),
            "failed": sum(1 for v in mine if v.error),
            "p50_s": round(pct(times, 50), 3) if times else None,
            "p95_s": round(pct(times, 95), 3) if times else None,
        }
    return out


def memory(run: Run) -> dict[str, Any] | None:
    """The server's memory at rest and at peak, and per participant; None if not seen."""
    if not run.server_seen or not run.peak_mb:
        return None
    n = max(run.participants, 1)
    return {
        "rest_mb": round(run.rest_mb),
        "rest_kernels": run.rest_kernels,
        "rest_rss_mb": round(run.rest_rss_mb),
        "peak_mb": round(run.peak_mb),
        "peak_kernels": run.peak_kernels,
        "mb_per_participant_above_rest": round((run.peak_mb - run.rest_mb) / n),
        "mb_per_participant": round(run.peak_mb / n),
    }


def lines(run: Run) -> list[str]:
    """The run as a plain-text table and what followed from it (no heading)."""

    def secs(value: float | None) -> str:
        return "       -" if value is None else f"{value:7.2f}s"

    out = [f"  {'page':<12} {'opened':>6} {'failed':>6} {'TTI p50':>8} {'TTI p95':>8}"]
    for kind, row in steps(run).items():
        out.append(
            f"  {kind:<12} {row['opened']:>6} {row['failed']:>6} "
            f"{secs(row['p50_s']):>8} {secs(row['p95_s']):>8}"
        )
    pages = sum(1 for v in run.visits if v.error)
    left = (
        f"{run.kernels_left} kernels still running 30 s after their page closed"
        if run.server_seen
        else "kernels after their page closed not checked (the server's process is not visible)"
    )
    out.append(
        f"  failed: {run.failures} (target 0): {pages} pages, {len(run.missing)} missing in "
        f"store, dashboard {'right' if run.dashboard_ok else 'wrong'}, {left}"
    )
    out += [f"    - {reason}" for reason in run.reasons()[:10]]
    if run.log:
        out.append(f"  server log kept for a look: {run.log}")
    out.append(f"  wall time: {run.wall:.1f} s")
    out.append(f"  dashboard ({'correct' if run.dashboard_ok else 'WRONG'}): {run.dashboard}")
    return out + resources(run)


def resources(run: Run) -> list[str]:
    """The CPU and memory lines, or one saying why they are not shown."""
    mem = memory(run)
    if mem is None:
        return [
            "  memory: not shown: the server's process is not visible from here (it runs on "
            "another machine or as another user, or a proxy answers at this address); run "
            "the rehearsal on the server's machine to see its memory per participant"
        ]
    opened = sum(1 for v in run.visits if v.seconds is not None) or 1
    wall = max(run.wall, 1e-9)
    return [
        f"  CPU: the server and its kernels {run.server_cpu:,.0f} s "
        f"({run.server_cpu / wall:.1f} cores, {run.server_cpu / opened:.1f} s per "
        f"page opened; Voilà itself {run.voila_cpu:,.0f} s, its kernels "
        f"{run.server_cpu - run.voila_cpu:,.0f} s), the simulated participants "
        f"{run.participants_cpu:,.0f} s, on {os.cpu_count()} cores",
        f"  memory: {run.rest_mb:,.0f} MB at rest ({run.rest_kernels} kernels), "
        f"{run.peak_mb:,.0f} MB at peak ({run.peak_kernels} kernels), "
        f"{mem['mb_per_participant_above_rest']:,} MB per participant above rest, "
        f"{mem['mb_per_participant']:,} MB per participant in all (the server, the coach "
        "service and every pre-heated page included; proportional set size, so a page of "
        f"memory shared by several processes counts once; summed RSS at rest: "
        f"{run.rest_rss_mb:,.0f} MB)",
    ]


def to_dict(run: Run) -> dict[str, Any]:
    """The run as JSON-ready data."""
    return {
        "participants": run.participants,
        "failed": run.failures,
        "failures": run.reasons(),
        "steps": steps(run),
        "missing_in_store": run.missing,
        "dashboard": {"right": run.dashboard_ok, "counts": run.dashboard},
        "kernels_left": run.kernels_left if run.server_seen else None,
        "wall_s": round(run.wall, 2),
        "memory": memory(run),
        "cpu_s": (
            {"server": round(run.server_cpu, 1), "participants": round(run.participants_cpu, 1)}
            if memory(run)
            else None
        ),
    }
