"""The public Python API of the coach (re-exported from ``coach``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from coach.models import Passage
from coach.settings import Settings, get_settings

if TYPE_CHECKING:  # imported lazily at run time: the indexer is heavy
    from coach.indexer import IndexReport


def search(query: str, k: int = 5, *, corpus: str | None = None) -> list[Passage]:
    """The ``k`` passages that best answer ``query``, best first, each citable.

    Raises :class:`coach.QueryError` for an empty or over-long query; returns ``[]`` when
    the query has no searchable words or nothing matches. The shipped corpus is indexed
    on first use. With ``COACH_SERVICE_URL`` set, the coach service searches (same
    passages, same order, same scores) and this process loads no index.
    """
    settings = get_settings()
    if settings.service_url:  # `mentor-coach serve`: the shared service holds the index
        from coach.service_client import service_client

        return service_client(settings).search(query, k, corpus or settings.corpus)
    from coach.errors import CorpusIndexError
    from coach.indexer import ensure_shipped
    from coach.retrieval import check_query, hybrid_search
    from coach.vectorstore import Corpus

    check_query(query, settings)  # fail fast, before any index work
    name = corpus or settings.corpus
    if name == "default":
        ensure_shipped(settings)
    store = Corpus(settings, name)
    if not store.exists():
        raise CorpusIndexError(
            f"Corpus '{name}' does not exist. Create it with "
            f"`mentor-coach index PATH --corpus {name}`, or list corpora with "
            "`mentor-coach corpus list`."
        )
    return hybrid_search(settings, store, query, k)


def index(
    paths: list[str | Path] | None = None,
    *,
    corpus: str | None = None,
    settings: Settings | None = None,
) -> IndexReport:
    """Index files or folders (default: the shipped corpus) into a named corpus."""
    from coach.indexer import index_paths

    return index_paths(
        settings or get_settings(), [Path(p) for p in paths] if paths else None, corpus
    )
