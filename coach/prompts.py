"""Prompts and offline templates, as data: one YAML file per task in ``prompts/``.

Each file is validated strictly: unknown keys are errors, every ``{placeholder}`` must be a
declared variable, every declared variable must be used, every check it names must exist,
and rendering with a missing variable is an error. Both engines read the same file: a model
gets ``system`` and ``user``; the offline engine composes from ``offline``.

Pages' own wording (what the outreach step says about LinkedIn's note budget, the
follow-up nudges, the pairing-fit pulse) lives in ``prompts/pages/<name>.yaml``, read by
:func:`page_texts`: data too, but not a task's prompt.

Two files are shared by every task: ``vocabulary.yaml`` (the kinds of draft and the meeting
phases, their labels and their limits: :func:`vocabulary`, :func:`draft_kinds`,
:func:`agenda_phases`) and ``repair.yaml`` (the limits line, the request for another
version and the repair requests: :func:`repair_texts`). They are checked against the task
files when those load, so a kind without its prompt file, or a file whose kind is not in
the vocabulary, fails at once, naming the file.
"""

from __future__ import annotations

import re
import string
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from coach.errors import CoachError
from coach.paths import prompts_dir
from coach.settings import Settings

# The files every task shares; every other ``prompts/*.yaml`` is one task's prompt.
VOCABULARY, REPAIR = "vocabulary", "repair"


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


_M = TypeVar("_M", bound=BaseModel)


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


def _read(path: Path, model: type[_M]) -> _M:
    """``path`` read as YAML and validated as ``model``; a PromptError naming the file."""
    import yaml

    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except (yaml.YAMLError, ValidationError, OSError) as exc:
        raise PromptError(f"{path.name}: {exc}") from None


def _load_file(path: Path) -> PromptSpec:
    spec = _read(path, PromptSpec)
    if spec.name != path.stem:
        raise PromptError(f"{path.name}: 'name' is {spec.name!r}, expected {path.stem!r}")
    from coach.checks import CHECKS

    unknown = [c for c in spec.checks if c not in CHECKS]
    if unknown:
        raise PromptError(
            f"{path.name}: 'checks' names {unknown[0]!r}, which is not a check; "
            f"use one of {', '.join(CHECKS)}"
        )
    if spec.task == "draft" and not spec.checks:
        raise PromptError(f"{path.name}: a draft's prompt must list the 'checks' it passes")
    if spec.task in ("draft", "agenda") and spec.name != f"{spec.task}-{spec.kind}":
        raise PromptError(
            f"{path.name}: its kind is {spec.kind!r}, so the file must be called "
            f"{spec.task}-{spec.kind}.yaml"
        )
    if spec.task == "refine-goal":
        _check_verdicts(path, spec)
    return spec


def _check_verdicts(path: Path, spec: PromptSpec) -> None:
    """The goal verdicts (``offline.advice`` lines ``key: text``) are exactly those that
    ``coach.goals`` gives reasons with."""
    from coach.goals import VERDICT_KEYS, reasons

    texts = reasons(spec.offline.advice)
    missing = [k for k in VERDICT_KEYS if k not in texts]
    if missing:
        raise PromptError(f"{path.name}: offline.advice lacks {missing}")
    extra = [k for k in texts if k not in VERDICT_KEYS]
    if extra:
        raise PromptError(
            f"{path.name}: offline.advice has {extra[0]!r}, which no goal verdict uses; "
            f"use one of {', '.join(VERDICT_KEYS)}"
        )


@lru_cache(maxsize=1)
def all_prompts() -> dict[str, PromptSpec]:
    """Every task's prompt file, validated (and checked against the vocabulary), by name."""
    shared = {VOCABULARY, REPAIR}
    paths = [p for p in sorted(prompts_dir().glob("*.yaml")) if p.stem not in shared]
    prompts = {p.stem: _load_file(p) for p in paths}
    _check_vocabulary(prompts, vocabulary())
    repair_texts()  # a broken repair file fails with the prompts, not at the first repair
    return prompts


def _check_vocabulary(prompts: dict[str, PromptSpec], vocab: Vocabulary) -> None:
    listed: dict[str, tuple[str, list[str]]] = {
        "draft": ("kinds", list(vocab.kinds)),
        "agenda": ("phases", list(vocab.phases)),
    }
    for spec in prompts.values():
        if spec.task in listed:
            what, names = listed[spec.task]
            if spec.kind not in names:
                raise PromptError(
                    f"{spec.name}.yaml: kind {spec.kind!r} is not one of the {what} in "
                    f"{VOCABULARY}.yaml ({', '.join(names)})"
                )
    for task, (what, names) in listed.items():
        for name in names:
            if f"{task}-{name}" not in prompts:
                raise PromptError(
                    f"{VOCABULARY}.yaml: {what} lists {name!r}, but there is no prompt file "
                    f"prompts/{task}-{name}.yaml"
                )


def get_prompt(name: str) -> PromptSpec:
    """The prompt called ``name`` (e.g. ``draft-linkedin-note``)."""
    prompts = all_prompts()
    if name not in prompts:
        raise PromptError(f"no prompt file prompts/{name}.yaml")
    return prompts[name]


# -- the shared files --------------------------------------------------------------------


class ByAccount(_Strict):
    """A limit that depends on the LinkedIn account: a setting's name for each."""

    free: str
    premium: str


