"""Workshop load benchmark: N participants open their join links at the same moment and
each sets a goal, adds a mentor candidate and has the coach draft an outreach note.

The server runs as `mentor-coach serve --workshop` runs it (pre-heated kernels, a cohort
created first, in a fresh temporary COACH_HOME), once on the default SQLite store and once
on a throwaway PostgreSQL cluster. Each participant is simulated either over the Voilà
kernel protocol (`--driver protocol`, the default: HTTP and the kernel websocket, as their
own laptop's browser would talk to the server, see bench/protocol.py) or in a Chromium
browser context of their own (`--driver browser`: the real page, but 30 browsers on the
server's own cores). Measured: time to interactive per page, failed pages (error, timeout,
an error shown in the page, or a goal or draft missing from the store afterwards), whether
the facilitator's dashboard adds up, wall time, CPU, and the memory of the server with all
its kernels at peak.

Run with `make bench` or `.venv/bin/python bench/workshop.py --participants 30`
(`--store sqlite|postgresql|both`, `--pool N` to compare pre-heated pool sizes); the browser
driver needs /usr/bin/chromium, and the PostgreSQL run Debian's postgresql package. Most of
a small run is building the index; point COACH_CACHE_DIR at a folder to reuse its vectors.
Target: 0 failed pages.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CHROMIUM = "/usr/bin/chromium"
KINDS = ("start", "goals", "candidates", "outreach")
DASHBOARD_DONE = ("Set a goal", "Drafted outreach")  # what every participant completes
# what a person would read as "it broke": Voilà's error outputs and the widget manager's
ERROR_OUTPUT = '[data-mime-type="application/vnd.jupyter.error"]'
ERROR_TEXT = re.compile(
    "There was an error when executing cell|Error displaying widget|Traceback|"
    "Cell execution timed out|Coach: unavailable"
)


@dataclass
class Visit:
    """One page a participant opened: its time to interactive and, if it failed, why."""

    kind: str
    seconds: float | None = None
    error: str | None = None
    kernel: str = ""  # the page's kernel (the app's one page: set on the first visit)


@dataclass
class Run:
    """What one run measured."""

    store: str
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

    @property
    def dashboard_ok(self) -> bool:
        """The facilitator's counts say everyone did what they did."""
        return all_done(self.dashboard, self.participants)

    @property
    def failures(self) -> int:
        """Failed pages, missing records, and a dashboard that does not add up."""
        pages = sum(1 for v in self.visits if v.error)
        return pages + len(self.missing) + (0 if self.dashboard_ok else 1) + self.kernels_left


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Workshop load benchmark (target: 0 failed pages).")
    p.add_argument("--participants", type=int, default=30, metavar="N", help="at once")
    p.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument(
        "--pool",
        type=int,
        default=None,
        metavar="N",
        help="pre-heated app pages (default: one per participant, as `serve --workshop` "
        "chooses for one cohort)",
    )
    p.add_argument(
        "--timeout", type=float, default=120.0, help="seconds a person waits for each step"
    )
    p.add_argument(
        "--against",
        metavar="URL",
        help="rehearse against a workshop server you started (with --links), instead of "
        "starting one; this process must see the same store (COACH_DATABASE_URL/COACH_HOME)",
    )
    p.add_argument(
        "--links",
        type=Path,
        metavar="FILE",
        help="the output of `mentor-coach cohort create NAME --seats N --json`",
    )
    p.add_argument(
        "--driver",
        choices=["protocol", "browser"],
        default="protocol",
        help="simulate each person over HTTP and the kernel websocket, as their own laptop's "
        "browser would talk to the server (default: the server's cores serve the server "
        "alone), or in a Chromium context each, on this machine's cores",
    )
    args = p.parse_args()
    if bool(args.against) != bool(args.links):
        p.error("--against and --links go together")
    return args


