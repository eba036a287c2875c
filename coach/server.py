"""The workbook web server: Voilà, plus the links a workshop needs.

Run by ``mentor-coach serve`` as ``python -m coach.server``. On top of Voilà it adds:

- ``/``: the workbook app (``workbooks/app.ipynb``), one page for the whole journey; Voilà's
  file listing is not served (its addresses lead to the app);
- ``/join/<token>``: checks a participant's join token, keeps it in an HttpOnly cookie and
  redirects to the app, so the secret leaves the address bar at once;
- ``/facilitator/<key>``: the same for a cohort's facilitator key and the dashboard;
- a guard in front of every page: with ``--workshop`` a workbook needs a valid seat, and
  the facilitator dashboard always needs a valid facilitator key (a seat is not enough);
- every log line (tornado's and jupyter_server's too) with those secrets and kernel ids
  cut out (``coach.server_guard.install_redaction``);
- a limit on open pages (a kernel each) per seat and per server, and kernels that answer
  only the seat whose page started them: its websocket, its shutdown, its API
  (``coach.server_kernels``);
- a limit on wrong links per address, and a question before a link from another site
  replaces the seat this browser holds;
- a kernel websocket that speaks only the protocol Voilà's pages use (see
  ``coach.server_kernels.KernelSocketHandler``).

A refused request gets a short friendly page and never starts a kernel.
"""

from __future__ import annotations

import html
import logging
import sys
from functools import partial
from typing import Any

import tornado.web
from jupyter_server.services.kernels.handlers import KernelHandler
from traitlets import Bool, Int, List, Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from coach.server_guard import (
    Guesses,
    KernelSeats,
    RecordingKernels,
    Ticket,
    cross_site,
    default_max_kernels,
    friendly_page,
    guessing,
    install_redaction,
    is_facilitator_page,
    normalise_page,
    redact,
    send_page,
)
from coach.server_kernels import (
    KernelApiHandler,
    KernelSocketHandler,
    OrphanKernels,
    PageClosedHandler,
    QuerySocketHandler,
)
from coach.workshop import (
    FACILITATOR_COOKIE,
    SEAT_COOKIE,
    TOKEN,
    cookie_value,
    facilitator_from_cookies,
    seat_from_cookies,
)

APP = "app.ipynb"
FIRST_PAGE = ""  # the app, at the server's own address
DASHBOARD = "voila/render/facilitator/dashboard.ipynb"
_access = logging.getLogger("tornado.access")
__all__ = ["WorkbookServer", "main", "redact"]


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


class _SecretLinkHandler(tornado.web.RequestHandler):
    """Shared by the join and facilitator links: check, set the cookie, redirect.

    The secret is checked and kept in the cookie in one canonical form (surrounding
    blanks, from a link copied out of an e-mail, dropped): anything else than the token
    alphabet is a link that does not work, never an error.
    """

    cookie = ""
    target = ""
    confirm_title = ""
    confirm_message = ""

    def initialize(self, base_url: str, workshop: bool) -> None:
        self.base_url = base_url
        self.workshop = workshop

    def valid(self, secret: str) -> bool:
        raise NotImplementedError

    def refuse(self) -> None:
        raise NotImplementedError

    def get(self, secret: str) -> None:
        self.open_link(secret, confirmed=False)

    def post(self, secret: str) -> None:
        """The confirmation page's button: our own page, with its XSRF token."""
        if cross_site(self.request.headers, self.request.host):
            raise tornado.web.HTTPError(403, "link confirmation from another site")
        self.check_xsrf_cookie()
        self.open_link(secret, confirmed=True)

    def open_link(self, raw: str, confirmed: bool) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        if guessing(self):
            return
        secret = raw.strip()
        if not TOKEN.fullmatch(secret) or not self.valid(secret):
            self.settings["coach_guesses"].failed(self.request.remote_ip or "")
            self.set_status(404)
            self.refuse()
            return
        held = cookie_value(self.request.headers.get("Cookie"), self.cookie)
        if (
            not confirmed
            and held not in (None, secret)
            and cross_site(self.request.headers, self.request.host)
            and self.valid(held or "")
        ):
            self.confirm()
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
        self.redirect(self.base_url + self.target, status=303 if confirmed else 302)

    def confirm(self) -> None:
        """A link from another site would replace the seat this browser holds (someone
        else's link, perhaps, to read what this person writes): ask first."""
        self.set_header("Content-Security-Policy", "frame-ancestors 'none'")
        form = (
            "<form method='post'>"
            f"{self.xsrf_form_html()}<button type='submit'>Use the new link</button> "
            f"<a href='{html.escape(self.base_url)}'>Keep the one I have</a></form>"
        )
        send_page(self, 200, self.confirm_title, self.confirm_message, form)


