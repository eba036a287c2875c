"""Mentor Workbook's coach: a mentoring corpus, hybrid retrieval with citations, and
(offline or model-backed) answers, drafts and agendas.

Importing ``coach`` is cheap: chromadb, langchain and openai load only when first used.
"""

# Only the public names may be in this namespace (tests/test_exported_members.py): hence no
# `from __future__ import annotations` here, and the helpers under private names.
from typing import TYPE_CHECKING as _TYPE_CHECKING

from coach._lazy import lazy_names as _lazy_names

if _TYPE_CHECKING:
    from coach.api import index, search
    from coach.errors import CoachError, ConfigError, CorpusIndexError, QueryError
    from coach.models import Passage
    from coach.profiles import Goal, MentorCandidate, Profile, ProfileError
    from coach.results import Agenda, AgendaItem, Answer, Check, Draft, GoalSuggestion
    from coach.settings import Settings, get_settings
    from coach.tasks import DRAFT_KINDS, PHASES, agenda, ask, draft, refine_goal

# Each public name and the module it lives in. They load on first use (PEP 562), so a
# workbook page that needs only the store does not pay for NumPy, the engines or retrieval.
_HOME = {
    "index": "api",
    "search": "api",
    "CoachError": "errors",
    "ConfigError": "errors",
    "CorpusIndexError": "errors",
    "QueryError": "errors",
    "Passage": "models",
    "Goal": "profiles",
    "MentorCandidate": "profiles",
    "Profile": "profiles",
    "ProfileError": "profiles",
    "Agenda": "results",
    "AgendaItem": "results",
    "Answer": "results",
    "GoalSuggestion": "results",
    "Check": "results",
    "Draft": "results",
    "Settings": "settings",
    "get_settings": "settings",
    "DRAFT_KINDS": "tasks",
    "PHASES": "tasks",
    "agenda": "tasks",
    "ask": "tasks",
    "draft": "tasks",
    "refine_goal": "tasks",
}


__getattr__, __dir__ = _lazy_names(__name__, _HOME, globals())


__version__ = "0.1.0"

__all__ = [
    "DRAFT_KINDS",
    "PHASES",
    "Agenda",
    "AgendaItem",
    "Answer",
    "Check",
    "CoachError",
    "ConfigError",
    "CorpusIndexError",
    "Draft",
    "Goal",
    "GoalSuggestion",
    "MentorCandidate",
    "Passage",
    "Profile",
    "ProfileError",
    "QueryError",
    "Settings",
    "__version__",
    "agenda",
    "ask",
    "draft",
    "get_settings",
    "index",
    "refine_goal",
    "search",
]
