"""The one module that imports ``chromadb``: named corpora as chroma collections.

Embedded and persistent under ``COACH_HOME`` by default; a ``chroma run`` server when
``COACH_CHROMA_URL`` is set. Each collection records the embedder that built it and a
revision number that grows with every write, so caches (BM25) know when to rebuild.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from coach.chunking import Chunk
from coach.errors import CorpusIndexError
from coach.names import check_corpus_name
from coach.settings import Settings

PREFIX = "mw-"
HINT_SEP = "-q"  # a question's record id is <chunk id>-q<n>; chunk ids are hex, no dash
_clients: dict[str, Any] = {}
_lock = threading.Lock()


@dataclass
class CorpusInfo:
    """What a corpus holds."""

    name: str
    chunks: int
    files: int
    embedder: str


@dataclass
class StoredChunks:
    """Everything stored in a corpus, column-wise, in a stable order."""

    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]


def _client(settings: Settings) -> Any:
    # chromadb's client set-up is not thread-safe, and a workbook warms the coach up in a
    # background thread while the person may already be clicking.
    with _lock:
        return _open_client(settings)


def _skip_iri_format_checker() -> None:
    """chromadb imports jsonschema, which imports its optional IRI format checker,
    rfc3987-syntax, and that compiles some 35 Lark grammars at import: 2.4 s of CPU in every
    workbook kernel that loads the coach (python-jsonschema/jsonschema#1428), for a format no
    schema of chromadb's uses. Marking that module absent makes jsonschema skip the checker.
    Nothing changes if jsonschema is already loaded (a Jupyter server process, say)."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _open_client(settings: Settings) -> Any:
    key = settings.chroma_url or str(settings.chroma_path)
    c = _clients.get(key)
    if c is not None:
        return c
    _skip_iri_format_checker()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            u = urlparse(settings.chroma_url)
            c = chromadb.HttpClient(
                host=u.hostname or "127.0.0.1",
                port=u.port or (443 if u.scheme == "https" else 8000),
                ssl=u.scheme == "https",
                settings=chroma_settings,
            )
            c.heartbeat()
        else:
            settings.chroma_path.mkdir(parents=True, exist_ok=True)
            c = chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    # chromadb raises many kinds; all mean "store unavailable"
    except Exception as exc:  # noqa: BLE001 (chromadb raises many kinds)
        where = settings.chroma_url or str(settings.chroma_path)
        raise CorpusIndexError(
            f"Cannot open the chroma store at {where} ({type(exc).__name__}). "
            + (
                "Start it with `chroma run --host 127.0.0.1 --port PORT --path DIR` or unset "
                "COACH_CHROMA_URL to use the embedded store."
                if settings.chroma_url
                else "Check that COACH_HOME is writable."
            )
        ) from None
    _clients[key] = c
    return c


def forget_clients() -> None:
    """Drop cached clients (tests switch COACH_HOME between cases)."""
    _clients.clear()


class Corpus:
    """A named corpus: a chroma collection of chunks, vectors and file fingerprints."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.name = check_corpus_name(name)
        self._client = _client(settings)
        self._col: Any = None

    # -- lifecycle -----------------------------------------------------------------------
    def exists(self) -> bool:
        """True when the collection is there."""
        return self._get() is not None

    def _get(self) -> Any:
        if self._col is None:
            try:
                self._col = self._client.get_collection(PREFIX + self.name)
            except Exception:  # noqa: BLE001 (chromadb's not-found error differs across versions)
                return None
        return self._col

    def create(self, embedder: str) -> None:
        """Create the collection for ``embedder`` (cosine space)."""
        self._col = self._client.get_or_create_collection(
            PREFIX + self.name,
            embedding_function=None,
            metadata={"embedder": embedder, "revision": 0},
            configuration={"hnsw": {"space": "cosine"}},
        )

    def drop(self) -> bool:
        """Delete the collection; False when there was none."""
        if not self.exists():
            return False
        self._client.delete_collection(PREFIX + self.name)
        self._col = None
        return True

    # -- metadata ------------------------------------------------------------------------
    @property
    def embedder(self) -> str | None:
        """Name of the embedder that built this corpus."""
        col = self._get()
        return None if col is None else (col.metadata or {}).get("embedder")

    @property
    def revision(self) -> int:
        """A number that changes with every write."""
        col = self._get()
        return 0 if col is None else int((col.metadata or {}).get("revision", 0))

    def count(self) -> int:
        """How many chunks are stored (not counting their question hints)."""
        col = self._get()
        return 0 if col is None else len(col.get(where={"kind": "chunk"}, include=[])["ids"])

    def _bump(self) -> None:
        col = self._get()
        meta = dict(col.metadata or {})
        meta["revision"] = int(meta.get("revision", 0)) + 1
        col.modify(metadata=meta)

    # -- files ---------------------------------------------------------------------------
    def file_states(self) -> dict[str, dict[str, str]]:
        """For each stored file path: its fingerprint and the root it was indexed under."""
        col = self._get()
        if col is None:
            return {}
        got = col.get(include=["metadatas"])
        states: dict[str, dict[str, str]] = {}
        for meta in got["metadatas"] or []:
            if meta and meta.get("path"):
                states[str(meta["path"])] = {
                    "hash": str(meta.get("file_hash", "")),
                    "root": str(meta.get("root", "")),
                }
        return states

    def replace_file(
        self,
        path: str,
        root: str,
        file_hash: str,
        chunks: list[Chunk],
        vectors: list[list[float]],
        hint_vectors: list[list[list[float]]],
    ) -> None:
        """Store the chunks of one file, replacing whatever that file had before.

        Each chunk is one record (kind ``chunk``); each question it answers (its hints) is
        one more record (kind ``hint``) whose vector points back to the chunk through
        ``parent``, so a question can match a question (multi-vector retrieval).
        """
        col = self._get()
        col.delete(where={"path": path})
        file_meta = {"path": path, "root": root, "file_hash": file_hash}
        ids, docs, metas, vecs = [], [], [], []
        for c, vec, hvecs in zip(chunks, vectors, hint_vectors):
            ids.append(c.id)
            docs.append(c.text)
            vecs.append(vec)
            metas.append(
                {
                    "kind": "chunk",
                    "title": c.title,
                    "section": c.section,
                    "source": c.source,
                    "tags": ", ".join(c.tags),
                    "sources": " | ".join(c.sources),
                    "hints": "\n".join(c.hints),
                    **file_meta,
                }
            )
            for n, (hint, hvec) in enumerate(zip(c.hints, hvecs)):
                ids.append(f"{c.id}{HINT_SEP}{n}")
                docs.append(hint)
                vecs.append(hvec)
                metas.append({"kind": "hint", "parent": c.id, **file_meta})
        for start in range(0, len(ids), 2000):  # stay under chroma's batch limit
            end = start + 2000
            col.upsert(
                ids=ids[start:end],
                embeddings=vecs[start:end],
                documents=docs[start:end],
                metadatas=metas[start:end],
            )
        self._bump()

    def remove_file(self, path: str) -> None:
        """Remove every chunk of one file."""
        self._get().delete(where={"path": path})
        self._bump()

    # -- reading -------------------------------------------------------------------------
    def all_chunks(self) -> StoredChunks:
        """Every chunk, sorted by id so that positions are stable."""
        col = self._get()
        if col is None:
            return StoredChunks([], [], [])
        got = col.get(where={"kind": "chunk"}, include=["documents", "metadatas"])
        rows = sorted(
            zip(got["ids"], got["documents"] or [], got["metadatas"] or []), key=lambda r: r[0]
        )
        return StoredChunks(
            ids=[r[0] for r in rows],
            texts=[r[1] or "" for r in rows],
            metadatas=[dict(r[2] or {}) for r in rows],
        )

    def nearest(
        self, vector: list[float], n: int
    ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """The ``n`` nearest chunks by their own vectors, and by their questions' vectors.

        Both lists hold (chunk id, cosine similarity), best first; a chunk's question score
        is the best similarity among the questions it answers.
        """
        col = self._get()
        if col is None:
            return [], []
        # Distances only: asking chroma for metadata makes a query several times slower,
        # and a question's chunk is in its id (``<chunk id>-q<n>``). Chroma caps n_results
        # at the collection size by itself.
        res = col.query(query_embeddings=[vector], n_results=n * 8, include=["distances"])
        own: dict[str, float] = {}
        asked: dict[str, float] = {}
        for rid, dist in zip(res["ids"][0], res["distances"][0]):
            parent, is_hint, _ = rid.partition(HINT_SEP)
            target = asked if is_hint else own
            sim = 1.0 - float(dist)
            if sim > target.get(parent, -2.0):
                target[parent] = sim

        def ranked(d: dict[str, float]) -> list[tuple[str, float]]:
            return sorted(d.items(), key=lambda r: -r[1])[:n]

        return ranked(own), ranked(asked)


def list_corpora(settings: Settings) -> list[CorpusInfo]:
    """Every corpus in the store, with its size and embedder."""
    out = []
    for col in _client(settings).list_collections():
        name = col if isinstance(col, str) else col.name
        if not name.startswith(PREFIX):
            continue
        corpus = Corpus(settings, name[len(PREFIX) :])
        files = {m.get("path") for m in corpus.all_chunks().metadatas}
        out.append(CorpusInfo(corpus.name, corpus.count(), len(files), corpus.embedder or "?"))
    return sorted(out, key=lambda c: c.name)
