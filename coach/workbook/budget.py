"""LinkedIn's monthly budget of personalised connection notes, and pacing.

A free LinkedIn account may add a note to only a few connection requests a calendar month
(``COACH_FREE_NOTES_PER_MONTH``, 5: LinkedIn's figure at the time of writing); Premium has
no such budget. The workbook counts the notes the person marked as sent, by calendar month
in the person's own time zone (the one their browser reported, kept in the profile; else
this machine's), and counts every LinkedIn invitation marked as sent in the last day, to
suggest pacing when there are many. Pure functions over records, with the clock given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.workbook.records import DraftRecord, ProfileRecord

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

NOTE_KIND = "linkedin-note"  # the kind of draft that is a connection request with a note
PACING_WINDOW = dt.timedelta(hours=24)  # "many invitations in a short time"
WORKS_INSTEAD = ("email", "linkedin-message", "group")
"""What to offer when no notes are left, in order: an e-mail; a request without a note,
then a LinkedIn message once they accept; a message through an alumni network or group."""


@dataclass(frozen=True)
class NoteBudget:
    """How many personalised notes are left this month (``limit`` None: Premium, no budget)."""

    account: str
    limit: int | None
    used: int
    month: str  # "December 2026"
    resets: dt.date  # the first day of the next month
    recent_invitations: int  # LinkedIn invitations marked as sent in the last day

    @property
    def left(self) -> int | None:
        """Notes left this month (never below 0); None on Premium."""
        return None if self.limit is None else max(0, self.limit - self.used)

    @property
    def exhausted(self) -> bool:
        """No note left this month (never on Premium)."""
        return self.left == 0

    @property
    def last_one(self) -> bool:
        """Exactly one note left: the next one sent is the month's last."""
        return self.left == 1

    def line(self) -> str:
        """The budget in one line, as the outreach step and the command line show it."""
        if self.limit is None:
            return "LinkedIn Premium: no monthly budget for personalised notes."
        left, word = self.left, "note" if self.limit == 1 else "notes"
        line = f"{left} of {self.limit} personalised {word} left this month ({self.month})"
        if self.exhausted:
            return f"{line}: the next ones can be sent from {self.resets:%-d %B}."
        if self.last_one:
            return f"{line}: the last one."
        return f"{line}."

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {
            "account": self.account,
            "limit": self.limit,
            "used": self.used,
            "left": self.left,
            "month": self.month,
            "resets": self.resets.isoformat(),
            "recent_invitations": self.recent_invitations,
            "line": self.line(),
        }


def person_zone(profile: ProfileRecord) -> dt.tzinfo:
    """The person's time zone: the IANA name their browser reported, else this machine's."""
    zone = _zone(profile.timezone)
    if zone is not None:
        return zone
    local = dt.datetime.now().astimezone().tzinfo
    return local or dt.timezone.utc


def _zone(name: str) -> ZoneInfo | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = (name or "").strip()
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def valid_zone(name: str) -> bool:
    """Whether ``name`` is a time zone this machine knows ("Europe/Berlin")."""
    return _zone(name) is not None


def sent_time(draft: DraftRecord, zone: dt.tzinfo) -> dt.datetime | None:
    """When a draft was marked as sent, in ``zone``; None when never (or unreadable). A time
    saved without an offset (older versions) is this machine's local time."""
    if not draft.sent_at:
        return None
    try:
        when = dt.datetime.fromisoformat(str(draft.sent_at))
    except ValueError:
        return None
    return (when if when.tzinfo else when.astimezone()).astimezone(zone)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def note_budget(
    profile: ProfileRecord,
    drafts: Iterable[DraftRecord],
    *,
    per_month: int,
    now: dt.datetime | None = None,
) -> NoteBudget:
    """The budget of personalised notes for this calendar month in the person's time zone."""
    zone = person_zone(profile)
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(zone)
    used = recent = 0
    for draft in drafts:
        if draft.kind != NOTE_KIND:
            continue
        when = sent_time(draft, zone)
        if when is None:
            continue
        if (when.year, when.month) == (now.year, now.month):
            used += 1
        if dt.timedelta(0) <= now - when <= PACING_WINDOW:
            recent += 1
    premium = profile.linkedin_account == "premium"
    return NoteBudget(
        account=profile.linkedin_account,
        limit=None if premium else per_month,
        used=used,
        month=f"{now:%B %Y}",
        resets=_next_month(now.date()),
        recent_invitations=recent,
    )


def needs_pacing(budget: NoteBudget, threshold: int) -> bool:
    """Whether so many invitations went in the last day that pacing advice should show."""
    return budget.recent_invitations >= threshold
