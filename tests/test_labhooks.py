"""JupyterLab never writes a person's data into a workbook's .ipynb (the save hook that
`make lab` installs), and a workbook's widget never prints the person's values."""

from __future__ import annotations

import json
import shutil

from tests.conftest import REPO


def _with_personal_output(nb: dict) -> dict:
    nb = json.loads(json.dumps(nb))
    nb["metadata"]["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {"m": {"value": "Priya Raman"}}}
    }
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"] = 3
            cell["outputs"] = [
                {
                    "output_type": "execute_result",
                    "execution_count": 3,
                    "metadata": {},
                    "data": {"text/plain": "VBox(children=(Text(value='Priya Raman'),))"},
                }
            ]
    return nb


def test_saving_a_workbook_in_jupyterlab_keeps_no_personal_data(tmp_path):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    shutil.copy(REPO / "workbooks" / "01_goals.ipynb", tmp_path / "01_goals.ipynb")
    manager = FileContentsManager(
        root_dir=str(tmp_path), pre_save_hook="coach.labhooks.strip_personal_data"
    )
    model = manager.get("01_goals.ipynb")
    manager.save(
        {"type": "notebook", "format": "json", "content": _with_personal_output(model["content"])},
        "01_goals.ipynb",
    )
    saved = (tmp_path / "01_goals.ipynb").read_text(encoding="utf-8")
    assert "Priya Raman" not in saved
    assert '"widgets"' not in saved


def test_a_notebook_that_is_not_a_workbook_is_saved_as_it_is(tmp_path):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    manager = FileContentsManager(
        root_dir=str(tmp_path), pre_save_hook="coach.labhooks.strip_personal_data"
    )
    nb = _with_personal_output(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "id": "c1",
                    "metadata": {},
                    "source": "print(1)",
                    "outputs": [],
                }
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )
    manager.save({"type": "notebook", "format": "json", "content": nb}, "mine.ipynb")
    assert "Priya Raman" in (tmp_path / "mine.ipynb").read_text(encoding="utf-8")


def test_the_apps_text_form_names_no_value(clean_env):
    from coach.store import get_store
    from coach.widgets import app_widget

    get_store().put("me", "profile", "me", {"name": "Priya Raman", "linkedin_account": "free"})
    view = app_widget()
    bundle = view._repr_mimebundle_()
    assert "Priya" not in json.dumps(bundle)
