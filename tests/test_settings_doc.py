"""The README's settings table is the settings' own, and doctor names unknown variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from coach import settings_doc
from coach.settings import Settings
from tests.helpers import REPO


def test_the_readmes_settings_table_is_generated_from_the_settings():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert settings_doc.rewrite(readme) == readme, "run `python -m coach.settings_doc`"


def test_every_setting_is_in_the_table_with_a_description():
    table = settings_doc.table()
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no description"
        for var in settings_doc.env_names(name, field):
            assert f"`{var}`" in table
    assert "`OPENAI_API_KEY` / `COACH_OPENAI_API_KEY`" in table  # the standard name first
    assert "| `COACH_HOME` | your platform's user-data folder |" in table


def test_unknown_coach_variables_are_named_with_the_setting_they_may_mean():
    found = settings_doc.unknown_variables(
        {"COACH_MODLE": "x", "COACH_HOME": "/h", "PATH": "/bin", "COACH_ZZZ": "1"}
    )
    assert found == [
        "COACH_MODLE: no such setting; did you mean COACH_MODEL?",
        "COACH_ZZZ: no such setting (it is ignored)",
    ]
    assert settings_doc.unknown_variables({"COACH_HOME": "/h", "OPENAI_API_KEY": "k"}) == []


def test_doctor_names_a_misspelt_variable(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env |= {"COACH_HOME": str(tmp_path), "COACH_KERNELS_PER_SAET": "5"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "mentor-coach"), "doctor", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["settings"]["COACH_* variables"] == (
        "COACH_KERNELS_PER_SAET: no such setting; did you mean COACH_KERNELS_PER_SEAT?"
    )


def test_coach_debug_is_a_setting(monkeypatch):
    monkeypatch.setenv("COACH_DEBUG", "1")
    assert Settings().debug is True
    monkeypatch.setenv("COACH_DEBUG", "0")
    assert Settings().debug is False
