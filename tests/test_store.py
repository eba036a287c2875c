"""The workbook store, on the default SQLite file and on PostgreSQL (``backend``)."""

import sqlite3

import pytest

from coach.store import Store, database_url, get_store

pytestmark = pytest.mark.usefixtures("backend")


def url_of(backend: str, tmp_path) -> str:
    """The database this test case runs on (PostgreSQL: the fresh one from ``backend``)."""
    from coach.settings import get_settings

    configured = get_settings().database_url
    return configured.get_secret_value() if configured else database_url(tmp_path)


def test_documents_round_trip_and_are_scoped_by_owner(tmp_path, backend):
    s = Store(url_of(backend, tmp_path))
    s.put("me", "goal", "1", {"title": "Lead a discovery project", "n": 1})
    s.put("you", "goal", "1", {"title": "someone else's"})
    assert s.get("me", "goal", "1") == {"title": "Lead a discovery project", "n": 1}
    s.put("me", "goal", "1", {"title": "changed"})
    assert s.get("me", "goal", "1") == {"title": "changed"}
    assert [k for k, _ in s.all("me", "goal")] == ["1"]
    s.delete("me", "goal", "1")
    assert s.get("me", "goal", "1") is None
    assert s.get("you", "goal", "1") == {"title": "someone else's"}


def test_unicode_and_html_are_stored_as_they_are(tmp_path, backend):
    s = Store(url_of(backend, tmp_path))
    text = "José 導師 🚀 <img src=x onerror=alert(1)> '; DROP TABLE records; --"
    s.put("me", "candidate", "a", {"name": text})
    assert s.get("me", "candidate", "a") == {"name": text}


def test_two_tabs_see_each_others_writes_and_survive_a_restart(tmp_path, backend):
    url = url_of(backend, tmp_path)
    tab1, tab2 = Store(url), Store(url)
    tab1.put("me", "goal", "1", {"title": "from tab 1"})
    tab2.put("me", "goal", "2", {"title": "from tab 2"})
    assert len(tab1.all("me", "goal")) == 2
    restarted = Store(url)  # a kernel restart opens the file afresh
    assert restarted.get("me", "goal", "2") == {"title": "from tab 2"}
    from sqlalchemy import text

    with restarted.engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT name FROM schema_migrations"))]
    assert sorted(names) == [
        "_m001_records",
        "_m002_cohorts",
        "_m003_wider_owner",
        "_m004_record_version",
        "_m005_participant_roles",
    ]
    if backend == "sqlite":
        with sqlite3.connect(tmp_path / "workbook.sqlite3") as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_export_and_erase_cover_all_of_one_persons_data(tmp_path, backend):
    s = Store(url_of(backend, tmp_path))
    s.put("me", "goal", "1", {"title": "a"})
    s.put("me", "candidate", "x", {"name": "b"})
    s.put("other", "goal", "1", {"title": "c"})
    data = s.export("me")
    assert data["records"] == {"candidate": {"x": {"name": "b"}}, "goal": {"1": {"title": "a"}}}
    assert s.erase("me") == 2
    assert s.export("me")["records"] == {}
    assert s.get("other", "goal", "1") == {"title": "c"}


def test_the_store_is_chosen_by_configuration_alone(clean_env, backend):
    get_store().put("me", "goal", "1", {"title": "x"})
    assert (clean_env / "workbook.sqlite3").exists() == (backend == "sqlite")
    assert get_store().engine.dialect.name == backend


def test_many_processes_opening_a_new_database_at_once_all_succeed(tmp_path, backend):
    """Voilà starts a pre-heated kernel per workbook together; each opens the store."""
    import subprocess
    import sys

    go = tmp_path / "go"
    code = (  # import first, then all open the store at the same moment
        "import os, sys, time, sqlalchemy; from coach.store import Store\n"
        "open(sys.argv[3] + '.ready' + sys.argv[2], 'w').close()\n"
        "while not os.path.exists(sys.argv[3]): time.sleep(0.005)\n"
        "s = Store(sys.argv[1]); s.put('me', 'goal', sys.argv[2], {'title': 'x'}); print('ok')"
    )
    url = (
        url_of(backend, tmp_path / "new")
        if backend != "sqlite"
        else (f"sqlite:///{tmp_path / 'new.sqlite3'}")
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, url, str(i), str(go)], stdout=subprocess.PIPE)
        for i in range(10)
    ]
    import time

    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.ready*"))) < len(procs):  # all imported and waiting
        assert time.monotonic() < deadline, "the processes never got ready"
        assert all(p.poll() is None for p in procs), "a process exited before the start"
        time.sleep(0.01)
    go.touch()
    outs = [p.communicate(timeout=120)[0].decode().strip() for p in procs]
    assert outs == ["ok"] * 10
    from coach.store import Store

    assert len(Store(url).all("me", "goal")) == 10


def test_a_long_cohort_owner_fits(tmp_path, backend):
    """A cohort's shared state is stored under ``cohort:<name up to 64 characters>``."""
    from coach.workshop import cohort_owner

    s = Store(url_of(backend, tmp_path))
    owner = cohort_owner("x" * 64)
    s.put(owner, "segment", "current", {"name": "Goals"})
    assert s.get(owner, "segment", "current") == {"name": "Goals"}


def test_a_database_that_cannot_open_says_what_to_do_without_the_password(monkeypatch):
    from coach.settings import reset_settings
    from coach.store import StoreError, forget_stores

    monkeypatch.setenv(
        "COACH_DATABASE_URL", "postgresql://mentor:s3cret-pw@127.0.0.1:9/nowhere?connect_timeout=2"
    )
    reset_settings()
    forget_stores()
    with pytest.raises(StoreError) as err:
        get_store()
    assert "COACH_DATABASE_URL" in str(err.value) and "s3cret-pw" not in str(err.value)


def test_a_bad_database_url_is_a_clear_configuration_error(monkeypatch):
    from coach.settings import get_settings, reset_settings

    monkeypatch.setenv("COACH_DATABASE_URL", "mysql://x@y/z")
    reset_settings()
    with pytest.raises(Exception, match="postgresql://"):
        get_settings()
