"""A rehearsal against a running workshop server: a throwaway cohort of simulated seats,
every participant at once, what the store and the dashboard say afterwards, and the
server's memory while it happened (when its process is visible from here).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError
from coach.rehearsal.driver import Visit, drive
from coach.rehearsal.report import Run
from coach.rehearsal.sampler import MemorySampler

if TYPE_CHECKING:
    from coach.cohorts import CreatedCohort

SUFFIX = "-rehearsal"
NAME_LIMIT = 64  # the longest cohort name coach.cohorts accepts
NOT_RUNNING = "No workshop server answers at {url}: start one with `mentor-coach serve --workshop`"
Driver = Callable[
    [str, list[tuple[str, str]], float, str], Coroutine[Any, Any, tuple[list[Visit], str]]
]


def rehearsal_name(name: str) -> str:
    """The throwaway cohort a rehearsal of cohort ``name`` uses (never its real seats)."""
    return f"{name}{SUFFIX}"


def default_url(name: str) -> str:
    """Where cohort ``name``'s participants go (its join links' address), or where
    `mentor-coach serve --workshop` listens on this machine by default."""
    from coach.cohorts import DEFAULT_BASE_URL, get_cohort

    cohort = get_cohort(name)
    return cohort.base_url if cohort is not None else DEFAULT_BASE_URL


def check_server(url: str, timeout: float) -> None:
    """Raise a plain :class:`CoachError` unless something answers HTTP at ``url`` (a
    request the server does not count as a wrong join link)."""
    import httpx

    try:
        httpx.head(f"{url}/join/", timeout=min(timeout, 15.0))
    except httpx.HTTPError:
        raise CoachError(NOT_RUNNING.format(url=url)) from None


def check_links(url: str, link: str, timeout: float) -> None:
    """Raise a plain :class:`CoachError` unless the server at ``url`` runs a workshop and
    knows the rehearsal's join links (it would not if it kept its cohorts in another
    store than this process)."""
    import httpx

    try:
        answer = httpx.get(link, timeout=timeout)  # sets the seat's cookie, opens no page
    except httpx.HTTPError:
        raise CoachError(NOT_RUNNING.format(url=url)) from None
    if answer.status_code == 302:
        return
    if "not running a workshop" in answer.text:
        why = "it is not running a workshop: restart it with `mentor-coach serve --workshop`"
    elif answer.status_code == 429:
        why = "it refuses join links from this address for a minute: run this again after it"
    elif answer.status_code == 404 and "join link does not work" in answer.text:
        why = (
            "it does not know the rehearsal's join links, so it keeps its cohorts in another "
            "store: run the rehearsal with the server's COACH_HOME or COACH_DATABASE_URL"
        )
    else:
        why = (
            f"it is not a Mentor Workbook workshop server (HTTP {answer.status_code} for a "
            "join link): give --url the address `mentor-coach serve --workshop` printed"
        )
    raise CoachError(f"Cannot rehearse against {url}: {why}.")


@contextmanager
def throwaway_cohort(name: str, seats: int, url: str) -> Iterator[CreatedCohort]:
    """A cohort of ``seats`` anonymous seats for the rehearsal; deleted afterwards with
    everything the simulated participants saved, whatever happened."""
    from coach.cohorts import create_cohort, delete_cohort, get_cohort

    if get_cohort(name) is not None:
        raise CoachError(
            f"A cohort '{name}' already exists (a rehearsal that did not finish?). Remove it "
            f"with `mentor-coach cohort close {name} --purge --yes`, then run this again."
        )
    created = create_cohort(name, seats=seats, base_url=url, days=1, title=f"Rehearsal {name}")
    try:
        yield created
    finally:
        delete_cohort(name)


def missing(cohort: str) -> list[str]:
    """Participants without a saved goal or outreach draft, as the facilitator sees it."""
    from coach.cohorts import status

    return [
        f"{p.display_name}: no {step}"
        for p in status(cohort).participants
        for step in ("goals", "outreach")
        if step not in p.steps_done
    ]


def run_participants(
    base: str,
    links: list[tuple[str, str]],
    facilitator_url: str,
    cohort: str,
    timeout: float,
    *,
    server_pid: int | None,
    driver: Driver = drive,
    sampler: type[MemorySampler] = MemorySampler,
) -> Run:
    """Every participant in ``links`` at once against the server at ``base``, timed; with
    ``server_pid`` (the server's process on this machine), its memory and CPU meanwhile,
    and its participants' kernels once their pages have closed."""
    from coach.rehearsal.sampler import kernels, kernels_left, server_mb

    result = Run(url=base, participants=len(links), server_seen=server_pid is not None)
    watch = None
    if server_pid is not None:
        result.rest_mb, result.rest_kernels = server_mb(server_pid), kernels(server_pid)
        result.rest_rss_mb = server_mb(server_pid, "rss")
        watch = sampler(server_pid)
        watch.start()
    t0 = time.perf_counter()
    try:
        result.visits, result.dashboard = asyncio.run(driver(base, links, timeout, facilitator_url))
    finally:
        result.wall = time.perf_counter() - t0
        if watch is not None:
            watch.stop(result)
    result.missing = missing(cohort)
    if server_pid is not None:
        used = {v.kernel for v in result.visits if v.kernel}
        result.kernels_left = kernels_left(server_pid, used, within=30.0)
    return result


def rehearse(name: str, participants: int, url: str | None = None, timeout: float = 120) -> Run:
    """Rehearse cohort ``name``'s workshop: ``participants`` simulated people at once
    against the server at ``url`` (default: :func:`default_url`), in a throwaway cohort
    ``NAME-rehearsal`` that is deleted afterwards (the real cohort's seats and data are
    never touched)."""
    from coach.rehearsal.sampler import server_pid

    cohort = rehearsal_name(name)
    if len(cohort) > NAME_LIMIT:
        raise CoachError(
            f"Cohort name '{name}' is too long to rehearse: the rehearsal's own cohort is "
            f"NAME{SUFFIX}, at most {NAME_LIMIT} characters."
        )
    base = (url or default_url(name)).rstrip("/")
    check_server(base, timeout)
    with throwaway_cohort(cohort, participants, base) as created:
        links = [(who.id, link) for who, link in created.links]
        check_links(base, links[0][1], timeout)
        result = run_participants(
            base,
            links,
            created.facilitator_url,
            cohort,
            timeout,
            server_pid=server_pid(base),
        )
    return result
