"""The workbook server's kernels, reachable only from the page that started them.

A page's kernel id is in its HTML, and used to be in the server's log; it is not a
secret. So every way in to a kernel (its websocket, Voilà's page-close beacon,
jupyter_server's ``/api/kernels/<id>``, and the pre-heated kernel's ``/voila/query/<id>``)
checks that the request carries the cookie of the seat, or the facilitator, whose page
started the kernel (``coach.server_guard.KernelSeats`` records it).
"""

from __future__ import annotations

from typing import Any, ClassVar

import tornado.web
from jupyter_server.services.kernels.handlers import KernelHandler
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from coach.workshop import facilitator_from_cookies, seat_from_cookies

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
__all__ = [
    "V1_PROTOCOL",
    "KernelApiHandler",
    "KernelSocketHandler",
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


class KernelApiHandler(KernelHandler):  # type: ignore[misc]
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
