"""COACH_CHROMA_URL: the index lives in a real `chroma run` server on 127.0.0.1."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import coach
from coach.settings import get_settings, reset_settings
from coach.vectorstore import list_corpora
from tests.helpers import free_port, wait_for_port

pytestmark = pytest.mark.server


@pytest.fixture
def chroma_server(tmp_path, monkeypatch):
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "srv")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, proc, "chroma run")
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