class JoinHandler(_SecretLinkHandler):
    """``/join/<token>``: a participant's join link."""

    cookie = SEAT_COOKIE
    target = FIRST_PAGE
    confirm_title = "Use this join link?"
    confirm_message = (
        "This browser already holds another join link, and this one was opened from another "
        "site. If it is not the link on your own card, keep the one you have: a link someone "
        "else sent would open their workbook, and what you write would go to them."
    )

    def valid(self, secret: str) -> bool:
        from coach.cohorts import resolve_token

        return self.workshop and resolve_token(secret) is not None

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
    confirm_title = "Use this facilitator link?"
    confirm_message = (
        "This browser already holds another facilitator link, and this one was opened from "
        "another site. If it is not the link `mentor-coach cohort create` printed for you, "
        "keep the one you have."
    )

    def valid(self, secret: str) -> bool:
        from coach.cohorts import resolve_facilitator

        return resolve_facilitator(secret) is not None

    def refuse(self) -> None:
        self.finish(
            friendly_page(
                "This facilitator link does not work",
                "It may be mistyped, or the cohort may be closed or expired. "
                "`mentor-coach cohort list` shows your cohorts.",
            )
        )


NO_SUCH_PAGE = (
    "There is no such page",
    "Open the workbook from the link on your handout, or from the server's own address.",
)
DASHBOARD_REFUSAL = (
    "The facilitator dashboard needs the facilitator link",
    "Open the facilitator link that `mentor-coach cohort create` printed. "
    "Participants' join links do not open it.",
)
SEAT_REFUSAL = (
    "Please open your join link",
    "This workshop's workbooks open from the personal link on your handout. "
    "If you have used it already, it may have expired or the workshop closed: "
    "ask your facilitator.",
)
TOO_MANY_PAGES = {
    "seat": (
        "Too many open pages",
        "You have as many workbook pages open as one person can. Close another tab of the "
        "workbook, then reload this page.",
    ),
    "server": (
        "Too many open pages on this server",
        "The server has as many workbook pages open as it can hold. Close another tab of the "
        "workbook if you have one, or wait a minute and reload this page; if this goes on, "
        "tell your facilitator.",
    ),
}


class GuardedVoilaHandler(TornadoVoilaHandler):  # type: ignore[misc]
    """Voilà's page handler, behind the seat and facilitator checks and the page limits.

    The page's path is normalised once, here; the checks look at that path and Voilà
    opens it, so ``x/../facilitator/…`` is the dashboard for both.
    """

    workshop = False
    ticket: Ticket | None = None

    @property
    def kernel_manager(self) -> Any:
        """The kernel manager; while a page opens, one that records the page's kernel."""
        manager = self.settings["kernel_manager"]
        return manager if self.ticket is None else RecordingKernels(manager, self.ticket)

    async def get(self, path: str | None = None) -> None:
        page = normalise_page(path or "")
        if page is None:
            send_page(self, 404, *NO_SUCH_PAGE)
            return
        if guessing(self):
            return
        owner, refusal = self.owner(page)
        if refusal is not None:
            send_page(self, 403, *refusal)
            return
        seats: KernelSeats = self.settings["coach_seats"]
        ticket = seats.admit(owner, self.settings["kernel_manager"].list_kernel_ids())
        if isinstance(ticket, str):
            send_page(self, 429, *TOO_MANY_PAGES[ticket])
            return
        self.ticket = ticket
        try:
            await super().get(page)
        finally:
            ticket.close()
            self.ticket = None

    def owner(self, page: str) -> tuple[str, tuple[str, str] | None]:
        """Whose page this is (see :class:`KernelSeats`), and why it is refused (title,
        message) or None to serve it. A secret cookie that opens nothing counts as a guess."""
        cookies = self.request.headers.get("Cookie")
        if is_facilitator_page(page):
            cohort = facilitator_from_cookies(cookies)
            if cohort is not None:
                return f"facilitator:{cohort.name}", None
            self.count_guess(cookies, FACILITATOR_COOKIE)
            return "", DASHBOARD_REFUSAL
        if not self.workshop:
            return "", None
        seat = seat_from_cookies(cookies)
        if seat is not None:
            return f"seat:{seat.id}", None
        self.count_guess(cookies, SEAT_COOKIE)
        return "", SEAT_REFUSAL

    def count_guess(self, cookies: str | None, name: str) -> None:
        if cookie_value(cookies, name) is not None:
            self.settings["coach_guesses"].failed(self.request.remote_ip or "")


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


