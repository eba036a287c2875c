"""The coach's engines: one small protocol, a registry, and the one run path.

- ``coach.engines.base``: the protocol. An engine has a ``name``, a ``model`` (None when it
  composes rather than writes) and one method, ``complete(Request) -> Reply``.
- ``coach.engines.registry``: the registered engines and embedders, built-ins and
  plug-ins alike (entry-point groups ``mentor_workbook.engines`` and
  ``mentor_workbook.embedders``); ``COACH_PROVIDER`` and ``COACH_EMBEDDINGS`` pick one by
  name.
- ``coach.engines.runner``: render, ask, check, repair once, fall back to offline, log: the
  path every task (``coach.tasks``) takes.
- ``coach.engines.jobs``: each task's prompt variables, checks and repair request.
- ``offline_engine`` and ``openai_engine``: the two built-ins, registered like any plug-in.

Importing this package imports neither engine, nor ``openai``.
"""

# Only the public names in this namespace, each loaded on first use (as ``coach`` does):
# ``coach.engines.registry``, which the settings and the CLI reach at start-up, must not
# bring the checks and the composer with it.
from typing import TYPE_CHECKING as _TYPE_CHECKING

from coach._lazy import lazy_names as _lazy_names

if _TYPE_CHECKING:
    from coach.engines.base import (
        BadOutput,
        DraftOut,
        Engine,
        EngineError,
        EngineFactory,
        EngineResult,
        Reply,
        Request,
        Tokens,
        Usage,
    )
    from coach.engines.jobs import answer_problems, passages_block, split_subject
    from coach.engines.registry import (
        EMBEDDER_GROUP,
        EMBEDDERS,
        ENGINE_GROUP,
        ENGINES,
        engine_name,
        get_engine,
    )
    from coach.engines.runner import Outcome, run

_HOME = {
    **dict.fromkeys(
        "BadOutput DraftOut Engine EngineError EngineFactory EngineResult Reply Request "
        "Tokens Usage".split(),
        "base",
    ),
    **dict.fromkeys(["answer_problems", "passages_block", "split_subject"], "jobs"),
    **dict.fromkeys(
        "EMBEDDER_GROUP EMBEDDERS ENGINE_GROUP ENGINES engine_name get_engine".split(),
        "registry",
    ),
    **dict.fromkeys(["Outcome", "run"], "runner"),
}

__getattr__, __dir__ = _lazy_names(__name__, _HOME, globals())

__all__ = [
    "EMBEDDERS",
    "EMBEDDER_GROUP",
    "ENGINES",
    "ENGINE_GROUP",
    "BadOutput",
    "DraftOut",
    "Engine",
    "EngineError",
    "EngineFactory",
    "EngineResult",
    "Outcome",
    "Reply",
    "Request",
    "Tokens",
    "Usage",
    "answer_problems",
    "engine_name",
    "get_engine",
    "passages_block",
    "run",
    "split_subject",
]
