"""The workbook server's guards, apart from its handlers (``coach.server``).

- :func:`redact` and :func:`install_redaction`: join tokens, facilitator keys and kernel ids
  out of every log line the server writes, tornado's and jupyter_server's included;
- :func:`normalise_page`: a page's path, normalised once, so the guard checks the file
  Voilà will open;
- :class:`KernelSeats`: who opened each page's kernel, and how many pages a seat and the
  whole server may have open;
- :class:`Guesses`: wrong secret links per client address, for a simple rate limit;
- :func:`cross_site`: whether a request came from a link on another site;
- :func:`friendly_page` and :func:`send_page`: the short pages a refused request gets.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import tornado.web

_SECRET_PATH = re.compile(r"/(join|facilitator)/[^/?#\s'\"]*")
_SECRET_COOKIE = re.compile(r"\b(mw_seat|mw_facilitator)=[^;\s'\",]*")
_UUID = re.compile(
    r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{12}(?![0-9A-Fa-f])"
)
# a random token out of any context (an exception's message, say): a long run of the
# token alphabet with a digit and both cases, which names in code and paths rarely have
_LOOSE_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])"
    r"[A-Za-z0-9_-]{20,128}(?![A-Za-z0-9_-])"
)
_traceback_text = logging.Formatter()


def kernel_tag(kernel_id: str) -> str:
    """A short tag for a kernel id in the log: tells lines about one kernel apart, and
    cannot be turned back into the id (which is enough to reach the kernel)."""
    return "k:" + hashlib.sha256(kernel_id.lower().encode()).hexdigest()[:4]


def redact(text: str) -> str:
    """``text`` with join tokens, facilitator keys and kernel ids replaced."""
    text = _SECRET_PATH.sub(lambda m: f"/{m.group(1)}/…", text)
    text = _SECRET_COOKIE.sub(lambda m: f"{m.group(1)}=…", text)
    text = _UUID.sub(lambda m: kernel_tag(m.group(0)), text)
    return _LOOSE_TOKEN.sub("…", text)


def redact_record(record: logging.LogRecord) -> None:
    """Redact a log record in place: its message (formatted now, with its arguments), its
    traceback and its stack."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 (a bad record must still be redacted, never raise in logging)
        message = f"{record.msg!s} {record.args!r}"
    record.msg, record.args = redact(message), None
    if record.exc_info:
        if not record.exc_text:
            record.exc_text = _traceback_text.formatException(record.exc_info)
        record.exc_info = None  # every formatter then prints exc_text, redacted below
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install_redaction() -> None:
    """Redact every log record this process makes, from whichever logger and for whichever
    handler. A filter on today's handlers would miss those added later (jupyter_server
    and the kernel manager add their own), and the access log's ``%s`` arguments only
    become text when formatted: the record factory sees each record once, first."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    factory.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def normalise_page(path: str) -> str | None:
    """A page's path inside the workbooks folder, with ``.``, ``..`` and repeated ``/``
    resolved, or None when it would leave the folder or holds what no workbook's name has
    (``%``: a second encoding; a backslash; a control character). Tornado has already
    decoded the address once (``%2f`` is a ``/`` here)."""
    if any(c in "%\\" or ord(c) < 32 or ord(c) == 127 for c in path):
        return None
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def is_facilitator_page(page: str) -> bool:
    """Whether a normalised page is one of the facilitator's (``facilitator/…``)."""
    return page.split("/", 1)[0] == "facilitator"


class Ticket:
    """One page being opened: counts against its seat until its kernel is known, then the
    kernel does."""

    def __init__(self, seats: KernelSeats, owner: str) -> None:
        self.seats, self.owner, self.open = seats, owner, True
        seats.opening[owner] = seats.opening.get(owner, 0) + 1

    def kernel(self, kernel_id: str) -> None:
        """The page has its kernel (started, or taken from the pre-heated ones)."""
        self.seats.owners[kernel_id] = self.owner
        self.close()

    def close(self) -> None:
        """The page is served (or failed): it no longer counts as being opened."""
        if self.open:
            self.open = False
            left = self.seats.opening.get(self.owner, 1) - 1
            if left > 0:
                self.seats.opening[self.owner] = left
            else:
                self.seats.opening.pop(self.owner, None)