class KindSpec(_Strict):
    """One kind of outreach draft."""

    label: str  # in a menu: "LinkedIn connection note"
    noun: str  # in a sentence: "a LinkedIn connection note"
    limit: str | ByAccount  # the setting(s) holding its character limit
    # how the fits-limit check says it: "a short follow-up: {limit} characters"
    limit_text: str
    subject_limit: str | None = None  # the setting holding its subject's limit, if it has one
    free_account: str | None = None  # what to say when a free account asks for it

    @property
    def short(self) -> str:
        """The label without a closing "(…)": "InMail" (an export's list of what was sent)."""
        return re.sub(r"\s*\([^()]*\)$", "", self.label)

    @property
    def premium_only(self) -> bool:
        """Whether only a LinkedIn Premium account can send it (InMail)."""
        return self.free_account is not None

    def limits(self, account: str, settings: Settings) -> tuple[int, int | None]:
        """(body limit, subject limit or None) for a LinkedIn ``account`` ('free', 'premium')."""
        field = self.limit
        if isinstance(field, ByAccount):
            field = field.premium if account == "premium" else field.free
        subject = getattr(settings, self.subject_limit) if self.subject_limit else None
        return getattr(settings, field), subject


class PhaseSpec(_Strict):
    """One phase of mentoring, and the meeting planned for it."""

    label: str  # in a menu: "Agreement"
    title: str  # an agenda's title starts with it: "Agreeing how we work"


_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


class Vocabulary(_Strict):
    """The kinds of draft and the meeting phases, in the order they are offered."""

    kinds: dict[str, KindSpec] = Field(min_length=1)
    phases: dict[str, PhaseSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _names_and_limits(self) -> Vocabulary:
        for name in [*self.kinds, *self.phases]:
            if not _NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not a name like 'linkedin-note'")
        numbers = {n for n, f in Settings.model_fields.items() if f.annotation is int}
        for name, kind in self.kinds.items():
            limit = kind.limit
            fields = [limit] if isinstance(limit, str) else [limit.free, limit.premium]
            fields += [kind.subject_limit] if kind.subject_limit else []
            unknown = placeholders(kind.limit_text) - {"limit", "subject_limit", "account"}
            if unknown:
                raise ValueError(
                    f"kind {name!r}: limit_text uses {', '.join(sorted(unknown))}; it may use "
                    "only {limit}, {subject_limit} and {account}"
                )
            for field in fields:
                if field not in numbers:
                    raise ValueError(
                        f"kind {name!r}: limit {field!r} is not a whole-number setting; use one "
                        f"of {', '.join(sorted(n for n in numbers if n.endswith('_limit')))}"
                    )
        return self


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """``prompts/vocabulary.yaml``, validated (one small file: cheap enough for the CLI's
    choices, which are read before any prompt is)."""
    return _read(prompts_dir() / f"{VOCABULARY}.yaml", Vocabulary)


def draft_kinds() -> tuple[str, ...]:
    """The kinds of outreach the coach drafts, in the order they are offered."""
    return tuple(vocabulary().kinds)


def agenda_phases() -> tuple[str, ...]:
    """The meeting phases the coach plans agendas for, in order."""
    return tuple(vocabulary().phases)


class RepairTexts(_Strict):
    """``prompts/repair.yaml``: the text every model prompt shares."""

    name: Literal["repair"]
    version: int = Field(ge=1)
    description: str
    limits: str
    subject_limit: str
    another_version: str
    answer: str
    draft: str
    agenda: str

    @model_validator(mode="after")
    def _placeholders(self) -> RepairTexts:
        failed = {"problems", "previous"}
        needs = {
            "limits": {"limit"},
            "subject_limit": {"subject_limit"},
            "another_version": {"version"},
            "answer": failed | {"count"},
            "draft": failed,
            "agenda": failed,
        }
        for key, wanted in needs.items():
            used = placeholders(getattr(self, key))
            if used != wanted:
                raise ValueError(
                    f"{key!r} must use exactly {sorted(wanted)} as placeholders, not {sorted(used)}"
                )
        return self

    def fill(self, key: str, **values: object) -> str:
        """The text ``key`` with ``values`` filled in (values are never re-parsed)."""
        text: str = getattr(self, key)
        return text.format(**values)


class PageTexts(BaseModel):
    """``prompts/pages/<name>.yaml``: a page's wording, as data (each page module reads the
    keys it needs and checks their placeholders with :func:`placeholders`)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    version: int = Field(ge=1)
    description: str

    def text(self, key: str, **values: object) -> str:
        """The text ``key`` with ``values`` filled in (a PromptError names a missing key)."""
        found = (self.model_extra or {}).get(key)
        if not isinstance(found, str):
            raise PromptError(f"prompts/pages/{self.name}.yaml has no text {key!r}")
        return found.format(**values)

    def get(self, key: str) -> Any:
        """Any value of the file (a list or a mapping of texts); a PromptError if missing."""
        extra = self.model_extra or {}
        if key not in extra:
            raise PromptError(f"prompts/pages/{self.name}.yaml has no {key!r}")
        return extra[key]


@cache
def page_texts(name: str) -> PageTexts:
    """``prompts/pages/<name>.yaml``, read once."""
    path = prompts_dir() / "pages" / f"{name}.yaml"
    texts = _read(path, PageTexts)
    if texts.name != name:
        raise PromptError(f"{path.name}: 'name' is {texts.name!r}, expected {name!r}")
    return texts


@lru_cache(maxsize=1)
def repair_texts() -> RepairTexts:
    """``prompts/repair.yaml``, validated."""
    return _read(prompts_dir() / f"{REPAIR}.yaml", RepairTexts)
