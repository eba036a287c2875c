"""The Big List of Naughty Strings in every field a person types into a profile or a mentor
file: each string gives a draft or agenda that passes every check, with no live markup from
the input, or a refusal in plain words. Never a traceback.

Every string goes through every field; to keep the run short, string ``i`` drives one of
three tasks (two draft kinds and one agenda phase per field, chosen so the fields between
them cover every kind and phase).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import coach
from tests import realistic
from tests.helpers import blns

PROFILE: dict[str, Any] = {
    "name": "Priya Raman",
    "headline": "Data analyst moving into product management",
    "organization": "Northwind Health",
    "linkedin_account": "premium",
    "goals": [
        {
            "title": "Lead a product discovery project by June",
            "why": "I want to test whether product management suits me",
        }
    ],
    "offer": ["SQL dashboards"],
}
MENTOR: dict[str, Any] = {
    "name": "Daniel Okafor",
    "headline": "Director of Product | HealthTech",
    "organization": "Contoso Clinics",
    "notes": ["wrote a post on running discovery sprints in regulated healthcare"],
    "mutual_connection": "Sam Ortiz",
}

# (which file, the path to the field, the three tasks its strings drive)
FIELDS = [
    ("profile", ("name",), ("linkedin-note", "email", "first-meeting")),
    ("profile", ("headline",), ("linkedin-message", "inmail", "agreement")),
    ("profile", ("organization",), ("follow-up", "thank-you", "development")),
    ("profile", ("goals", 0, "title"), ("linkedin-message", "thank-you", "closing")),
    ("profile", ("goals", 0, "why"), ("email", "inmail", "first-meeting")),
    ("profile", ("offer", 0), ("email", "linkedin-note", "first-meeting")),
    ("mentor", ("name",), ("linkedin-note", "follow-up", "agreement")),
    ("mentor", ("headline",), ("inmail", "email", "development")),
    ("mentor", ("organization",), ("linkedin-message", "thank-you", "closing")),
    ("mentor", ("notes", 0), ("linkedin-note", "email", "first-meeting")),
    ("mentor", ("mutual_connection",), ("linkedin-message", "inmail", "development")),
]


@pytest.fixture(scope="module")
def naughty() -> list[str]:
    return blns()


def _with(data: dict[str, Any], path: tuple[str | int, ...], value: str) -> dict[str, Any]:
    out = copy.deepcopy(data)
    here: Any = out
    for key in path[:-1]:
        here = here[key]
    here[path[-1]] = value
    return out


def test_the_fields_cover_every_kind_and_phase():
    tasks = {t for _file, _path, ts in FIELDS for t in ts}
    assert tasks == {*coach.DRAFT_KINDS, *coach.PHASES}


@pytest.mark.parametrize(
    ("file", "path", "tasks"), FIELDS, ids=[f"{f}.{'.'.join(map(str, p))}" for f, p, _ in FIELDS]
)
def test_every_naughty_string_in_every_field_gives_a_checked_output_or_a_plain_refusal(
    searched_once, naughty, file, path, tasks
):
    failures: list[str] = []
    made = 0
    for n, s in enumerate(naughty):
        profile = _with(PROFILE, path, s) if file == "profile" else PROFILE
        mentor = _with(MENTOR, path, s) if file == "mentor" else MENTOR
        task = tasks[n % len(tasks)]
        case = realistic.Case(profile, mentor)
        kinds, phases = ([task], []) if task in coach.DRAFT_KINDS else ([], [task])
        # any exception but a CoachError escapes and fails the test with its traceback
        for o in realistic.case_outcomes(case, kinds=kinds, phases=phases):
            made += o.refused is None
            if o.problems and realistic.known_fault(case, o) is None:
                failures.append(f"{s!r} -> {o.task}: {o.problems}\n    {o.text[:300]!r}")
    assert not failures, f"{len(failures)} of {len(naughty)}:\n" + "\n".join(failures[:20])
    # a name must read as a name (markup, code and strings without letters are refused,
    # for drafts and agendas alike), so fewer naughty names than other fields make output
    share = 8 if path[-1] == "name" else 4
    assert made >= len(naughty) // share, f"only {made} outputs: most strings were refused"


@pytest.fixture
def searched_once(indexed, monkeypatch):
    """The real index, each query searched once (``realistic.search_once``)."""
    realistic.search_once(monkeypatch)
