"""The workbook's vocabulary: record kinds and keys, steps, candidate stages (stdlib only, so
:mod:`coach.cohorts` can import it at no cost)."""

from __future__ import annotations

from typing import Final

# -- record kinds (the ``kind`` column of the store's ``records`` table) -------------------
PROFILE: Final = "profile"
GOAL: Final = "goal"
NETWORK: Final = "network"
CANDIDATE: Final = "candidate"
DRAFT: Final = "draft"
MEETING: Final = "meeting"
JOURNAL: Final = "journal"
SHARED: Final = "shared"
ACTIVITY: Final = "activity"
NUDGE: Final = "nudge"  # a follow-up nudge the person snoozed or dismissed (key: its id)
FIT: Final = "fit"  # a participant's pairing-fit pulse about their match (key: the match)
MATCH: Final = "match"  # a cohort's mentor match, kept under the cohort's own owner

PROFILE_KEY: Final = "me"  # a person has one profile
ACTIVITY_KEY: Final = "last"  # and one "where I am now"
GOAL_KEYS: Final = ("1", "2")  # the goals step offers two goals
KEY_MAX: Final = 64  # the store's key column

# -- steps -----------------------------------------------------------------------------
# The step each kind's records complete (what completes it: coach.workbook.rules).
STEP_OF_KIND: Final[dict[str, str]] = {
    PROFILE: "profile",
    GOAL: "goals",
    NETWORK: "network",
    CANDIDATE: "candidates",
    DRAFT: "outreach",
    MEETING: "meeting",
    JOURNAL: "journal",
}
# The steps a workshop cohort tracks for its facilitator, in the journey's order.
TRACKED_STEPS: Final = ("goals", "network", "candidates", "outreach", "meeting")
# Kinds whose content the step rule reads; for the others, a saved record is enough.
CONTENT_KINDS: Final = frozenset({PROFILE, GOAL, MEETING})
# What the facilitator's side may read of a participant's records: goal titles and the
# profile's offers (for pairing and matching), whether a meeting has an agenda, activity,
# and the pairing-fit pulse (three numbers, no text). The text of drafts, notes,
# candidates, the network and the journal is never read there.
FACILITATOR_READS: Final = frozenset({PROFILE, GOAL, MEETING, ACTIVITY, FIT})


def kinds_completing(steps: tuple[str, ...] | frozenset[str]) -> tuple[str, ...]:
    """The kinds whose records can complete one of ``steps``."""
    return tuple(kind for kind, step in STEP_OF_KIND.items() if step in steps)


# -- candidates --------------------------------------------------------------------------
STAGES: Final = ("idea", "researched", "contacted", "replied", "meeting", "active", "closed")
"""A candidate's pipeline, in order: from an idea to an active (then closed) mentoring."""
CONTACTED: Final = "contacted"  # where marking a first message as sent moves a candidate


def stage_before(stage: str | None, other: str) -> bool:
    """Whether ``stage`` (None: not set) comes before ``other`` in the pipeline."""
    if stage is None:
        return True
    return stage in STAGES and STAGES.index(stage) < STAGES.index(other)


# -- keys --------------------------------------------------------------------------------
LATER_MESSAGES: Final = ("follow-up", "thank-you")
"""Draft kinds that come after a first message (and may say when it went)."""


def draft_key(candidate: str, kind: str) -> str:
    """The store key of the one draft kept per candidate and kind."""
    return f"{candidate}-{kind}"[:KEY_MAX]


def meeting_key(candidate: str, phase: str) -> str:
    """The store key of the one meeting kept per candidate and phase."""
    return f"{candidate}-{phase}"[:KEY_MAX]


def shared_key(kind: str, key: str) -> str:
    """The store key of the note that an item (``kind``, ``key``) is shared."""
    return f"{kind}:{key}"[:KEY_MAX]
