"""Simulated participants over the kernel protocol: each joins the app with their link,
then sets a goal, adds a mentor candidate and drafts outreach as step switches in the same
page and kernel; and the facilitator's dashboard, read once they are done.

A journey checks that what the page said was saved is in the store, so the process that
drives it must see the server's store (the same ``COACH_HOME`` or ``COACH_DATABASE_URL``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

KINDS = ("start", "goals", "candidates", "outreach")
DASHBOARD_DONE = ("Set a goal", "Drafted outreach")  # what every participant completes
# what a person would read as "it broke": Voilà's error outputs and the widget manager's
ERROR_TEXT = re.compile(
    "There was an error when executing cell|Error displaying widget|Traceback|"
    "Cell execution timed out|Coach: unavailable"
)


@dataclass
class Visit:
    """One page or step a participant opened: its time to usable and, if it failed, why."""

    kind: str
    seconds: float | None = None
    error: str | None = None
    kernel: str = ""  # the page's kernel (the app's one page: set on the first visit)


def all_done(text: str, n: int, done: int | None = None) -> bool:
    """The dashboard's counts say ``done`` of the ``n`` participants (all of them unless
    said) did what every one of them did."""
    did = n if done is None else done
    return all(f"{label}: {did} of {n}" in text for label in DASHBOARD_DONE)


async def until(check: Callable[[], Any], timeout: float) -> None:
    """Poll ``check`` (a store read, run in a thread) until it is true, or time out."""
    end = time.monotonic() + timeout
    while not await asyncio.to_thread(check):
        if time.monotonic() > end:
            raise TimeoutError("not saved in the store in time")
        await asyncio.sleep(0.25)


async def step(
    visit: Visit, act: Callable[[], Awaitable[None]], shown: Callable[[], Awaitable[str | None]]
) -> None:
    """Run one step's actions, then ask ``shown()`` for an error the page shows; note in
    ``visit`` how it failed, and raise to stop there."""
    try:
        await act()
        visit.error = await shown()
    except Exception as exc:  # noqa: BLE001 (any failure of a step is noted)
        lines = str(exc).splitlines() or [""]
        visit.error = f"{type(exc).__name__}: {lines[0][:160]}".rstrip(": ")
    if visit.error:
        raise RuntimeError(visit.error)


async def participant(base: str, n: int, pid: str, link: str, timeout: float) -> list[Visit]:
    """One person's workshop over HTTP and the kernel websocket: join, name themselves, set
    a goal, add a candidate, draft a note; their visits (a failed step ends the journey, as
    it would for them). ``base`` is the server's address, ``pid`` the seat's participant
    id, ``link`` its join link."""
    import httpx

    from coach.rehearsal.page import Page
    from coach.store import get_store

    db = get_store()
    visits = [Visit(kind) for kind in KINDS]
    start, goals, candidates, outreach = visits
    mentor = f"Mentor {n} Okafor"
    pages: list[Page] = []

    async with httpx.AsyncClient(verify=_tls()) as client:

        async def join() -> None:  # the link sets the seat cookie and opens the app
            page = Page(client, link, timeout)
            pages.append(page)
            start.seconds = await page.open(assets=True)
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
            page.fill(page.find(**form[1]), "Director of Product")
            page.fill(page.find(**form[2]), "wrote a post on running discovery sprints")
            page.click(page.find(**form[3]))
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
            pass  # the failed step is noted in its visit; the later ones were never reached
        finally:
            if pages:  # as a person closing the tab
                with contextlib.suppress(Exception):
                    await pages[-1].close()
    return [v for v in visits if v.seconds is not None or v.error]


@functools.lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One TLS context for every simulated person: each client making its own loads the
    system's certificates again (50 ms of CPU each, taken from the server it measures)."""
    return ssl.create_default_context()


async def dashboard(url: str, n: int, timeout: float, done: int | None = None) -> str:
    """The facilitator's counts as the dashboard page's widget holds them, once they say
    ``done`` of the ``n`` participants (all of them unless said) set a goal and drafted
    outreach (the dashboard refreshes itself), or as they stand when ``timeout`` runs out."""
    import httpx

    from coach.rehearsal.page import Page, PageError, text_of

    def counts() -> str:
        for model in page.models.values():
            value = str(model["state"].get("value", ""))
            if "mw-counts" in value:
                items = (" ".join(text_of(item).split()) for item in value.split("</li>"))
                return " | ".join(item for item in items if item)
        return ""

    async with httpx.AsyncClient(verify=_tls()) as client:
        page = Page(client, url, timeout)
        try:
            await page.open()
            with contextlib.suppress(PageError):
                await page.wait_for(lambda: all_done(counts(), n, done), "every count at done of n")
            return counts() or "the dashboard shows no counts"
        except Exception as exc:  # noqa: BLE001 (the report says why, whatever went wrong)
            return f"the dashboard did not open: {type(exc).__name__}: {exc}"[:200]
        finally:
            with contextlib.suppress(Exception):
                await page.close()


async def drive(
    base: str, links: list[tuple[str, str]], timeout: float, facilitator_url: str
) -> tuple[list[Visit], str]:
    """Every participant at once (``links``: participant id and join link each); then what
    the facilitator's dashboard counts once they are done."""
    journeys = await asyncio.gather(
        *(participant(base, n, pid, url, timeout) for n, (pid, url) in enumerate(links, 1))
    )
    counts = await dashboard(facilitator_url, len(links), timeout)
    return [v for journey in journeys for v in journey], counts
