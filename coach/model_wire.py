"""Guards on the wire to a model server, below the ``openai`` SDK.

One :class:`Budget` per model call (its deadline and byte cap) bounds every response body
the HTTP client reads inside that call; the HTTP client's own log lines have their URLs
masked; model text is made safe to print on a terminal.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any

from coach.errors import CoachError
from coach.settings import Settings, mask_urls, safe_url

# Bytes read per character of answer allowed: JSON escapes (\uXXXX) in one answer, and the
# SSE framing around every streamed piece (a piece can be a single character).
_BYTES_PER_CHAR = {"json": 6, "stream": 400}


class ModelServerError(CoachError):
    """The model server could not be reached or gave an unusable answer."""


def where(settings: Settings) -> str:
    """Where the model server is, fit to show: OPENAI_BASE_URL without secrets, or OpenAI."""
    return safe_url(settings.openai_base_url) or "OpenAI"


@dataclass
class Budget:
    """What one model call may still spend: time until ``deadline``, bytes per response."""

    where: str
    seconds: float
    deadline: float
    max_chars: int
    max_bytes: int | None = None

    @classmethod
    def start(cls, settings: Settings, mode: str | None = None) -> Budget:
        """A budget from now: ``COACH_CALL_DEADLINE``, and a byte cap for a ``"json"`` or
        ``"stream"`` answer of ``COACH_MAX_ANSWER_CHARS`` (none without a mode)."""
        cap = settings.max_answer_chars * _BYTES_PER_CHAR[mode] + 65_536 if mode else None
        deadline = time.monotonic() + settings.call_deadline
        return cls(
            where(settings), settings.call_deadline, deadline, settings.max_answer_chars, cap
        )

    def left(self) -> float:
        """Seconds left before the deadline (negative once it has passed)."""
        return self.deadline - time.monotonic()

    def expired(self) -> ModelServerError:
        """The error that says the deadline passed."""
        return ModelServerError(
            f"the model server at {self.where} did not finish within {self.seconds:g} s "
            "(COACH_CALL_DEADLINE)"
        )

    def too_long(self) -> ModelServerError:
        """The error that says the answer went past the cap."""
        return ModelServerError(
            f"the model server at {self.where} sent an answer longer than {self.max_chars} "
            "characters (COACH_MAX_ANSWER_CHARS); reading stopped there"
        )


_budget: ContextVar[Budget | None] = ContextVar("coach_model_budget", default=None)


@contextmanager
def within(budget: Budget) -> Iterator[Budget]:
    """Bound every response read in this block (this thread or task) by ``budget``."""
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


@cache
def _bounded_stream() -> type:
    import httpx2

    class BoundedStream(httpx2.SyncByteStream):
        """A response body that stops at the call's deadline or byte cap. At the deadline a
        watchdog shuts the socket, so a read blocked on a silent server ends as well."""

        def __init__(self, inner: Any, budget: Budget, network: Any) -> None:
            self._inner = inner
            self._budget = budget
            self._sock = network.get_extra_info("socket") if network is not None else None
            self._lock = threading.Lock()
            self._closed = self._was_cut = False
            self._timer = threading.Timer(max(budget.left(), 0.0), self._cut)
            self._timer.daemon = True
            self._timer.start()

        def _cut(self) -> None:
            with self._lock:
                if self._closed or self._sock is None:
                    return
                self._was_cut = True
                with suppress(OSError):
                    self._sock.shutdown(socket.SHUT_RDWR)

        def __iter__(self) -> Iterator[bytes]:
            read = 0
            try:
                for chunk in self._inner:
                    read += len(chunk)
                    # keep-alives arrive as bytes too, so a trickling server ends here
                    if self._budget.left() <= 0:
                        raise self._budget.expired()
                    if self._budget.max_bytes is not None and read > self._budget.max_bytes:
                        raise self._budget.too_long()
                    yield chunk
            except Exception:
                if self._was_cut:  # the read ended because the watchdog shut the socket
                    raise self._budget.expired() from None
                raise
            if self._was_cut:  # a body without a length ends quietly at a shutdown
                raise self._budget.expired()

        def close(self) -> None:
            with self._lock:
                self._closed = True
                self._timer.cancel()
            self._inner.close()

    return BoundedStream


def bound_response(response: Any) -> None:
    """httpx response hook: bound the body of a response read inside a model call."""
    budget = _budget.get()
    if budget is not None:
        network = response.extensions.get("network_stream")
        response.stream = _bounded_stream()(response.stream, budget, network)


class MaskUrls(logging.Filter):
    """The HTTP client logs every request's full URL (INFO): mask credentials in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 (a log filter must not raise)
            return True
        masked = mask_urls(text)
        if masked != text:
            record.msg, record.args = masked, ()
        return True


_mask_filter = MaskUrls()


def mask_http_logs() -> None:
    """Mask the URLs in the HTTP client's log lines (it logs every request's full URL)."""
    for name in ("httpx2", "httpx"):
        if _mask_filter not in logging.getLogger(name).filters:
            logging.getLogger(name).addFilter(_mask_filter)


# CSI (ESC [ or the 8-bit CSI), OSC (ESC ] … BEL or ESC \), DCS/SOS/PM/APC strings, and
# two-byte escapes; what is left of any ESC goes with the other control characters.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[P^_X][^\x1b]*\x1b\\|\x1b[@-Z\\-_]"
)
_PARTIAL = re.compile(
    r"(?:\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[P^_X][^\x1b]*)?|\x9b[0-?]*[ -/]*)\Z"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """``text`` without terminal escape sequences or control characters (tab, newline stay)."""
    return _CONTROL.sub("", _ESCAPE.sub("", text))


class StreamCleaner:
    """:func:`strip_controls` piece by piece, holding back an escape split across pieces."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, piece: str) -> str:
        """What of ``piece`` (and of what was held back) can be shown now."""
        text, self._held = self._held + piece, ""
        cut = max(text.rfind("\x1b"), text.rfind("\x9b"))
        if cut >= 0 and len(text) - cut < 64 and _PARTIAL.match(text, cut):
            text, self._held = text[:cut], text[cut:]
        return strip_controls(text)

    def flush(self) -> str:
        """What was held back, cleaned: the stream has ended."""
        text, self._held = self._held, ""
        return strip_controls(text)
