"""JupyterLab's side of the workbooks: a save hook that keeps a person's data out of the
``.ipynb`` files.

``make lab`` starts JupyterLab with ``--ContentsManager.pre_save_hook=`` this module's
:func:`strip_personal_data`. A workbook's widgets show what the person typed, and
JupyterLab would save it into the notebook: in the widget state (when "Save Jupyter widget
state in notebooks" is on) and in each widget's text form in the cell outputs. The store
already keeps all of it, so a saved workbook keeps only its guidance and its code.
"""

from __future__ import annotations

from typing import Any

_MARK = "coach.widgets"


def is_workbook(nb: dict[str, Any]) -> bool:
    """True for a notebook whose code shows a workbook widget."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        if _MARK in text:
            return True
    return False


def strip_personal_data(model: dict[str, Any], **_kwargs: Any) -> None:
    """Before a workbook notebook is saved: drop its widget state and cell outputs."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    nb = model["content"]
    if not is_workbook(nb):
        return
    metadata = nb.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("widgets", None)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
