"""Model calls that hold against a hostile or broken server: one total deadline per call,
bounded answers, text safe for a terminal, replies told apart from empty answers, and no
secret from the key or the URL in any message, report or log.

The real openai client against the scripted server in ``tests/fakeserver.py``; deadlines
are small so that every test ends in seconds, and the time bounds are loose.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import coach
from coach import MentorCandidate, Profile
from coach.openai_client import ModelServerError, chat
from coach.settings import get_settings, reset_settings, safe_url
from tests import fakeserver
from tests.conftest import REPO, _reset_process_state

ME = Profile.from_yaml(REPO / "examples" / "me.yaml")
MENTOR = MentorCandidate.from_yaml(REPO / "examples" / "mentor.yaml")
KEY = "sk-test-SECRET123"
DEADLINE = 2.0
SLACK = 3.0  # a loaded machine: the bounds only need to tell seconds from minutes
MODES = ["json", "stream"]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[fakeserver.FakeOpenAI]:
    srv = fakeserver.start()
    monkeypatch.setenv("OPENAI_BASE_URL", srv.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("COACH_MODEL", "test-model")
    monkeypatch.setenv("COACH_MAX_RETRIES", "2")
    monkeypatch.setenv("COACH_REQUEST_TIMEOUT", "1.5")
    monkeypatch.setenv("COACH_CALL_DEADLINE", str(DEADLINE))
    reset_settings()
    yield srv
    srv.stop()


def chats(srv: fakeserver.FakeOpenAI) -> list[dict[str, object]]:
    return [r for r in srv.requests if str(r["path"]).endswith("/chat/completions")]


def call(mode: str) -> tuple[str, list[str], float]:
    """One ``chat`` as the coach makes it: its text, the pieces streamed, the seconds taken."""
    pieces: list[str] = []
    start = time.monotonic()
    done = chat(get_settings(), "system", "user", pieces.append if mode == "stream" else None)
    return done.text, pieces, time.monotonic() - start


def failure(mode: str) -> tuple[str, list[str], float]:
    """The :class:`ModelServerError` one ``chat`` ends in, the pieces shown, the seconds."""
    pieces: list[str] = []
    start = time.monotonic()
    with pytest.raises(ModelServerError) as err:
        chat(get_settings(), "system", "user", pieces.append if mode == "stream" else None)
    return str(err.value), pieces, time.monotonic() - start


def warm_up() -> None:
    """One draft before the timed one: loading the search model is not the call's time."""
    coach.draft("linkedin-note", ME, MENTOR)


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


# --- one deadline per call ---------------------------------------------------------------


def test_a_stream_of_keep_alives_is_abandoned_at_the_deadline_and_the_offline_coach_answers(
    server, indexed
):
    warm_up()
    server.script(trickle=0.2, trickle_for=20, times=9)
    start = time.monotonic()
    d = coach.draft("linkedin-note", ME, MENTOR, on_token=lambda piece: None)
    took = time.monotonic() - start
    assert d.provider == "offline" and d.ok
    assert d.fallback_reason is not None
    assert d.fallback_reason.endswith(
        "did not finish within 2 s (COACH_CALL_DEADLINE); used the offline coach instead"
    ), d.fallback_reason
    assert took < DEADLINE + SLACK, took
    assert wait_for(lambda: server.hangups >= 1), "the stream was never closed"


@pytest.mark.parametrize("mode", MODES)
def test_keep_alives_cannot_stretch_a_call_past_its_deadline(server, mode):
    server.script(trickle=0.1, trickle_for=20, times=9)
    message, pieces, took = failure(mode)
    assert "did not finish within 2 s" in message
    assert took < DEADLINE + SLACK and not pieces
    assert len(chats(server)) == 1  # abandoned, not retried


@pytest.mark.parametrize("mode", MODES)
def test_a_server_gone_silent_after_its_headers_is_cut_off_at_the_deadline(
    server, monkeypatch, mode
):
    # the per-read timeout is long, so only the call's deadline can end this read
    monkeypatch.setenv("COACH_REQUEST_TIMEOUT", "30")
    reset_settings()
    server.script(trickle=30, trickle_for=30)
    message, _pieces, took = failure(mode)
    assert "did not finish within 2 s" in message
    assert took < DEADLINE + SLACK, took


