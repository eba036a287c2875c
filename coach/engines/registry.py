"""The registries of coach engines and embedders: built-ins and installed plug-ins alike.

A package adds one with an entry point, as simonw/llm's plug-ins do::

    [project.entry-points."mentor_workbook.engines"]
    echo = "mw_echo:EchoEngine"          # a factory (Settings) -> Engine

    [project.entry-points."mentor_workbook.embedders"]
    tiny = "mw_tiny:TinyEmbedder"        # a factory (Settings) -> Embedder

``COACH_PROVIDER`` and ``COACH_EMBEDDINGS`` then pick it by name. The built-ins are
registered the same way in this project's ``pyproject.toml``, and are also known here
directly, so that a checkout whose installed metadata is stale still has them, and so that
choosing a built-in never scans the installed packages (about 40 ms with a few hundred
installed): entry points are read only for a name that is not built in, and for
``mentor-coach doctor``. Nothing here imports an engine's module until it is chosen.
"""

from __future__ import annotations

import importlib
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coach.errors import ConfigError

if TYPE_CHECKING:
    from coach.embeddings import Embedder
    from coach.engines.base import Engine
    from coach.settings import Settings

ENGINE_GROUP = "mentor_workbook.engines"
EMBEDDER_GROUP = "mentor_workbook.embedders"
OUR_PACKAGE = "mentor-workbook"
FALLBACK = "offline"  # the engine that answers when the chosen one fails


def _package_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Entry:
    """One registered name: where its factory is (``module:attr``), and who registers it."""

    name: str
    target: str
    package: str = OUR_PACKAGE

    @property
    def builtin(self) -> bool:
        """Registered by this project."""
        return self.package == OUR_PACKAGE


class Registry:
    """Names and their factories for one entry-point group."""

    def __init__(
        self, what: str, setting: str, group: str, protocol: str, builtins: dict[str, str]
    ) -> None:
        self.what = what  # "engine", "embedder": for messages
        self.setting = setting  # the variable that picks one, for messages
        self.group = group
        self.protocol = protocol  # ``module:Class`` of what a factory must make
        self._builtins = {n: Entry(n, t) for n, t in builtins.items()}
        self._plugins: dict[str, Entry] | None = None
        self._notes: list[str] = []  # plug-ins left out, in plain words
        self._loaded: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _scan(self) -> dict[str, Entry]:
        """The plug-ins installed for this group (read once per process)."""
        with self._lock:
            if self._plugins is None:
                from importlib.metadata import entry_points

                found: dict[str, Entry] = {}
                notes: list[str] = []
                for ep in entry_points(group=self.group):
                    dist = getattr(ep, "dist", None)
                    package = _package_name(dist.name) if dist is not None else "unknown"
                    entry = Entry(ep.name, ep.value, package)
                    if package == OUR_PACKAGE:
                        continue  # the built-ins, as pyproject.toml registers them
                    if ep.name in self._builtins:
                        notes.append(
                            f"{self.what} {ep.name!r} from package {package} is ignored: "
                            f"a built-in {self.what} has that name"
                        )
                    elif ep.name in found:
                        notes.append(
                            f"{self.what} {ep.name!r} from package {package} is ignored: "
                            f"package {found[ep.name].package} registers that name too"
                        )
                    else:
                        found[ep.name] = entry
                self._plugins, self._notes = found, notes
            return self._plugins

    def forget(self) -> None:
        """Read the installed plug-ins again next time (after installing one)."""
        with self._lock:
            self._plugins, self._notes = None, []
            self._loaded = {n: f for n, f in self._loaded.items() if n in self._builtins}

    def entries(self) -> list[Entry]:
        """Every registered name: the built-ins, then the plug-ins (in installed order)."""
        return [*self._builtins.values(), *self._scan().values()]

    def names(self) -> list[str]:
        """Every registered name."""
        return [e.name for e in self.entries()]

    def is_builtin(self, name: str) -> bool:
        """``name`` is one of this project's own."""
        return name in self._builtins

    def entry(self, name: str) -> Entry:
        """The registration of ``name``; a ConfigError listing the names when there is none."""
        entry = self._builtins.get(name) or self._scan().get(name)
        if entry is None:
            raise ConfigError(
                f"{self.setting}={name} is not a registered {self.what}; choose one of "
                f"{', '.join(self.names())} (`mentor-coach doctor` lists them, and what "
                "failed to load)"
            )
        return entry

    def load(self, name: str) -> Any:
        """The factory registered as ``name``: a ConfigError saying which names there are
        when none is, or what went wrong when its package fails to load."""
        entry = self.entry(name)
        factory = self._loaded.get(name)
        if factory is None:
            factory = self._loaded[name] = _import(entry, self.what)
        return factory

    def report(self) -> tuple[list[str], list[str]]:
        """(the names that load, with where they come from; the problems, in plain words),
        for ``mentor-coach doctor``. Plug-ins are imported to find out; built-ins are not."""
        usable, problems = [], []
        for entry in self.entries():
            if entry.builtin:
                usable.append(f"{entry.name} (built in)")
                continue
            try:
                self.load(entry.name)
            except ConfigError as exc:
                problems.append(str(exc))
            else:
                usable.append(f"{entry.name} (from {entry.package})")
        return usable, [*problems, *self._notes]


