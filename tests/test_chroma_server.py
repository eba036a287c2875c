"""COACH_CHROMA_URL: the index lives in a real `chroma run` server on 127.0.0.1."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import coach
from coach.settings import get_settings, reset_settings
from coach.vectorstore import list_corpora

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path, monkeypatch):
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "srv")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("chroma run exited at start")
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 60 s")
    monkeypatch.setenv("COACH_CHROMA_URL", f"http://127.0.0.1:{port}")
    reset_settings()
    yield tmp_path / "srv"
    proc.terminate()
    proc.wait(timeout=30)


def test_index_and_search_live_in_the_chroma_server(chroma_server, clean_env):
    hits = coach.search("how often should my mentor and I meet", k=3)
    assert hits and hits[0].source.startswith("corpus/")
    assert [c.name for c in list_corpora(get_settings())] == ["default"]
    # nothing was written to the embedded store under COACH_HOME
    assert not (clean_env / "chroma").exists()
    assert any(chroma_server.iterdir())


def test_an_unreachable_server_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COACH_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    reset_settings()
    with pytest.raises(coach.CorpusIndexError, match="Cannot open the chroma store"):
        coach.search("mentor")
