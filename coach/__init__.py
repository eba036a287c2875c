"""Mentor Workbook's coach: a mentoring corpus, hybrid retrieval with citations, and
(offline or model-backed) answers, drafts and agendas.

Importing ``coach`` is cheap: chromadb, langchain and openai load only when first used.
"""

from coach.api import index, search
from coach.errors import CoachError, ConfigError, CorpusIndexError, QueryError
from coach.models import Passage
from coach.settings import Settings, get_settings

__version__ = "0.1.0"

__all__ = [
    "CoachError",
    "ConfigError",
    "CorpusIndexError",
    "Passage",
    "QueryError",
    "Settings",
    "__version__",
    "get_settings",
    "index",
    "search",
]