def test_a_long_retry_after_ends_the_call_at_once_saying_when_to_try_again(
    server, indexed, monkeypatch
):
    monkeypatch.setenv("COACH_CALL_DEADLINE", "60")
    reset_settings()
    warm_up()
    server.requests.clear()
    server.script(status=429, headers={"Retry-After": "30"}, times=9)
    start = time.monotonic()
    d = coach.draft("linkedin-note", ME, MENTOR)
    took = time.monotonic() - start
    assert d.provider == "offline" and d.ok
    assert "is rate limiting (HTTP 429); try again in 30 s" in (d.fallback_reason or "")
    assert took < SLACK, took
    assert len(chats(server)) == 1


def test_a_short_retry_after_is_waited_for_and_the_retry_answers(server):
    server.script(status=429, headers={"Retry-After": "1"})
    text, _pieces, took = call("json")
    assert text == server.default_reply
    assert len(chats(server)) == 2 and 0.9 <= took < 1 + SLACK


def test_no_retry_waits_past_the_deadline(server):
    # 3 s is under the 5 s cap on waits, but over what is left of a 2 s call
    server.script(status=503, headers={"Retry-After": "3"}, times=9)
    message, _pieces, took = failure("json")
    assert message.endswith("answered HTTP 503; try again in 3 s"), message
    assert took < 1.5 and len(chats(server)) == 1


def test_backoff_retries_stop_at_the_deadline(server, monkeypatch):
    monkeypatch.setenv("COACH_MAX_RETRIES", "10")
    reset_settings()
    server.script(status=500, times=99)
    message, _pieces, took = failure("json")
    assert "answered HTTP 500 after" in message and "retries" in message
    assert took < DEADLINE + 0.5, took
    assert 2 <= len(chats(server)) < 11


def test_the_deadline_is_a_documented_setting(monkeypatch):
    s = get_settings()
    assert (s.call_deadline, s.max_answer_chars) == (60, 20_000)
    monkeypatch.setenv("COACH_CALL_DEADLINE", "7.5")
    reset_settings()
    assert get_settings().call_deadline == 7.5
    readme = (REPO / "README.md").read_text()
    assert "`COACH_CALL_DEADLINE` | `60`" in readme
    assert "`COACH_MAX_ANSWER_CHARS` | `20000`" in readme


# --- bounded, clean answers ---------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_an_answer_over_the_cap_is_refused_and_reading_stops(server, monkeypatch, mode):
    monkeypatch.setenv("COACH_MAX_ANSWER_CHARS", "2000")  # a stream of 20 000 is slow to parse
    reset_settings()
    server.replies = ["word " * 400_000]  # 2 MB
    message, pieces, took = failure(mode)
    assert "sent an answer longer than 2000 characters (COACH_MAX_ANSWER_CHARS)" in message
    assert sum(map(len, pieces)) <= 2000
    assert took < DEADLINE + SLACK


def test_a_long_answer_falls_back_with_the_reason(server, indexed):
    server.replies = ["word " * 400_000] * 2
    d = coach.draft("linkedin-note", ME, MENTOR)
    assert d.provider == "offline" and "COACH_MAX_ANSWER_CHARS" in (d.fallback_reason or "")


HOSTILE = (
    "\x1b[31mRed\x1b[0m text \x1b]0;pwned title\x07with \x1b[1 qcursor and a bell\x07 and\r"
    " a \x9b2Jclear\x00.\n\tNext line."
)
SHOWN = "Red text with cursor and a bell and a clear.\n\tNext line."


def controls(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]


@pytest.mark.parametrize("mode", MODES)
def test_escape_sequences_from_a_model_never_reach_the_terminal(server, mode):
    server.replies = [HOSTILE]
    text, pieces, _took = call(mode)
    assert text == SHOWN
    if mode == "stream":  # the escapes split across pieces are held back, not half-shown
        assert len(pieces) > 5 and "".join(pieces) == SHOWN
        assert not any(controls(p) for p in pieces)


def test_the_cli_prints_no_escape_sequence(server, indexed, capsys):
    from coach.cli import main

    server.replies = [f"Meet every few weeks [1]. {HOSTILE}"]
    code = main(["ask", "how often should my mentor and I meet?"])
    out = capsys.readouterr()
    assert code == 0 and "(coach engine: openai)" in out.err, out.err
    assert "Red text with cursor" in out.out
    assert not controls(out.out + out.err), repr(out.out)