@dataclass
class KernelSeats:
    """Which seat opened each page's kernel, and the limits on open pages.

    An owner is ``seat:<participant id>``, ``facilitator:<cohort>``, or ``""`` on a personal
    server (no seats: only the server's limit applies). Pre-heated kernels no page has
    taken have no owner and do not count.
    """

    per_seat: int
    per_server: int
    owners: dict[str, str] = field(default_factory=dict)
    opening: dict[str, int] = field(default_factory=dict)

    def admit(self, owner: str, alive: Collection[str]) -> Ticket | str:
        """A ticket for one more page of ``owner``, or why not: ``"seat"`` (too many pages
        of this seat) or ``"server"`` (too many on the server). ``alive``: the kernels
        running now (closed and culled pages stop counting)."""
        for kernel_id in [k for k in self.owners if k not in alive]:
            del self.owners[kernel_id]
        if len(self.owners) + sum(self.opening.values()) >= self.per_server:
            return "server"
        mine = sum(1 for o in self.owners.values() if o == owner) + self.opening.get(owner, 0)
        if owner and mine >= self.per_seat:
            return "seat"
        return Ticket(self, owner)

    def owner_of(self, kernel_id: str) -> str | None:
        """Who opened this kernel's page: an owner, or None (no page has it)."""
        return self.owners.get(kernel_id)


class RecordingKernels:
    """The kernel manager as one page's handler sees it: the kernel it starts or takes from
    the pre-heated ones is recorded on the page's ticket. Everything else is the manager's."""

    def __init__(self, manager: Any, ticket: Ticket) -> None:
        self._manager, self._ticket = manager, ticket

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    def __contains__(self, kernel_id: object) -> bool:
        return kernel_id in self._manager

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        """Start a kernel for the page, recorded as the page's."""
        from jupyter_core.utils import ensure_async

        kernel_id: str = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._ticket.kernel(kernel_id)
        return kernel_id

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        """Take a pre-heated kernel for the page, recorded as the page's."""
        task, cache, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._ticket.kernel(kernel_id)
        return task, cache, kernel_id


@dataclass
class Guesses:
    """Wrong secrets per client address in the last minute (kept in memory)."""

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    failures: dict[str, deque[float]] = field(default_factory=dict)
    most_addresses: int = 10_000

    def blocked(self, address: str) -> bool:
        """Whether this address has used up its wrong guesses for the minute."""
        recent = self._recent(address)
        return recent is not None and len(recent) >= self.per_minute

    def failed(self, address: str) -> None:
        """Count one wrong guess from this address."""
        if address not in self.failures and len(self.failures) >= self.most_addresses:
            for stale in [a for a in self.failures if not self._recent(a)]:
                del self.failures[stale]
            if len(self.failures) >= self.most_addresses:  # a flood: forget the oldest
                del self.failures[next(iter(self.failures))]
        self.failures.setdefault(address, deque()).append(self.clock())

    def _recent(self, address: str) -> deque[float] | None:
        recent = self.failures.get(address)
        if recent is not None:
            while recent and recent[0] <= self.clock() - 60.0:
                recent.popleft()
        return recent


def cross_site(headers: Mapping[str, str], host: str) -> bool:
    """Whether a request came from another site's page (a link or a form there), as far as
    the browser says: ``Sec-Fetch-Site``, else the ``Origin`` or ``Referer`` host. A link
    typed, scanned or opened from a bookmark or a file is not cross-site."""
    fetch_site = headers.get("Sec-Fetch-Site", "").strip().lower()
    if fetch_site:
        return fetch_site not in ("same-origin", "none")
    for name in ("Origin", "Referer"):
        value = headers.get(name, "").strip()
        if value:
            return value == "null" or urlsplit(value).netloc.lower() != host.lower()
    return False


def default_max_kernels() -> int:
    """Pages the server may have open at once when ``COACH_MAX_KERNELS`` is unset: what the
    free memory fits at about 130 MB a page (README, "How big a machine") after 1.5 GB for
    the server and the coach service, and at least 10."""
    import psutil

    available_mb = psutil.virtual_memory().available / 1e6
    return max(10, int((available_mb - 1500) // 130))


def friendly_page(title: str, message: str, extra: str = "") -> str:
    """A small page of our own words (escaped all the same), with ``extra`` HTML after."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Mentor Workbook: {html.escape(title)}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;"
        "padding:0 1em;line-height:1.5;color:#222}h1{font-size:1.4em}"
        "button{font:inherit;padding:.4em 1em}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>{extra}</body></html>"
    )


def send_page(
    handler: tornado.web.RequestHandler, status: int, title: str, message: str, extra: str = ""
) -> None:
    """Answer with one of our friendly pages, never cached."""
    handler.set_status(status)
    handler.set_header("Cache-Control", "no-store")
    handler.finish(friendly_page(title, message, extra))


TOO_MANY_GUESSES = (
    "Too many links that do not work",
    "This address has tried many join or facilitator links that do not work in the last "
    "minute. Wait a minute, then open your own link again (check it for typing mistakes).",
)


def guessing(handler: tornado.web.RequestHandler) -> bool:
    """Whether this client has used up its wrong links for the minute (then it has been
    answered with a 429 page)."""
    guesses: Guesses = handler.settings["coach_guesses"]
    if not guesses.blocked(handler.request.remote_ip or ""):
        return False
    handler.set_header("Retry-After", "60")
    send_page(handler, 429, *TOO_MANY_GUESSES)
    return True
