"""The workbook web server: Voilà, plus the links a workshop needs.

Run by ``mentor-coach serve`` as ``python -m coach.server``. On top of Voilà it adds:

- ``/``: the workbook app (``workbooks/app.ipynb``), one page for the whole journey; Voilà's
  file listing is not served (its addresses lead to the app);
- ``/join/<token>``: checks a participant's join token, keeps it in an HttpOnly cookie and
  redirects to the app, so the secret leaves the address bar at once;
- ``/facilitator/<key>``: the same for a cohort's facilitator key and the dashboard;
- a guard in front of every page: with ``--workshop`` a workbook needs a valid seat, and
  the facilitator dashboard always needs a valid facilitator key (a seat is not enough);
- request logs with those secrets cut out;
- a kernel websocket that speaks only the protocol Voilà's pages use (see
  :class:`KernelSocketHandler`).

A refused request gets a short friendly page and never starts a kernel.
"""

from __future__ import annotations

import html
import logging
import re
import sys
from typing import Any

import tornado.web
from traitlets import Bool, Int, List, Unicode
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from coach.workshop import (
    FACILITATOR_COOKIE,
    SEAT_COOKIE,
    facilitator_from_cookies,
    seat_from_cookies,
)

APP = "app.ipynb"
FIRST_PAGE = ""  # the app, at the server's own address
DASHBOARD = "voila/render/facilitator/dashboard.ipynb"
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
_SECRET_PATH = re.compile(r"/(join|facilitator)/[^/?#\s]*")
_access = logging.getLogger("tornado.access")


def redact(uri: str) -> str:
    """A request address with join tokens and facilitator keys replaced by ``…``."""
    return _SECRET_PATH.sub(lambda m: f"/{m.group(1)}/…", uri)


def log_request(handler: tornado.web.RequestHandler) -> None:
    """One line per request, like tornado's, without any secret from the address."""
    status = handler.get_status()
    log = _access.info if status < 400 else _access.warning if status < 500 else _access.error
    log(
        "%d %s %s %.1fms",
        status,
        handler.request.method,
        redact(handler.request.uri or ""),
        1000.0 * handler.request.request_time(),
    )


def friendly_page(title: str, message: str) -> str:
    """A small page of our own words (escaped all the same)."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Mentor Workbook: {html.escape(title)}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;"
        "padding:0 1em;line-height:1.5;color:#222}h1{font-size:1.4em}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )


class _SecretLinkHandler(tornado.web.RequestHandler):
    """Shared by the join and facilitator links: check, set the cookie, redirect."""

    cookie = ""
    target = ""

    def initialize(self, base_url: str, workshop: bool) -> None:
        self.base_url = base_url
        self.workshop = workshop

    def valid(self, secret: str) -> bool:
        raise NotImplementedError

    def refuse(self) -> None:
        raise NotImplementedError

    def get(self, secret: str) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        if not self.valid(secret):
            self.set_status(404)
            self.refuse()
            return
        self.set_cookie(
            self.cookie,
            secret,
            path=self.base_url,
            httponly=True,
            samesite="Lax",
            secure=self.request.protocol == "https",
            expires_days=30,
        )
        self.redirect(self.base_url + self.target)


class JoinHandler(_SecretLinkHandler):
    """``/join/<token>``: a participant's join link."""

    cookie = SEAT_COOKIE
    target = FIRST_PAGE

    def valid(self, secret: str) -> bool:
        return self.workshop and seat_from_cookies(f"{SEAT_COOKIE}={secret}") is not None

    def refuse(self) -> None:
        if not self.workshop:
            self.finish(
                friendly_page(
                    "This server is not running a workshop",
                    "Join links work when the server is started with "
                    "`mentor-coach serve --workshop`. Ask your facilitator.",
                )
            )
            return
        self.finish(
            friendly_page(
                "This join link does not work",
                "It may be mistyped, or the workshop may have ended. Ask your facilitator "
                "for your link. No one's data was shown or changed.",
            )
        )


class FacilitatorHandler(_SecretLinkHandler):
    """``/facilitator/<key>``: the facilitator's link to the dashboard."""

    cookie = FACILITATOR_COOKIE
    target = DASHBOARD

    def valid(self, secret: str) -> bool:
        return facilitator_from_cookies(f"{FACILITATOR_COOKIE}={secret}") is not None

    def refuse(self) -> None:
        self.finish(
            friendly_page(
                "This facilitator link does not work",
                "It may be mistyped, or the cohort may be closed or expired. "
                "`mentor-coach cohort list` shows your cohorts.",
            )
        )


class GuardedVoilaHandler(TornadoVoilaHandler):
    """Voilà's page handler, behind the seat and facilitator checks."""

    workshop = False

    async def get(self, path: str | None = None) -> None:  # type: ignore[override]
        refusal = self.refusal(path or "")
        if refusal is not None:
            self.set_status(403)
            self.set_header("Cache-Control", "no-store")
            self.finish(friendly_page(*refusal))
            return
        await super().get(path)

    def refusal(self, path: str) -> tuple[str, str] | None:
        """Why this page is refused (title, message), or None to serve it."""
        cookies = self.request.headers.get("Cookie")
        if path.startswith("facilitator/"):
            if facilitator_from_cookies(cookies) is None:
                return (
                    "The facilitator dashboard needs the facilitator link",
                    "Open the facilitator link that `mentor-coach cohort create` printed. "
                    "Participants' join links do not open it.",
                )
            return None
        if self.workshop and seat_from_cookies(cookies) is None:
            return (
                "Please open your join link",
                "This workshop's workbooks open from the personal link on your handout. "
                "If you have used it already, it may have expired or the workshop closed: "
                "ask your facilitator.",
            )
        return None


