"""Workshop cohorts: participants with private join links, progress, pairing, export, close.

A facilitator creates a cohort from a roster (or a number of anonymous seats). Each
participant gets a join link carrying a random token (192 bits from :mod:`secrets`); the
facilitator gets one key for the dashboard. Only SHA-256 hashes of tokens and keys are
stored: the clear values exist once, in the :class:`CreatedCohort` returned by
:func:`create_cohort` (for the handout and the command line), and never in the database or
a log. A participant's workbook data lives in the store's ``records`` table under their
participant id; the facilitator side reads step completion from it, never its text.

The parts: :mod:`~coach.cohorts.model` (data classes, limits, step names),
:mod:`~coach.cohorts.roster` (CSV rosters), :mod:`~coach.cohorts.registry` (cohorts and
participants in the store), :mod:`~coach.cohorts.progress` (activity, status, export),
:mod:`~coach.cohorts.pairing` (peer groups), :mod:`~coach.cohorts.matching` (mentor
matches: proposed, swapped, approved), :mod:`~coach.cohorts.fit` (the pairing-fit pulse),
:mod:`~coach.cohorts.words` (the goal and offer words both compare) and
:mod:`~coach.cohorts.handout` (printable links). Importing this package loads only the
standard library and :mod:`coach.errors`; SQLAlchemy, segno and fpdf load when a function
needs them.
"""

from __future__ import annotations

from coach.cohorts.fit import (
    FitPulse,
    FitQuestion,
    answer_fit,
    fit_answers,
    fit_pulse,
    fit_report,
)
from coach.cohorts.handout import handout_html, handout_pdf
from coach.cohorts.matching import (
    UNMATCHED,
    approve,
    capacity_left,
    match_for,
    matches,
    no_mentors_hint,
    propose,
    swap,
)
from coach.cohorts.model import (
    ACTIVITY_KEY,
    ACTIVITY_KIND,
    DEFAULT_BASE_URL,
    DEFAULT_CAPACITY,
    MAX_CAPACITY,
    MAX_NAME,
    MAX_ORGANIZATION,
    MAX_PARTICIPANTS,
    MAX_ROSTER_BYTES,
    MAX_TITLE,
    ROLES,
    STEPS,
    WANTS,
    Cohort,
    CohortError,
    CohortStatus,
    CreatedCohort,
    FitRow,
    Group,
    Match,
    MyMatches,
    Participant,
    ParticipantStatus,
    RosterEntry,
    RosterReport,
)
from coach.cohorts.pairing import pairs
from coach.cohorts.progress import export_csv, record_activity, status, steps_done
from coach.cohorts.registry import (
    close_cohort,
    create_cohort,
    delete_cohort,
    get_cohort,
    list_cohorts,
    participants,
    resolve_facilitator,
    resolve_token,
)
from coach.cohorts.roster import read_roster

__all__ = [
    "ACTIVITY_KEY",
    "ACTIVITY_KIND",
    "DEFAULT_BASE_URL",
    "DEFAULT_CAPACITY",
    "MAX_CAPACITY",
    "MAX_NAME",
    "MAX_ORGANIZATION",
    "MAX_PARTICIPANTS",
    "MAX_ROSTER_BYTES",
    "MAX_TITLE",
    "ROLES",
    "STEPS",
    "UNMATCHED",
    "WANTS",
    "Cohort",
    "CohortError",
    "CohortStatus",
    "CreatedCohort",
    "FitPulse",
    "FitQuestion",
    "FitRow",
    "Group",
    "Match",
    "MyMatches",
    "Participant",
    "ParticipantStatus",
    "RosterEntry",
    "RosterReport",
    "answer_fit",
    "approve",
    "capacity_left",
    "close_cohort",
    "create_cohort",
    "delete_cohort",
    "export_csv",
    "fit_answers",
    "fit_pulse",
    "fit_report",
    "get_cohort",
    "handout_html",
    "handout_pdf",
    "list_cohorts",
    "match_for",
    "matches",
    "no_mentors_hint",
    "pairs",
    "participants",
    "propose",
    "read_roster",
    "record_activity",
    "resolve_facilitator",
    "resolve_token",
    "status",
    "steps_done",
    "swap",
]