@contextlib.contextmanager
def coach_env(values: dict[str, str]) -> Iterator[None]:
    """Point this process at the run's home and database, as the server is (the cohort is
    created and checked in the same store), with no developer COACH_/OPENAI_ settings;
    then put the environment back."""
    from coach import settings, store

    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith(("COACH_", "OPENAI_")):
            del os.environ[name]
    os.environ.update(values)
    settings.reset_settings()
    store.forget_stores()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        settings.reset_settings()
        store.forget_stores()


@contextlib.contextmanager
def postgres() -> Iterator[str | None]:
    """A fresh database on a throwaway cluster, its URL; None (and why) if it cannot start."""
    from tests.pg import Cluster

    root = Path(tempfile.mkdtemp(prefix="workshop-bench-pg-"))
    cluster = None
    try:
        cluster = Cluster(root)
        url: str | None = cluster.new_database()
    except Exception as exc:  # not installed, cannot start, or refuses connections
        print(f"PostgreSQL could not start here ({exc}); that run is skipped.")
        url = None
    try:
        yield url
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def start_server(port: int, pool: int, log: Path) -> subprocess.Popen:
    """`mentor-coach serve --workshop --pool N` itself (the coach service, then Voilà), in
    this environment (tests/helpers.start_workbooks would drop COACH_DATABASE_URL); returns
    once the pages are served."""
    serve = Path(sys.executable).with_name("mentor-coach")
    command = [str(serve), "serve", "--workshop", f"--port={port}", f"--pool={pool}"]
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=dict(os.environ), stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 600  # the coach service warms up first
    while time.monotonic() < deadline and proc.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return proc
        time.sleep(0.2)
    stop_server(proc)
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"the workbook server did not start; its log ends:\n{tail}")


