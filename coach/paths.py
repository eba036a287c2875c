"""Where the shipped corpus and prompts live, in a source checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    installed = _PKG / "_shipped" / name  # put there by the wheel build (pyproject.toml)
    if installed.is_dir():
        return installed
    return _PKG.parent / name  # a source checkout or an editable install


def corpus_dir() -> Path:
    """The mentoring corpus that ships with the product."""
    return _shipped("corpus")


def prompts_dir() -> Path:
    """The prompt and template files."""
    return _shipped("prompts")


def package_data(name: str) -> Path:
    """A file or folder under ``coach/data`` (inside the package, so in every install)."""
    return _PKG / "data" / name
