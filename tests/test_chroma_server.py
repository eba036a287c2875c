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


def test_many_kernels_share_one_index_in_the_server(chroma_server, tmp_path, vector_cache):
    """Two processes with their own COACH_HOME (two participants' kernels) use the index
    built once in the server; neither builds or stores an index of its own."""
    import os

    coach.index()  # the facilitator (or `make serve`) indexes once, into the server
    chunks = coach.search("how do I ask someone to mentor me", k=1)[0].id
    code = (
        "import coach, sys; hits = coach.search('how do I ask someone to mentor me', k=1); "
        "print(hits[0].id)"
    )
    outs = []
    for who in ("kernel-a", "kernel-b"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("COACH_")}
        env.update(
            COACH_HOME=str(tmp_path / who),
            COACH_CACHE_DIR=str(vector_cache),
            COACH_CHROMA_URL=os.environ["COACH_CHROMA_URL"],
        )
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        outs.append(done.stdout.strip())
        assert not (tmp_path / who / "chroma").exists()  # no local index at all
    assert outs == [chunks, chunks]