def kernels_left(server_pid: int, ids: set[str], within: float) -> int:
    """How many of these kernels still run ``within`` seconds from now (their pages have
    closed: each should stop at once)."""
    import psutil

    def running() -> int:
        alive = 0
        for k in psutil.Process(server_pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                line = " ".join(k.cmdline())
                if k.status() != psutil.STATUS_ZOMBIE and any(f"kernel-{i}" in line for i in ids):
                    alive += 1
        return alive

    end = time.monotonic() + within
    while (left := running()) and time.monotonic() < end:
        time.sleep(1.0)
    return left


def stop_server(proc: subprocess.Popen) -> None:
    """Stop Voilà, and any kernel it leaves behind."""
    import psutil

    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        children = []
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.kill()


class MemorySampler(threading.Thread):
    """Peak resident memory of the server with all its kernels, peak kernel count, and the
    CPU seconds the server (kernels included) and the simulated participants (browsers, or
    this process) used meanwhile, sampled every half second (kernels that exit keep their
    last reading)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self.peak_kernels = pid, 0.0, 0
        self.done = threading.Event()
        self.server_cpu: dict[int, float] = {}
        self.browser_cpu: dict[int, float] = {}
        self._read_cpu()
        self.server_before = sum(self.server_cpu.values())
        self.own_before = _own_cpu()
        self.voila = voila_pid(pid)
        self.voila_before = self.server_cpu.get(self.voila, 0.0)

    def _read_cpu(self) -> None:
        import psutil

        with contextlib.suppress(psutil.Error):
            parent = psutil.Process(self.pid)
            for p in [parent, *parent.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    t = p.cpu_times()
                    self.server_cpu[p.pid] = t.user + t.system
        for p in psutil.process_iter(["name"]):
            if "chrom" in (p.info["name"] or ""):
                with contextlib.suppress(psutil.Error):
                    t = p.cpu_times()
                    self.browser_cpu[p.pid] = t.user + t.system

    def run(self) -> None:
        from bench.voila import kernels, server_mb

        while not self.done.is_set():
            self.peak_mb = max(self.peak_mb, server_mb(self.pid))
            self.peak_kernels = max(self.peak_kernels, kernels(self.pid))
            self._read_cpu()
            self.done.wait(0.5)

    def stop(self, into: Run) -> None:
        """Stop sampling and write the peaks and CPU seconds into ``into``."""
        self.done.set()
        self.join()
        into.peak_mb, into.peak_kernels = self.peak_mb, self.peak_kernels
        into.server_cpu = sum(self.server_cpu.values()) - self.server_before
        into.voila_cpu = self.server_cpu.get(self.voila, 0.0) - self.voila_before
        into.participants_cpu = sum(self.browser_cpu.values()) + _own_cpu() - self.own_before


def voila_pid(pid: int) -> int:
    """Voilà's own process: ``pid`` itself, or its child that `mentor-coach serve` started
    (beside the coach service)."""
    import psutil

    with contextlib.suppress(psutil.Error):
        for child in psutil.Process(pid).children():
            with contextlib.suppress(psutil.Error):
                if "coach.server" in child.cmdline():
                    return int(child.pid)
    return pid


def _own_cpu() -> float:
    """CPU seconds this process has used (the protocol driver's participants)."""
    t = os.times()
    return t.user + t.system


async def until(check, timeout: float) -> None:
    """Poll ``check`` (a store read, run in a thread) until it is true, or time out."""
    end = time.monotonic() + timeout
    while not await asyncio.to_thread(check):
        if time.monotonic() > end:
            raise TimeoutError("not saved in the store in time")
        await asyncio.sleep(0.25)


async def open_page(page, url: str, visit: Visit) -> None:
    """Open ``url`` and time it until a widget a person can use is on screen."""
    from bench.voila import READY

    t0 = time.perf_counter()
    await page.goto(url)
    await page.wait_for_selector(READY)
    visit.seconds = time.perf_counter() - t0


async def shown_error(page) -> str | None:
    """An error the page shows, if any."""
    if await page.locator(ERROR_OUTPUT).count():
        return "an error output is shown"
    found = ERROR_TEXT.search(await page.inner_text("body"))
    return f"the page shows {found.group(0)!r}" if found else None


async def step(visit: Visit, act, shown) -> None:
    """Run one page's actions, then ask ``shown()`` for an error the page shows; note in
    ``visit`` how it failed, and raise to stop there."""
    try:
        await act()
        visit.error = await shown()
    except Exception as exc:
        visit.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    if visit.error:
        raise RuntimeError(visit.error)


async def participant(browser, base: str, n: int, pid: str, link: str, timeout: float):
    """One person's workshop: join, name themselves, set a goal, add a candidate, draft a
    note; returns their visits (a failed page ends the journey, as it would for them)."""
    from coach.store import get_store

    db = get_store()
    ctx = await browser.new_context()
    page = await ctx.new_page()
    page.set_default_timeout(timeout * 1000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    visits = [Visit(kind) for kind in KINDS]
    start, goals, candidates, outreach = visits
    mentor = f"Mentor {n} Okafor"

    async def join() -> None:  # the link sets the seat cookie and opens the app
        await open_page(page, link, start)
        start.kernel = await page.eval_on_selector(
            "#jupyter-config-data", "e => JSON.parse(e.textContent).kernelId"
        )
        name = page.get_by_placeholder("e.g. Priya Raman")
        await name.fill(f"Participant {n}")
        await name.press("Tab")
        await until(lambda: (db.get(pid, "profile", "me") or {}).get("name"), timeout)

    async def switch(label: str, slug: str, visit: Visit) -> None:
        """A step of the app, one click away in the same page and kernel."""
        t0 = time.perf_counter()
        await page.locator(".mw-stepbar button", has_text=label).click()
        await page.wait_for_selector(f".mw-step-body .mw-view-{slug}")
        visit.seconds = time.perf_counter() - t0

    async def goal() -> None:
        await switch("Goals", "goals", goals)
        title = page.get_by_placeholder("e.g. Lead a product discovery project").first
        await title.fill(f"Lead a product discovery project by June ({n})")
        await title.press("Tab")
        await until(lambda: (db.get(pid, "goal", "1") or {}).get("title"), timeout)

    async def candidate() -> None:
        await switch("Candidates", "candidates", candidates)
        await page.get_by_placeholder("e.g. Daniel Okafor").fill(mentor)
        await page.get_by_placeholder("e.g. Director of Product").fill("Director of Product")
        await page.locator(".mw-view-candidates textarea").first.fill(
            "wrote a post on running discovery sprints"
        )
        await page.get_by_role("button", name="Add candidate").click()
        await page.wait_for_selector(f"text=Added {mentor}.")

    async def draft() -> None:
        await switch("Outreach", "outreach", outreach)
        await page.locator(".mw-step-body").get_by_role("button", name="Draft it").click()
        await page.wait_for_selector(".mw-counter")
        await until(lambda: db.all(pid, "draft"), timeout)

    async def shown() -> str | None:
        return errors[0] if errors else await shown_error(page)

    try:
        for visit, act in zip(visits, (join, goal, candidate, draft)):
            await step(visit, act, shown)
        await page.close(run_before_unload=True)  # as a person closing the tab
    except RuntimeError:
        pass  # the failed page is noted in its visit; the later pages were never reached
    finally:
        await ctx.close()
    return [v for v in visits if v.seconds is not None or v.error]


async def participant_protocol(base: str, n: int, pid: str, link: str, timeout: float):
    """The same journey as :func:`participant`, over HTTP and the kernel websocket
    (``bench/protocol.py``): the server does all it does for a browser, and the simulated
    person costs next to no CPU."""
    import httpx

    from bench.protocol import Page
    from coach.store import get_store

    db = get_store()
    visits = [Visit(kind) for kind in KINDS]
    start, goals, candidates, outreach = visits
    mentor = f"Mentor {n} Okafor"
    pages: list[Page] = []

    async with httpx.AsyncClient() as client:

        async def open_page(url: str, visit: Visit) -> Page:
            page = Page(client, url, timeout)
            pages.append(page)
            visit.seconds = await page.open(assets=True)
            return page

        async def join() -> None:  # the link sets the seat cookie and opens the app
            page = await open_page(link, start)
            start.kernel = page.kernel_id
            page.fill(page.find(placeholder="e.g. Priya Raman"), f"Participant {n}")
            await until(lambda: (db.get(pid, "profile", "me") or {}).get("name"), timeout)

        # every later step is a switch inside the one app page, in the same kernel
        async def goal() -> None:
            page = pages[-1]
            want = {"placeholder": "e.g. Lead a product discovery project"}
            goals.seconds = await page.switch("Goals", lambda: page.has(**want))
            page.fill(page.find(**want), f"Lead a product discovery project by June ({n})")
            await until(lambda: (db.get(pid, "goal", "1") or {}).get("title"), timeout)

        async def candidate() -> None:
            page = pages[-1]
            form = (
                {"placeholder": "e.g. Daniel Okafor"},
                {"placeholder": "e.g. Director of Product"},
                {"_model_name": "TextareaModel", "description": "Noticed"},
                {"_model_name": "ButtonModel", "description": "Add candidate"},
            )
            candidates.seconds = await page.switch(
                "Candidates", lambda: all(page.has(**want) for want in form)
            )
            page.fill(page.find(**form[0]), mentor)
            page.fill(page.find(placeholder="e.g. Director of Product"), "Director of Product")
            page.fill(
                page.find(_model_name="TextareaModel", description="Noticed"),
                "wrote a post on running discovery sprints",
            )
            page.click(page.find(_model_name="ButtonModel", description="Add candidate"))
            await page.wait_for(lambda: page.shows(re.escape(f"Added {mentor}.")), "the card")

        async def draft() -> None:
            page = pages[-1]
            want = {"_model_name": "ButtonModel", "description": "Draft it"}
            outreach.seconds = await page.switch("Outreach", lambda: page.has(**want))
            page.click(page.find(**want))
            await page.wait_for(lambda: page.shows("Drafted by"), "the draft")
            await until(lambda: db.all(pid, "draft"), timeout)

        async def shown() -> str | None:
            page = pages[-1]
            if '"output_type": "error"' in page.html or page.errors:
                return "an error output is shown"
            found = ERROR_TEXT.search(page.visible_text())
            return f"the page shows {found.group(0)!r}" if found else None

        try:
            for visit, act in zip(visits, (join, goal, candidate, draft)):
                await step(visit, act, shown)
        except RuntimeError:
            pass  # the failed page is noted in its visit; the later pages were never reached
        finally:
            if pages:  # as a person closing the tab
                with contextlib.suppress(Exception):
                    await pages[-1].close()
    return [v for v in visits if v.seconds is not None or v.error]


async def drive(
    base: str, links: list, timeout: float, facilitator_url: str, driver: str = "protocol"
) -> tuple[list[Visit], str]:
    """Every participant at once (in one Chromium, or over the kernel protocol); then what
    the facilitator's dashboard counts once they are done."""
    if driver == "protocol":
        journeys = await asyncio.gather(
            *(
                participant_protocol(base, n, pid, url, timeout)
                for n, (pid, url) in enumerate(links, 1)
            )
        )
        counts = await dashboard_protocol(facilitator_url, len(links), timeout)
        return [v for journey in journeys for v in journey], counts

    from playwright.async_api import async_playwright

    from tests.helpers import CHROMIUM_ARGS

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            journeys = await asyncio.gather(
                *(
                    participant(browser, base, n, pid, url, timeout)
                    for n, (pid, url) in enumerate(links, 1)
                )
            )
            counts = await dashboard(browser, facilitator_url, len(links), timeout)
        finally:
            await browser.close()
    return [v for journey in journeys for v in journey], counts


def all_done(text: str, n: int) -> bool:
    """The dashboard's counts say all ``n`` participants did what every one of them did."""
    return all(f"{label}: {n} of {n}" in text for label in DASHBOARD_DONE)


async def dashboard(browser, url: str, n: int, timeout: float) -> str:
    """The facilitator's counts, once they say every participant set a goal and drafted
    outreach (or as they stand when ``timeout`` runs out)."""
    ctx = await browser.new_context()
    page = await ctx.new_page()
    page.set_default_timeout(timeout * 1000)
    try:
        await page.goto(url)
        counts = page.locator(".mw-counts")
        await counts.wait_for()
        end = time.monotonic() + timeout
        text = await counts.inner_text()
        while not all_done(text, n):
            if time.monotonic() > end:
                break
            await asyncio.sleep(1)
            text = await counts.inner_text()
        return " | ".join(line.strip() for line in text.splitlines() if line.strip())
    except Exception as exc:
        return f"the dashboard did not open: {type(exc).__name__}: {exc}"[:200]
    finally:
        await ctx.close()


async def dashboard_protocol(url: str, n: int, timeout: float) -> str:
    """:func:`dashboard` over the kernel protocol: the counts as the page's widget holds
    them, once they add up (the dashboard refreshes itself) or when ``timeout`` runs out."""
    import httpx

    from bench.protocol import Page, PageError, text_of

    def counts() -> str:
        for model in page.models.values():
            value = str(model["state"].get("value", ""))
            if "mw-counts" in value:
                items = (" ".join(text_of(item).split()) for item in value.split("</li>"))
                return " | ".join(item for item in items if item)
        return ""

    async with httpx.AsyncClient() as client:
        page = Page(client, url, timeout)
        try:
            await page.open()
            with contextlib.suppress(PageError):
                await page.wait_for(lambda: all_done(counts(), n), "every count at n of n")
            return counts() or "the dashboard shows no counts"
        except Exception as exc:
            return f"the dashboard did not open: {type(exc).__name__}: {exc}"[:200]
        finally:
            with contextlib.suppress(Exception):
                await page.close()


def missing(cohort: str) -> list[str]:
    """Participants without a saved goal or outreach draft, as the facilitator sees it."""
    from coach.cohorts import status

    return [
        f"{p.display_name}: no {step}"
        for p in status(cohort).participants
        for step in ("goals", "outreach")
        if step not in p.steps_done
    ]


def run(store: str, database_url: str | None, args: argparse.Namespace, cache: Path) -> Run:
    """One workshop against one store, in a fresh COACH_HOME."""
    from bench.voila import kernels, server_mb, wait_until_quiet
    from coach.cohorts import create_cohort
    from coach.indexer import index_paths
    from coach.settings import Settings
    from tests.helpers import free_port

    tmp = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    home, result = tmp / "home", Run(store)
    values = {"COACH_HOME": str(home), "COACH_CACHE_DIR": str(cache)}
    if database_url:
        values["COACH_DATABASE_URL"] = database_url
    proc = None
    try:
        with coach_env(values):
            index_paths(Settings(home=home, cache_dir=cache))  # as `make serve` does first
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            created = create_cohort(
                "bench", seats=args.participants, title="Load test", base_url=base
            )
            proc = start_server(port, args.pool, tmp / "voila.log")
            pools = args.pool  # only the app is pre-heated
            wait_until_quiet(proc.pid, limit=240, expect_kernels=pools)
            result.rest_mb, result.rest_kernels = server_mb(proc.pid), kernels(proc.pid)
            result.rest_rss_mb = server_mb(proc.pid, "rss")
            sampler = MemorySampler(proc.pid)
            sampler.start()
            t0 = time.perf_counter()
            try:
                links = [(who.id, url) for who, url in created.links]
                result.participants = len(links)
                result.visits, result.dashboard = asyncio.run(
                    drive(base, links, args.timeout, created.facilitator_url, args.driver)
                )
            finally:
                result.wall = time.perf_counter() - t0
                sampler.stop(result)
            result.missing = missing("bench")
            used = {v.kernel for v in result.visits if v.kernel}
            result.kernels_left = kernels_left(proc.pid, used, within=30.0)
            if result.failures:
                kept = Path(tempfile.gettempdir()) / f"workshop-bench-{store}.log"
                shutil.copy(tmp / "voila.log", kept)
                result.log = str(kept)
    finally:
        if proc is not None:
            stop_server(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def report(r: Run, n: int, pool: int, driver: str = "protocol") -> None:
    """The run as a plain-text table."""
    from bench.coach import pct

    failed = [v for v in r.visits if v.error]
    how = "kernel protocol" if driver == "protocol" else "Chromium"
    print(f"\nWorkshop load, {r.store} store: {n} participants at once ({how}), pool {pool}")
    print(f"  {'page':<12} {'opened':>6} {'failed':>6} {'TTI p50':>8} {'TTI p95':>8}")
    for kind in (*KINDS, "all"):
        mine = [v for v in r.visits if kind in ("all", v.kind)]
        times = [v.seconds for v in mine if v.seconds is not None]
        p50 = f"{pct(times, 50):7.2f}s" if times else "       -"
        p95 = f"{pct(times, 95):7.2f}s" if times else "       -"
        fails = sum(1 for v in mine if v.error)
        print(f"  {kind:<12} {len(times):>6} {fails:>6} {p50:>8} {p95:>8}")
    print(
        f"  failed: {r.failures} (target 0): {len(failed)} pages, "
        f"{len(r.missing)} missing in store, dashboard {'right' if r.dashboard_ok else 'wrong'}, "
        f"{r.kernels_left} kernels still running 30 s after their page closed"
    )
    reasons = sorted({f"{v.kind}: {v.error}" for v in failed}) + r.missing
    for reason in reasons[:10]:
        print(f"    - {reason}")
    if r.log:
        print(f"  server log kept for a look: {r.log}")
    print(f"  wall time: {r.wall:.1f} s")
    print(f"  dashboard ({'correct' if r.dashboard_ok else 'WRONG'}): {r.dashboard}")
    if not r.peak_mb:
        return  # a server of someone else's: its memory was not sampled
    opened = sum(1 for v in r.visits if v.seconds is not None) or 1
    print(
        f"  CPU: the server and its kernels {r.server_cpu:,.0f} s "
        f"({r.server_cpu / max(r.wall, 1e-9):.1f} cores, {r.server_cpu / opened:.1f} s per "
        f"page opened; Voilà itself {r.voila_cpu:,.0f} s, its kernels "
        f"{r.server_cpu - r.voila_cpu:,.0f} s), the simulated participants "
        f"{r.participants_cpu:,.0f} s, on {os.cpu_count()} cores"
    )
    per = (r.peak_mb - r.rest_mb) / n
    print(
        f"  memory: {r.rest_mb:,.0f} MB at rest ({r.rest_kernels} kernels), "
        f"{r.peak_mb:,.0f} MB at peak ({r.peak_kernels} kernels), {per:,.0f} MB per participant"
        f" above rest, {r.peak_mb / n:,.0f} MB per participant in all (the server, the coach "
        "service and every pre-heated page included; proportional set size, so a page of "
        f"memory shared by several processes counts once; summed RSS at rest: "
        f"{r.rest_rss_mb:,.0f} MB)"
    )


def rehearse(args: argparse.Namespace) -> Run:
    """Simulated participants against a workshop server someone started: a facilitator's
    rehearsal before the day (README: "Run a bigger workshop")."""
    import json
    from urllib.parse import urlparse

    from bench.voila import kernels, server_mb

    try:
        data = json.loads(args.links.read_text(encoding="utf-8"))
        links = [(x["participant_id"], x["join_url"]) for x in data["secret_join_links"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SystemExit(
            f"{args.links} is not the output of `mentor-coach cohort create NAME --seats N "
            f"--json` ({type(exc).__name__}); make it again as the README says."
        ) from None
    store = "postgresql" if os.environ.get("COACH_DATABASE_URL") else "sqlite"
    result = Run(f"the server's {store}", participants=len(links))
    pid = listening_pid(urlparse(args.against).port or 80)
    sampler = MemorySampler(pid) if pid else None
    if sampler:
        result.rest_mb, result.rest_kernels = server_mb(pid), kernels(pid)
        result.rest_rss_mb = server_mb(pid, "rss")
        sampler.start()
    t0 = time.perf_counter()
    try:
        result.visits, result.dashboard = asyncio.run(
            drive(
                args.against.rstrip("/"), links, args.timeout, data["facilitator_url"], args.driver
            )
        )
    finally:
        result.wall = time.perf_counter() - t0
        if sampler:
            sampler.stop(result)
    result.missing = missing(data["cohort"]["name"])
    return result


def listening_pid(port: int) -> int | None:
    """The process serving ``port`` on this machine, if it is here and visible to us."""
    import psutil

    with contextlib.suppress(psutil.Error):
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == "LISTEN":
                return conn.pid
    return None


def main() -> int:
    args = parse_args()
    if args.pool is None:  # as `serve --workshop` sizes it for one cohort of this size
        args.pool = args.participants
    if args.driver == "browser" and not Path(CHROMIUM).exists():
        print("bench/workshop.py needs Chromium: apt-get install chromium")
        return 1
    if args.against:
        results = [rehearse(args)]
        report(results[0], results[0].participants, args.pool, args.driver)
    else:
        results = measure(args)
    failed = sum(r.failures for r in results)
    return 0 if results and not failed else 1


def measure(args: argparse.Namespace) -> list[Run]:
    """The benchmark proper: our own server, once per store."""
    stores = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
    scratch = Path(tempfile.mkdtemp(prefix="workshop-bench-cache-"))
    cache = Path(os.environ.get("COACH_CACHE_DIR") or scratch)
    results = []
    try:
        for store in stores:
            if store == "sqlite":
                results.append(run(store, None, args, cache))
            else:
                with postgres() as url:
                    if url is None:
                        continue
                    results.append(run(store, url, args, cache))
            # as soon as it is known
            report(results[-1], results[-1].participants, args.pool, args.driver)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # everything it started has been stopped on the way out
        print("Interrupted: server, browser, PostgreSQL and temporary folders cleaned up.")
        sys.exit(130)
