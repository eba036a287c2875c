"""`mentor-coach cohort rehearse`, run as a facilitator runs it (a real subprocess) against
a real workshop server with real kernels: simulated participants all at once, per-step
times, failures, the server's memory; a throwaway cohort that takes no real seat; and
plain words when there is no server, or the server keeps another store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import coach_home, free_port, start_workbooks, stop

EXE = str(Path(sys.executable).parent / "mentor-coach")


def rehearse(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COACH_HOME=str(home))
    return subprocess.run(
        [EXE, "cohort", "rehearse", *args], capture_output=True, text=True, env=env, timeout=240
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory, vector_cache) -> Iterator[dict]:
    """A workshop server as `mentor-coach serve --workshop` runs it, and a real cohort
    whose links lead to it."""
    home = tmp_path_factory.mktemp("rehearse-home")
    port, proc = start_workbooks(home, vector_cache, pool=1, workshop=True, log=home / "log")
    url = f"http://127.0.0.1:{port}"
    with coach_home(home):
        from coach.cohorts import create_cohort

        create_cohort("spring", seats=3, base_url=url)
    yield {"url": url, "home": home}
    stop(proc)


@pytest.mark.server
def test_a_rehearsal_drives_participants_at_once_and_reports_each_step(server):
    r = rehearse(
        "spring", "--participants", "2", "--url", server["url"], "--json", home=server["home"]
    )
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["failed"] == 0 and report["failures"] == []
    assert (report["cohort"], report["rehearsal_cohort"]) == ("spring", "spring-rehearsal")
    assert report["participants"] == 2 and report["url"] == server["url"]
    assert list(report["steps"]) == ["start", "goals", "candidates", "outreach", "all"]
    for name, row in report["steps"].items():
        assert row["opened"] == (8 if name == "all" else 2) and row["failed"] == 0
        assert 0 < row["p50_s"] <= row["p95_s"]
    assert report["dashboard"]["right"]
    assert "Drafted outreach: 2 of 2" in report["dashboard"]["counts"]
    assert report["missing_in_store"] == [] and report["kernels_left"] == 0
    # the server runs on this machine: its memory is seen
    assert report["memory"]["mb_per_participant"] > 0


@pytest.mark.server
def test_a_rehearsal_takes_no_real_seat_and_leaves_nothing_behind(server):
    r = rehearse("spring", "--participants", "1", home=server["home"])  # at spring's address
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"Rehearsal of 'spring' at {server['url']}: 1 participant at once" in r.stdout
    assert "  all               4      0" in r.stdout and "Nothing failed." in r.stdout
    assert "MB per participant" in r.stdout
    with coach_home(server["home"]):
        from coach.cohorts import get_cohort, status

        assert get_cohort("spring-rehearsal") is None
        real = status("spring")
    assert len(real.participants) == 3 and not any(p.steps_done for p in real.participants)


@pytest.mark.server
def test_a_server_with_another_store_is_named_plainly(server, tmp_path):
    r = rehearse("spring", "--participants", "1", "--url", server["url"], home=tmp_path)
    assert r.returncode == 2
    assert "does not know the rehearsal's join links" in r.stderr
    assert "COACH_HOME or COACH_DATABASE_URL" in r.stderr and "Traceback" not in r.stderr


def test_no_server_at_the_address_gets_a_plain_message_and_exit_2(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    r = rehearse("spring", "--participants", "2", "--url", url, home=tmp_path)
    assert r.returncode == 2
    assert (
        f"No workshop server answers at {url}: start one with `mentor-coach serve --workshop`"
        in r.stderr
    )
    assert "Traceback" not in r.stderr + r.stdout


def test_the_report_says_when_the_servers_memory_cannot_be_seen():
    from coach.rehearsal import Run, Visit
    from coach.rehearsal.report import lines, to_dict

    run = Run(participants=1, visits=[Visit("start", 1.5), Visit("goals", error="TimeoutError")])
    text = "\n".join(lines(run))
    assert "memory: not shown: the server's process is not visible from here" in text
    assert "    - goals: TimeoutError" in text
    data = to_dict(run)
    assert data["memory"] is None and data["kernels_left"] is None and data["failed"] == 2
