"""Engines and embedders as a registry: the built-ins register like any plug-in, and a
package installed next to the coach adds an engine that `mentor-coach doctor` lists and
COACH_PROVIDER picks, without a line of `coach/` changing."""

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import coach
from coach import ConfigError
from coach.engines import EMBEDDERS, ENGINE_GROUP, ENGINES, get_engine
from coach.settings import Settings, reset_settings
from coach.turnlog import recent
from tests.helpers import REPO

EXE = str(Path(sys.executable).parent / "mentor-coach")

# An engine as a third party writes one: it answers from the rendered messages only, here
# with the first sentence of passage [1], cited.
ECHO = """
import re

from coach.engines import Reply


class EchoEngine:
    name = "echo"
    model = "echo-1"

    def __init__(self, settings):
        self.settings = settings

    def complete(self, request):
        if request.job.task == "refine-goal":
            return Reply("Suggestion: none\\nWhy: It is clear already.", 5, 4)
        first = re.search(r"^\\[1\\] .*\\n(.+?[.!?])(?:\\s|$)", request.user, re.MULTILINE)
        return Reply(text=f"{first.group(1)} [1]", prompt_tokens=3, completion_tokens=2)


class FlakyEngine(EchoEngine):
    name = "flaky"

    def complete(self, request):
        raise RuntimeError("the flaky engine's own bug")


class TinyEmbedder:
    name = "tiny-2"

    def __init__(self, settings):
        pass

    def embed_documents(self, texts):
        return [[float(len(t)), 1.0] for t in texts]

    def embed_query(self, text):
        return [float(len(text)), 1.0]
"""


