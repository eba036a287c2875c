"""Shared fixtures: every test gets its own COACH_HOME and a clean environment, so a
developer's own configuration never leaks in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import fakeserver
from tests.helpers import MODEL_KEY, REPO, SHARED

__all__ = ["REPO", "SHARED"]  # for the tests that import them from here

# A developer's own settings (a real COACH_DATABASE_URL, say) must never reach a test, not
# even a module-scoped fixture or a server started before `clean_env` runs; and a test
# run inside a JupyterHub server must not take the hub user as the workbook's owner.
for _name in [n for n in os.environ if n.startswith(("COACH_", "OPENAI_"))]:
    del os.environ[_name]
os.environ.pop("JUPYTERHUB_USER", None)


def _reset_process_state() -> None:
    from coach import embeddings, indexer, retrieval, settings, store, vectorstore

    settings.reset_settings()
    store.forget_stores()
    vectorstore.forget_clients()
    retrieval.forget_caches()
    indexer._ensured.clear()
    embeddings._cache.clear()


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the session: the offline model runs once per text.
    ``MW_TEST_VECTOR_CACHE`` names a folder to keep between a developer's runs (CI keeps
    nothing)."""
    kept = os.environ.get("MW_TEST_VECTOR_CACHE")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        return Path(kept)
    return tmp_path_factory.mktemp("vector-cache")


@pytest.fixture(autouse=True)
def clean_env(
    tmp_path: Path, vector_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point COACH_HOME at a temporary folder and clear COACH_* / OPENAI_* variables."""
    for name in list(os.environ):
        if name.startswith(("COACH_", "OPENAI_")):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "coach-home"
    monkeypatch.setenv("COACH_HOME", str(home))
    monkeypatch.setenv("COACH_CACHE_DIR", str(vector_cache))
    _reset_process_state()
    yield home
    _reset_process_state()


@pytest.fixture(scope="session")
def shared_home(tmp_path_factory: pytest.TempPathFactory, vector_cache: Path) -> Path:
    """A COACH_HOME with the shipped corpus indexed once, for read-only search tests."""
    home = tmp_path_factory.mktemp("indexed-home")
    from coach.indexer import index_paths
    from coach.settings import Settings

    report = index_paths(Settings(home=home, cache_dir=vector_cache))
    assert report.count("error") == 0, report.to_dict()
    return home


@pytest.fixture
def indexed(shared_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use the session's indexed COACH_HOME in this test."""
    monkeypatch.setenv("COACH_HOME", str(shared_home))
    _reset_process_state()
    return shared_home


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """A throwaway PostgreSQL server for the session, or a skip that says why not."""
    import shutil
    import tempfile

    from tests.pg import Cluster

    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: the PostgreSQL half of the store tests is skipped")
    # its own folder: pytest's is private to root, and the server runs as another user
    root = Path(tempfile.mkdtemp(prefix="mentor-pg-"))
    try:
        cluster = Cluster(root)
    except RuntimeError as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"PostgreSQL could not start here ({exc}): its half of the tests is skipped")
    yield cluster
    cluster.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> str:
    """Run a test once on the default SQLite store and once on PostgreSQL (a fresh database),
    selected as users select it: COACH_DATABASE_URL."""
    if request.param == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        monkeypatch.setenv("COACH_DATABASE_URL", cluster.new_database())
        _reset_process_state()
    return str(request.param)


@pytest.fixture
def model_server(indexed: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[fakeserver.FakeOpenAI]:
    """The coach configured for a model: the real openai client against the scripted
    OpenAI-compatible server of ``tests.fakeserver``, a real HTTP server on 127.0.0.1, on the
    session's indexed COACH_HOME. Called as ``test-model`` with ``MODEL_KEY``, one retry and a
    1.5-second timeout; stopped after the test."""
    from coach.settings import reset_settings

    srv = fakeserver.start()
    monkeypatch.setenv("OPENAI_BASE_URL", srv.url)
    monkeypatch.setenv("OPENAI_API_KEY", MODEL_KEY)
    monkeypatch.setenv("COACH_MODEL", "test-model")
    monkeypatch.setenv("COACH_MAX_RETRIES", "1")
    monkeypatch.setenv("COACH_REQUEST_TIMEOUT", "1.5")
    reset_settings()
    yield srv
    srv.stop()
