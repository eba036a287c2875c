"""The records layer (coach.workbook): typed records that old rows still load into, the
owner always explicit, one rule for step completion, and one migration runner."""

from __future__ import annotations

import ast
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from coach.store import get_store
from coach.workbook import (
    RECORDS,
    ActivityRecord,
    CandidateRecord,
    DraftRecord,
    FitRecord,
    GoalRecord,
    JournalRecord,
    MatchRecord,
    MeetingRecord,
    NetworkRecord,
    NudgeRecord,
    ProfileRecord,
    SharedRecord,
    Workbook,
)
from tests.helpers import REPO

SAMPLES = [
    ProfileRecord(
        name="Priya Raman", headline="Analyst", linkedin_account="premium", offer=["SQL"]
    ),
    GoalRecord(title="Lead a discovery project", why="to try product", target_date="2026-06-30"),
    NetworkRecord(name="Sam", side="inside", level="peer", industry="other"),
    CandidateRecord(
        name="Daniel Okafor",
        notes=["wrote on discovery sprints"],
        stage="replied",
        stage_dates={"idea": "2026-01-02", "replied": "2026-01-09"},
        ratings={"committed": 4},
    ),
    DraftRecord(candidate="c1", kind="email", subject="Hello", text="Hi Daniel", sent_at="x"),
    MeetingRecord(candidate="c1", phase="first-meeting", date="2026-02-01", agenda={"items": []}),
    JournalRecord(date="2026-02-02", text="First call", progress={"1": 25}),
    SharedRecord(kind="goal", key="1", field="title", label="goal 1"),
    ActivityRecord(step="goals", at="2026-02-02T10:00:00+00:00"),
    NudgeRecord(state="snoozed", until="2026-02-09", at="2026-02-02T10:00:00+00:00"),
    MatchRecord(mentee="s-1", mentor="s-2", score=0.8, reason="goals ↔ offers: sql", words=["sql"]),
    FitRecord(other="s-2", answers={"useful": 4, "comfortable": 5, "continue": 4}),
]


def test_every_kind_has_a_model_and_each_round_trips_through_the_store():
    assert {type(r).KIND for r in SAMPLES} == set(RECORDS)
    book = Workbook(get_store(), "me")
    for record in SAMPLES:
        get_store().put("me", record.KIND, "k", record.stored())
        assert book.get(type(record), "k") == record
        assert get_store().get("me", record.KIND, "k") == record.stored()


def test_a_row_an_older_version_wrote_still_loads_and_keeps_what_it_does_not_know():
    store = get_store()
    old = {"name": "Ada", "stage": "somewhere", "ratings": {"time": "lots"}, "notes": None}
    store.put("me", "candidate", "c1", {**old, "linkedin_url": "kept as it is"})
    book = Workbook(store, "me")
    found = book.candidate("c1")
    assert found is not None and found.name == "Ada"
    # fields it lacks, or holds in a shape that does not fit, read as their defaults
    assert (found.stage, found.ratings, found.notes, found.relation) == ("idea", {}, [], "outside")
    assert found.headline == "" and found.stage_dates == {}
    book.move_candidate("c1", "contacted", today=dt.date(2026, 3, 1))
    saved = store.get("me", "candidate", "c1")
    assert saved is not None
    assert saved["linkedin_url"] == "kept as it is" and saved["name"] == "Ada"
    assert saved["stage"] == "contacted" and saved["stage_dates"] == {"contacted": "2026-03-01"}
    store.put("me", "goal", "1", {"title": None, "measure": 7})
    assert book.goals() == [("1", GoalRecord(measure="7"))]
    store.put("me", "meeting", "m", {"agenda": "an agenda written as text"})
    assert book.get(MeetingRecord, "m").has_agenda  # type: ignore[union-attr]
    assert book.get(MeetingRecord, "m").planned_agenda() is None  # type: ignore[union-attr]


def test_a_field_the_kind_does_not_have_is_refused_before_anything_is_written():
    book = Workbook(get_store(), "me")
    with pytest.raises(ValueError, match="no field titel"):
        book.patch("goal", "1", {"titel": "typo"})
    assert get_store().get("me", "goal", "1") is None


def seed(book: Workbook) -> None:
    """A person part-way through: a named profile, one real goal and one empty, a candidate
    with a draft, a meeting with notes but no agenda, and a journal entry."""
    s, o = book.store, book.owner
    s.put(o, "profile", "me", {"name": "Ada"})
    s.put(o, "goal", "1", {"title": "Lead discovery"})
    s.put(o, "goal", "2", {"title": "   "})
    s.put(o, "candidate", "c1", {"name": "Daniel", "notes": ["ran a guild"]})
    s.put(o, "draft", "c1-email", {"candidate": "c1", "kind": "email", "text": "Hi"})
    s.put(o, "meeting", "c1-first-meeting", {"candidate": "c1", "notes": "notes only"})
    s.put(o, "journal", "j1", {"date": "2026-01-01", "text": "went well"})


