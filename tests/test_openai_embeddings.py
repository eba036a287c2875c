"""OpenAI-compatible embeddings, with the real openai client against a real local server."""

import pytest

import coach
from coach.indexer import index_paths
from coach.settings import get_settings, reset_settings
from tests import fakeserver
from tests.helpers import mixed_folder


@pytest.fixture
def server(monkeypatch, tmp_path):
    srv = fakeserver.start()
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "fresh-cache"))  # every call reaches it
    monkeypatch.setenv("OPENAI_BASE_URL", srv.url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-never-shown")
    monkeypatch.setenv("COACH_EMBEDDINGS", "openai")
    monkeypatch.setenv("COACH_EMBEDDING_MODEL", "nomic-embed-text")
    monkeypatch.setenv("COACH_MAX_RETRIES", "0")
    monkeypatch.setenv("COACH_REQUEST_TIMEOUT", "1")
    reset_settings()
    yield srv
    srv.stop()


def test_index_and_search_through_an_openai_compatible_server(server, tmp_path):
    report = index_paths(get_settings(), [mixed_folder(tmp_path / "docs")], "remote")
    assert report.count("indexed") == 5
    assert report.embedder.startswith("openai:nomic-embed-text@127.0.0.1")
    hits = coach.search("reverse mentoring juniors teach executives", corpus="remote")
    assert hits[0].source == "docs/page.html"
    calls = [r for r in server.requests if r["path"] == "/v1/embeddings"]
    assert calls and all(c["json"]["model"] == "nomic-embed-text" for c in calls)
    assert calls[0]["auth"] == "Bearer sk-test-never-shown"


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500, "times": 50},
        {"status": 429, "times": 50},
        {"body": b"not json", "times": 50},
        {"stall": 1.5, "times": 50},
    ],
    ids=["500", "429", "garbage", "timeout"],
)
def test_a_failing_server_is_reported_per_file_and_never_leaks_the_key(server, tmp_path, fault):
    server.script(**fault)
    report = index_paths(get_settings(), [mixed_folder(tmp_path / "docs")], "remote")
    errors = [f for f in report.files if f.status == "error" and f.path.endswith("guide.md")]
    assert errors, report.to_dict()
    assert "Embedding failed" in errors[0].reason
    assert "COACH_EMBEDDINGS=offline" in errors[0].reason
    assert "sk-test-never-shown" not in str(report.to_dict())
