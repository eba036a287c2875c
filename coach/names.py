"""Validation of corpus names, shared by settings, the CLI and the index."""

from __future__ import annotations

import re

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")


def check_corpus_name(name: str) -> str:
    """Return a valid corpus name or raise ``ValueError`` saying what is allowed."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(
            f"corpus name {name!r} is not allowed: use 1 to 48 lowercase letters, digits, "
            "'-' or '_', starting with a letter or digit"
        )
    return name
