"""The shared coach service of `mentor-coach serve`, over real HTTP on 127.0.0.1.

The service runs as `mentor-coach serve` runs it (``coach.cli.supervise.ServiceProcess``:
a child process on a socket the parent keeps), over the session's indexed COACH_HOME.
Kernels are played by fresh Python processes with COACH_SERVICE_URL/TOKEN set."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import coach
from coach.cli.supervise import ServiceProcess, Supervisor, descendants
from coach.service_client import ServiceClient
from coach.settings import reset_settings
from tests.helpers import free_port, wait_for_port

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]
QUERIES = [
    ("how often should my mentor and I meet", 5),
    ("how do I ask someone to mentor me", 3),
    ("reverse mentoring", 10),
    ("what should I bring to a first meeting with my mentor?", 1),
]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def service(shared_home: Path, vector_cache: Path) -> Iterator[ServiceProcess]:
    """The coach service over the session's indexed home, ready."""
    svc = ServiceProcess(
        _env(COACH_HOME=str(shared_home), COACH_CACHE_DIR=str(vector_cache)), "t" * 8 + "0" * 24
    )
    svc.start()
    try:
        ready = svc.wait_ready(300, lambda: False)
        assert ready is not None and ready["embedder"] == "offline-minilm-l6-v2"
        yield svc
    finally:
        svc.close()


@pytest.fixture
def via_service(service: ServiceProcess, monkeypatch: pytest.MonkeyPatch) -> ServiceProcess:
    """This process calls the service, as a kernel of `mentor-coach serve` does."""
    for name, value in service.client_env().items():
        monkeypatch.setenv(name, value)
    reset_settings()
    return service


def raw(port: int, method: str, path: str, body: object = None, token: str | None = None):
    """(status, content type, text) of one request, with the given bearer token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    conn.request(method, path, None if body is None else json.dumps(body), headers)
    resp = conn.getresponse()
    out = resp.status, resp.getheader("Content-Type", ""), resp.read().decode()
    conn.close()
    return out


def test_search_through_the_service_equals_search_in_process(indexed, service, monkeypatch):
    here = [coach.search(q, k=k) for q, k in QUERIES]
    for name, value in service.client_env().items():
        monkeypatch.setenv(name, value)
    reset_settings()
    there = [coach.search(q, k=k) for q, k in QUERIES]
    assert all(here) and len(here) == len(there)
    for mine, theirs in zip(here, there):
        assert [p.id for p in theirs] == [p.id for p in mine]
        for a, b in zip(mine, theirs):
            assert b.score == pytest.approx(a.score, abs=1e-6)
            assert b.relevance == pytest.approx(a.relevance, abs=1e-6)
            assert b.model_dump(exclude={"score", "relevance"}) == a.model_dump(
                exclude={"score", "relevance"}
            )


def test_requests_without_the_right_token_are_refused(service):
    for token in (None, "", "wrong-token-of-some-length", service.token + "x"):
        status, ctype, text = raw(service.port, "GET", "/health", token=token)
        assert (status, ctype.split(";")[0]) == (401, "text/plain")
        assert "bearer token" in text and service.token not in text
        status, _, _ = raw(service.port, "POST", "/search", {"query": "mentor"}, token)
        assert status == 401
    with pytest.raises(coach.ConfigError, match="refused this process's COACH_SERVICE_TOKEN"):
        ServiceClient(service.url, "not-the-token").search("mentor", 1, None)
    assert raw(service.port, "GET", "/health", token=service.token)[0] == 200


def test_an_over_long_query_is_a_clear_error(via_service):
    with pytest.raises(coach.QueryError, match=r"too long .*the limit is 2,000"):
        coach.search("mentor " * 400)
    status, ctype, text = raw(
        via_service.port, "POST", "/search", {"query": "x" * 5000}, via_service.token
    )
    assert status == 400 and ctype.startswith("text/plain") and "too long" in text


def test_bad_requests_get_400_with_a_sentence(service):
    def post(path: str, body: object) -> tuple[int, str]:
        status, _, text = raw(service.port, "POST", path, body, service.token)
        return status, text.strip()

    assert post("/embed", {"texts": ["a"] * 257, "kind": "documents"}) == (
        400,
        "Too many texts (257); send at most 256 in one request.",
    )
    assert post("/embed", {"texts": ["mentor"], "kind": "poem"})[0] == 400
    assert post("/embed", {"texts": ["x" * 2001], "kind": "query"})[0] == 400
    assert post("/search", {"query": "mentor", "k": 0})[0] == 400
    assert post("/search", [1, 2])[0] == 400
    assert post("/search", {"query": "mentor", "corpus": "no-such-corpus"})[0] == 409
    assert raw(service.port, "GET", "/nothing", token=service.token)[0] == 404


def test_the_service_embeds_as_the_in_process_model_does(indexed, service):
    from coach.embeddings import get_embedder
    from coach.settings import get_settings

    local = get_embedder(get_settings())
    remote = ServiceClient(service.url, service.token)
    texts = ["Ask for a 15-minute call.", "Mentors like specific questions."]
    got = remote.embed(texts, "documents")
    want = local.embed_documents(texts)
    assert got == [pytest.approx(v, abs=1e-6) for v in want]
    assert remote.embed(["how do I ask?"], "query")[0] == pytest.approx(
        local.embed_query("how do I ask?"), abs=1e-6
    )


def test_a_kernel_with_the_service_loads_no_index_and_no_model(indexed, service, tmp_path):
    question = "how do I ask someone to be my mentor?"
    expected = coach.ask(question)
    code = f"""
