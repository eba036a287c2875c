"""The engine protocol: one method, ``complete``, and the values it takes and gives.

An engine gets a :class:`Request` (the rendered system and user messages, and the task it
is for) and gives back a :class:`Reply`: the text a model wrote, which the run path
(``coach.engines.run``) then checks, repairs once or falls back from; or, from an engine
that composes rather than writes (the offline coach), the finished :class:`EngineResult`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from coach.errors import CoachError
from coach.results import AgendaItem, Check

if TYPE_CHECKING:
    from coach.engines.jobs import Job
    from coach.settings import Settings

Tokens = Callable[[str], None]


class BadOutput(Exception):
    """The model answered, but not in a usable form; the message says how."""


class EngineError(CoachError):
    """The engine could not answer (unreachable, refused, too slow); the message says what
    happened. The coach then answers offline, with this message as the fallback reason."""


@dataclass
class Usage:
    """Tokens spent and repairs made during one task."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    repairs: int = 0


@dataclass
class DraftOut:
    """One draft as an engine produced it."""

    text: str
    subject: str | None
    checks: list[Check]


@dataclass
class EngineResult:
    """What a task's run gives back, whichever engine answered."""

    answer: str = ""
    cited: list[int] = field(default_factory=list)  # indexes into the passages given
    drafts: list[DraftOut] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)
    suggestion: str | None = None  # refine-goal: the rewrite (None: nothing to change)
    reason: str = ""  # refine-goal: why, in plain words
    usage: Usage = field(default_factory=Usage)


@dataclass(frozen=True)
class Request:
    """One call to an engine: the messages to answer, and the task they are for."""

    job: Job  # the task and its inputs (profiles, passages…), for engines that compose
    system: str
    user: str
    json_mode: bool = False  # the reply must be one JSON object
    on_token: Tokens | None = None  # called with each piece of text as it is written


@dataclass
class Reply:
    """An engine's answer to a :class:`Request`."""

    text: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    result: EngineResult | None = None  # the finished result, from an engine that composes


@runtime_checkable
class Engine(Protocol):
    """Answers the coach's requests. Register a factory ``(Settings) -> Engine`` under the
    entry-point group ``mentor_workbook.engines`` (see ``coach.engines.registry``).

    ``complete`` raises :class:`EngineError` when it cannot answer and may raise
    :class:`BadOutput`; either makes the coach answer offline, saying why. An engine may
    also have ``status() -> str`` (is its server reachable?), which ``mentor-coach doctor``
    shows.
    """

    name: str  # the name it is registered under; shown as the answer's provider, logged
    model: str | None  # the model it asks (logged); None when it composes and never streams

    def complete(self, request: Request) -> Reply:
        """The reply to ``request``."""
        ...


EngineFactory = Callable[["Settings"], Engine]
