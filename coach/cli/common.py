"""What several commands share: the ``--json`` switch, declared once, and its printer."""

from __future__ import annotations

import argparse
import json
from functools import lru_cache


@lru_cache(maxsize=1)
def json_option() -> argparse.ArgumentParser:
    """A parent parser holding ``--json``: ``sub.add_parser(..., parents=[json_option()])``."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--json",
        action="store_true",
        help="print the result as JSON (for scripts); secrets stay masked unless the "
        "command's own help says otherwise",
    )
    return parent


def print_json(data: object) -> None:
    """``data`` as indented JSON, non-ASCII text as it is (dates and paths as text)."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
