"""What the coach's tasks return: answers, drafts and agendas, each with its sources."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from coach.models import Passage


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class Check(_Result):
    """One named pass/fail check of a draft, with a short explanation."""

    name: str
    passed: bool
    detail: str = ""


class Answer(_Result):
    """A grounded answer; ``[n]`` in the text refers to ``citations[n-1]``."""

    text: str
    citations: list[Passage] = []
    provider: str = "offline"
    fallback_reason: str | None = None
    covered: bool = True


class Draft(_Result):
    """An outreach draft. It is never sent by the software."""

    kind: str
    text: str
    subject: str | None = None
    citations: list[Passage] = []
    checks: list[Check] = []
    advice: list[str] = []
    provider: str = "offline"
    fallback_reason: str | None = None
    alternatives: list[Draft] = []

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(c.passed for c in self.checks)


class AgendaItem(_Result):
    """One timed block of a meeting."""

    title: str
    minutes: int
    prompts: list[str]


class Agenda(_Result):
    """A meeting agenda whose minutes add up to the meeting length."""

    phase: str
    minutes: int
    title: str
    items: list[AgendaItem]
    citations: list[Passage] = []
    checks: list[Check] = []
    provider: str = "offline"
    fallback_reason: str | None = None


class GoalSuggestion(_Result):
    """Sharper wording for a goal (None when there is nothing to add) and why, in plain
    words: what changed, and what the person still has to decide."""

    goal: str
    suggestion: str | None
    reason: str
    citations: list[Passage] = []
    provider: str = "offline"
    fallback_reason: str | None = None

    @property
    def text(self) -> str:
        """The suggestion and the reason, one per line."""
        return "\n".join(x for x in (self.suggestion, self.reason) if x)
