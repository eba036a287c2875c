"""Nothing is lost between tabs, windows or processes writing one record (issue 14, item 5).

Two widget instances bound to the same owner are two tabs; two Python processes are two
kernels. Each case runs on SQLite and on PostgreSQL (``backend``)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest

from coach.store import Conflict, Store, get_store
from coach.widgets import candidates_widget, goals_widget
from coach.widgets.candidates import CandidateCard
from coach.widgets.goals import GoalEditor
from tests.helpers import find

pytestmark = pytest.mark.usefixtures("backend")


def goal_tab() -> GoalEditor:
    """A new tab on the goals page: the editor of goal 1."""
    return find(goals_widget(), GoalEditor)[0]


def saved_goal() -> dict[str, Any]:
    """Goal 1 as the store holds it (every case here has saved it by then)."""
    saved = get_store().get("me", "goal", "1")
    assert saved is not None
    return saved


def field_note(editor: GoalEditor, name: str):
    """The "changed in another tab" note beside one field of a goal editor."""
    return next(f.note for f in editor.fields if f.field == name)


def store_url(home: Path) -> str:
    """The database this case runs on, for other processes to open."""
    from coach.settings import get_settings
    from coach.store import database_url

    configured = get_settings().database_url
    return configured.get_secret_value() if configured else database_url(home)


def run_together(tmp_path: Path, code: str, args: list[list[str]]) -> list[str]:
    """Start one process per argument list, let them all import and open the store, then
    release them at once (a file barrier); their printed output."""
    go = tmp_path / "go"
    prelude = (
        "import os, sys, time\n"
        "from coach.store import Store\n"
        "store = Store(sys.argv[1])\n"
        "open(sys.argv[2] + '.ready' + sys.argv[3], 'w').close()\n"
        "while not os.path.exists(sys.argv[2]): time.sleep(0.005)\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", prelude + code, *a[:1], str(go), str(i), *a[1:]],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i, a in enumerate(args)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.ready*"))) < len(procs):
        assert time.monotonic() < deadline, "the processes never got ready"
        assert all(p.poll() is None for p in procs), procs[0].communicate()[1].decode()[-2000:]
        time.sleep(0.01)
    go.touch()
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()[-2000:]
        outs.append(out.decode().strip())
    return outs


# -- two tabs on one goal -----------------------------------------------------------------


def test_two_tabs_editing_title_and_why_of_one_goal_keep_both(clean_env):
    tab1, tab2 = goal_tab(), goal_tab()  # both open before either types
    tab1.title.value = "Lead a product discovery project by June"
    tab2.why.value = "To find out whether product work suits me"
    saved = saved_goal()
    assert saved["title"] == "Lead a product discovery project by June"
    assert saved["why"] == "To find out whether product work suits me"
    tab1.measure.value = "One discovery sprint run end to end"
    assert saved_goal()["why"].startswith("To find out")
    for editor in (tab1, tab2):
        assert all(f.note.layout.display == "none" for f in editor.fields)  # nothing to say


def test_the_same_field_changed_in_two_tabs_asks_before_anything_is_overwritten(clean_env):
    tab1, tab2 = goal_tab(), goal_tab()
    tab1.why.value = "Because I want to lead"
    tab2.why.value = "Because my manager suggested it"
    # tab 2 keeps what was typed there, and says so beside the field
    assert tab2.why.value == "Because my manager suggested it"
    shown = field_note(tab2, "why")
    assert shown.layout.display != "none"
    assert (
        "Changed in another tab or window: the saved text is now “Because I want to lead”. "
        "Keep yours to save it over that, or Reload to see the other version."
    ) in shown.message.value
    assert saved_goal()["why"] == "Because I want to lead"
    agreed = "Because my manager suggested it, and I agree"
    tab2.why.value = agreed  # still not saved over the other
    assert saved_goal()["why"] == "Because I want to lead"
    assert tab2.why.value == agreed
    tab2.reload()  # the step shown again re-reads the store: the typed text stays
    assert tab2.why.value == agreed
    shown.keep.click()
    assert saved_goal()["why"] == "Because my manager suggested it, and I agree"
    assert shown.layout.display == "none"
    # tab 1 now holds an old copy: its next edit of the field asks in turn; Reload shows
    tab1.why.value = "Because I want to lead a team"
    note1 = field_note(tab1, "why")
    assert "my manager suggested it, and I agree" in note1.message.value
    note1.reload.click()
    assert tab1.why.value == agreed
    assert note1.layout.display == "none"
    assert saved_goal()["why"] == "Because my manager suggested it, and I agree"


def test_two_tabs_rating_and_editing_one_candidate_keep_both(clean_env):
    store = get_store()
    store.put("me", "candidate", "c1", {"name": "Daniel Okafor", "notes": ["ran a guild"]})
    tab1 = find(candidates_widget(), CandidateCard)[0]
    tab2 = find(candidates_widget(), CandidateCard)[0]
    tab1.ratings["approachable"].value = 5
    tab2.ratings["time"].value = 1
    tab2.stage.value = "contacted"
    tab1.edit.click()
    assert tab1.form is not None
    tab1.form.headline.value = "Director of Product"
    next(b for b in find(tab1, w.Button) if b.description == "Save changes").click()
    saved = store.get("me", "candidate", "c1")
    assert saved is not None
    assert saved["ratings"] == {"approachable": 5, "time": 1}
    assert saved["stage"] == "contacted" and "contacted" in saved["stage_dates"]
    assert saved["headline"] == "Director of Product" and saved["name"] == "Daniel Okafor"


# -- the store: versions, patch, update ---------------------------------------------------


def test_patch_merges_fields_checks_what_was_seen_and_counts_versions(clean_env):
    store = get_store()
    assert store.patch("me", "goal", "1", {"title": "a"}, expected={"title": None}) == 1
    assert store.patch("me", "goal", "1", {"why": "b"}) == 2
    assert store.get_versioned("me", "goal", "1") == ({"title": "a", "why": "b"}, 2)
    with pytest.raises(Conflict) as err:
        store.patch("me", "goal", "1", {"why": "c"}, expected={"why": "old"})
    assert err.value.fields == ["why"] and err.value.stored == {"title": "a", "why": "b"}
    assert store.get_versioned("me", "goal", "1") == ({"title": "a", "why": "b"}, 2)
    # the same text typed in two tabs is no conflict
    assert store.patch("me", "goal", "1", {"why": "b"}, expected={"why": "old"}) == 3
    assert store.update("me", "count", "n", lambda d: {"n": d.get("n", 0) + 1}) == 1
    assert store.update("me", "count", "n", lambda _d: None) == 1  # left as it is


def test_an_existing_database_gets_versions_starting_at_one(clean_env, monkeypatch):
    from sqlalchemy import text

    from coach.store_schema import MIGRATIONS

    url = store_url(clean_env)
    monkeypatch.setattr("coach.store.MIGRATIONS", MIGRATIONS[:3])  # what coach.store applies
    old = Store(url)  # the schema as it was, and a record written by the old code
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO records (owner, kind, key, data, created_at, updated_at) "
                "VALUES ('me', 'goal', '1', '{\"title\": \"old\"}', 't', 't')"
            )
        )
    old.engine.dispose()
    monkeypatch.undo()
    new = Store(url)
    assert new.get_versioned("me", "goal", "1") == ({"title": "old"}, 1)
    assert new.patch("me", "goal", "1", {"why": "w"}) == 2


# -- two processes ------------------------------------------------------------------------


def test_two_processes_each_patching_their_own_field_keep_both_last_values(clean_env, tmp_path):
    code = (
        "field = sys.argv[4]\n"
        "for i in range(200):\n"
        "    store.patch('me', 'goal', '1', {field: f'{field} {i}'})\n"
        "print('done')\n"
    )
    url = store_url(clean_env)
    outs = run_together(tmp_path, code, [[url, "title"], [url, "why"]])
    assert outs == ["done", "done"]
    found = Store(url).get_versioned("me", "goal", "1")
    assert found is not None
    data, version = found
    assert data == {"title": "title 199", "why": "why 199"}
    assert version == 400


def test_two_processes_incrementing_through_update_count_every_increment(clean_env, tmp_path):
    code = (
        "for _ in range(300):\n"
        "    store.update('me', 'count', 'n', lambda d: {**d, 'n': d.get('n', 0) + 1})\n"
        "print('done')\n"
    )
    url = store_url(clean_env)
    assert run_together(tmp_path, code, [[url], [url]]) == ["done", "done"]
    assert Store(url).get("me", "count", "n") == {"n": 600}
