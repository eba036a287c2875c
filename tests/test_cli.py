"""The `mentor-coach` command, run as a user runs it: a real subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.helpers import mixed_folder

EXE = str(Path(sys.executable).parent / "mentor-coach")


def run(*args: str, home: Path | None = None, input: str | None = None):
    env = dict(os.environ)
    if home is not None:
        env["COACH_HOME"] = str(home)
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, env=env, input=input, timeout=600
    )


def test_search_prints_cited_passages(indexed):
    r = run("search", "how do I ask someone to mentor me", "-k", "3")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("source: corpus/") == 3
    assert "[1] " in r.stdout


def test_search_json_has_the_documented_fields(indexed):
    r = run("search", "what do mentors get out of it", "-k", "4", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 4
    assert all(set(row) == {"id", "title", "section", "source", "score", "text"} for row in rows)


def test_bad_queries_give_one_line_errors_and_no_traceback(indexed):
    for query, code, words in [("", 2, "empty"), ("x" * 100_000, 2, "too long"), ("?!", 0, "")]:
        r = run("search", query)
        assert r.returncode == code
        assert "Traceback" not in r.stderr + r.stdout
        assert words in r.stderr + r.stdout


def test_index_reports_each_file_and_a_second_run_skips_everything(tmp_path):
    folder = mixed_folder(tmp_path / "docs")
    first = run("index", str(folder), "--corpus", "mine")
    assert first.returncode == 1, first.stderr  # the folder holds broken files: exit 1
    for name, status in [("guide.md", "indexed"), ("binary.txt", "error"), ("empty.md", "skipped")]:
        line = next(ln for ln in first.stdout.splitlines() if ln.rstrip(")").find(name) > 0)
        assert status in line, line
    assert "binary file" in first.stdout
    second = run("index", str(folder), "--corpus", "mine", "--json")
    assert second.returncode == 1  # the same broken files, the same exit status
    report = json.loads(second.stdout)
    assert report["summary"]["indexed"] == 0
    assert report["summary"]["unchanged"] == 5
    assert report["summary"]["error"] == 4


def test_corpus_list_and_delete(tmp_path):
    run("index", str(mixed_folder(tmp_path / "docs")), "--corpus", "mine")
    listed = json.loads(run("corpus", "list", "--json").stdout)
    assert [c["name"] for c in listed] == ["mine"]
    refused = run("corpus", "delete", "mine", input="")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert run("corpus", "delete", "mine", "--yes").returncode == 0
    assert json.loads(run("corpus", "list", "--json").stdout) == []
    bad = run("corpus", "delete", "../x", "--yes")
    assert bad.returncode == 2 and "not allowed" in bad.stderr


def test_a_misconfigured_environment_is_one_clear_line(tmp_path):
    env_home = tmp_path / "h"
    r = subprocess.run(
        [EXE, "search", "mentor"],
        capture_output=True,
        text=True,
        env={**os.environ, "COACH_HOME": str(env_home), "COACH_CHROMA_URL": "nonsense"},
    )
    assert r.returncode == 2
    assert r.stderr.startswith("error: Invalid configuration: chroma_url")
    assert "Traceback" not in r.stderr


def test_draft_prints_a_checked_note_with_sources(indexed):
    ex = REPO / "examples"
    r = run(
        "draft", "linkedin-note", "--me", str(ex / "me.yaml"), "--mentor", str(ex / "mentor.yaml")
    )
    assert r.returncode == 0, r.stderr
    note = r.stdout.split("\n\nChecks:")[0]
    assert len(note) <= 200 and note.startswith("Hi Daniel")
    assert "✓ fits-limit" in r.stdout and "✗" not in r.stdout
    assert "Sources:" in r.stdout and "Nothing has been sent" in r.stdout
    data = json.loads(
        run(
            "draft",
            "email",
            "--me",
            str(ex / "me.yaml"),
            "--mentor",
            str(ex / "mentor.yaml"),
            "--json",
            "--alternatives",
            "2",
        ).stdout
    )
    assert data["subject"] and len(data["alternatives"]) == 1 and data["citations"]


def test_agenda_writes_markdown_and_ics(indexed, tmp_path):
    ex = REPO / "examples"
    md, ics = tmp_path / "a.md", tmp_path / "a.ics"
    r = run(
        "agenda",
        "first-meeting",
        "--me",
        str(ex / "me.yaml"),
        "--mentor",
        str(ex / "mentor.yaml"),
        "--minutes",
        "30",
        "--markdown",
        str(md),
        "--ics",
        str(ics),
        "--start",
        "2026-12-01 10:00",
    )
    assert r.returncode == 0, r.stderr
    assert md.read_text().startswith("# First meeting: Priya and Daniel")
    assert b"BEGIN:VEVENT" in ics.read_bytes()
    bad = run(
        "agenda",
        "closing",
        "--me",
        str(ex / "me.yaml"),
        "--mentor",
        str(ex / "mentor.yaml"),
        "--ics",
        str(ics),
    )
    assert bad.returncode == 2 and "--start" in bad.stderr


def test_ask_json_and_doctor_masks_the_key(indexed, monkeypatch):
    a = json.loads(run("ask", "what do mentors gain from mentoring?", "--json").stdout)
    assert a["covered"] and a["citations"] and "[1]" in a["text"]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-doctor-secret-9876")
    monkeypatch.setenv("COACH_PROVIDER", "offline")
    d = run("doctor", "--json")
    assert d.returncode == 0
    assert "sk-doctor-secret" not in d.stdout
    assert json.loads(d.stdout)["coach"]["OPENAI_API_KEY"] == "set (…76)"


def test_profile_errors_are_one_line(indexed, tmp_path):
    bad = tmp_path / "me.yaml"
    bad.write_text("name: Ann\nfavourite: tea\n", encoding="utf-8")
    r = run(
        "draft",
        "linkedin-note",
        "--me",
        str(bad),
        "--mentor",
        str(REPO / "examples" / "mentor.yaml"),
    )
    assert r.returncode == 2
    assert "unknown key 'favourite'" in r.stderr and "Traceback" not in r.stderr


def test_refine_goal_prints_the_rewrite_and_the_reason(indexed):
    r = run(
        "refine-goal",
        "get better at presenting",
        "--measure",
        "present at two team meetings",
        "--by",
        "2030-03-31",
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == (
        "Suggestion: By 31 March 2030, present at two team meetings to get better at presenting."
    )
    assert "measure" in lines[1] and "Sources:" in r.stdout
    vague = json.loads(run("refine-goal", "get better at product", "--json").stdout)
    assert vague["suggestion"] is None and "add a date" in vague["reason"]
    bad = run("refine-goal", "x", "--by", "next week")
    assert bad.returncode == 2 and "is not a date like" in bad.stderr


def test_every_argument_of_every_command_says_what_it_is_for():
    import argparse

    from coach.cli import _parser

    silent: list[str] = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, f"{path} {name}")
            elif not action.help and not isinstance(action, argparse._HelpAction):
                silent.append(f"{path} {action.dest}")

    walk(_parser(), "mentor-coach")
    assert silent == []


def test_json_is_declared_once_for_every_command_that_has_it():
    import re

    from tests.helpers import REPO

    sources = (REPO / "coach" / "cli").glob("*.py")
    declared = sum(len(re.findall(r'add_argument\(\s*"--json"', p.read_text())) for p in sources)
    assert declared == 1
    for command in (["ask", "x"], ["doctor"], ["cohort", "list"], ["corpus", "list"]):
        from coach.cli import _parser

        assert _parser().parse_args([*command, "--json"]).json is True
