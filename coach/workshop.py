"""Workshops on the web: whose page this is, from a join link, and the facilitator's key.

The server (``coach.server``) turns ``/join/<token>`` and ``/facilitator/<key>`` into
cookies and redirects to a page without the secret in its address. Voilà passes the
Cookie header to the page's kernel (``HTTP_COOKIE``), where the functions here resolve it
against the store's hashes. Identity never comes from the page's address, so editing the
URL cannot reach anyone else's data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.cohorts import Cohort, Participant

SEAT_COOKIE = "mw_seat"
FACILITATOR_COOKIE = "mw_facilitator"
# join tokens and facilitator keys: secrets.token_urlsafe, as coach.cohorts makes them
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")


class NoSeat(CoachError):
    """A workshop page was opened without a valid join link."""


def cookie_value(header: str | None, name: str) -> str | None:
    """One cookie from a Cookie header, or None (missing, or not a token).

    Read by hand, not with :class:`http.cookies.SimpleCookie`, which gives up on the whole
    header at the first cookie it cannot parse (another app's on the same host, say), and
    unquotes values, so that a quoted value would differ from the one the server set. The
    first cookie of that name counts (browsers send the most specific path first); only a
    value in the token alphabet is returned, exactly as the join link set it.
    """
    if not header:
        return None
    for part in header.split(";"):
        key, sep, value = part.partition("=")
        if sep and key.strip() == name:
            value = value.strip()
            return value if TOKEN.fullmatch(value) else None
    return None


def seat_from_cookies(header: str | None) -> Participant | None:
    """The participant whose join token is in the cookies, if it is valid and open."""
    from coach.cohorts import resolve_token

    token = cookie_value(header, SEAT_COOKIE)
    return resolve_token(token) if token else None


def facilitator_from_cookies(header: str | None) -> Cohort | None:
    """The cohort whose facilitator key is in the cookies, if it is valid and open."""
    from coach.cohorts import resolve_facilitator

    key = cookie_value(header, FACILITATOR_COOKIE)
    return resolve_facilitator(key) if key else None


def request_cookies(environ: Mapping[str, str] | None = None) -> str | None:
    """The Cookie header of the request that opened this kernel's page (Voilà sets it)."""
    return (os.environ if environ is None else environ).get("HTTP_COOKIE")


def current_segment(cohort: str) -> dict[str, object] | None:
    """The run-of-show segment the facilitator has started, if any."""
    from coach.store import get_store

    return get_store().get(cohort_owner(cohort), "segment", "current")


def cohort_owner(cohort: str) -> str:
    """The store owner for a cohort's shared state (run-of-show timer, shared items)."""
    return f"cohort:{cohort}"


def run_of_show() -> list[dict[str, object]]:
    """The workshop's segments from the facilitator guide in the corpus (its timed table):
    each with ``start`` (minutes from the beginning), ``minutes``, ``name`` and ``output``."""
    import re

    from coach.paths import corpus_dir

    text = (corpus_dir() / "facilitator-workshop-guide.md").read_text(encoding="utf-8")
    section = text.split("## Run of show", 1)[1].split("\n## ", 1)[0]
    segments: list[dict[str, object]] = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"\d+:\d\d", cells[0]) and cells[1].isdigit():
            hours, minutes = cells[0].split(":")
            segments.append(
                {
                    "start": int(hours) * 60 + int(minutes),
                    "minutes": int(cells[1]),
                    "name": cells[2],
                    "output": cells[3],
                }
            )
    return segments


def segment_status(segment: dict[str, object] | None, now: float) -> str:
    """ "Goals · 12:30 left" (or "· 1:05 over") for a started segment; "" for none."""
    if not segment:
        return ""
    left = float(segment.get("started", now)) + 60 * float(segment.get("minutes", 0)) - now  # type: ignore[arg-type]
    sign, left = ("left", left) if left >= 0 else ("over", -left)
    return f"{segment.get('name', '')} · {int(left) // 60}:{int(left) % 60:02d} {sign}"