# --- garbage is not an empty answer -----------------------------------------------------

HTML = b"<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>"


@pytest.mark.parametrize(
    ("mode", "fault", "words"),
    [
        ("json", {"body": HTML, "ctype": "text/html"}, "(an HTML page)"),
        ("stream", {"body": HTML, "ctype": "text/html"}, "(an HTML page)"),
        ("json", {"body": b"Internal error, sorry"}, "(not valid JSON)"),
        ("json", {"body": b'{"result": "ok"}'}, "(no 'choices' with a 'message')"),
        ("json", {"body": b'{"choices": [{"text": "legacy"}]}'}, "with a 'message'"),
        (
            "stream",
            {"body": b'data: {"result": 1}\n\ndata: [DONE]\n\n', "ctype": "text/event-stream"},
            "(a chunk without 'choices')",
        ),
        ("stream", {"bad_chunk": True}, "(not valid JSON)"),
    ],
    ids=["html", "html-stream", "text", "wrong-json", "legacy-shape", "wrong-chunk", "bad-chunk"],
)
def test_a_reply_that_is_not_openai_compatible_is_named_so(server, mode, fault, words):
    server.script(**fault)
    message, _pieces, _took = failure(mode)
    assert "its reply was not an OpenAI-compatible response" in message, message
    assert words in message and "empty answer" not in message
    assert "OPENAI_BASE_URL ends in /v1" in message  # what to check


@pytest.mark.parametrize("mode", MODES)
def test_a_truly_empty_answer_is_called_empty(server, mode):
    server.replies = ["   "]
    message, _pieces, _took = failure(mode)
    assert message.endswith("returned an empty answer")
    assert "OpenAI-compatible" not in message


def test_a_reply_without_choices_is_an_empty_answer_not_garbage(server):
    server.script(body=b'{"id": "x", "object": "chat.completion", "choices": []}')
    message, _pieces, _took = failure("json")
    assert message.endswith("returned an empty answer")


# --- no secrets anywhere --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:pass@host/v1", "http://…@host/v1"),
        ("https://u:p@ss@10.0.0.5:8443/v1", "https://…@10.0.0.5:8443/v1"),
        (
            "http://h/v1?api_key=sk-1&api-version=2024-06-01&access_token=t#frag",
            "http://h/v1?api_key=…&api-version=2024-06-01&access_token=…",
        ),
        ("http://127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1"),
        ("user:pass@host:8000/v1", "…@host:8000/v1"),
        ("http://[::1:bad/v1", "http://[::1:bad/v1"),  # malformed: masked, never an error
        (None, ""),
    ],
)
def test_safe_url_masks_credentials_and_key_like_query_values(url, shown):
    assert safe_url(url) == shown


