"""Before and after: realistic inputs and the text the offline coach writes from them.

``tests/data/draft_examples.yaml`` holds each example's inputs (a profile and a mentor as
they would be written in the YAML files, a draft ``kind`` or an agenda ``phase``, and for
follow-ups and thank-yous what is known of earlier contact), a ``why`` naming the realistic
problem it covers, and the ``expected`` text exactly as the offline coach writes it. Each
expected text was read aloud before it was committed: a change to the composer that changes
one shows up here as a diff to read the same way.

To accept the composer's current output after a deliberate change, regenerate the file
(inputs and ``why`` are kept; only ``expected`` is rewritten) and read the diff::

    MW_UPDATE_EXAMPLES=1 .venv/bin/python -m pytest tests/test_draft_examples.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

import coach
from tests import realistic

EXAMPLES = Path(__file__).parent / "data" / "draft_examples.yaml"
UPDATE = os.environ.get("MW_UPDATE_EXAMPLES") == "1"


def load() -> list[dict[str, Any]]:
    data = yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{EXAMPLES} must be a YAML list of examples"
    return data


def render(example: dict[str, Any]) -> tuple[str, list[coach.Check]]:
    """The example's output as one text (a draft's subject first; an agenda's items with
    their minutes), and the checks it carries."""
    me, mentor = realistic.build(example["profile"], example["mentor"])
    if "kind" in example:
        history = realistic.build_history(example.get("history"))
        d = coach.draft(example["kind"], me, mentor, history=history)
        text = f"Subject: {d.subject}\n\n{d.text}" if d.subject else d.text
        return text, d.checks
    a = coach.agenda(example["phase"], me, mentor, example.get("minutes", 45))
    lines = [f"{a.title} ({a.minutes} min)"]
    for item in a.items:
        lines += ["", f"{item.title} ({item.minutes} min)", *(f"- {p}" for p in item.prompts)]
    return "\n".join(lines), a.checks


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as ``|`` blocks, so the file reads like the drafts themselves;
    every example written out whole (no YAML anchors shared between them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def save(examples: list[dict[str, Any]]) -> None:
    text = yaml.dump(examples, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=92)
    EXAMPLES.write_text(
        "# Before/after examples of the offline coach: see tests/test_draft_examples.py.\n"
        "# Regenerate `expected` with MW_UPDATE_EXAMPLES=1 and read every changed text aloud.\n"
        + text,
        encoding="utf-8",
    )


@pytest.fixture
def searched_once(indexed, monkeypatch):
    """The real index, each query searched once (``realistic.search_once``)."""
    realistic.search_once(monkeypatch)


def test_the_examples_cover_every_kind_and_phase_with_a_reason_each():
    examples = load()
    assert len(examples) >= 40, f"only {len(examples)} examples; keep at least 40"
    assert {e["kind"] for e in examples if "kind" in e} == set(coach.DRAFT_KINDS)
    assert {e["phase"] for e in examples if "phase" in e} == set(coach.PHASES)
    ids = [e["id"] for e in examples]
    assert len(set(ids)) == len(ids), "example ids must be unique"
    for e in examples:
        assert len(e.get("why", "").split()) >= 4, f"{e['id']}: say why this example matters"
        assert ("kind" in e) != ("phase" in e), f"{e['id']}: give a kind or a phase"
        assert UPDATE or e.get("expected"), f"{e['id']}: no expected text; see the docstring"


def test_every_example_is_written_as_committed_and_passes_every_check(searched_once):
    examples = load()
    changed, failing, diff = [], [], ""
    for e in examples:
        text, checks = render(e)
        bad = [f"{c.name}: {c.detail}" for c in checks if not c.passed]
        if bad:
            failing.append(f"{e['id']}: {bad}")
        if text != e.get("expected"):
            changed.append(e["id"])
            old = (e.get("expected") or "").splitlines()
            diff = diff or "\n".join(difflib.unified_diff(old, text.splitlines(), lineterm=""))
            e["expected"] = text
    if UPDATE:
        save(examples)
    assert not failing, "\n".join(failing)
    assert UPDATE or not changed, (
        f"{len(changed)} examples now read differently: {', '.join(changed)}. Read the new "
        "texts (MW_UPDATE_EXAMPLES=1 rewrites the file; see this module's docstring). "
        f"The first:\n{diff}"
    )