def test_the_dashboard_and_the_step_bar_apply_one_rule_for_step_completion(monkeypatch):
    from coach.cohorts import STEPS, create_cohort, status
    from coach.widgets.app import STEPS as APP_STEPS
    from coach.widgets.app import steps_done as step_bar
    from coach.widgets.dashboard import STEP_LABELS

    created = create_cohort("rule", seats=2)
    ada, bea = (p.id for p, _link in created.links)
    book = Workbook(get_store(), ada)
    seed(book)
    get_store().put(bea, "meeting", "m", {"agenda": {"items": [{"title": "Intro"}]}})

    done = book.steps_done()
    assert done == {"profile", "goals", "candidates", "outreach", "journal"}
    rows = {r.participant_id: r.steps_done for r in status("rule").participants}
    assert rows[ada] == [s for s in STEPS if s in done]  # the facilitator's view
    assert rows[bea] == ["meeting"]
    bar = step_bar(book)  # the person's own step bar, by slug
    assert bar == {s.slug for s in APP_STEPS if s.done_when in done}
    assert bar == {"start", "goals", "candidates", "outreach", "progress"}
    assert list(STEP_LABELS) == list(STEPS)


def test_two_owners_in_one_store_never_see_each_others_records():
    from coach.errors import CoachError

    store = get_store()
    ada, bea = Workbook(store, "hub:ada"), Workbook(store, "hub:bea")
    seed(ada)
    assert bea.candidates() == [] and bea.goals() == [] and bea.journal() == []
    assert bea.steps_done() == set() and bea.profile() == ProfileRecord()
    assert bea.latest_draft("c1", "email") is None and bea.meeting("c1", "first-meeting") is None
    with pytest.raises(CoachError, match="no longer saved"):
        bea.pair_for("c1")
    assert bea.delete_candidate("c1") == 1  # only the (absent) candidate itself was Bea's
    assert ada.candidate("c1") is not None and len(ada.drafts()) == 1
    ada.share("draft", "c1-email", "text", "outreach draft")
    assert [i.text for i in ada.shared_items()] == ["Hi"] and bea.shared_items() == []
    assert ada.pair_for("c1")[1].name == "Daniel"
    assert ada.delete_candidate("c1") == 5  # draft, meeting, both share notes, candidate
    assert ada.shared_items() == [] and ada.drafts() == [] and ada.meetings() == []


def test_a_first_message_moves_a_candidate_to_contacted_only_from_an_earlier_stage():
    book = Workbook(get_store(), "me")
    from coach.profiles import MentorCandidate

    key = book.add_candidate(
        MentorCandidate(name="Daniel Okafor", notes=["ran a guild"]), today=dt.date(2026, 1, 1)
    )
    assert book.candidate(key).stage_dates == {"idea": "2026-01-01"}  # type: ignore[union-attr]
    assert book.mark_contacted(key, today=dt.date(2026, 1, 5))
    assert book.candidate(key).stage == "contacted"  # type: ignore[union-attr]
    book.move_candidate(key, "active")
    assert not book.mark_contacted(key)
    assert book.candidate(key).stage == "active"  # type: ignore[union-attr]
    assert not book.mark_contacted("nobody") and book.candidate("nobody") is None
    with pytest.raises(ValueError, match="not a stage"):
        book.move_candidate(key, "married")


def test_one_migration_runner_applies_each_migration_once_into_its_own_table(tmp_path: Path):
    from contextlib import contextmanager

    from coach import store_schema, turnlog
    from coach.store_schema import apply_migrations

    ran: list[str] = []

    def m1(db: sqlite3.Connection) -> None:
        ran.append("m1")
        db.execute("CREATE TABLE t (x INTEGER)")

    def m2(db: sqlite3.Connection) -> None:
        ran.append("m2")
        db.execute("ALTER TABLE t ADD COLUMN y INTEGER")

    db = sqlite3.connect(tmp_path / "x.sqlite3")

    @contextmanager
    def begin():
        with db:
            yield db

    def run(migrations: list) -> None:
        apply_migrations(
            migrations,
            begin=begin,
            execute=lambda c, sql, p: c.execute(sql, p),
            table="_mine",
            name_type="TEXT",
        )

    run([m1])
    run([m1, m2])
    run([m1, m2])
    assert ran == ["m1", "m2"]
    assert [r[0] for r in db.execute("SELECT name FROM _mine ORDER BY name")] == ["m1", "m2"]
    # the turn log and the store keep their own tables, under the names they always had
    log = turnlog.connect(tmp_path / "log.sqlite3")
    names = [r[0] for r in log.execute("SELECT name FROM _migrations")]
    assert names == [m.__name__ for m in turnlog.MIGRATIONS]
    with get_store().engine.connect() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT COUNT(*) FROM schema_migrations")).scalar() == len(
            store_schema.MIGRATIONS
        )


def _imports(path: Path) -> set[str]:
    """What a module imports, anywhere in it (inside functions too), by dotted name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_the_widgets_and_the_layer_import_no_circle():
    """candidates.py and outreach.py imported each other; their shared helpers live in
    coach.workbook now, which imports no view."""
    root = REPO / "coach"
    modules = {
        ".".join(p.relative_to(REPO).with_suffix("").parts): p
        for folder in ("widgets", "workbook")
        for p in (root / folder).glob("*.py")
    }
    graph = {m: _imports(p) & modules.keys() for m, p in modules.items()}
    assert not any(
        m.startswith("coach.widgets") for n in graph if "workbook" in n for m in graph[n]
    )

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert [m for m in graph if reaches(m, m, {m})] == []


def test_the_layer_exports_what_it_lists_each_with_a_docstring():
    import coach.workbook as layer

    for name in layer.__all__:
        assert (getattr(layer, name).__doc__ or "").strip(), name
    assert sorted(layer.__all__) == sorted(dir(layer))
