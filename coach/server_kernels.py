"""The workbook server's kernels, reachable only from the page that started them.

A page's kernel id is in its HTML, and used to be in the server's log; it is not a
secret. So every way in to a kernel (its websocket, Voilà's page-close beacon,
jupyter_server's ``/api/kernels/<id>``, and the pre-heated kernel's ``/voila/query/<id>``)
checks that the request carries the cookie of the seat, or the facilitator, whose page
started the kernel (``coach.server_guard.KernelSeats`` records it).

A page whose browser crashed, or whose laptop went to sleep, never says it is closing: its
kernel is shut down once it has had no websocket for ``COACH_ORPHAN_KERNEL_SECONDS``
(:class:`OrphanKernels`), so that it stops counting against its seat's pages.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any, ClassVar

import tornado.ioloop
import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.handlers import KernelHandler
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from coach.server_guard import KernelSeats, kernel_tag
from coach.workshop import facilitator_from_cookies, seat_from_cookies

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
__all__ = [
    "V1_PROTOCOL",
    "KernelApiHandler",
    "KernelSocketHandler",
    "OrphanKernels",
    "PageClosedHandler",
    "QuerySocketHandler",
    "request_owners",
]


def request_owners(cookies: str | None) -> set[str]:
    """Every owner this request's cookies speak for (see ``coach.server_guard.KernelSeats``)."""
    owners = set()
    seat = seat_from_cookies(cookies)
    if seat is not None:
        owners.add(f"seat:{seat.id}")
    cohort = facilitator_from_cookies(cookies)
    if cohort is not None:
        owners.add(f"facilitator:{cohort.name}")
    return owners


def kernel_refusal(handler: tornado.web.RequestHandler, kernel_id: str) -> tuple[int, str] | None:
    """Why this request may not reach this kernel (status, reason), or None.

    A page's kernel answers only requests with the cookie of the seat (or facilitator)
    whose page started it: its id, which a page holds, is not enough. On a personal
    server pages have no seat, and anyone who may open a page may reach its kernel.
    """
    if kernel_id not in handler.settings["kernel_manager"]:
        return 404, "no such kernel"
    owner = handler.settings["coach_seats"].owner_of(kernel_id)
    if owner == "" or (owner is None and not handler.settings["coach_workshop"]):
        return None
    if owner is not None and owner in request_owners(handler.request.headers.get("Cookie")):
        return None
    return 403, "this kernel belongs to another page"


