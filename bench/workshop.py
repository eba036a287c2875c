"""Workshop load benchmark: N participants open their join links at the same moment and
each sets a goal, adds a mentor candidate and has the coach draft an outreach note.

The rehearsal itself (the simulated participants, the server's memory and CPU, the table)
is `mentor-coach cohort rehearse`'s, in ``coach/rehearsal/``. What this adds is the
benchmark's own set-up: the server started as `mentor-coach serve --workshop --pool N`
starts it (pre-heated kernels, a cohort created first, in a fresh temporary COACH_HOME),
once on the default SQLite store and once on a throwaway PostgreSQL cluster, and a second
way to simulate each person: over the Voilà kernel protocol (`--driver protocol`, the
default: HTTP and the kernel websocket, as their own laptop's browser would talk to the
server) or in a Chromium browser context of their own (`--driver browser`: the real page,
but 30 browsers on the server's own cores). Measured: time to usable per page or step,
failures (error, timeout, an error shown in the page, a goal or draft missing from the
store afterwards, kernels left running), whether the facilitator's dashboard adds up, wall
time, CPU, and the memory of the server with all its kernels at peak.

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
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from coach.rehearsal.driver import ERROR_TEXT, KINDS, Visit, all_done, step, until  # noqa: E402
from coach.rehearsal.report import Run, lines  # noqa: E402
from coach.rehearsal.sampler import MemorySampler, own_cpu  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ERROR_OUTPUT = '[data-mime-type="application/vnd.jupyter.error"]'  # Voilà's error outputs


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
        "starting one; this process must see the same store (COACH_DATABASE_URL/COACH_HOME)."
        " `mentor-coach cohort rehearse NAME --participants N` does this for you",
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
    # not installed, cannot start, or refuses connections: that run is skipped
    except Exception as exc:  # noqa: BLE001 (any failure: skipped)
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


class BrowserSampler(MemorySampler):
    """:class:`MemorySampler` counting the Chromium processes' CPU among the simulated
    participants' (each keeps its last reading when it exits)."""

    def __init__(self, pid: int) -> None:
        self.browser_cpu: dict[int, float] = {}
        super().__init__(pid)

    def read_cpu(self) -> None:
        import psutil

        super().read_cpu()
        for p in psutil.process_iter(["name"]):
            if "chrom" in (p.info["name"] or ""):
                with contextlib.suppress(psutil.Error):
                    t = p.cpu_times()
                    self.browser_cpu[p.pid] = t.user + t.system

    def participants_cpu(self) -> float:
        return sum(self.browser_cpu.values()) + own_cpu()


# -- the Chromium driver (`--driver browser`); the protocol one is coach.rehearsal.driver --
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


async def participant(browser, n: int, pid: str, link: str, timeout: float) -> list[Visit]:
    """One person's workshop in a Chromium context: join, name themselves, set a goal, add
    a candidate, draft a note; their visits (a failed page ends the journey)."""
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


async def dashboard(browser, url: str, n: int, timeout: float) -> str:
    """The facilitator's counts in Chromium, once they say every participant set a goal
    and drafted outreach (or as they stand when ``timeout`` runs out)."""
    ctx = await browser.new_context()
    page = await ctx.new_page()
    page.set_default_timeout(timeout * 1000)
    try:
        await page.goto(url)
        counts = page.locator(".mw-counts")
        await counts.wait_for()
        end = time.monotonic() + timeout
        text = await counts.inner_text()
        while not all_done(text, n) and time.monotonic() < end:
            await asyncio.sleep(1)
            text = await counts.inner_text()
        return " | ".join(line.strip() for line in text.splitlines() if line.strip())
    except Exception as exc:  # noqa: BLE001 (the report says why, whatever the browser raised)
        return f"the dashboard did not open: {type(exc).__name__}: {exc}"[:200]
    finally:
        await ctx.close()


