"""The offline coach, as most first-time users will meet it."""

import datetime as dt
import re
import sqlite3
from typing import Any

import pytest

import coach
from coach import DRAFT_KINDS, PHASES, MentorCandidate, Profile, ProfileError
from coach.exports import agenda_ics, agenda_markdown
from coach.turnlog import recent
from tests.conftest import REPO

ME = Profile.from_yaml(REPO / "examples" / "me.yaml")
PREMIUM = ME.model_copy(update={"linkedin_account": "premium"})
MENTOR = MentorCandidate.from_yaml(REPO / "examples" / "mentor.yaml")


@pytest.mark.parametrize("kind", DRAFT_KINDS)
def test_every_draft_kind_passes_all_its_checks(indexed, kind):
    d = coach.draft(kind, PREMIUM, MENTOR)
    assert d.ok, [c for c in d.checks if not c.passed]
    assert d.provider == "offline" and d.fallback_reason is None
    assert d.citations and all(p.source.startswith("corpus/") for p in d.citations)
    assert "Daniel" in d.text
    assert (d.subject is not None) == (kind in ("inmail", "email"))


def test_a_free_linkedin_note_is_specific_small_and_under_200(indexed):
    d = coach.draft("linkedin-note", ME, MENTOR)
    assert len(d.text) <= 200
    assert "discovery sprints" in d.text or "University of Leeds" in d.text
    assert re.search(r"15[- ]minute", d.text)
    assert "{" not in d.text and "[" not in d.text


def test_premium_notes_may_use_300_characters(indexed):
    d = coach.draft("linkedin-note", PREMIUM, MENTOR)
    check = next(c for c in d.checks if c.name == "fits-limit")
    assert check.detail.endswith("of 300 characters")


def test_alternatives_are_distinct_and_all_pass(indexed):
    d = coach.draft("linkedin-message", ME, MENTOR, alternatives=3)
    versions = [d, *d.alternatives]
    assert len(versions) == 3
    assert len({v.text for v in versions}) == 3
    assert all(v.ok for v in versions)


def test_inmail_needs_premium(indexed):
    with pytest.raises(ProfileError, match="Premium"):
        coach.draft("inmail", ME, MENTOR)


def test_unknown_kind_and_phase_are_clear_errors(indexed):
    with pytest.raises(coach.CoachError, match="choose one of"):
        coach.draft("fax", ME, MENTOR)
    with pytest.raises(coach.CoachError, match="choose one of"):
        coach.agenda("lunch", ME, MENTOR)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("minutes", [10, 30, 45, 60, 97, 480])
def test_agendas_fit_the_meeting_to_the_minute(indexed, phase, minutes):
    a = coach.agenda(phase, ME, MENTOR, minutes)
    assert sum(i.minutes for i in a.items) == minutes
    assert all(i.minutes >= 1 and i.prompts for i in a.items)
    assert a.citations


def test_agendas_carry_the_goals_and_the_phase_topics(indexed):
    first = coach.agenda("first-meeting", ME, MENTOR, 45)
    text = agenda_markdown(first)
    assert "lead a product discovery project" in text
    for topic in ("backgrounds", "ambitions", "how long", "ice-breakers"):
        assert topic in text.lower()
    agreement = agenda_markdown(coach.agenda("agreement", ME, MENTOR, 30)).lower()
    assert all(t in agreement for t in ("roles", "how often", "obstacles"))
    closing = agenda_markdown(coach.agenda("closing", ME, MENTOR, 30)).lower()
    assert all(t in closing for t in ("celebrate", "looking ahead", "what comes next"))


@pytest.mark.parametrize("minutes", [0, 9, 481, 30.5])
def test_bad_meeting_lengths_are_refused(indexed, minutes):
    with pytest.raises(coach.CoachError, match="minutes"):
        coach.agenda("development", ME, MENTOR, minutes)


def test_an_agenda_exports_as_a_calendar_event(indexed):
    from icalendar import Calendar

    a = coach.agenda("development", ME, MENTOR, 30)
    start = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc)
    cal = Calendar.from_ical(agenda_ics(a, start))
    (event,) = cal.walk("VEVENT")
    assert event["SUMMARY"] == a.title
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=30)
    assert "Progress since last time" in str(event["DESCRIPTION"])


def test_ask_gives_an_extractive_answer_with_valid_citations(indexed):
    a = coach.ask("how often should my mentor and I meet?")
    assert a.covered and a.provider == "offline"
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", a.text)}
    assert numbers == set(range(1, len(a.citations) + 1))
    # every quoted sentence is really in the passage it cites, the answer first
    quoted = [m.groups() for m in re.finditer(r"^(?:- )?(.*) \[(\d+)\]$", a.text, re.M)]
    assert quoted and a.text.startswith(quoted[0][0])
    for sentence, n in quoted:
        assert sentence[:40] in a.citations[int(n) - 1].text.replace("**", "")


@pytest.mark.parametrize(
    "question", ["What is the capital of France?", "Best pizza topping for a party?"]
)
def test_questions_outside_the_corpus_are_not_answered(indexed, question):
    a = coach.ask(question)
    assert not a.covered and a.citations == []
    assert a.text.startswith("The guides don't cover that.")


def test_refine_goal_points_at_what_is_missing(indexed):
    vague = coach.refine_goal("get better at product")
    assert "measurable" in vague.text and "time-bound" in vague.text
    sharp = coach.refine_goal("Run 2 user interviews a week for my discovery project by June 2027")
    assert sharp.text.startswith("This goal is specific, measurable and time-bound")


def test_every_call_is_in_the_turn_log_without_secrets(indexed, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value-0000")
    monkeypatch.setenv("COACH_PROVIDER", "offline")
    coach.settings.reset_settings()
    coach.draft("linkedin-note", ME, MENTOR)
    coach.agenda("closing", ME, MENTOR, 30)
    coach.ask("what do mentors get out of mentoring?")
    s = coach.get_settings()
    rows: list[dict[str, Any]] = recent(s.log_path, 3)  # turn log rows
    assert [r["task"] for r in rows] == ["ask", "agenda", "draft"]
    assert rows[2]["prompt"] == "draft-linkedin-note" and rows[2]["prompt_version"] == 1
    assert rows[2]["engine"] == "offline" and rows[2]["latency_ms"] > 0
    assert len(__import__("json").loads(rows[2]["passage_ids"])) == 3
    assert b"sk-secret" not in s.log_path.read_bytes()
    with sqlite3.connect(s.log_path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == ["_m001_turns", "_m002_repairs", "_m003_mask_credentials"]
