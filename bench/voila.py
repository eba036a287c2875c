"""Voilà benchmark: time until each workbook is interactive, next to a one-widget notebook
served the same way, and the kernel memory per open workbook.

Run with `make bench` (or `.venv/bin/python bench/voila.py`); needs /usr/bin/chromium.
Target (DESIGN.md): each workbook interactive within 1.3x the one-widget notebook.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CHROMIUM = "/usr/bin/chromium"
RUNS = 5
# Interactive: a widget a person can use has been rendered (every workbook has one).
READY = "button.widget-button:not(:disabled), .widget-text input, .widget-textarea textarea"
BASELINE = """{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {},
"outputs": [], "source": ["import ipywidgets as w\\n", "w.Button(description='ok')"]}],
"metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
"language": "python"}}, "nbformat": 4, "nbformat_minor": 5}"""


def kernel_mb(voila_pid: int, kernel_id: str) -> float:
    """Resident memory of the kernel behind one page, in MB."""
    import psutil

    for k in psutil.Process(voila_pid).children(recursive=True):
        try:
            if f"kernel-{kernel_id}.json" in " ".join(k.cmdline()):
                return float(k.memory_info().rss) / 1e6
        except psutil.Error:  # a kernel that just exited
            continue
    return 0.0


def server_mb(voila_pid: int) -> float:
    """Resident memory of Voilà and every kernel it holds (the pre-heated pools), in MB."""
    import psutil

    parent = psutil.Process(voila_pid)
    total = 0.0
    for p in [parent, *parent.children(True)]:
        with contextlib.suppress(psutil.Error):
            total += float(p.memory_info().rss)
    return total / 1e6


def kernels(voila_pid: int) -> int:
    """How many kernels Voilà is running (pre-heated ones included)."""
    import psutil

    count = 0
    for k in psutil.Process(voila_pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if k.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(k.cmdline()):
                count += 1
    return count


def wait_until_quiet(
    voila_pid: int, limit: float = 120.0, expect_kernels: int = 0, gone: str = ""
) -> None:
    """Wait until Voilà and its kernels are idle, and (with ``expect_kernels``) until that
    many kernels run: closed pages' kernels gone, every pool refilled. Each page is then
    timed as a person opening it would see it, not behind the last one."""
    import psutil

    end = time.monotonic() + limit
    parent = psutil.Process(voila_pid)
    while time.monotonic() < end:
        procs = [parent, *parent.children(recursive=True)]
        for p in procs:
            with contextlib.suppress(psutil.Error):
                p.cpu_percent(None)
        time.sleep(1.0)
        busy = 0.0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                busy += p.cpu_percent(None)
        if gone and kernel_mb(voila_pid, gone) > 0:  # the closed page's kernel is still up
            continue
        gone = ""
        if busy < 5.0 and (not expect_kernels or kernels(voila_pid) == expect_kernels):
            return


def main() -> int:
    from playwright.sync_api import sync_playwright

    from coach.cli.serve import voila_command, voila_env
    from coach.indexer import index_paths
    from coach.settings import Settings
    from tests.helpers import free_port

    if not Path(CHROMIUM).exists():
        print("bench/voila.py needs Chromium: apt-get install chromium")
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="voila-bench-"))
    books = tmp / "workbooks"
    shutil.copytree(REPO / "workbooks", books)
    (books / "zz_one_widget.ipynb").write_text(BASELINE, encoding="utf-8")
    home, cache = tmp / "home", Path(os.environ.get("COACH_CACHE_DIR", tmp / "cache"))
    index_paths(Settings(home=home, cache_dir=cache))  # as `make serve` does first
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env.update(COACH_HOME=str(home), COACH_CACHE_DIR=str(cache))
    port = free_port()
    proc = subprocess.Popen(
        voila_command(port, books),
        env=voila_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    names = [p.stem for p in sorted(books.glob("*.ipynb")) if p.stem != "zz_one_widget"]
    # one pre-heated kernel per notebook: the baseline's and the facilitator's included
    pools = sum(1 for nb in books.rglob("*.ipynb") if ".ipynb_checkpoints" not in nb.parts)
    wait_until_quiet(proc.pid, limit=240, expect_kernels=pools)
    # name -> (median seconds, median seconds of the baseline runs interleaved with it, MB)
    results: dict[str, tuple[float, float, float]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )

            def visit(name: str) -> tuple[float, float]:
                """Open a page as a person would, until it is interactive; then close it."""
                ctx = browser.new_context()
                page = ctx.new_page()
                page.set_default_timeout(120_000)
                t0 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/voila/render/{name}.ipynb")
                page.wait_for_selector(READY)
                seconds = time.perf_counter() - t0
                config = page.eval_on_selector(
                    "#jupyter-config-data", "e => JSON.parse(e.textContent)"
                )
                wait_until_quiet(proc.pid)  # the coach has warmed up behind the page
                kernel_id = str(config.get("kernelId", "?"))
                mb = kernel_mb(proc.pid, kernel_id)
                page.close(run_before_unload=True)  # as a person closing the tab
                ctx.close()
                # its kernel has gone and its pool is refilled (after Voilà's fill delay)
                wait_until_quiet(proc.pid, expect_kernels=pools, gone=kernel_id)
                return seconds, mb

            visit("zz_one_widget")  # warms Voilà and the browser up; not counted
            for name in names:  # side by side: baseline and workbook alternate
                base_t, times, mem = [], [], []
                for _ in range(RUNS):
                    base_t.append(visit("zz_one_widget")[0])
                    seconds, mb = visit(name)
                    times.append(seconds)
                    mem.append(mb)
                results[name] = (
                    statistics.median(times),
                    statistics.median(base_t),
                    statistics.median(mem),
                )
            base_mb = visit("zz_one_widget")[1]
            browser.close()
        wait_until_quiet(proc.pid)
        total = server_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(
        f"Voilà time to interactive, median of {RUNS}, each workbook alternating with a "
        "one-widget notebook (target ratio <= 1.3)"
    )
    print(f"  {'page':<16} {'workbook':>9} {'one-widget':>11} {'ratio':>6} {'kernel':>8}")
    for name in names:
        t, base, m = results[name]
        print(f"  {name:<16} {t:8.2f}s {base:10.2f}s {t / base:6.2f} {m:6.0f} MB")
    print(f"  one-widget notebook kernel: {base_mb:.0f} MB")
    print(f"  server at rest with its pre-heated kernels: {total:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