def _package(site: Path, name: str, module: str, code: str, entries: dict[str, dict]) -> None:
    """A package as pip installs one: its module, and a dist-info folder with its entry
    points (no network, no build)."""
    (site / f"{module}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8"
    )
    lines = []
    for group, names in entries.items():
        lines += [f"[{group}]", *(f"{n} = {target}" for n, target in names.items()), ""]
    (info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A folder on sys.path holding two installed packages: one that registers an echo and
    a flaky engine and a tiny embedder, one whose engine cannot even be imported."""
    site = tmp_path / "site"
    site.mkdir()
    _package(
        site,
        "mw-echo",
        "mw_echo",
        ECHO,
        {
            ENGINE_GROUP: {"echo": "mw_echo:EchoEngine", "flaky": "mw_echo:FlakyEngine"},
            "mentor_workbook.embedders": {"tiny": "mw_echo:TinyEmbedder"},
        },
    )
    _package(
        site,
        "mw-broken",
        "mw_broken",
        "raise ImportError('mw_broken needs libbroken, which is not installed')\n",
        {ENGINE_GROUP: {"broken": "mw_broken:Engine", "offline": "mw_broken:Engine"}},
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    ENGINES.forget()
    EMBEDDERS.forget()
    yield site
    ENGINES.forget()
    EMBEDDERS.forget()
    for module in ("mw_echo", "mw_broken"):
        sys.modules.pop(module, None)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, env=dict(os.environ))


def test_the_built_ins_are_registered_in_pyproject_as_a_plugin_registers_its_own():
    from importlib.metadata import entry_points

    ours = {ep.name: ep.value for ep in entry_points(group=ENGINE_GROUP)}
    assert ours == {e.name: e.target for e in ENGINES.entries() if e.builtin}
    embedders = {ep.name: ep.value for ep in entry_points(group="mentor_workbook.embedders")}
    assert embedders == {e.name: e.target for e in EMBEDDERS.entries() if e.builtin}


def test_choosing_a_built_in_reads_no_entry_points_and_imports_no_model_client():
    code = (
        "import sys, importlib.metadata as md\n"
        "from coach.settings import Settings\n"
        "auto, offline = Settings(provider='auto'), Settings(provider='offline')\n"
        "md.entry_points = None  # from here, a scan of the installed packages would fail\n"
        "print(auto.engine(), offline.engine())\n"
        "print(sorted(m for m in ('openai', 'coach.engines.openai_engine', 'coach.checks', "
        "'chromadb') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["offline offline", "[]"]


def test_doctor_lists_a_third_party_engine_and_says_in_plain_words_which_cannot_load(site):
    done = cli("doctor", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)["coach"]
    assert report["engine"] == "offline"
    assert report["engines"] == (
        "offline (built in), openai (built in), local (built in), echo (from mw-echo), "
        "flaky (from mw-echo)"
    )
    problems = report["engine problems"]
    assert (
        "engine 'broken' from package mw-broken could not load: ImportError: mw_broken needs "
        "libbroken, which is not installed"
    ) in problems
    assert "engine 'offline' from package mw-broken is ignored: a built-in engine" in problems
    assert "tiny (from mw-echo)" in json.loads(done.stdout)["store"]["embedders"]


def test_coach_provider_picks_the_plugin_engine_for_ask_and_the_turn_log_names_it(
    site, indexed, monkeypatch
):
    monkeypatch.setenv("COACH_PROVIDER", "echo")
    done = cli("ask", "what do mentors gain from mentoring?", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["provider"] == "echo" and answer["fallback_reason"] is None
    assert answer["text"].endswith("[1]") and len(answer["citations"]) == 1
    row = recent(Settings().log_path, 1)[0]
    assert (row["task"], row["engine"], row["model"]) == ("ask", "echo", "echo-1")
    assert (row["prompt_tokens"], row["completion_tokens"]) == (3, 2)


def test_a_broken_plugin_is_a_config_error_when_chosen_and_never_breaks_the_built_ins(
    site, indexed, monkeypatch
):
    monkeypatch.setenv("COACH_PROVIDER", "broken")
    done = cli("ask", "what do mentors gain from mentoring?")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "engine 'broken' from package mw-broken could not load: ImportError" in done.stderr
    monkeypatch.setenv("COACH_PROVIDER", "offline")
    done = cli("ask", "what do mentors gain from mentoring?", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["provider"] == "offline"


def test_a_plugin_that_raises_when_asked_falls_back_to_offline_saying_so(
    site, indexed, monkeypatch
):
    monkeypatch.setenv("COACH_PROVIDER", "flaky")
    reset_settings()
    answer = coach.ask("what do mentors gain from mentoring?")
    assert answer.provider == "offline" and answer.citations
    assert answer.fallback_reason == (
        "the 'flaky' engine failed (RuntimeError: the flaky engine's own bug); "
        "used the offline coach instead"
    )
    row: dict[str, Any] = recent(coach.get_settings().log_path, 1)[0]  # a turn log row
    assert row["engine"] == "offline" and "flaky" in row["fallback_reason"]


def test_an_unknown_engine_or_embedder_name_lists_the_registered_ones(site):
    with pytest.raises(ConfigError) as err:
        get_engine(Settings(provider="nope"))
    assert str(err.value).startswith(
        "COACH_PROVIDER=nope is not a registered engine; choose one of offline, openai, local, "
        "echo, flaky"
    )
    from coach.embeddings import get_embedder

    with pytest.raises(ConfigError, match="COACH_EMBEDDINGS=nope is not a registered embedder"):
        get_embedder(Settings(embeddings="nope"))
    assert get_embedder(Settings(embeddings="tiny")).embed_query("four") == [4.0, 1.0]


def test_refine_goal_runs_through_the_chosen_engine_and_is_logged(site, indexed, monkeypatch):
    monkeypatch.setenv("COACH_PROVIDER", "echo")
    reset_settings()
    got = coach.refine_goal("Publish two blog posts this year")
    assert got.provider == "echo" and got.suggestion is None
    assert got.reason == "It is clear already."
    row: dict[str, Any] = recent(coach.get_settings().log_path, 1)[0]  # a turn log row
    assert (row["task"], row["prompt"], row["engine"], row["model"]) == (
        "refine-goal",
        "refine-goal",
        "echo",
        "echo-1",
    )
    assert (row["prompt_tokens"], row["completion_tokens"], row["repairs"]) == (5, 4, 0)
    assert json.loads(row["passage_ids"]) == [p.id for p in got.citations]


def test_offline_refine_goal_is_logged_too(indexed):
    got = coach.refine_goal("get better at product")
    assert got.provider == "offline"
    row = recent(coach.get_settings().log_path, 1)[0]
    assert (row["task"], row["engine"], row["model"], row["fallback_reason"]) == (
        "refine-goal",
        "offline",
        None,
        None,
    )


# -- the prompt files every task shares, validated when the prompts load -------------------


@pytest.fixture
def prompts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of prompts/ that the coach reads instead, to break on purpose."""
    import shutil

    from coach import prompts as module
    from coach.paths import prompts_dir

    copy = tmp_path / "prompts"
    shutil.copytree(prompts_dir(), copy)
    monkeypatch.setattr(module, "prompts_dir", lambda: copy)

    def forget() -> None:
        for cached in (module.all_prompts, module.vocabulary, module.repair_texts):
            cached.cache_clear()

    forget()
    yield copy
    monkeypatch.undo()
    forget()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _load_error() -> str:
    from coach.prompts import PromptError, all_prompts

    with pytest.raises(PromptError) as err:
        all_prompts()
    return str(err.value)


def test_the_vocabulary_is_the_one_source_of_kinds_and_phases():
    from coach.cli import _parser
    from coach.prompts import agenda_phases, draft_kinds, vocabulary

    assert coach.DRAFT_KINDS == draft_kinds() == tuple(vocabulary().kinds)
    assert agenda_phases() == coach.PHASES
    sub = next(a for a in _parser()._actions if a.choices and "draft" in a.choices)
    assert isinstance(sub, argparse._SubParsersAction)
    draft_kind = next(a for a in sub.choices["draft"]._actions if a.dest == "kind")
    agenda_phase = next(a for a in sub.choices["agenda"]._actions if a.dest == "phase")
    assert tuple(draft_kind.choices) == draft_kinds()
    assert tuple(agenda_phase.choices) == agenda_phases()


def test_a_kind_without_its_prompt_file_fails_when_the_prompts_load(prompts):
    (prompts / "draft-thank-you.yaml").unlink()
    assert _load_error() == (
        "vocabulary.yaml: kinds lists 'thank-you', but there is no prompt file "
        "prompts/draft-thank-you.yaml"
    )


def test_a_limit_that_is_no_setting_fails_naming_the_file_and_the_kind(prompts):
    _edit(prompts / "vocabulary.yaml", "limit: follow_up_limit", "limit: follow_up_limt")
    error = _load_error()
    assert error.startswith("vocabulary.yaml: ") and "kind 'follow-up'" in error
    assert "'follow_up_limt' is not a whole-number setting" in error


def test_an_unknown_check_name_fails_naming_the_file_and_the_name(prompts):
    _edit(prompts / "draft-email.yaml", "checks: [fits-limit,", "checks: [fits-limt,")
    assert _load_error().startswith(
        "draft-email.yaml: 'checks' names 'fits-limt', which is not a check"
    )


def test_a_repair_text_with_a_wrong_placeholder_fails_naming_the_text(prompts):
    _edit(prompts / "repair.yaml", "{previous}\n  PREVIOUS DRAFT", "{draft}\n  PREVIOUS DRAFT")
    error = _load_error()
    assert error.startswith("repair.yaml: ") and "'draft' must use exactly" in error


def test_a_missing_or_unknown_goal_verdict_fails_when_the_prompts_load(prompts):
    _edit(prompts / "refine-goal.yaml", '"date-passed: ', '"date-gone: ')
    assert _load_error() == "refine-goal.yaml: offline.advice lacks ['date-passed']"


def test_the_limits_and_repair_requests_sent_to_a_model_come_from_the_repair_file(prompts):
    from coach.engines.jobs import DraftJob
    from coach.prompts import get_prompt
    from coach.tasks import _context

    me = coach.Profile.from_yaml(REPO / "examples" / "me.yaml")
    mentor = coach.MentorCandidate.from_yaml(REPO / "examples" / "mentor.yaml")
    _edit(prompts / "repair.yaml", "At most {limit} characters", "No more than {limit} characters")
    spec = get_prompt("draft-email")
    ctx = _context("email", me, mentor, coach.get_settings())
    job = DraftJob(spec, [], me=me, mentor=mentor, ctx=ctx, count=2)
    _system, user = job.render(1)
    assert "No more than 1500 characters in the message. Subject line at most 120" in user
    assert user.endswith("Write a different version from before (version 2).")
