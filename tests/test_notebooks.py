"""Every workbook runs headless, top to bottom, with no error output; notebooks stay thin."""

import json

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO

BOOKS = sorted((REPO / "workbooks").rglob("*.ipynb"))


@pytest.mark.parametrize("path", BOOKS, ids=lambda p: p.name)
def test_the_workbook_executes_without_errors(indexed, path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", out
            assert "Traceback" not in json.dumps(out)


@pytest.mark.parametrize("path", BOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin_views_with_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert 1 <= len(code) <= 3
    for c in code:
        src = "".join(c["source"])
        assert "def " not in src and "class " not in src and " if " not in f" {src}"
        assert not c["outputs"] and c["execution_count"] is None
