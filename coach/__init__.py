"""Mentor Workbook's coach: a mentoring corpus, hybrid retrieval with citations, and
(offline or model-backed) answers, drafts and agendas.

Importing ``coach`` is cheap: chromadb, langchain and openai load only when first used.
"""

from coach.api import index, search
from coach.errors import CoachError, ConfigError, CorpusIndexError, QueryError
from coach.models import Passage
from coach.profiles import Goal, MentorCandidate, Profile, ProfileError
from coach.results import Agenda, AgendaItem, Answer, Check, Draft
from coach.settings import Settings, get_settings
from coach.tasks import DRAFT_KINDS, PHASES, agenda, ask, draft, refine_goal

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