@pytest.fixture
def private_home(shared_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The indexed home, copied: this test reads every byte of its own turn log."""
    home = tmp_path / "home"
    shutil.copytree(shared_home, home, ignore=shutil.ignore_patterns("coach-log.sqlite3*"))
    monkeypatch.setenv("COACH_HOME", str(home))
    _reset_process_state()
    return home


ERROR_PATHS: list[tuple[str, dict[str, object] | None, list[str]]] = [
    ("500", {"status": 500, "times": 9}, []),
    ("429", {"status": 429, "headers": {"Retry-After": "30"}, "times": 9}, []),
    ("401", {"status": 401, "times": 9}, []),
    ("timeout", {"stall": 3.0, "times": 9}, []),
    ("deadline", {"trickle": 0.2, "trickle_for": 10, "times": 9}, []),
    ("html", {"body": HTML, "ctype": "text/html", "times": 9}, []),
    ("bad-chunk", {"bad_chunk": True, "times": 9}, []),
    ("empty", None, ["", ""]),
    ("too-long", None, ["word " * 5_000] * 2),
]


def test_neither_the_key_nor_url_credentials_reach_any_message_report_or_log(
    private_home, monkeypatch, caplog
):
    srv = fakeserver.start()
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.url.replace("http://", "http://user:pass@"))
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("COACH_MODEL", "test-model")
        monkeypatch.setenv("COACH_MAX_RETRIES", "1")
        monkeypatch.setenv("COACH_REQUEST_TIMEOUT", "1")
        monkeypatch.setenv("COACH_CALL_DEADLINE", "1.5")
        monkeypatch.setenv("COACH_MAX_ANSWER_CHARS", "1000")
        reset_settings()
        caplog.set_level(logging.DEBUG)
        shown: list[str] = []
        for name, fault, replies in ERROR_PATHS:
            for stream in (False, True):
                srv.faults.clear()
                if fault:
                    srv.script(**fault)
                srv.replies = list(replies) or ["A reply from the test server."] * 2
                pieces: list[str] = []
                d = coach.draft(
                    "linkedin-note", ME, MENTOR, on_token=pieces.append if stream else None
                )
                assert d.provider == "offline", (name, stream)
                shown += [d.fallback_reason or "", *pieces]
        from coach.doctor import diagnose

        shown.append(json.dumps(diagnose(), ensure_ascii=False))  # reachable
        srv.faults.clear()
        srv.replies = [""]
    finally:
        srv.stop()
    shown.append(json.dumps(diagnose(), ensure_ascii=False))  # unreachable
    d = coach.draft("linkedin-note", ME, MENTOR)
    shown.append(d.fallback_reason or "")
    assert d.fallback_reason is not None
    assert "could not connect to the model server at http://…@127.0.0.1" in d.fallback_reason
    assert "rejected the API key (HTTP 401)" in "\n".join(shown)  # every path did fire
    assert "did not finish within 1.5 s" in "\n".join(shown)
    assert "reachable; models: test-model" in shown[-3]
    assert "unreachable: could not connect" in shown[-2]
    logged = b"".join(p.read_bytes() for p in private_home.glob("coach-log.sqlite3*"))
    assert logged.count(b"used the offline coach") >= len(ERROR_PATHS) * 2
    for secret in (KEY, "SECRET123", "user:pass"):
        for text in shown:
            assert secret not in text, text
        assert secret.encode() not in logged
        assert secret not in caplog.text


def test_doctor_shows_where_the_server_is_but_no_secret_in_its_url(indexed, monkeypatch):
    from coach.doctor import diagnose

    url = f"http://user:pass@127.0.0.1:1/v1?api_key={KEY}&api-version=2024-06-01"
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("COACH_MODEL", "test-model")
    reset_settings()
    report = diagnose()["coach"]
    assert report["OPENAI_BASE_URL"] == "http://…@127.0.0.1:1/v1?api_key=…&api-version=2024-06-01"
    assert report["model server"].startswith("unreachable: could not connect")
    assert "SECRET123" not in str(report) and "user:pass" not in str(report)


def test_a_malformed_base_url_is_a_config_error_that_does_not_echo_it(indexed, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://user:pass@127.0.0.1:notaport/v1")
    monkeypatch.setenv("COACH_MODEL", "test-model")
    reset_settings()
    with pytest.raises(coach.ConfigError, match="OPENAI_BASE_URL is not a usable URL") as err:
        coach.ask("how often should we meet?")
    assert "user:pass" not in str(err.value) and "…@127.0.0.1" in str(err.value)


def test_credentials_logged_before_this_release_are_masked_when_the_log_opens(tmp_path):
    from coach import turnlog

    path = tmp_path / "coach-log.sqlite3"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY)")
    for migration in turnlog.MIGRATIONS[:2]:
        migration(old)
        old.execute("INSERT INTO _migrations VALUES (?)", (migration.__name__,))
    reason = "could not connect to the model server at http://user:pass@10.0.0.5/v1; used it"
    old.execute(
        "INSERT INTO turns (task, prompt, prompt_version, engine, passage_ids, latency_ms, "
        "fallback_reason) VALUES ('ask', 'answer', 1, 'offline', '[]', 1, ?)",
        (reason,),
    )
    old.commit()
    old.close()
    assert b"user:pass" in path.read_bytes()
    (row,) = turnlog.recent(path)
    assert row["fallback_reason"] == reason.replace("user:pass@", "…@")
    assert not any(b"user:pass" in p.read_bytes() for p in tmp_path.glob("coach-log.sqlite3*"))