def _import(entry: Entry, what: str) -> Any:
    module, _, attr = entry.target.partition(":")
    try:
        obj: Any = importlib.import_module(module.strip())
        for part in attr.strip().split(".") if attr.strip() else []:
            obj = getattr(obj, part)
    except Exception as exc:  # a plug-in's bug is reported, never raised as it is
        if entry.builtin:
            raise
        raise ConfigError(
            f"{what} {entry.name!r} from package {entry.package} could not load: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if not callable(obj):
        raise ConfigError(
            f"{what} {entry.name!r} from package {entry.package} could not load: "
            f"{entry.target} is not a factory that takes the settings"
        )
    return obj


ENGINES = Registry(
    "engine",
    "COACH_PROVIDER",
    ENGINE_GROUP,
    "coach.engines.base:Engine",
    {
        "offline": "coach.engines.offline_engine:OfflineEngine",
        "openai": "coach.engines.openai_engine:OpenAIEngine",
        "local": "coach.engines.local_engine:LocalEngine",
    },
)
EMBEDDERS = Registry(
    "embedder",
    "COACH_EMBEDDINGS",
    EMBEDDER_GROUP,
    "coach.embeddings:Embedder",
    {
        "offline": "coach.embeddings:MiniLMEmbedder",
        "offline-hash": "coach.embeddings:OfflineHashEmbedder.from_settings",
        "openai": "coach.embeddings:OpenAIEmbedder",
    },
)


def engine_name(settings: Settings) -> str:
    """The name of the engine ``COACH_PROVIDER`` picks; ``auto`` is openai when
    ``OPENAI_API_KEY`` or ``OPENAI_BASE_URL`` is set, offline otherwise."""
    name = settings.provider.strip().lower() or "auto"
    if name == "auto":
        return "openai" if settings.openai_api_key or settings.openai_base_url else FALLBACK
    return name


def _started(registry: Registry, name: str, settings: Settings) -> Any:
    """What ``name``'s factory makes from ``settings``; a plug-in's failure, or a factory
    that makes something else, as a ConfigError that says so."""
    factory = registry.load(name)
    entry = registry.entry(name)
    try:
        made = factory(settings)
    except ConfigError:
        raise
    except Exception as exc:
        if entry.builtin:
            raise
        raise ConfigError(
            f"{registry.what} {name!r} from package {entry.package} could not start: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if not entry.builtin:
        module, _, cls = registry.protocol.partition(":")
        protocol = getattr(importlib.import_module(module), cls)
        if not isinstance(made, protocol):
            raise ConfigError(
                f"{registry.what} {name!r} from package {entry.package} could not start: "
                f"{entry.target} made a {type(made).__name__}, which is not a {cls} "
                f"(see {module})"
            )
    return made


def get_engine(settings: Settings, name: str | None = None) -> Engine:
    """The engine the settings choose (or the one called ``name``), ready to use; a
    ConfigError when it is unknown, misconfigured or its package is broken."""
    return _started(ENGINES, name or engine_name(settings), settings)  # type: ignore[no-any-return]


def is_builtin(name: str) -> bool:
    """An engine this project ships (its failures are bugs to see, not to fall back from)."""
    return ENGINES.is_builtin(name)


def new_embedder(settings: Settings) -> Embedder:
    """A new embedder of the kind ``COACH_EMBEDDINGS`` names."""
    name = settings.embeddings.strip().lower()
    return _started(EMBEDDERS, name, settings)  # type: ignore[no-any-return]
