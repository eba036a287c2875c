"""The pairing-fit pulse: after their first meeting, each side of an approved mentor match
answers three questions from 1 to 5; a poor fit is flagged to the facilitator with a
re-match suggestion. Only numbers are stored and shown (each participant's answers are
their own :class:`~coach.workbook.FitRecord`, keyed by the match's mentee id); the
questions are data, in ``prompts/pages/pairing-fit.yaml``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass

from coach.cohorts.matching import _best_for, matches
from coach.cohorts.model import CohortError, FitRow, Match, _iso, _utcnow
from coach.cohorts.registry import _participant, _records, participants


@dataclass(frozen=True)
class FitQuestion:
    """One question of the pulse; an answer at or below ``flag_at_or_below`` flags."""

    key: str
    text: str
    flag_at_or_below: int | None = None


@dataclass(frozen=True)
class FitPulse:
    """The pulse's wording and its rule for a poor fit."""

    title: str
    questions: tuple[FitQuestion, ...]
    minimum: int
    maximum: int
    low: str
    high: str
    flag_average_at_or_below: float

    def poor(self, answers: Mapping[str, int]) -> bool:
        """Whether one side's answers say the pairing fits poorly."""
        values = [answers[q.key] for q in self.questions if q.key in answers]
        if not values:
            return False
        if sum(values) / len(values) <= self.flag_average_at_or_below:
            return True
        return any(
            q.flag_at_or_below is not None
            and q.key in answers
            and answers[q.key] <= q.flag_at_or_below
            for q in self.questions
        )

    def average(self, answers: Mapping[str, int]) -> float | None:
        """The mean of the answers to this pulse's questions (None: not answered)."""
        values = [answers[q.key] for q in self.questions if q.key in answers]
        return round(sum(values) / len(values), 2) if values else None


@functools.cache
def fit_pulse() -> FitPulse:
    """The pulse from ``prompts/pages/pairing-fit.yaml``, validated (unknown keys are errors)."""
    import yaml
    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    from coach.paths import prompts_dir

    class _Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")

    class _Scale(_Strict):
        min: int
        max: int
        low: str
        high: str

    class _Question(_Strict):
        key: str = Field(pattern=r"^[a-z_]{1,32}$")
        text: str = Field(min_length=1)
        flag_at_or_below: int | None = None

    class _File(_Strict):
        version: int
        title: str
        scale: _Scale
        flag_average_at_or_below: float
        questions: list[_Question] = Field(min_length=1)

    path = prompts_dir() / "pages" / "pairing-fit.yaml"
    try:
        data = _File.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise CohortError(f"{path} is not a valid pairing-fit pulse: {exc}") from None
    return FitPulse(
        data.title,
        tuple(FitQuestion(q.key, q.text, q.flag_at_or_below) for q in data.questions),
        data.scale.min,
        data.scale.max,
        data.scale.low,
        data.scale.high,
        data.flag_average_at_or_below,
    )


def _approved_between(participant_id: str, other_id: str) -> tuple[str, Match] | None:
    """(cohort, the approved match) between the two, or None."""
    me = _participant(participant_id)
    if me is None:
        return None
    for m in matches(me.cohort):
        if m.status == "approved" and {m.mentee_id, m.mentor_id} == {participant_id, other_id}:
            return me.cohort, m
    return None


def answer_fit(participant_id: str, other_id: str, answers: Mapping[str, int]) -> None:
    """Save a participant's pulse about their approved match with ``other_id`` in their own
    records (answering again replaces it)."""
    from coach.store import get_store
    from coach.workbook.records import FitRecord

    found = _approved_between(participant_id, other_id)
    if found is None:
        raise CohortError("The pulse is about an approved match, and there is none between you.")
    _cohort, match = found
    pulse = fit_pulse()
    keys = [q.key for q in pulse.questions]
    missing = [q.text for q in pulse.questions if q.key not in answers]
    if missing or set(answers) - set(keys):
        raise CohortError(f"Answer each question of the pulse: {'; '.join(missing) or keys}.")
    for key in keys:
        value = answers[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise CohortError(f"The answers are whole numbers, not {value!r}.")
        if not pulse.minimum <= value <= pulse.maximum:
            raise CohortError(
                f"The answers go from {pulse.minimum} to {pulse.maximum}, not {value}."
            )
    record = FitRecord(
        other=other_id, answers={k: int(answers[k]) for k in keys}, at=_iso(_utcnow())
    )
    get_store().put(participant_id, "fit", match.mentee_id, record.stored())


def fit_answers(participant_id: str, other_id: str) -> dict[str, int] | None:
    """The participant's saved pulse about their match with ``other_id``, or None."""
    from coach.store import get_store
    from coach.workbook.records import FitRecord

    found = _approved_between(participant_id, other_id)
    if found is None:
        return None
    data = get_store().get(participant_id, "fit", found[1].mentee_id)
    record = FitRecord.load(data) if data else None
    return dict(record.answers) if record and record.other == other_id else None


def fit_report(name: str) -> list[FitRow]:
    """Per approved match, each side's average answer and whether it fits poorly, with the
    next-best mentor with capacity left as a re-match suggestion (numbers only)."""
    from coach.workbook.records import FitRecord

    pulse = fit_pulse()
    saved = {
        (owner, key): FitRecord.load(json.loads(raw))
        for owner, _kind, key, raw, _updated in _records(name, ("fit",))
    }
    people = {p.id: p for p in participants(name)}
    rows = []
    for m in matches(name):
        if m.status != "approved":
            continue
        sides = []
        for owner, other in ((m.mentee_id, m.mentor_id), (m.mentor_id, m.mentee_id)):
            record = saved.get((owner, m.mentee_id))
            sides.append(record.answers if record and record.other == other else None)
        flagged = any(pulse.poor(a) for a in sides if a)
        suggestion = _best_for(name, people[m.mentee_id], m.mentor_id) if flagged else None
        rows.append(
            FitRow(
                m,
                pulse.average(sides[0]) if sides[0] else None,
                pulse.average(sides[1]) if sides[1] else None,
                flagged,
                suggestion.id if suggestion else "",
                suggestion.display_name if suggestion else "",
            )
        )
    return rows
