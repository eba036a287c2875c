import sqlite3

from coach.store import Store, database_url, get_store


def test_documents_round_trip_and_are_scoped_by_owner(tmp_path):
    s = Store(database_url(tmp_path))
    s.put("me", "goal", "1", {"title": "Lead a discovery project", "n": 1})
    s.put("you", "goal", "1", {"title": "someone else's"})
    assert s.get("me", "goal", "1") == {"title": "Lead a discovery project", "n": 1}
    s.put("me", "goal", "1", {"title": "changed"})
    assert s.get("me", "goal", "1") == {"title": "changed"}
    assert [k for k, _ in s.all("me", "goal")] == ["1"]
    s.delete("me", "goal", "1")
    assert s.get("me", "goal", "1") is None
    assert s.get("you", "goal", "1") == {"title": "someone else's"}


def test_unicode_and_html_are_stored_as_they_are(tmp_path):
    s = Store(database_url(tmp_path))
    text = "José 導師 🚀 <img src=x onerror=alert(1)> '; DROP TABLE records; --"
    s.put("me", "candidate", "a", {"name": text})
    assert s.get("me", "candidate", "a") == {"name": text}


def test_two_tabs_see_each_others_writes_and_survive_a_restart(tmp_path):
    url = database_url(tmp_path)
    tab1, tab2 = Store(url), Store(url)
    tab1.put("me", "goal", "1", {"title": "from tab 1"})
    tab2.put("me", "goal", "2", {"title": "from tab 2"})
    assert len(tab1.all("me", "goal")) == 2
    restarted = Store(url)  # a kernel restart opens the file afresh
    assert restarted.get("me", "goal", "2") == {"title": "from tab 2"}
    with sqlite3.connect(tmp_path / "workbook.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [r[0] for r in db.execute("SELECT name FROM schema_migrations")] == [
            "_m001_records",
            "_m002_cohorts",
            "_m003_wider_owner",
        ]


def test_export_and_erase_cover_all_of_one_persons_data(tmp_path):
    s = Store(database_url(tmp_path))
    s.put("me", "goal", "1", {"title": "a"})
    s.put("me", "candidate", "x", {"name": "b"})
    s.put("other", "goal", "1", {"title": "c"})
    data = s.export("me")
    assert data["records"] == {"candidate": {"x": {"name": "b"}}, "goal": {"1": {"title": "a"}}}
    assert s.erase("me") == 2
    assert s.export("me")["records"] == {}
    assert s.get("other", "goal", "1") == {"title": "c"}


def test_the_default_store_lives_under_coach_home(clean_env):
    get_store().put("me", "goal", "1", {"title": "x"})
    assert (clean_env / "workbook.sqlite3").exists()


def test_many_processes_opening_a_new_database_at_once_all_succeed(tmp_path):
    """Voilà starts a pre-heated kernel per workbook together; each opens the store."""
    import subprocess
    import sys

    go = tmp_path / "go"
    code = (  # import first, then all open the store at the same moment
        "import os, sys, time, sqlalchemy; from coach.store import Store\n"
        "while not os.path.exists(sys.argv[3]): time.sleep(0.005)\n"
        "s = Store(sys.argv[1]); s.put('me', 'goal', sys.argv[2], {'title': 'x'}); print('ok')"
    )
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, url, str(i), str(go)], stdout=subprocess.PIPE)
        for i in range(10)
    ]
    import time

    time.sleep(3)  # every process has imported and is waiting
    go.touch()
    outs = [p.communicate(timeout=120)[0].decode().strip() for p in procs]
    assert outs == ["ok"] * 10
    from coach.store import Store

    assert len(Store(url).all("me", "goal")) == 10
