"""Prompts and offline templates, as data: one YAML file per task in ``prompts/``.

Each file is validated strictly: unknown keys are errors, every ``{placeholder}`` must be a
declared variable, every declared variable must be used, and rendering with a missing
variable is an error. Both engines read the same file: the model uses ``system`` and
``user``; the offline engine uses ``offline``.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from coach.errors import CoachError
from coach.paths import prompts_dir


class PromptError(CoachError):
    """A prompt file is invalid, or a prompt was rendered without a variable it needs."""


# Variables the offline engine fills for drafts and agendas (see coach/offline.py).
OFFLINE_VARS = frozenset(
    """m_first m_name m_role m_org me_first me_name me_role me_role_short me_org point1
    point1_short point2 goal goal_short goal2 why offer mutual ask minutes m_formal noticed1
    noticed1_short topic1 more1 about1 learn aim goal_do sent_when discussed""".split()
)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` used in ``template`` (``{{`` and ``}}`` are literal braces)."""
    try:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        raise PromptError(f"bad template {template[:60]!r}: {exc}") from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgendaItemSpec(_Strict):
    """One timed block of an agenda."""

    title: str
    weight: float = Field(gt=0)
    prompts: list[str] = Field(min_length=1)


class OfflineSpec(_Strict):
    """What the offline engine composes from."""

    subject: list[str] = []
    body: list[str] = []
    items: list[AgendaItemSpec] = []
    intro: str = ""
    none_found: str = ""
    advice: list[str] = []


class PromptSpec(_Strict):
    """One task's prompt file."""

    name: str
    version: int = Field(ge=1)
    task: Literal["answer", "draft", "agenda", "refine-goal"]
    kind: str = ""
    description: str
    retrieve: str = ""  # the search that finds the passages this task cites
    variables: list[str]
    system: str
    user: str
    checks: list[str] = []
    offline: OfflineSpec = OfflineSpec()

    @model_validator(mode="after")
    def _templates_match_variables(self) -> PromptSpec:
        used = placeholders(self.system) | placeholders(self.user)
        declared = set(self.variables)
        if used - declared:
            raise ValueError(f"placeholders not declared in 'variables': {sorted(used - declared)}")
        if declared - used:
            raise ValueError(f"variables declared but never used: {sorted(declared - used)}")
        texts = [*self.offline.subject, *self.offline.body, *self.offline.advice]
        texts += [p for item in self.offline.items for p in item.prompts]
        texts += [item.title for item in self.offline.items]
        for t in texts:
            unknown = placeholders(t) - OFFLINE_VARS
            if unknown:
                raise ValueError(
                    f"offline template uses unknown variables {sorted(unknown)}: {t!r}"
                )
        return self

    def render(self, **values: str) -> tuple[str, str]:
        """The (system, user) messages with ``values`` filled in; a missing one is an error."""
        missing = set(self.variables) - set(values)
        if missing:
            raise PromptError(f"prompt {self.name} v{self.version} needs {sorted(missing)}")
        extra = set(values) - set(self.variables)
        if extra:
            raise PromptError(f"prompt {self.name} v{self.version} has no {sorted(extra)}")
        return self.system.format(**values), self.user.format(**values)


def _load_file(path: Path) -> PromptSpec:
    import yaml

    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = PromptSpec.model_validate(data)
    except (yaml.YAMLError, ValidationError, OSError) as exc:
        raise PromptError(f"{path.name}: {exc}") from None
    if spec.name != path.stem:
        raise PromptError(f"{path.name}: 'name' is {spec.name!r}, expected {path.stem!r}")
    from coach.checks import CHECKS

    unknown = [c for c in spec.checks if c not in CHECKS]
    if unknown:
        raise PromptError(
            f"{path.name}: 'checks' names {unknown[0]!r}, which is not a check; "
            f"use one of {', '.join(CHECKS)}"
        )
    return spec


@lru_cache(maxsize=1)
def all_prompts() -> dict[str, PromptSpec]:
    """Every prompt file, validated, by name."""
    return {p.stem: _load_file(p) for p in sorted(prompts_dir().glob("*.yaml"))}


def get_prompt(name: str) -> PromptSpec:
    """The prompt called ``name`` (e.g. ``draft-linkedin-note``)."""
    prompts = all_prompts()
    if name not in prompts:
        raise PromptError(f"no prompt file prompts/{name}.yaml")
    return prompts[name]
