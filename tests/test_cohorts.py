"""Workshop cohorts: the command line end to end, rosters, tokens, pairing, export, close.

Everything runs against the real SQLite store under the test's own COACH_HOME.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach import cohorts
from coach.cohorts import CohortError
from coach.store import OWNER, get_store
from tests.helpers import present

# every test runs on the default SQLite store and on PostgreSQL (tests/pg.py)
pytestmark = pytest.mark.usefixtures("backend")

EXE = str(Path(sys.executable).parent / "mentor-coach")
ROSTER = Path(__file__).parent / "data" / "roster.csv"
UTC = dt.timezone.utc


def run(*args: str, cwd: Path | None = None, input: str | None = None):
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, input=input, cwd=cwd, timeout=300
    )


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


# --- the command line ------------------------------------------------------------


def test_cli_runs_a_workshop_from_create_to_purge(tmp_path):
    out = tmp_path / "handouts"
    created = run("cohort", "create", "spring", "--roster", str(ROSTER), "--out", str(out))
    assert created.returncode == 0, created.stderr
    assert "12 participants" in created.stdout
    assert created.stdout.count("/facilitator/") == 1
    assert "/join/" not in created.stdout + created.stderr  # join links only in the handout
    for suffix in ("html", "pdf"):
        path = out / f"spring-handout.{suffix}"
        assert path.exists() and str(path) in created.stdout
        assert (path.stat().st_mode & 0o777) == 0o600
    page = (out / "spring-handout.html").read_text(encoding="utf-8")
    assert page.count("/join/") == 12 and "/facilitator/" not in page

    listed = json.loads(run("cohort", "list", "--json").stdout)
    assert [(c["name"], c["participants"], c["state"]) for c in listed] == [("spring", 12, "open")]

    people = {p.display_name: p for p in cohorts.participants("spring")}
    get_store().put(people["Priya Raman"].id, "goal", "1", {"title": "Lead discovery"})
    cohorts.record_activity(people["Priya Raman"].id, "network")
    status = json.loads(run("cohort", "status", "spring", "--json").stdout)
    assert status["counts"]["goals"] == 1
    row = next(r for r in status["participants"] if r["display_name"] == "Priya Raman")
    assert row["steps_done"] == ["goals"] and row["current_step"] == "network"
    table = run("cohort", "status", "spring")
    assert table.returncode == 0 and "Priya Raman" in table.stdout and "✓" in table.stdout

    pairs = json.loads(run("cohort", "pairs", "spring", "--size", "3", "--json").stdout)
    names = [n for g in pairs["groups"] for n in g["members"]]
    assert sorted(names) == sorted(people)
    assert run("cohort", "pairs", "spring", "--seed", "7").returncode == 0

    exported = run("cohort", "export", "spring")
    assert exported.stdout.splitlines()[0].startswith("display_name,goals,network")
    run("cohort", "export", "spring", "--out", str(tmp_path / "progress.csv"))
    assert (tmp_path / "progress.csv").read_text(encoding="utf-8") == exported.stdout

    refused = run("cohort", "close", "spring", "--purge", input="")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert present(cohorts.get_cohort("spring")).closed_at is None  # nothing happened
    closed = run("cohort", "close", "spring", "--purge", "--yes", "--json")
    assert json.loads(closed.stdout) == {
        "cohort": "spring",
        "closed": True,
        "purged": True,
        "records": 2,
    }
    assert cohorts.participants("spring") == []
    assert json.loads(run("cohort", "list", "--json").stdout)[0]["state"] == "closed"


def test_cli_create_json_holds_the_secret_links_and_the_files(tmp_path):
    r = run("cohort", "create", "seats", "--seats", "3", "--json", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    links = data["secret_join_links"]
    assert [x["display_name"] for x in links] == ["Seat 1", "Seat 2", "Seat 3"]
    assert present(cohorts.resolve_token(token_of(links[0]["join_url"]))).display_name == "Seat 1"
    assert present(cohorts.resolve_facilitator(token_of(data["facilitator_url"]))).name == "seats"
    assert Path(data["handout"]["pdf"]).read_bytes().startswith(b"%PDF")


def test_cli_errors_are_one_line_and_create_nothing(tmp_path):
    both = run("cohort", "create", "x", "--roster", str(ROSTER), "--seats", "3")
    assert both.returncode == 2 and "not allowed with" in both.stderr
    neither = run("cohort", "create", "x")
    assert neither.returncode == 2 and "--roster" in neither.stderr
    bad = run("cohort", "create", "no/slash", "--seats", "2", "--out", str(tmp_path))
    assert bad.returncode == 2 and "letters, digits" in bad.stderr
    url = run(
        "cohort", "create", "x", "--seats", "2", "--base-url", "javascript:alert(1)", cwd=tmp_path
    )
    assert url.returncode == 2 and "http(s)" in url.stderr
    missing = run("cohort", "status", "nobody")
    assert missing.returncode == 2 and "cohort list" in missing.stderr
    for r in (both, neither, bad, url, missing):
        assert "Traceback" not in r.stderr
    assert cohorts.list_cohorts() == []


def test_cli_refuses_a_second_cohort_of_the_same_name_and_an_existing_handout(tmp_path):
    assert run("cohort", "create", "w", "--seats", "2", "--out", str(tmp_path)).returncode == 0
    again = run("cohort", "create", "w", "--seats", "2", "--out", str(tmp_path / "other"))
    assert again.returncode == 2 and "already a cohort 'w'" in again.stderr
    (tmp_path / "v-handout.html").write_text("keep me")
    clash = run("cohort", "create", "v", "--seats", "2", "--out", str(tmp_path))
    assert clash.returncode == 2 and "already exists" in clash.stderr
    assert (tmp_path / "v-handout.html").read_text() == "keep me"
    assert cohorts.get_cohort("v") is None


def test_cli_reports_a_malformed_roster(tmp_path):
    roster = write(tmp_path / "r.csv", "name,email\nAna,ana@x.org\nBo,ANA@x.org\n")
    r = run("cohort", "create", "bad", "--roster", str(roster), "--out", str(tmp_path))
    assert r.returncode == 2
    assert "duplicate e-mail 'ana@x.org' on lines 2, 3" in r.stderr
    assert "nothing was created" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert cohorts.list_cohorts() == [] and not list(tmp_path.glob("*handout*"))


# --- rosters ---------------------------------------------------------------------


def test_roster_in_latin1_says_where_and_to_save_as_utf8(tmp_path):
    path = write(tmp_path / "r.csv", "name\nAna\nJosé\n".encode("latin-1"))
    report = cohorts.read_roster(path)
    assert not report.ok
    (problem,) = report.problems
    assert "not UTF-8" in problem and "line 3" in problem and "save it as UTF-8" in problem
    with pytest.raises(CohortError, match="nothing was created"):
        cohorts.create_cohort("x", roster=path)
    assert cohorts.list_cohorts() == []


def test_roster_with_a_bom_and_a_display_name_header_is_fine(tmp_path):
    path = write(tmp_path / "r.csv", "\ufeffDisplay Name,E-mail\nJosé,jose@example.org\n")
    report = cohorts.read_roster(path)
    assert report.ok and report.entries[0].display_name == "José"
    assert report.entries[0].email == "jose@example.org"


def test_roster_without_a_name_column_lists_the_columns_found(tmp_path):
    report = cohorts.read_roster(write(tmp_path / "r.csv", "first,last,mail\nA,B,c@d.org\n"))
    (problem,) = report.problems
    assert "no 'name' column" in problem and "'first', 'last', 'mail'" in problem
    semi = cohorts.read_roster(write(tmp_path / "s.csv", "name;email\nAna;a@b.org\n"))
    assert "save it with commas" in semi.problems[0]


def test_roster_duplicates_are_reported_with_their_line_numbers(tmp_path):
    text = "name,email\nAna Lee,a@x.org\nBo,\n\nana  lee,\nCy,a@x.org\n"
    report = cohorts.read_roster(write(tmp_path / "r.csv", text))
    assert "duplicate name 'ana lee' on lines 2, 5" in report.problems
    assert "duplicate e-mail 'a@x.org' on lines 2, 6" in report.problems
    assert report.blank_lines == 1


def test_roster_of_ten_thousand_rows_stops_early_with_a_clear_error(tmp_path):
    rows = "".join(f"Person {n},p{n}@example.org\n" for n in range(10_000))
    report = cohorts.read_roster(write(tmp_path / "big.csv", "name,email\n" + rows))
    (problem,) = report.problems
    assert problem.startswith("too many rows") and "at most 500" in problem
    assert "line 502" in problem and report.entries == []
    with pytest.raises(CohortError, match="too many rows"):
        cohorts.create_cohort("big", roster=tmp_path / "big.csv")
    assert cohorts.list_cohorts() == []


def test_roster_empty_header_only_long_names_and_bad_cells(tmp_path):
    assert "empty" in cohorts.read_roster(write(tmp_path / "a.csv", "\n\n")).problems[0]
    assert "no participants" in cohorts.read_roster(write(tmp_path / "b.csv", "name\n")).problems[0]
    text = f'name,email,x\n{"N" * 81},\n,a@b.org\nAna,not-an-address\n"A, B",,1,2\n'
    problems = cohorts.read_roster(write(tmp_path / "c.csv", text)).problems
    assert problems == [
        "line 2: the name is 81 characters; the limit is 80",
        "line 3: the name is empty",
        "line 4: 'not-an-address' is not an e-mail address",
        "line 5 has 4 cells but the header has 3 (put a value containing a comma in double quotes)",
    ]


def test_roster_blank_lines_are_skipped_and_counted(tmp_path):
    report = cohorts.read_roster(write(tmp_path / "r.csv", "name\n\nAna\n , \n\nBo\n"))
    assert report.ok and [e.display_name for e in report.entries] == ["Ana", "Bo"]
    assert [e.line for e in report.entries] == [3, 6] and report.blank_lines == 3


def test_names_keep_html_as_text_lose_control_characters_and_are_escaped(tmp_path):
    text = 'name,offers\n"<script>alert(1)</script>",SQL; Python\nEve\u202e\x07 Ng,\n'
    created = cohorts.create_cohort("x", roster=write(tmp_path / "r.csv", text))
    names = [p.display_name for p in cohorts.participants("x")]
    assert names == ["<script>alert(1)</script>", "Eve Ng"]
    assert cohorts.participants("x")[0].offers == ("SQL", "Python")
    page = cohorts.handout_html(created)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- tokens ----------------------------------------------------------------------


def database_text() -> bytes:
    """Every row of every table, as text, whatever the backend."""
    from sqlalchemy import inspect, text

    engine = get_store().engine
    out = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                out.append(" ".join(str(v) for v in row))
    return "\n".join(out).encode()


def test_tokens_are_192_bit_urlsafe_and_only_their_hashes_are_stored(clean_env, backend):
    created = cohorts.create_cohort("t", roster=ROSTER)
    secrets_ = [token_of(url) for _p, url in created.links] + [token_of(created.facilitator_url)]
    assert len(set(secrets_)) == len(secrets_) == 13
    for token in secrets_:
        assert len(base64.urlsafe_b64decode(token + "==")) == 24  # 192 bits
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert "join" not in repr(created) and secrets_[0] not in repr(created)
    data = database_text()
    if backend == "sqlite":  # the file itself too, write-ahead log included
        get_store().engine.dispose()
        data += b"".join(p.read_bytes() for p in clean_env.glob("workbook.sqlite3*"))
    assert b"Priya Raman" in data  # the scan does see what is stored
    assert hashlib.sha256(secrets_[0].encode()).hexdigest().encode() in data
    for token in secrets_:
        assert token.encode() not in data


def test_resolve_token_knows_its_participant_and_nothing_else():
    created = cohorts.create_cohort("t", seats=2)
    (p1, url1), (p2, url2) = created.links
    assert cohorts.resolve_token(token_of(url1)) == p1
    assert present(cohorts.resolve_token(token_of(url2))).id == p2.id
    t = token_of(url1)
    near = t[:-1] + ("A" if t[-1] != "A" else "B")
    for wrong in ["", "x" * 10_000, near, "../../etc/passwd", None]:
        assert cohorts.resolve_token(wrong) is None  # type: ignore[arg-type]
    assert cohorts.resolve_facilitator(token_of(url1)) is None  # a join link is not a key
    assert cohorts.resolve_token(token_of(created.facilitator_url)) is None


def test_expired_cohorts_stop_resolving():
    past = dt.datetime.now(UTC) - dt.timedelta(days=3)
    old = cohorts.create_cohort("old", seats=1, days=2, now=past)
    assert cohorts.resolve_token(token_of(old.links[0][1])) is None
    assert cohorts.resolve_facilitator(token_of(old.facilitator_url)) is None
    assert present(cohorts.get_cohort("old")).state() == "expired"
    fresh = cohorts.create_cohort("fresh", seats=1, days=1)
    token = token_of(fresh.links[0][1])
    assert cohorts.resolve_token(token) is not None
    later = dt.datetime.now(UTC) + dt.timedelta(days=1, minutes=1)
    assert cohorts.resolve_token(token, now=later) is None


def test_closing_stops_every_link_at_once():
    created = cohorts.create_cohort("c", seats=2)
    assert cohorts.close_cohort("c") == 0
    assert all(cohorts.resolve_token(token_of(url)) is None for _p, url in created.links)
    assert cohorts.resolve_facilitator(token_of(created.facilitator_url)) is None
    assert len(cohorts.participants("c")) == 2  # closed, not purged


def test_purge_removes_only_that_cohorts_records():
    a = cohorts.create_cohort("a", seats=2)
    b = cohorts.create_cohort("b", seats=1)
    store = get_store()
    a1, a2, b1 = a.links[0][0].id, a.links[1][0].id, b.links[0][0].id
    for owner in (a1, a2, b1, OWNER):
        store.put(owner, "goal", "1", {"title": f"goal of {owner}"})
        store.put(owner, "draft", "d1", {"text": "hello"})
    assert cohorts.close_cohort("a", purge=True) == 4
    assert store.all(a1, "goal") == [] and store.all(a2, "draft") == []
    assert store.get(b1, "goal", "1") and store.get(OWNER, "goal", "1")
    assert cohorts.participants("a") == [] and len(cohorts.participants("b")) == 1
    assert cohorts.resolve_token(token_of(b.links[0][1])) is not None


def test_delete_cohort_removes_everything_and_frees_the_name():
    created = cohorts.create_cohort("gone", seats=2)
    get_store().put(created.links[0][0].id, "goal", "1", {"title": "x"})
    assert cohorts.delete_cohort("gone") == 1
    assert cohorts.get_cohort("gone") is None
    assert cohorts.resolve_token(token_of(created.links[0][1])) is None
    assert cohorts.create_cohort("gone", seats=1).cohort.participant_count == 1


# --- status, pairing, export, handout ---------------------------------------------


def test_status_counts_steps_and_shows_the_current_step_and_minutes():
    created = cohorts.create_cohort("s", seats=3)
    one, two, three = (p.id for p, _url in created.links)
    store, t0 = get_store(), dt.datetime(2030, 1, 1, 10, 0, tzinfo=UTC)
    store.put(one, "goal", "1", {"title": "  "})  # an empty goal is not a goal
    store.put(one, "network", "n", {"name": "x"})
    store.put(two, "goal", "2", {"title": "Lead discovery"})
    store.put(two, "candidate", "c", {"name": "y"})
    store.put(two, "draft", "d", {"text": "z"})
    store.put(two, "meeting", "m1", {"notes": "only notes"})
    store.put(three, "meeting", "m2", {"agenda": {"items": [{"title": "Intro"}]}})
    cohorts.record_activity(one, "goals", now=t0)
    report = cohorts.status("s", now=t0 + dt.timedelta(minutes=17, seconds=30))
    rows = {r.display_name: r for r in report.participants}
    assert rows["Seat 1"].steps_done == ["network"]
    assert rows["Seat 2"].steps_done == ["goals", "candidates", "outreach"]
    assert rows["Seat 3"].steps_done == ["meeting"]
    assert (rows["Seat 1"].current_step, rows["Seat 1"].minutes_on_step) == ("goals", 17)
    assert rows["Seat 1"].since == t0 and rows["Seat 2"].current_step is None
    assert report.counts == {"goals": 1, "network": 1, "candidates": 1, "outreach": 1, "meeting": 1}
    assert report.stuck(15) == ["Seat 1"] and report.stuck(20) == []
    assert "Lead discovery" not in json.dumps(report.to_dict())


def test_stuck_means_long_on_a_step_not_yet_done_not_on_other_pages():
    created = cohorts.create_cohort("k", seats=6)
    ids = [p.id for p, _url in created.links]
    store, t0 = get_store(), dt.datetime(2030, 1, 1, 10, 0, tzinfo=UTC)
    store.put(ids[1], "goal", "1", {"title": "Lead discovery"})
    store.put(ids[5], "goal", "1", {"title": "Lead discovery"})
    cohorts.record_activity(ids[0], "goals", now=t0)  # stuck: long on a step not done
    cohorts.record_activity(ids[1], "goals", now=t0)  # finished it and stayed on the page
    for i, page in ((2, "start"), (3, "coach"), (4, "progress")):  # not steps
        cohorts.record_activity(ids[i], page, now=t0)
    cohorts.record_activity(ids[5], "network", now=t0 + dt.timedelta(minutes=25))  # moved on
    report = cohorts.status("k", now=t0 + dt.timedelta(minutes=30))
    assert {r.display_name: r.minutes_on_step for r in report.participants} == {
        "Seat 1": 30,
        "Seat 2": 30,
        "Seat 3": 30,
        "Seat 4": 30,
        "Seat 5": 30,
        "Seat 6": 5,
    }
    assert report.stuck(10) == ["Seat 1"]
    assert report.stuck(4) == ["Seat 1", "Seat 6"]
    assert report.stuck(30) == []  # more than, not as long as


def _check_groups(groups, n: int, size: int) -> None:
    ids = [p.id for g in groups for p in g]
    assert len(ids) == len(set(ids)) == n  # everyone exactly once
    sizes = sorted(len(g) for g in groups)
    assert min(sizes) >= 2
    if n >= size and not (size == 3 and n == 5):
        assert set(sizes) <= {size, size + 1}, sizes


@pytest.mark.parametrize("size", [2, 3])
def test_pairs_respect_size_and_place_everyone_once(size):
    for n in range(2, 12):
        cohorts.create_cohort(f"n{n}-{size}", seats=n)
        _check_groups(cohorts.pairs(f"n{n}-{size}", size=size, seed=1), n, size)
    five = sorted(len(g) for g in cohorts.pairs(f"n5-{size}", size=size))
    assert five == [2, 3]


def test_pairs_are_deterministic_for_a_seed():
    cohorts.create_cohort("d", roster=ROSTER)

    def ids(seed):
        return [[p.id for p in g] for g in cohorts.pairs("d", size=2, seed=seed)]

    assert ids(5) == ids(5)
    assert ids(None) == ids(present(cohorts.get_cohort("d")).seed)
    assert len({json.dumps(ids(s)) for s in range(8)}) > 1  # other seeds, other groups


def test_pairs_prefer_a_goal_meeting_an_offer_and_say_only_the_matched_words(tmp_path):
    text = (
        "name,offers,goals\n"
        "Ana,,Get confident with SQL reporting\n"
        "Bo,watercolour painting,\n"
        "Cy,SQL dashboards,\n"
        "Di,beekeeping,\n"
    )
    cohorts.create_cohort("m", roster=write(tmp_path / "r.csv", text))
    for seed in range(10):
        groups = cohorts.pairs("m", seed=seed)
        ana = next(g for g in groups if "Ana" in [p.display_name for p in g])
        assert sorted(p.display_name for p in ana) == ["Ana", "Cy"]
        assert ana.reason == "goals ↔ offers match: sql"
        assert "confident" not in ana.reason and "reporting" not in ana.reason


def test_pairs_use_goals_and_offers_from_the_workbook_too():
    created = cohorts.create_cohort("w", seats=4)
    ids = [p.id for p, _url in created.links]
    get_store().put(ids[0], "goal", "1", {"title": "Practise public speaking"})
    get_store().put(ids[3], "profile", "me", {"name": "x", "offer": ["public speaking coaching"]})
    for seed in range(5):
        group = next(g for g in cohorts.pairs("w", seed=seed) if ids[0] in [p.id for p in g])
        assert ids[3] in [p.id for p in group] and "speaking" in group.reason


def test_pairs_need_two_people_and_a_valid_size():
    cohorts.create_cohort("solo", seats=1)
    with pytest.raises(CohortError, match="fewer than two"):
        cohorts.pairs("solo")
    cohorts.create_cohort("duo", seats=2)
    with pytest.raises(CohortError, match="--size 2 or --size 3"):
        cohorts.pairs("duo", size=4)
    assert [len(g) for g in cohorts.pairs("duo", size=3)] == [2]


def test_export_has_steps_and_last_active_but_no_tokens_emails_or_goal_text():
    created = cohorts.create_cohort("e", roster=ROSTER)
    priya = next(p for p, _url in created.links if p.display_name == "Priya Raman")
    get_store().put(priya.id, "goal", "1", {"title": "Secret plan to change teams"})
    text = cohorts.export_csv("e")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "display_name",
        "goals",
        "network",
        "candidates",
        "outreach",
        "meeting",
        "last_active",
    ]
    row = next(r for r in rows if r["display_name"] == "Priya Raman")
    assert row["goals"] == "1" and row["last_active"]
    assert {r["last_active"] for r in rows if r is not row} == {""}
    assert len(rows) == 12
    for _p, url in created.links:
        assert token_of(url) not in text
    for private in ("Secret plan", "priya@example.org", "Lead a product", "SQL dashboards"):
        assert private not in text


def test_export_cells_never_start_a_spreadsheet_formula(tmp_path):
    cohorts.create_cohort("f", roster=write(tmp_path / "r.csv", 'name\n"=HYPERLINK(""x"")"\n'))
    assert "'=HYPERLINK" in cohorts.export_csv("f")


def test_handouts_have_one_qr_per_participant_and_no_facilitator_link():
    created = cohorts.create_cohort("h", roster=ROSTER, title="Find your mentors")
    page = cohorts.handout_html(created)
    assert page.count('<svg viewBox="') == page.count('class="qr"') == 12
    assert page.count("Find your mentors") >= 12
    assert token_of(created.facilitator_url) not in page
    for _p, url in created.links:
        assert url in page
    pdf = cohorts.handout_pdf(created)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_handout_pdf_copes_with_unicode_and_the_longest_names(tmp_path):
    text = f"name\nÉlodie Łukasz Ōta\n{'W' * 80}\n"
    created = cohorts.create_cohort(
        "u", roster=write(tmp_path / "r.csv", text), base_url="https://" + "a" * 150 + ".org/"
    )
    assert created.links[0][1].startswith("https://" + "a" * 150 + ".org/join/")
    assert cohorts.handout_pdf(created).startswith(b"%PDF")


def test_create_checks_its_arguments():
    with pytest.raises(CohortError, match="either a roster"):
        cohorts.create_cohort("x")
    with pytest.raises(CohortError, match="either a roster"):
        cohorts.create_cohort("x", roster=ROSTER, seats=2)
    with pytest.raises(CohortError, match="from 1 to 500"):
        cohorts.create_cohort("x", seats=501)
    with pytest.raises(CohortError, match="1 to 365"):
        cohorts.create_cohort("x", seats=2, days=0)
    with pytest.raises(CohortError, match="http"):
        cohorts.create_cohort("x", seats=2, base_url="file:///etc")
    with pytest.raises(CohortError, match="Cannot read the roster"):
        cohorts.create_cohort("x", roster=Path("/nonexistent/roster.csv"))
    made = cohorts.create_cohort("x", seats=1, base_url="https://w.example.org/app/")
    assert made.links[0][1].startswith("https://w.example.org/app/join/")
    assert made.facilitator_url.startswith("https://w.example.org/app/facilitator/")
    with pytest.raises(CohortError, match="already a cohort 'x'"):
        cohorts.create_cohort("x", seats=1)


# --- the package -------------------------------------------------------------------


def test_the_package_exports_every_public_name_and_nothing_else():
    import importlib
    import inspect
    import pkgutil

    public = set()
    for info in pkgutil.iter_modules(cohorts.__path__):
        module = importlib.import_module(f"coach.cohorts.{info.name}")
        public |= {
            n
            for n, v in vars(module).items()
            if not n.startswith("_")
            and not inspect.ismodule(v)
            and getattr(v, "__module__", module.__name__) == module.__name__
            and n != "annotations"
        }
    assert sorted(cohorts.__all__) == sorted(public)
    assert all(getattr(cohorts, n) is not None for n in cohorts.__all__)


def test_importing_cohorts_loads_no_database_qr_or_pdf_library():
    code = (
        "import sys, coach.cohorts; "
        "print([m for m in ('sqlalchemy', 'segno', 'fpdf', 'matplotlib') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_superscript_and_other_script_digits_in_roster_names_sort_and_report(tmp_path):
    """ "²" is a digit to str.isdigit() but not to int(): status, export and pairs sorted
    names with one and raised ValueError (the dashboard calls the same code)."""
    roster = write(tmp_path / "r.csv", "name\nMaria 2²\nMaria 10\nMaria 2\nAhmed ٣\nZoë ¹⁰\n")
    cohorts.create_cohort("digits", roster=roster)
    names = [r.display_name for r in cohorts.status("digits").participants]
    assert names == ["Ahmed ٣", "Maria 2", "Maria 2²", "Maria 10", "Zoë ¹⁰"]
    assert "Maria 2²" in cohorts.export_csv("digits")
    assert sorted(p.display_name for g in cohorts.pairs("digits", seed=1) for p in g) == (
        sorted(names)
    )