import json, sys, coach
from coach import MentorCandidate, Profile
hits = coach.search("how often should my mentor and I meet", k=3)
answer = coach.ask({question!r})
draft = coach.draft("linkedin-note", Profile.from_yaml("examples/me.yaml"),
                    MentorCandidate.from_yaml("examples/mentor.yaml"))
heavy = [m for m in ("chromadb", "bm25s", "coach.minilm", "tokenizers") if m in sys.modules]
print(json.dumps({{"hits": len(hits), "answer": answer.text, "draft": draft.text,
                  "heavy": heavy}}))
"""
    kernel_home = tmp_path / "kernel"
    env = _env(COACH_HOME=str(kernel_home), COACH_CACHE_DIR=str(tmp_path / "cache"))
    env.update(service.client_env())
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["heavy"] == []
    assert out["hits"] == 3 and out["draft"].startswith("Hi Daniel")
    assert out["answer"] == expected.text  # sentences ranked by the service's embedder
    assert not (kernel_home / "chroma").exists()  # no index of its own


def test_an_unreachable_service_is_a_clear_error(monkeypatch):
    port = free_port()
    monkeypatch.setenv("COACH_SERVICE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("COACH_SERVICE_TOKEN", "x" * 32)
    reset_settings()
    hint = rf"coach service at 127.0.0.1:{port} did not answer .*restart `mentor-coach serve`"
    with pytest.raises(coach.CorpusIndexError, match=hint):
        coach.search("mentor")
    with pytest.raises(coach.CorpusIndexError, match=hint):
        coach.ask("how do I find a mentor?")


def test_a_service_url_without_a_token_is_a_config_error(monkeypatch):
    monkeypatch.setenv("COACH_SERVICE_URL", "http://127.0.0.1:9")
    reset_settings()
    with pytest.raises(coach.ConfigError, match="COACH_SERVICE_TOKEN is empty"):
        coach.search("mentor")


def test_a_service_url_that_is_not_http_host_port_is_refused(monkeypatch):
    monkeypatch.setenv("COACH_SERVICE_URL", "https://coach.example.org")
    reset_settings()
    with pytest.raises(coach.ConfigError, match="service_url"):
        coach.search("mentor")


def test_doctor_shows_the_service_url_never_the_token(via_service):
    from coach.doctor import diagnose
    from coach.settings import get_settings

    report = diagnose()
    assert report["coach"]["coach service"] == (f"{via_service.url}, ready (offline-minilm-l6-v2)")
    assert via_service.token not in json.dumps(report)
    assert via_service.token not in repr(get_settings())


def test_a_service_that_dies_is_restarted_and_requests_wait_for_it(shared_home, vector_cache):
    svc = ServiceProcess(
        _env(COACH_HOME=str(shared_home), COACH_CACHE_DIR=str(vector_cache)), "r" * 32
    )
    sup = Supervisor(svc)
    fake_voila = [sys.executable, "-c", "import time; time.sleep(120)"]
    runner = threading.Thread(target=sup.run, args=(fake_voila, _env()), daemon=True)
    with sup.handling_signals():  # on leaving: stops the fake Voilà and the service
        assert sup.start_service() is not None
        assert svc.proc is not None
        first = svc.proc.pid
        runner.start()
        while sup.voila is None:
            time.sleep(0.1)
        os.kill(first, signal.SIGKILL)
        # made while no service runs: waits in the socket's queue, then gets its answer
        hits = ServiceClient(svc.url, svc.token).search("how often should we meet", 1, None)
        assert len(hits) == 1 and svc.proc is not None and svc.proc.pid != first
    runner.join(30)
    assert not svc.alive()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:  # a zombie waiting for its parent to reap it is gone too
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_sigterm_to_serve_stops_voila_the_service_and_every_kernel(tmp_path, vector_cache):
    port = free_port()
    log = tmp_path / "serve.log"
    exe = Path(sys.executable).parent / "mentor-coach"
    env = _env(COACH_HOME=str(tmp_path / "home"), COACH_CACHE_DIR=str(vector_cache))
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(exe), "serve", "--port", str(port), "--pool", "0"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, proc, "mentor-coach serve", timeout=300)
        # a page opened: Voilà starts a kernel for it
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
        conn.request("GET", "/voila/render/00_start_here.ipynb")
        assert conn.getresponse().status == 200
        conn.close()
        children = descendants(proc.pid)
        lines = {pid: _cmdline(pid) for pid in children}
        assert any("coach.service" in c for c in lines.values()), lines
        assert any("ipykernel" in c for c in lines.values()), lines
        voila = next(pid for pid, c in lines.items() if "coach.server" in c)
        token = next(
            e.split(b"=", 1)[1].decode()
            for e in Path(f"/proc/{voila}/environ").read_bytes().split(b"\0")
            if e.startswith(b"COACH_SERVICE_TOKEN=")
        )
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not all(_gone(p) for p in children):
            time.sleep(0.2)
        assert {p: lines[p] for p in children if not _gone(p)} == {}
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert "Coach service up on 127.0.0.1:" in text
    assert token not in text


def test_a_repeated_search_is_answered_from_memory_for_a_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Thirty pages drafting at once ask the prompt's same query: one search serves them,
    and the answer is searched afresh once SEARCH_TTL has passed."""
    import coach.api
    from coach import service as svc
    from coach.models import Passage
    from coach.settings import get_settings

    calls: list[tuple[str, int]] = []

    def search(query: str, k: int, corpus: str | None = None) -> list[Passage]:
        calls.append((query, k))
        return [
            Passage(id=f"p{len(calls)}", text=query, title="T", section="S", source="s", score=1)
        ]

    monkeypatch.setattr(coach.api, "search", search)
    clock = [1000.0]
    monkeypatch.setattr("coach.service.time.monotonic", lambda: clock[0])
    coach_service = svc.CoachService(get_settings())
    first = coach_service.search({"query": "how to write a note", "k": 3})
    assert coach_service.search({"query": "how to write a note", "k": 3}) == first
    assert calls == [("how to write a note", 3)]
    coach_service.search({"query": "how to write a note", "k": 5})  # another k: searched
    clock[0] += svc.SEARCH_TTL + 1
    again = coach_service.search({"query": "how to write a note", "k": 3})
    assert len(calls) == 3 and again != first
