"""Mentor matching in a cohort: roster roles, the matcher, approval, what participants see,
the pairing-fit pulse, privacy, old cohorts and the command line.

Everything runs against the real store under the test's own COACH_HOME (and, where marked,
on PostgreSQL too).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import ipywidgets as w
import pytest

from coach import cohorts
from coach.cohorts import CohortError
from coach.store import get_store

EXE = str(Path(sys.executable).parent / "mentor-coach")
EXAMPLE = Path(__file__).parent.parent / "examples" / "mentoring-roster.csv"
both_stores = pytest.mark.usefixtures("backend")
HEADER = "name,role,capacity,organization,wants,offers,goals\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def roster(tmp_path: Path, rows: list[str], name: str = "r.csv") -> Path:
    return write(tmp_path / name, HEADER + "".join(r + "\n" for r in rows))


def mentoring(tmp_path: Path, capacity: int = 2, offers: str = "mentoring") -> Path:
    """Six mentors offering the same, twelve mentees: every score ties."""
    rows = [f"Mentor {n},mentor,{capacity},Org,,{offers}," for n in range(1, 7)]
    rows += [f"Mentee {n},mentee,,Org,,,Find my way" for n in range(1, 13)]
    return roster(tmp_path, rows)


def by_name(found: list[cohorts.Match]) -> dict[str, str]:
    return {m.mentee_name: m.mentor_name for m in found}


def all_text(widget: object) -> str:
    parts: list[str] = []

    def walk(x: object) -> None:
        if isinstance(x, w.HTML | w.Label):
            parts.append(str(x.value))
        if isinstance(x, w.Dropdown):
            parts.extend(str(o) for o in x.options)
        if isinstance(x, w.Button):
            parts.append(x.description)
        for child in getattr(x, "children", ()):
            walk(child)

    walk(widget)
    return "\n".join(parts)


def find(widget: object, kind: type, cls: str | None = None) -> list:
    out: list = []

    def walk(x: object) -> None:
        if isinstance(x, kind) and (cls is None or cls in getattr(x, "_dom_classes", ())):
            out.append(x)
        for child in getattr(x, "children", ()):
            walk(child)

    walk(widget)
    return out


# --- rosters ---------------------------------------------------------------------


def test_roster_reads_role_capacity_organization_and_wants(tmp_path):
    path = roster(
        tmp_path,
        [
            "Ana,Mentor,5,Northwind,,SQL,",
            "Bo,,,Contoso,Outside,,Learn SQL",
            "Cy,both,,,inside,Python,Get better at pricing",
        ],
    )
    report = cohorts.read_roster(path)
    assert report.ok and report.ignored_columns == []
    ana, bo, cy = report.entries
    assert (ana.role, ana.capacity, ana.organization, ana.wants) == (
        "mentor",
        5,
        "Northwind",
        "either",
    )
    assert (bo.role, bo.capacity, bo.wants) == ("mentee", cohorts.DEFAULT_CAPACITY, "outside")
    assert (cy.role, cy.wants) == ("both", "inside")
    # a roster without the columns: everyone a mentee who does not mind where
    plain = cohorts.read_roster(write(tmp_path / "p.csv", "name,goals\nDi,Learn\n")).entries[0]
    assert (plain.role, plain.capacity, plain.organization, plain.wants) == (
        "mentee",
        2,
        "",
        "either",
    )


def test_roster_reports_bad_roles_capacities_and_wants_with_their_lines(tmp_path):
    path = roster(
        tmp_path,
        [
            "Ana,coach,,,,,",
            "Bo,mentor,two,,,,",
            "Cy,mentor,0,,,,",
            "Di,mentor,21,,,,",
            "Ed,mentee,,,abroad,,",
            f"Fa,mentee,,{'O' * 121},,,",
            "Gu,mentor,20,,,,",
        ],
    )
    problems = cohorts.read_roster(path).problems
    assert len(problems) == 6, problems
    assert problems[0].startswith("line 2: the role 'coach' is not mentor, mentee or both")
    assert problems[1].startswith("line 3: the capacity 'two' is not a whole number from 1 to 20")
    assert problems[2].startswith("line 4: the capacity '0'")
    assert problems[3].startswith("line 5: the capacity '21'")
    assert problems[4].startswith("line 6: wants 'abroad' is not inside, outside or either")
    assert problems[5] == "line 7: the organization is 121 characters; the limit is 120"
    with pytest.raises(CohortError, match="line 2: the role"):
        cohorts.create_cohort("bad", roster=path)


@both_stores
def test_participants_keep_their_roles_in_the_store():
    cohorts.create_cohort("ex", roster=EXAMPLE)
    people = cohorts.participants("ex")
    assert Counter(p.role for p in people) == {"mentor": 6, "mentee": 12}
    grace = next(p for p in people if p.display_name == "Grace Liu")
    assert (grace.capacity, grace.organization, grace.is_mentor, grace.is_mentee) == (
        2,
        "Northwind",
        True,
        False,
    )
    assert next(p for p in people if p.display_name == "Tom Becker").wants == "outside"


def test_old_cohorts_without_role_columns_still_load(clean_env):
    """A database made before roles (migrations 1 to 4) gets the columns; its people read
    as mentees, and matching says how to add mentors."""
    from sqlalchemy import create_engine, text

    from coach.store import database_url
    from coach.store_schema import MIGRATIONS, apply_migrations

    engine = create_engine(database_url(clean_env))
    apply_migrations(
        MIGRATIONS[:4],
        begin=engine.begin,
        execute=lambda conn, sql, params: conn.execute(text(sql), params),
        table="schema_migrations",
    )
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cohorts VALUES ('old', 'Old', '2026-01-01T00:00:00.000+00:00', "
                "'2099-01-01T00:00:00.000+00:00', NULL, 'http://127.0.0.1:8866', 'h', 7)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO participants VALUES ('p_1', 'old', 'Ana', '', '[]', "
                "'[\"Learn SQL\"]', 't', '2026-01-01T00:00:00.000+00:00')"
            )
        )
    engine.dispose()
    (ana,) = cohorts.participants("old")
    assert (ana.display_name, ana.goals, ana.role, ana.capacity, ana.wants) == (
        "Ana",
        ("Learn SQL",),
        "mentee",
        2,
        "either",
    )
    with pytest.raises(CohortError, match="no mentors: its roster needs a 'role' column"):
        cohorts.propose("old")
    assert cohorts.matches("old") == []


# --- the matcher -------------------------------------------------------------------


@both_stores
def test_the_matcher_is_deterministic_for_a_seed(tmp_path):
    cohorts.create_cohort("d", roster=mentoring(tmp_path))

    def proposal(seed):
        return by_name(cohorts.propose("d", seed=seed))

    assert proposal(5) == proposal(5)
    made = cohorts.get_cohort("d")
    assert made is not None and proposal(None) == proposal(made.seed)
    assert len({json.dumps(proposal(s), sort_keys=True) for s in range(6)}) > 1


@both_stores
def test_six_mentors_of_capacity_two_take_twelve_mentees_and_nobody_more(tmp_path):
    cohorts.create_cohort("c2", roster=mentoring(tmp_path, capacity=2))
    found = cohorts.propose("c2", seed=1)
    assert len(found) == 12 and all(m.matched for m in found)
    assert set(Counter(m.mentor_name for m in found).values()) == {2}
    assert all(m.status == "proposed" and m.reason for m in found)


@both_stores
def test_with_capacity_one_six_mentees_are_reported_unmatched(tmp_path):
    cohorts.create_cohort("c1", roster=mentoring(tmp_path, capacity=1))
    found = cohorts.propose("c1", seed=1)
    matched = [m for m in found if m.matched]
    unmatched = [m for m in found if not m.matched]
    assert len(matched) == 6 and set(Counter(m.mentor_id for m in matched).values()) == {1}
    assert len(unmatched) == 6
    assert {m.reason for m in unmatched} == {"unmatched: no mentor has capacity left"}
    assert {m.status for m in unmatched} == {"unmatched"}


@both_stores
def test_goals_that_meet_an_offer_come_first_and_the_reason_names_the_words(tmp_path):
    path = roster(
        tmp_path,
        [
            "Bo,mentor,1,,,watercolour painting,",
            "Cy,mentor,1,,,SQL dashboards;pricing,",
            "Di,mentor,1,,,beekeeping,",
            "Ana,mentee,,,,,Get confident with SQL reporting and pricing",
            "Ed,mentee,,,,,Find my feet",
        ],
    )
    cohorts.create_cohort("g", roster=path)
    for seed in range(8):
        ana = next(m for m in cohorts.propose("g", seed=seed) if m.mentee_name == "Ana")
        assert ana.mentor_name == "Cy"
        assert ana.reason == "goals ↔ offers: pricing, sql" and ana.words == ("pricing", "sql")
        assert ana.score == 50  # two of her four meaningful goal words


@both_stores
def test_inside_and_outside_are_honoured_and_said_when_nobody_fits(tmp_path):
    path = roster(
        tmp_path,
        [
            "Home Mentor,mentor,1,Northwind,,gardening,",
            "Away Mentor,mentor,1,Contoso,,SQL,",
            "Ina,mentee,,northwind,inside,,Learn SQL",
            "Otto,mentee,,Northwind,outside,,Learn gardening",
        ],
    )
    cohorts.create_cohort("io", roster=path)
    for seed in range(5):
        found = {m.mentee_name: m for m in cohorts.propose("io", seed=seed)}
        # each would score better with the other mentor, but asked otherwise
        assert found["Ina"].mentor_name == "Home Mentor"
        assert found["Ina"].reason == "no goal ↔ offer match; inside their organization, as asked"
        assert found["Otto"].mentor_name == "Away Mentor"
        assert "outside their organization, as asked" in found["Otto"].reason

    # two who want a mentor from outside, one mentor outside: the other gets one inside, said so
    path = roster(
        tmp_path,
        [
            "Inside Mentor,mentor,1,Acme,,Python,",
            "Outside Mentor,mentor,1,Globex,,Python,",
            "Ann,mentee,,Acme,outside,,Learn Python",
            "Ben,mentee,,Acme,outside,,Learn Python",
        ],
        "o.csv",
    )
    cohorts.create_cohort("out", roster=path)
    found = {m.mentor_name: m for m in cohorts.propose("out", seed=3)}
    assert "outside their organization, as asked" in found["Outside Mentor"].reason
    assert found["Inside Mentor"].reason == (
        "goals ↔ offers: python; not outside their organization as asked: no mentor outside "
        "it had capacity left"
    )


@both_stores
def test_someone_who_is_both_is_never_their_own_mentor(tmp_path):
    path = roster(
        tmp_path,
        ["Pat,both,1,,,SQL,Learn SQL", "Quinn,both,1,,,SQL,Learn SQL", "Ray,mentee,,,,,Learn SQL"],
    )
    cohorts.create_cohort("b", roster=path)
    for seed in range(6):
        found = cohorts.propose("b", seed=seed)
        assert all(m.mentee_id != m.mentor_id for m in found)
        pairs = {(m.mentee_id, m.mentor_id) for m in found if m.matched}
        assert not any((b, a) in pairs for a, b in pairs)  # nor each other's
    pat = next(p for p in cohorts.participants("b") if p.display_name == "Pat")
    with pytest.raises(CohortError, match="Pat cannot be their own mentor"):
        cohorts.swap("b", pat.id, pat.id)


@both_stores
def test_approved_matches_survive_a_new_proposal_and_use_up_capacity(tmp_path):
    cohorts.create_cohort("a", roster=mentoring(tmp_path, capacity=1))
    first = next(m for m in cohorts.propose("a", seed=1) if m.matched)
    (approved,) = cohorts.approve("a", first.mentee_id)
    assert approved.status == "approved" and approved.mentor_id == first.mentor_id
    for seed in range(2, 6):
        found = {m.mentee_id: m for m in cohorts.propose("a", seed=seed)}
        kept = found[first.mentee_id]
        assert (kept.mentor_id, kept.status) == (first.mentor_id, "approved")
        others = [m for m in found.values() if m.mentor_id == first.mentor_id]
        assert others == [kept]  # capacity 1: taken by the approved match
        assert sum(m.matched for m in found.values()) == 6
    assert len(cohorts.approve("a")) == 5  # the rest; the approved one is not counted again
    assert {m.status for m in cohorts.matches("a") if m.matched} == {"approved"}


@both_stores
def test_swap_moves_a_mentee_and_refuses_a_mentor_without_capacity(tmp_path):
    cohorts.create_cohort("s", roster=mentoring(tmp_path, capacity=2))
    found = cohorts.propose("s", seed=1)
    cohorts.approve("s")
    one, other = found[0], next(m for m in found if m.mentor_id != found[0].mentor_id)
    with pytest.raises(CohortError, match="already has 2 mentees, their capacity"):
        cohorts.swap("s", one.mentee_id, other.mentor_id)
    mentors = [p for p in cohorts.participants("s") if p.is_mentor]
    with pytest.raises(CohortError, match="is not a mentor"):
        cohorts.swap("s", one.mentee_id, one.mentee_id)
    with pytest.raises(CohortError, match="is not a mentee"):
        cohorts.swap("s", mentors[0].id, mentors[1].id)
    # free a place: the mentee moves, as a proposal to approve again
    get_store().delete("cohort:s", "match", other.mentee_id)
    assert cohorts.capacity_left("s")[other.mentor_id] == 1
    moved = cohorts.swap("s", one.mentee_id, other.mentor_id)
    assert (moved.mentor_id, moved.status) == (other.mentor_id, "proposed")
    assert "chosen by hand" not in moved.reason  # everyone asked for "either"
    assert cohorts.match_for(one.mentee_id).mentor is None  # not approved (again) yet


@both_stores
def test_participants_see_only_approved_matches(tmp_path):
    cohorts.create_cohort("p", roster=mentoring(tmp_path))
    found = cohorts.propose("p", seed=2)
    m = found[0]
    assert cohorts.match_for(m.mentee_id) == cohorts.MyMatches()
    assert cohorts.match_for(m.mentor_id).mentees == ()
    cohorts.approve("p", m.mentee_id)
    mine = cohorts.match_for(m.mentee_id)
    assert mine.mentor is not None and mine.mentor.mentor_name == m.mentor_name
    assert mine.mentees == ()
    theirs = cohorts.match_for(m.mentor_id)
    assert theirs.mentor is None and [x.mentee_name for x in theirs.mentees] == [m.mentee_name]
    assert cohorts.match_for("p_unknown") == cohorts.MyMatches()


def test_five_hundred_participants_match_in_well_under_a_second():
    from coach.cohorts.matching import _assign
    from coach.cohorts.model import Participant
    from coach.cohorts.words import _Side

    topics = "sql pricing python speaking hiring roadmaps design finance cloud sales".split()
    people = [
        Participant(
            f"p{i}",
            "x",
            f"P{i}",
            role="mentor" if i % 2 else "mentee",
            capacity=1 + i % 3,
            organization=f"Org{i % 5}",
            wants=("inside", "outside", "either")[i % 3],
        )
        for i in range(500)
    ]
    sides = {
        p.id: _Side(
            {t: t for t in topics[i % 7 : i % 7 + 3]},
            {t: t for t in topics[i % 5 : i % 5 + 3]},
            p.organization,
        )
        for i, p in enumerate(people)
    }
    mentors = [p for p in people if p.is_mentor]
    mentees = [p for p in people if p.is_mentee]
    started = time.perf_counter()
    found = _assign(mentees, mentors, sides, Counter(), {}, 1)
    assert time.perf_counter() - started < 1.0
    assert len(found) == 250
    load = Counter(t.id for t, _f in found.values())
    assert all(load[t.id] <= t.capacity for t in mentors)


# --- the pairing-fit pulse -------------------------------------------------------------


@both_stores
def test_a_poor_fit_is_flagged_with_a_rematch_suggestion(tmp_path):
    path = roster(
        tmp_path,
        [
            "Grace,mentor,1,,,SQL,",
            "Sam,mentor,1,,,SQL;reporting,",
            "Ivy,mentor,1,,,knitting,",
            "Ana,mentee,,,,,Learn SQL reporting",
            "Bo,mentee,,,,,Learn knitting",
        ],
    )
    cohorts.create_cohort("f", roster=path)
    found = {m.mentee_name: m for m in cohorts.propose("f", seed=1)}
    ana = found["Ana"]
    assert ana.mentor_name == "Sam"
    cohorts.approve("f")
    pulse = cohorts.fit_pulse()
    assert [q.text for q in pulse.questions] == [
        "The first meeting was useful",
        "I felt I could speak openly",
        "I want to meet again",
    ]
    assert cohorts.fit_report("f")[0].mentee_average is None

    cohorts.answer_fit(ana.mentee_id, ana.mentor_id, {"useful": 4, "open": 5, "again": 4})
    cohorts.answer_fit(ana.mentor_id, ana.mentee_id, {"useful": 5, "open": 5, "again": 5})
    row = next(r for r in cohorts.fit_report("f") if r.match.mentee_name == "Ana")
    assert (row.mentee_average, row.mentor_average, row.flagged) == (4.33, 5.0, False)
    assert cohorts.fit_answers(ana.mentee_id, ana.mentor_id) == {"useful": 4, "open": 5, "again": 4}

    # "I want to meet again" at 2 flags it, whatever the average
    cohorts.answer_fit(ana.mentee_id, ana.mentor_id, {"useful": 5, "open": 5, "again": 2})
    row = next(r for r in cohorts.fit_report("f") if r.match.mentee_name == "Ana")
    assert row.flagged
    free = {p.display_name for p in cohorts.participants("f")} - {
        m.mentor_name for m in found.values()
    }
    assert row.suggestion_name in free and row.suggestion_name == "Grace"  # SQL, capacity left
    # a low average flags too; the re-match makes the suggestion a proposal
    cohorts.answer_fit(ana.mentee_id, ana.mentor_id, {"useful": 2, "open": 2, "again": 3})
    assert next(r for r in cohorts.fit_report("f") if r.match.mentee_name == "Ana").flagged
    moved = cohorts.swap("f", ana.mentee_id, row.suggestion_id)
    assert (moved.mentor_name, moved.status) == ("Grace", "proposed")
    cohorts.approve("f", ana.mentee_id)
    fresh = next(r for r in cohorts.fit_report("f") if r.match.mentee_name == "Ana")
    assert (fresh.mentee_average, fresh.flagged) == (None, False)  # the old answers were for Sam


@both_stores
def test_the_pulse_takes_three_answers_from_one_to_five_about_an_approved_match(tmp_path):
    cohorts.create_cohort("q", roster=mentoring(tmp_path))
    m = cohorts.propose("q", seed=1)[0]
    good = {"useful": 3, "open": 3, "again": 3}
    with pytest.raises(CohortError, match="approved match"):
        cohorts.answer_fit(m.mentee_id, m.mentor_id, good)  # proposed only
    cohorts.approve("q", m.mentee_id)
    for bad, message in (
        ({"useful": 3, "open": 3}, "I want to meet again"),
        ({**good, "extra": 1}, "Answer each question"),
        ({**good, "open": 6}, "from 1 to 5"),
        ({**good, "open": True}, "whole numbers"),
    ):
        with pytest.raises(CohortError, match=message):
            cohorts.answer_fit(m.mentee_id, m.mentor_id, bad)
    stranger = next(x for x in cohorts.matches("q") if x.mentor_id != m.mentor_id)
    with pytest.raises(CohortError, match="approved match"):
        cohorts.answer_fit(m.mentee_id, stranger.mentor_id, good)
    cohorts.answer_fit(m.mentee_id, m.mentor_id, good)
    saved = get_store().get(m.mentee_id, "fit", m.mentee_id)
    assert saved is not None and saved["other"] == m.mentor_id and saved["answers"] == good


# --- privacy -----------------------------------------------------------------------


@both_stores
def test_the_facilitator_side_names_only_the_matched_words(tmp_path):
    from coach.widgets.match_review import MatchReview

    path = roster(
        tmp_path,
        [
            "Cy,mentor,2,,,SQL dashboards,",
            "Di,mentor,2,,,pricing,",
            "Ana,mentee,,,,,Get confident with SQL zanzibarish reporting",
        ],
    )
    created = cohorts.create_cohort("priv", roster=path)
    bo = next(p for p, _u in created.links if p.display_name == "Di")
    get_store().put(bo.id, "profile", "me", {"name": "Di", "offer": ["quokkaform gardening"]})
    ana = next(p for p, _u in created.links if p.display_name == "Ana")
    get_store().put(ana.id, "goal", "1", {"title": "Secret plan with glimmerquist pricing"})
    found = cohorts.propose("priv", seed=1)
    cohorts.approve("priv")
    cohorts.answer_fit(ana.id, found[0].mentor_id, {"useful": 1, "open": 1, "again": 1})
    board = MatchReview("priv", seed=lambda: 1)
    cli = subprocess.run(
        [EXE, "cohort", "match", "priv", "--json"], capture_output=True, text=True, timeout=120
    )
    shown = "\n".join(
        [
            json.dumps([m.to_dict() for m in cohorts.matches("priv")], ensure_ascii=False),
            json.dumps([r.to_dict() for r in cohorts.fit_report("priv")], ensure_ascii=False),
            json.dumps(get_store().all("cohort:priv", "match"), ensure_ascii=False),
            all_text(board),
            cli.stdout,
        ]
    )
    assert cli.returncode == 0, cli.stderr
    assert found[0].words in (("sql",), ("pricing",))  # a tie: either mentor
    assert f"goals ↔ offers: {found[0].words[0]}" in shown
    assert "Poor fit reported: consider" in shown
    for private in ("zanzibarish", "glimmerquist", "Secret plan", "confident", "reporting"):
        assert private not in shown


# --- widgets -------------------------------------------------------------------------


def test_the_dashboard_section_proposes_swaps_and_approves(tmp_path):
    from coach.widgets.match_review import MatchReview

    cohorts.create_cohort("dash", roster=EXAMPLE)
    board = MatchReview("dash", seed=lambda: 4)
    assert "No matches yet" in all_text(board)
    find(board, w.Button, "mw-propose")[0].click()
    rows = find(board, w.HBox, "mw-match-row")
    assert len(rows) == 12 and "12 of 12 mentees" in board.message.value
    assert "Hana Kim" in all_text(board) and "analytics, careers, sql" in all_text(board)

    # swap: the dropdown offers only mentors with capacity left, plus the current one
    pick = find(rows[0], w.Dropdown, "mw-swap")[0]
    assert [v for _label, v in pick.options] == [pick.value]  # everyone is full
    find(rows[0], w.Button, "mw-approve")[0].click()
    assert "Approved 1 match:" in board.message.value
    assert len(find(board, w.HTML, "mw-status-approved")) == 1
    find(board, w.Button, "mw-approve-all")[0].click()
    assert "Approved 11 matches" in board.message.value
    assert len(find(board, w.HTML, "mw-status-approved")) == 12
    assert find(board, w.Button, "mw-approve-all")[0].disabled

    # a poor fit: flagged, and the one-click re-match proposes the suggestion
    m = cohorts.matches("dash")[0]
    cohorts.answer_fit(m.mentee_id, m.mentor_id, {"useful": 1, "open": 2, "again": 1})
    board.show_fits()
    assert "no other mentor has capacity left" in all_text(board.fits)
    get_store().delete("cohort:dash", "match", cohorts.matches("dash")[-1].mentee_id)
    board.show_fits()
    (again,) = find(board, w.Button, "mw-rematch")
    assert "Poor fit reported: consider" in all_text(board.fits)
    again.click()
    assert cohorts.matches("dash")[0].status == "proposed"


def test_the_dashboard_section_says_how_to_add_mentors(tmp_path):
    from coach.widgets.match_review import MatchReview

    cohorts.create_cohort("plain", seats=3)
    assert "needs a &#x27;role&#x27; column" in all_text(MatchReview("plain", seed=lambda: 1))


def test_a_participant_sees_their_match_once_approved_and_answers_the_pulse(tmp_path):
    from coach.widgets.match import FitPulseForm, MatchPanel

    cohorts.create_cohort("me", roster=EXAMPLE)
    found = {m.mentee_name: m for m in cohorts.propose("me", seed=1)}
    hana = found["Hana Kim"]
    panel = MatchPanel(hana.mentee_id)
    mentor_panel = MatchPanel(hana.mentor_id)
    try:
        assert len(panel.children) == len(mentor_panel.children) == 0
        cohorts.approve("me", hana.mentee_id)
        panel.update()
        mentor_panel.update()
        assert f"Your mentor: <b>{hana.mentor_name}</b> — why: goals ↔ offers" in all_text(panel)
        assert "Your mentees: <b>Hana Kim</b>" in all_text(mentor_panel)
        (form,) = find(panel, FitPulseForm)
        assert form.body.layout.display == "none"  # one line until the person asks for it
        form.opener.click()
        assert form.body.layout.display is None
        form.save()
        assert "Answer each of the three questions" in form.status.value
        for choice, value in zip(form.answers.values(), (4, 5, 2)):
            choice.value = value
        find(form, w.Button, "mw-fit-save")[0].click()
        assert "Thank you" in form.status.value
        assert cohorts.fit_answers(hana.mentee_id, hana.mentor_id) == {
            "useful": 4,
            "open": 5,
            "again": 2,
        }
        assert cohorts.fit_report("me")[0].flagged  # "I want to meet again": 2
        reopened = MatchPanel(hana.mentee_id)
        (again,) = find(reopened, FitPulseForm)
        assert again.body.layout.display is None  # answered: shown open, to change
        reopened.close()
    finally:
        panel.close()
        mentor_panel.close()


# --- the command line ---------------------------------------------------------------


def test_cli_cohort_match_proposes_prints_json_and_approves(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120)

    made = run("cohort", "create", "cli", "--roster", str(EXAMPLE), "--out", str(tmp_path))
    assert made.returncode == 0, made.stderr
    text = run("cohort", "match", "cli", "--seed", "3")
    assert text.returncode == 0, text.stderr
    assert "Review, swap and approve them on the facilitator dashboard" in text.stdout
    assert "Hana Kim → Grace Liu  score 75, proposed" in text.stdout
    data = json.loads(run("cohort", "match", "cli", "--seed", "3", "--json").stdout)
    assert data["seed"] == 3 and len(data["matches"]) == 12 and data["unmatched"] == []
    first = data["matches"][0]
    assert set(first) == {
        "mentee_id",
        "mentee",
        "mentor_id",
        "mentor",
        "score",
        "reason",
        "words",
        "status",
    }
    assert {m["status"] for m in data["matches"]} == {"proposed"}
    approved = json.loads(run("cohort", "match", "cli", "--approve-all", "--json").stdout)
    assert {m["status"] for m in approved["matches"]} == {"approved"}
    none = run("cohort", "match", "nope")
    assert none.returncode == 2 and "There is no cohort 'nope'" in none.stderr


@both_stores
def test_purging_a_cohort_removes_its_matches(tmp_path):
    cohorts.create_cohort("gone", roster=mentoring(tmp_path))
    cohorts.propose("gone", seed=1)
    assert get_store().all("cohort:gone", "match")
    cohorts.close_cohort("gone", purge=True)
    assert get_store().all("cohort:gone", "match") == []


def test_the_match_panel_stops_following_when_it_is_closed():
    import threading

    from coach.widgets.match import MatchPanel

    def running() -> int:
        return sum(t.name == "mw-match" and t.is_alive() for t in threading.enumerate())

    before = running()
    panel = MatchPanel("p_nobody")
    assert running() == before + 1 and len(panel.children) == 0
    panel.close()
    deadline = time.monotonic() + 5
    while running() != before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running() == before
