"""The settings as people read them: the README's table, and variables nobody reads.

Both come from :class:`coach.settings.Settings` itself, so a new setting is documented by
writing its field's description, and a misspelt ``COACH_*`` variable (which the settings
would otherwise ignore) is named by ``mentor-coach doctor``. ``python -m coach.settings_doc``
rewrites the README's table; ``tests/test_settings_doc.py`` fails when it is stale.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import AliasChoices
from pydantic.fields import FieldInfo

from coach.settings import Settings

BEGIN = (
    "<!-- settings table: generated from coach.settings.Settings by "
    "`python -m coach.settings_doc`; edit the fields' descriptions, not this table -->"
)
END = "<!-- end of settings table -->"
README = Path(__file__).resolve().parent.parent / "README.md"


def env_names(name: str, field: FieldInfo) -> list[str]:
    """The environment variables that set a field, the standard one first
    (``OPENAI_API_KEY`` before ``COACH_OPENAI_API_KEY``)."""
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        names = [str(c) for c in alias.choices]
        return sorted(names, key=lambda n: n.startswith("COACH_"))
    if isinstance(alias, str):
        return [alias]
    return [f"COACH_{name.upper()}"]


def shown_default(field: FieldInfo) -> str:
    """A field's default as the table shows it."""
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "shown_default" in extra:
        return str(extra["shown_default"])
    default: Any = field.get_default(call_default_factory=False)
    if default is None or default is False:
        return "unset"
    if default is True:
        return "`1`"
    if isinstance(default, float) and default.is_integer():
        default = int(default)  # 60, not 60.0: what a person would type
    return f"`{default}`"


def rows() -> list[tuple[list[str], str, str]]:
    """(variables, default, description) for every setting, in the order they are declared."""
    out = []
    for name, field in Settings.model_fields.items():
        text = " ".join((field.description or "").split()).replace("|", "\\|")
        out.append((env_names(name, field), shown_default(field), text))
    return out


def table() -> str:
    """The README's configuration table, in Markdown."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for names, default, text in rows():
        lines.append(f"| {' / '.join(f'`{n}`' for n in names)} | {default} | {text} |")
    return "\n".join(lines)


def known_variables() -> set[str]:
    """Every environment variable a setting reads."""
    return {n for names, _, _ in rows() for n in names}


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """``COACH_*`` variables in ``environ`` that no setting reads, each in plain words with
    the setting it may have meant ('COACH_MODLE: no such setting; did you mean COACH_MODEL?').
    """
    known = sorted(n for n in known_variables() if n.startswith("COACH_"))
    found = []
    for name in sorted(environ):
        if not name.startswith("COACH_") or name in known:
            continue
        near = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
        hint = f"; did you mean {near[0]}?" if near else " (it is ignored)"
        found.append(f"{name}: no such setting{hint}")
    return found


def rewrite(readme: str) -> str:
    """``readme`` with the table between its markers made anew."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError("the README has no settings table markers")
    return readme[: start + len(BEGIN)] + "\n" + table() + "\n" + readme[end:]


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = rewrite(text)
    if new != text:
        README.write_text(new, encoding="utf-8")
    print(f"{README}: settings table {'rewritten' if new != text else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