class _RoutineNotices(logging.Filter):
    """Drops notices that alarm a person running ``make serve`` and ask nothing of them:
    our own notebooks are "not trusted" (Voilà runs them all the same; trust only matters
    for a notebook's saved outputs, and ours have none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return (
            "is not trusted" not in text and "cannot be longer than the websocket_ping" not in text
        )


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
        install_redaction()  # before the first kernel id is logged
        from coach.settings import get_settings

        coach = get_settings()
        self.trust_proxy = coach.trust_proxy
        # Only the app is pre-heated: a person's whole journey is that one page. The step
        # notebooks (for JupyterLab) and the dashboard start a kernel when they are opened.
        pool = max(self.voila_configuration.default_pool_size, 0)
        self.config.VoilaKernelManager.kernel_pools_config = {
            "default": {"pool_size": 0},
            **{name: {"pool_size": pool} for name in self.preheated},
        }
        if self.log_level > logging.DEBUG:  # `--debug` shows everything
            self.log.addFilter(_RoutineNotices())
            logging.getLogger("tornado.general").addFilter(_RoutineNotices())
        settings: dict[str, Any] = super().init_settings()
        # the kernel manager has started the first fill; later refills keep `reserve` ready
        pools = getattr(self.kernel_manager, "kernel_pools_config", None) or {}  # none: --pool 0
        for name in self.preheated:
            config = pools.get(name)
            if isinstance(config, dict) and config.get("pool_size", 0) > self.reserve:
                config["pool_size"] = max(self.reserve, 0)
        settings["log_function"] = log_request
        settings["coach_workshop"] = self.workshop
        settings["coach_guesses"] = Guesses(coach.join_attempts_per_minute)
        seats = KernelSeats(coach.kernels_per_seat, coach.max_kernels or default_max_kernels())
        settings["coach_seats"] = seats
        orphans = OrphanKernels(self.kernel_manager, seats, coach.orphan_kernel_seconds, self.log)
        settings["coach_orphans"] = orphans
        orphans.start()  # on the loop the server runs (its kernel pools already use it)
        self.log.info(
            "Open pages: at most %d per seat, %d on the server (COACH_KERNELS_PER_SEAT, "
            "COACH_MAX_KERNELS)",
            seats.per_seat,
            seats.per_server,
        )
        # jupyter_server closes a kernel websocket whose last pong is older than
        # ws_ping_timeout, checked at each ping: a timeout of one interval closed every page
        # 30 s after it opened (and lost what was typed meanwhile). Its default, three
        # intervals, is right; tornado's own check caps its copy at one interval and says so
        # in the log once, which _RoutineNotices keeps out of a person's way.
        settings.pop("ws_ping_timeout", None)
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
            elif len(spec) >= 2 and spec[1] is KernelHandler:
                spec = (spec[0], KernelApiHandler, *spec[2:])
            elif len(spec) >= 2 and spec[1] is RequestInfoSocketHandler:
                spec = (spec[0], QuerySocketHandler, *spec[2:])
            out.append(spec)
        return out

    def listen(self) -> None:
        if getattr(self, "trust_proxy", False):  # COACH_TRUST_PROXY: the proxy's X-Forwarded-*
            self.app.listen = partial(self.app.listen, xheaders=True)
        super().listen()


def main(argv: list[str] | None = None) -> None:
    """Start the server (arguments as for ``voila``, plus ``--workshop``)."""
    install_redaction()
    WorkbookServer.launch_instance(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