async def drive_browser(
    base: str, links: list[tuple[str, str]], timeout: float, facilitator_url: str
) -> tuple[list[Visit], str]:
    """:func:`coach.rehearsal.driver.drive`, with every participant in one Chromium."""
    from playwright.async_api import async_playwright

    from tests.helpers import CHROMIUM_ARGS

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            journeys = await asyncio.gather(
                *(
                    participant(browser, n, pid, url, timeout)
                    for n, (pid, url) in enumerate(links, 1)
                )
            )
            counts = await dashboard(browser, facilitator_url, len(links), timeout)
        finally:
            await browser.close()
    return [v for journey in journeys for v in journey], counts


def how(args: argparse.Namespace) -> dict:
    """The driver and sampler ``args.driver`` chose, as run_participants takes them."""
    if args.driver == "browser":
        return {"driver": drive_browser, "sampler": BrowserSampler}
    return {}


# -- the benchmark proper ---------------------------------------------------------------
def run(store: str, database_url: str | None, args: argparse.Namespace, cache: Path) -> Run:
    """One workshop against one store, on our own server, in a fresh COACH_HOME."""
    from bench.voila import wait_until_quiet
    from coach.cohorts import create_cohort
    from coach.indexer import index_paths
    from coach.rehearsal import run_participants
    from coach.settings import Settings
    from tests.helpers import free_port

    tmp = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    home = tmp / "home"
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
            wait_until_quiet(proc.pid, limit=240, expect_kernels=args.pool)  # only the app's
            links = [(who.id, url) for who, url in created.links]
            result = run_participants(
                base,
                links,
                created.facilitator_url,
                "bench",
                args.timeout,
                server_pid=proc.pid,
                **how(args),
            )
            result.store = store
            if result.failures:
                kept = Path(tempfile.gettempdir()) / f"workshop-bench-{store}.log"
                shutil.copy(tmp / "voila.log", kept)
                result.log = str(kept)
    finally:
        if proc is not None:
            stop_server(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def report(r: Run, pool: int, driver: str = "protocol") -> None:
    """The run as a plain-text table (coach.rehearsal.report's) under the benchmark's
    heading."""
    what = "kernel protocol" if driver == "protocol" else "Chromium"
    n = r.participants
    print(f"\nWorkshop load, {r.store} store: {n} participants at once ({what}), pool {pool}")
    print("\n".join(lines(r)))


def rehearse(args: argparse.Namespace) -> Run:
    """Simulated participants against a workshop server someone started, with join links
    made beforehand (README: "Run a bigger workshop")."""
    import json

    from coach.rehearsal import run_participants
    from coach.rehearsal.sampler import server_pid

    try:
        data = json.loads(args.links.read_text(encoding="utf-8"))
        links = [(x["participant_id"], x["join_url"]) for x in data["secret_join_links"]]
        cohort, facilitator = data["cohort"]["name"], data["facilitator_url"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SystemExit(
            f"{args.links} is not the output of `mentor-coach cohort create NAME --seats N "
            f"--json` ({type(exc).__name__}); make it again as the README says."
        ) from None
    base = args.against.rstrip("/")
    pid = server_pid(base)
    result = run_participants(
        base, links, facilitator, cohort, args.timeout, server_pid=pid, **how(args)
    )
    store = "postgresql" if os.environ.get("COACH_DATABASE_URL") else "sqlite"
    result.store = f"the server's {store}"
    return result


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
            report(results[-1], args.pool, args.driver)  # as soon as it is known
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def main() -> int:
    args = parse_args()
    if args.pool is None:  # as `serve --workshop` sizes it for one cohort of this size
        args.pool = args.participants
    if args.driver == "browser" and not Path(CHROMIUM).exists():
        print("bench/workshop.py needs Chromium: apt-get install chromium")
        return 1
    if args.against:
        results = [rehearse(args)]
        report(results[0], args.pool, args.driver)
    else:
        results = measure(args)
    failed = sum(r.failures for r in results)
    return 0 if results and not failed else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # everything it started has been stopped on the way out
        print("Interrupted: server, browser, PostgreSQL and temporary folders cleaned up.")
        sys.exit(130)