class AppHandler(GuardedVoilaHandler):
    """The server's own address: the workbook app, behind the same guard as every page."""

    async def get(self, path: str | None = None) -> None:
        await super().get(APP)


class ToAppHandler(tornado.web.RequestHandler):
    """Voilà's file listing and its contents API: a person is sent to the app instead, and
    nothing about the server's files is listed."""

    def initialize(self, base_url: str) -> None:
        self.base_url = base_url

    def get(self, *_args: str, **_kwargs: str) -> None:
        self.redirect(self.base_url)


class PageClosedHandler(VoilaShutdownKernelHandler):  # type: ignore[misc]
    """Voilà's "shut this page's kernel down" endpoint, callable from a closing page.

    A page that is closing can only send a beacon, which carries no XSRF header; instead
    the request must come from a page of this server (its Origin matches our Host).
    """

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
        await super().get(*args, **kwargs)

    def write_message(self, message: Any, binary: bool = False) -> Any:
        # A closed page's kernel still answers the page's last requests (its shutdown,
        # say); they have nowhere to go, which is no error worth a traceback in the log.
        if self.ws_connection is None or self.ws_connection.is_closing():
            return None
        return super().write_message(message, binary)


class _RoutineNotices(logging.Filter):
    """Drops notices that alarm a person running ``make serve`` and ask nothing of them:
    our own notebooks are "not trusted" (Voilà runs them all the same; trust only matters
    for a notebook's saved outputs, and ours have none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "is not trusted" not in record.getMessage()


class WorkbookServer(Voila):  # type: ignore[misc]
    """Voilà with the workshop's links and guards."""

    name = "mentor-workbook"
    workshop = Bool(False, config=True, help="Every workbook needs a participant's join link.")
    reserve = Int(
        2,
        config=True,
        help="After the first --pool_size pre-heated pages are taken, keep this many ready "
        "(for a reload or a late arrival). A workshop pre-heats a page per seat for the first "
        "wave; refilling all of them at once would compete for the CPU with everyone's pages.",
    )
    preheated = List(
        Unicode(),
        default_value=[APP],
        config=True,
        help="The notebooks that keep --pool_size pre-heated kernels (others start one on "
        "request): the app, which is a person's whole journey.",
    )
    flags = {  # noqa: RUF012 (traitlets declares flags this way)
        **Voila.flags,
        "workshop": ({"WorkbookServer": {"workshop": True}}, "Serve a workshop."),
    }

    def init_settings(self) -> dict[str, Any]:
        # Only the app is pre-heated: a person's whole journey is that one page. The step
        # notebooks (for JupyterLab) and the dashboard start a kernel when they are opened.
        pool = max(self.voila_configuration.default_pool_size, 0)
        self.config.VoilaKernelManager.kernel_pools_config = {
            "default": {"pool_size": 0},
            **{name: {"pool_size": pool} for name in self.preheated},
        }
        if self.log_level > logging.DEBUG:  # `--debug` shows everything
            self.log.addFilter(_RoutineNotices())
        settings: dict[str, Any] = super().init_settings()
        # the kernel manager has started the first fill; later refills keep `reserve` ready
        pools = getattr(self.kernel_manager, "kernel_pools_config", None) or {}  # none: --pool 0
        for name in self.preheated:
            config = pools.get(name)
            if isinstance(config, dict) and config.get("pool_size", 0) > self.reserve:
                config["pool_size"] = max(self.reserve, 0)
        settings["log_function"] = log_request
        # jupyter_server's default pong timeout is three ping intervals, which tornado refuses
        # (with a warning in the log) and cuts to one: say one ourselves
        interval = settings.get("ws_ping_interval", 30_000)
        settings.setdefault("ws_ping_interval", interval)
        settings.setdefault("ws_ping_timeout", interval)
        return settings

    def init_handlers(self) -> list[Any]:
        self.voila_configuration.file_allowlist = []  # no file of the server's is downloadable
        handlers: list[Any] = super().init_handlers()
        base = self.server_url
        guarded = type("Guarded", (GuardedVoilaHandler,), {"workshop": self.workshop})
        out: list[Any] = [
            (base + r"join/([^/]*)", JoinHandler, {"base_url": base, "workshop": self.workshop}),
            (
                base + r"facilitator/([^/]*)",
                FacilitatorHandler,
                {"base_url": base, "workshop": self.workshop},
            ),
        ]
        render_kwargs: dict[str, Any] = next(
            (spec[2] for spec in handlers if len(spec) >= 3 and spec[1] is TornadoVoilaHandler),
            {},
        )
        for spec in handlers:
            if len(spec) >= 2 and spec[1] is TornadoVoilaTreeHandler:
                if spec[0] == base:  # the server's address: the app, not a file list
                    app = type("App", (AppHandler,), {"workshop": self.workshop})
                    spec = (spec[0], app, render_kwargs)
                else:
                    spec = (spec[0], ToAppHandler, {"base_url": base})
            elif len(spec) >= 2 and spec[1] is VoilaContentsHandler:
                spec = (spec[0], ToAppHandler, {"base_url": base})
            elif len(spec) >= 2 and spec[1] is TornadoVoilaHandler:
                spec = (spec[0], guarded, *spec[2:])
            elif len(spec) >= 2 and spec[1] is VoilaShutdownKernelHandler:
                spec = (spec[0], PageClosedHandler, *spec[2:])
            elif len(spec) >= 2 and spec[1] is VoilaKernelWebsocketHandler:
                spec = (spec[0], KernelSocketHandler, *spec[2:])
            out.append(spec)
        return out


def main(argv: list[str] | None = None) -> None:
    """Start the server (arguments as for ``voila``, plus ``--workshop``)."""
    WorkbookServer.launch_instance(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
