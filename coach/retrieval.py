"""Hybrid retrieval: dense similarity from chroma fused with BM25 over the same chunks.

BM25 runs over the shared analysis (stems plus concept tokens, ``coach.text``) with the
``bm25s`` library; dense scores come from the corpus's embedder through chroma. The two
ranked lists are fused with weighted reciprocal-rank fusion, which needs no score
calibration between very different scorers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from coach.chunking import lexical_text
from coach.embeddings import get_embedder
from coach.errors import CorpusIndexError, QueryError
from coach.models import Passage
from coach.settings import Settings
from coach.text import get_analyzer, has_searchable_words
from coach.vectorstore import Corpus

# Fusion parameters, chosen on the evaluation set's development split (see bench/).
RRF_K = 20
W_BM25 = 1.0
W_DENSE = 0.8
W_HINTS = 1.0
CANDIDATES = 40


@dataclass
class _Lexical:
    revision: int
    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]
    bm25: Any
    vocab: dict[str, int]


_lexical: dict[tuple[str, str], _Lexical] = {}


def _lexical_index(settings: Settings, corpus: Corpus) -> _Lexical:
    """The BM25 index for ``corpus``, rebuilt only when the corpus changed."""
    key = (settings.chroma_url or str(settings.home), corpus.name)
    rev = corpus.revision
    cached = _lexical.get(key)
    if cached is not None and cached.revision == rev:
        return cached
    import bm25s

    stored = corpus.all_chunks()
    analyzer = get_analyzer()
    docs = [
        analyzer.analyse(
            lexical_text(
                str(m.get("title", "")),
                str(m.get("section", "")),
                t,
                [h for h in str(m.get("hints", "")).split("\n") if h],
            )
        ).tokens
        for t, m in zip(stored.texts, stored.metadatas)
    ]
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    if docs:
        retriever.index(docs, show_progress=False)
    vocab = dict(retriever.vocab_dict) if docs else {}
    built = _Lexical(rev, stored.ids, stored.texts, stored.metadatas, retriever, vocab)
    _lexical[key] = built
    return built


def forget_caches() -> None:
    """Drop in-process BM25 caches."""
    _lexical.clear()


def check_query(query: object, settings: Settings) -> str:
    """Return the cleaned query or raise :class:`QueryError` saying what to change."""
    if not isinstance(query, str):
        raise QueryError(f"The query must be text, not {type(query).__name__}.")
    q = " ".join(query.split())
    if not q:
        raise QueryError("The query is empty: type a few words about what you want to know.")
    if len(q) > settings.max_query_chars:
        raise QueryError(
            f"The query is too long ({len(q):,} characters; the limit is "
            f"{settings.max_query_chars:,}). Ask about one thing in a sentence or two."
        )
    return q


def hybrid_search(settings: Settings, corpus: Corpus, query: str, k: int) -> list[Passage]:
    """The ``k`` best passages for ``query``; an empty list when nothing matches."""
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 100:
        raise QueryError(f"k must be a whole number from 1 to 100, got {k!r}.")
    q = check_query(query, settings)
    if not has_searchable_words(q):
        return []
    embedder = get_embedder(settings)
    if corpus.embedder and corpus.embedder != embedder.name:
        raise CorpusIndexError(
            f"Corpus '{corpus.name}' was built with {corpus.embedder}, but the settings ask for "
            f"{embedder.name}. Run `mentor-coach index --corpus {corpus.name}` to rebuild it."
        )
    lex = _lexical_index(settings, corpus)
    if not lex.ids:
        return []
    n = min(CANDIDATES, len(lex.ids))
    pos = {cid: i for i, cid in enumerate(lex.ids)}

    tokens = [t for t in get_analyzer().analyse(q).tokens if t in lex.vocab]
    bm25_rank: list[tuple[int, float]] = []
    if tokens:
        scores = np.asarray(lex.bm25.get_scores(tokens))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        bm25_rank = sorted(
            ((int(i), float(scores[i])) for i in top if scores[i] > 0), key=lambda r: -r[1]
        )
    own, asked = corpus.nearest(_query_vector(embedder, q), n)
    dense_rank = [(pos[cid], sim) for cid, sim in own if cid in pos and sim > 0.05]
    hint_rank = [(pos[cid], sim) for cid, sim in asked if cid in pos and sim > 0.05]
    if not bm25_rank and not dense_rank and not hint_rank:
        return []

    fused: dict[int, float] = {}
    rankings = ((W_BM25, bm25_rank), (W_DENSE, dense_rank), (W_HINTS, hint_rank))
    for weight, ranking in rankings:
        if weight <= 0:
            continue
        for rank, (i, _score) in enumerate(ranking):
            fused[i] = fused.get(i, 0.0) + weight / (RRF_K + rank + 1)
    best = sorted(fused.items(), key=lambda r: -r[1])[:k]
    if not best:
        return []
    top_score = best[0][1]
    sims: dict[int, float] = {}
    for i, sim in dense_rank + hint_rank:
        sims[i] = max(sims.get(i, 0.0), sim)
    return [
        Passage.from_stored(
            lex.ids[i],
            lex.texts[i],
            lex.metadatas[i],
            round(s / top_score, 4),
            round(sims.get(i, 0.0), 4),
        )
        for i, s in best
    ]


_QUERY_VECTORS: dict[tuple[str, str], list[float]] = {}
_QUERY_VECTORS_MAX = 512


def _query_vector(embedder: Any, query: str) -> list[float]:
    """The query's embedding, remembered: drafts and agendas search with their prompt's
    fixed query, and embedding it again was most of a draft's time (a model's vectors for
    a text do not change, so there is nothing to invalidate)."""
    key = (str(getattr(embedder, "name", "")), query)
    vec = _QUERY_VECTORS.get(key)
    if vec is None:
        vec = embedder.embed_query(query)
        if len(_QUERY_VECTORS) >= _QUERY_VECTORS_MAX:
            _QUERY_VECTORS.clear()
        _QUERY_VECTORS[key] = vec
    return vec