def _kernel_id(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    return str(kwargs.get("kernel_id") or (args[0] if args else ""))


class KernelApiHandler(KernelHandler):
    """``/api/kernels/<id>``: a kernel's model and its shutdown, for its own page only."""

    async def get(self, kernel_id: str) -> None:
        self.check_owner(kernel_id)
        done = super().get(kernel_id)
        if done is not None:
            await done

    async def delete(self, kernel_id: str) -> None:
        self.check_owner(kernel_id)
        done = super().delete(kernel_id)
        if done is not None:
            await done

    def check_owner(self, kernel_id: str) -> None:
        refusal = kernel_refusal(self, kernel_id)
        if refusal is not None:
            raise tornado.web.HTTPError(*refusal)


class PageClosedHandler(VoilaShutdownKernelHandler):  # type: ignore[misc]
    """Voilà's "shut this page's kernel down" endpoint, callable from a closing page.

    A page that is closing can only send a beacon, which carries no XSRF header; instead
    the request must come from a page of this server (its Origin matches our Host), with
    the cookie of the seat whose page started the kernel (the beacon sends it).
    """

    async def post(self, kernel_id: str) -> None:
        refusal = kernel_refusal(self, kernel_id)
        if refusal is not None:
            raise tornado.web.HTTPError(*refusal)
        await super().post(kernel_id)

    def check_xsrf_cookie(self) -> None:
        from urllib.parse import urlsplit

        origin = self.request.headers.get("Origin", "")
        if not origin or urlsplit(origin).netloc != self.request.host:
            raise tornado.web.HTTPError(403, "page close from another site")


class KernelSocketHandler(VoilaKernelWebsocketHandler):  # type: ignore[misc]
    """Voilà's kernel websocket, for clients that speak ``v1.kernel.websocket.jupyter.org``.

    Voilà's page always asks for that protocol, and Voilà's handler reads every binary
    message as if in it. A client that asks for none gets Jupyter's older framing, whose
    first 4 bytes Voilà then reads as an 8-byte count: the first widget with binary data
    (a chart) sends the whole server into a loop that takes every page down. Such a client
    is refused at the handshake instead.
    """

    async def get(self, *args: Any, **kwargs: Any) -> None:
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        if V1_PROTOCOL not in (p.strip() for p in offered.split(",")):
            self.set_status(400)
            self.finish(f"This server's kernels speak the {V1_PROTOCOL} protocol only.")
            return
        refusal = kernel_refusal(self, _kernel_id(args, kwargs))
        if refusal is not None:
            self.set_status(refusal[0])
            self.finish(f"Refused: {refusal[1]}.")
            return
        await super().get(*args, **kwargs)

    async def open(self, *args: Any, **kwargs: Any) -> None:
        self.note_connection()
        await super().open(*args, **kwargs)

    def on_close(self) -> None:
        super().on_close()
        self.note_connection()

    def note_connection(self) -> None:
        """Tell :class:`OrphanKernels` this kernel had a connection until now."""
        orphans = self.settings.get("coach_orphans")
        kernel_id = getattr(self, "kernel_id", None)
        if orphans is not None and kernel_id:
            orphans.connected(kernel_id)

    def write_message(self, message: Any, binary: bool = False) -> Any:
        # A closed page's kernel still answers the page's last requests (its shutdown,
        # say); they have nowhere to go, which is no error worth a traceback in the log.
        if self.ws_connection is None or self.ws_connection.is_closing():
            return None
        return super().write_message(message, binary)


class QuerySocketHandler(RequestInfoSocketHandler):  # type: ignore[misc]
    """Voilà's ``/voila/query/<kernel id>``, where a pre-heated kernel waits for the request
    of the page that takes it (its cookies included). The kernel connects first, while it
    pre-heats; a second connection for the same kernel (someone who learnt its id, to
    receive the next person's cookies instead) is refused."""

    connected: ClassVar[set[str]] = set()

    async def get(self, *args: Any, **kwargs: Any) -> None:
        kernel_id = _kernel_id(args, kwargs)
        alive = set(self.settings["kernel_manager"].list_kernel_ids())
        QuerySocketHandler.connected &= alive
        if kernel_id not in alive or kernel_id in QuerySocketHandler.connected:
            self.set_status(403)
            self.finish("Refused: this kernel has its connection.")
            return
        QuerySocketHandler.connected.add(kernel_id)
        await super().get(*args, **kwargs)


def owner_tag(owner: str) -> str:
    """An owner (see ``coach.server_guard.KernelSeats``) for the log, masked as kernel ids
    are: ``seat s:1a2b``, ``facilitator f:3c4d``; it tells lines about one seat apart."""
    if not owner:
        return "this server (no seats)"
    kind, _, name = owner.partition(":")
    return f"{kind} {kind[:1]}:{hashlib.sha256(name.encode()).hexdigest()[:4]}"


class OrphanKernels:
    """Shuts down the kernels of pages that went away without closing.

    A closing page tells the server (its beacon, :class:`PageClosedHandler`); a browser
    that crashed, or a laptop that slept, does not, and its kernel would count against the
    seat's pages until jupyter_server's idle cull, minutes later. So a page's kernel that
    has had a websocket, and has had none for ``grace`` seconds, is shut down. Whether it
    has one now is jupyter_server's count (the kernel model's ``connections``); when it
    last had one is noted by :class:`KernelSocketHandler` as each socket opens and closes,
    and by every check that finds one. A page that reconnects sooner (a network blip)
    keeps its kernel; a pre-heated kernel no page has taken has no owner and never had a
    websocket, and waits for its visitor.
    """

    def __init__(
        self,
        manager: Any,
        seats: KernelSeats,
        grace: float,
        log: logging.Logger,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.manager, self.seats, self.grace = manager, seats, grace
        self.log, self.clock = log, clock
        self.last_connected: dict[str, float] = {}
        self.timer: tornado.ioloop.PeriodicCallback | None = None

    @property
    def interval(self) -> float:
        """Seconds between checks: 10, or less for a short grace (at least 1)."""
        return min(10.0, max(1.0, self.grace / 3))

    def start(self) -> None:
        """Check every :attr:`interval` seconds, on the server's loop, from now on."""
        if self.timer is None:
            self.timer = tornado.ioloop.PeriodicCallback(self.check, self.interval * 1000)
            self.timer.start()

    def connected(self, kernel_id: str) -> None:
        """A websocket to this kernel opened or closed: it had a connection until now."""
        self.last_connected[kernel_id] = self.clock()

    def connections(self, kernel_id: str) -> int | None:
        """The kernel's websockets now, as jupyter_server counts them; None: no such kernel
        (shut down, or between the two halves of a restart)."""
        try:
            return int(self.manager.kernel_model(kernel_id)["connections"])
        except (tornado.web.HTTPError, KeyError):  # 404: no such kernel; or it went meanwhile
            return None

    async def check(self) -> None:
        """Shut down every page's kernel without a websocket for ``grace`` seconds."""
        now = self.clock()
        for kernel_id, since in list(self.last_connected.items()):
            if kernel_id not in self.manager:  # closed, culled or reaped
                self.last_connected.pop(kernel_id, None)
                continue
            count = self.connections(kernel_id)
            if count is None:
                continue
            if count > 0:
                self.last_connected[kernel_id] = now
            elif now - since >= self.grace and self.seats.owner_of(kernel_id) is not None:
                await self.reap(kernel_id, now - since)

    async def reap(self, kernel_id: str, alone: float) -> None:
        """Shut this page's kernel down, and free its place among its seat's pages."""
        self.last_connected.pop(kernel_id, None)
        owner = self.seats.owner_of(kernel_id) or ""
        try:
            await ensure_async(self.manager.shutdown_kernel(kernel_id))
        except Exception as exc:  # noqa: BLE001 (the reaper must outlive any failure)
            if kernel_id in self.manager:  # try again after another grace period
                self.last_connected[kernel_id] = self.clock()
                self.log.warning(
                    "Could not shut down %s, a page's kernel without a connection: %s",
                    kernel_tag(kernel_id),
                    type(exc).__name__,
                )
            return
        self.seats.owners.pop(kernel_id, None)
        self.log.info(
            "Shut down %s, the kernel of a page of %s: it has had no connection for %.0f s "
            "(a browser that crashed or slept); the page's place is free",
            kernel_tag(kernel_id),
            owner_tag(owner),
            alone,
        )
