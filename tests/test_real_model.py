"""The coach against a real model server: llama.cpp with SmolLM2-135M (tests/llamaserver.py).

The scripted fake (tests/fakeserver.py) proves each path exactly; these prove the same paths
hold on a real server's wire: streamed tokens as they are generated, usage counts, real
latency, and a small model's real text, which often fails its checks. Whatever the model
writes, a person must get either a model answer that passed every check or the offline
one with the reason, and the turn log must say which.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

import coach
from coach import MentorCandidate, Profile
from coach.settings import reset_settings
from coach.turnlog import recent
from tests import llamaserver
from tests.conftest import REPO
from tests.helpers import free_port

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        llamaserver.missing() is not None,
        reason=f"no real model server: {llamaserver.missing()}",
    ),
]

ME = Profile.from_yaml(REPO / "examples" / "me.yaml")
MENTOR = MentorCandidate.from_yaml(REPO / "examples" / "mentor.yaml")


@pytest.fixture(scope="module")
def llama() -> Iterator[llamaserver.LlamaServer]:
    server = llamaserver.start(free_port())
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def model(llama, indexed, monkeypatch) -> llamaserver.LlamaServer:
    monkeypatch.setenv("OPENAI_BASE_URL", llama.url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-server-needs-none")
    monkeypatch.setenv("COACH_MODEL", llama.model)
    monkeypatch.setenv("COACH_REQUEST_TIMEOUT", "120")
    # a small model on a busy 2-core machine can take a minute for a draft and its repair:
    # these tests are about the wire, the deadline has tests of its own
    monkeypatch.setenv("COACH_CALL_DEADLINE", "600")
    monkeypatch.setenv("COACH_MAX_RETRIES", "0")
    reset_settings()
    return llama


def last_turn() -> dict:
    return recent(coach.get_settings().log_path, 1)[0]


def test_a_streamed_draft_arrives_piece_by_piece_and_is_checked(model):
    pieces: list[str] = []
    d = coach.draft("linkedin-note", ME, MENTOR, on_token=pieces.append)
    assert len(pieces) > 3, "the tokens did not stream"
    turn = last_turn()
    assert turn["task"] == "draft" and turn["completion_tokens"] > 0
    if d.provider == "openai":  # the model's text is used only if it passed every check
        assert d.fallback_reason is None and all(c.passed for c in d.checks)
        assert d.text[:40] in "".join(pieces)  # what was shown as it streamed
        assert turn["engine"] == "openai"
    else:  # or the offline draft, saying why, after one repair
        assert d.provider == "offline" and d.ok
        assert "failed checks after one repair" in (d.fallback_reason or "")
        assert "used the offline coach instead" in (d.fallback_reason or "")
        assert turn["engine"] == "offline" and turn["repairs"] >= 1
        assert turn["fallback_reason"] == d.fallback_reason


def test_an_answer_cites_only_passages_it_was_given_or_falls_back(model):
    a = coach.ask("How often should a mentor and mentee meet?")
    assert a.citations, "every answer a person sees cites its sources"
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", a.text)}
    assert cited and max(cited) <= len(a.citations)
    if a.provider == "offline":
        assert a.fallback_reason and "offline coach instead" in a.fallback_reason
    assert last_turn()["task"] == "ask"


def test_an_agenda_adds_up_to_the_minute_or_falls_back(model):
    ag = coach.agenda("first-meeting", ME, MENTOR, 45)
    assert sum(i.minutes for i in ag.items) == 45 and all(i.prompts for i in ag.items)
    assert ag.checks and all(c.passed for c in ag.checks)
    if ag.provider == "offline":
        assert ag.fallback_reason and "offline coach instead" in ag.fallback_reason


def test_a_server_slower_than_the_timeout_falls_back_at_once(model, monkeypatch):
    monkeypatch.setenv("COACH_REQUEST_TIMEOUT", "0.05")
    reset_settings()
    d = coach.draft("email", ME, MENTOR)
    assert d.provider == "offline" and d.ok
    assert re.search(r"(?i)did not answer|timed out|within", d.fallback_reason or "")
    assert llamaserver.gguf() is not None and "sk-local" not in (d.fallback_reason or "")
