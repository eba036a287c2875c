"""A persistent cache of document vectors, keyed by embedder and text.

Embedding the shipped corpus with the offline model takes tens of seconds on a laptop; the
cache makes re-indexing, a second corpus with the same files, or a fresh ``COACH_HOME``
nearly free. Only document texts and their vectors are stored, never keys or queries.

The shipped corpus's own vectors ship too (:data:`SHIPPED`, written by
``python -m coach.shipvectors``): a first ``mentor-coach index`` on a new machine reads
them instead of running the model for 40 s. Texts they lack (a person's own files, an
edited guide) are embedded as ever.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

Embed = Callable[[list[str]], list[list[float]]]

# The shipped corpus's vectors, in this cache's own format (one row per embedder and text).
SHIPPED = Path(__file__).parent / "data" / "vectors.sqlite3"


CREATE = "CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)"


def key_of(embedder: str, text: str) -> str:
    """A vector's key: the embedder and the text, hashed (the text is never stored)."""
    return hashlib.sha256(f"{embedder}\x00{text}".encode()).hexdigest()


def cached_embed(
    folder: Path | None, embedder: str, texts: list[str], embed: Embed
) -> list[list[float]]:
    """Vectors for ``texts``: from the cache where known, from ``embed`` for the rest."""
    if not texts:
        return []
    keys = [key_of(embedder, t) for t in texts]
    if folder is None:
        return _fill(texts, keys, {}, embed)[0]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(folder / "embeddings.sqlite3", timeout=30)
    except (OSError, sqlite3.Error):  # a cache that cannot open is not worth stopping for
        return _fill(texts, keys, {}, embed)[0]
    try:
        db.execute(CREATE)
        out, new = _fill(texts, keys, _lookup(db, keys), embed)
        if new:
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO vec (key, v) VALUES (?, ?)",
                    [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in new.items()],
                )
        return out
    finally:
        db.close()


def _fill(
    texts: list[str], keys: list[str], found: dict[str, list[float]], embed: Embed
) -> tuple[list[list[float]], dict[str, list[float]]]:
    """Every text's vector: ``found``, then the shipped vectors, then ``embed`` for the
    rest; with the vectors that were not in ``found`` (to be kept)."""
    new = shipped([k for k in keys if k not in found])
    missing = [i for i, k in enumerate(keys) if k not in found and k not in new]
    if missing:
        new.update((keys[i], list(v)) for i, v in zip(missing, embed([texts[i] for i in missing])))
    return [found[k] if k in found else new[k] for k in keys], new


def _lookup(db: sqlite3.Connection, keys: list[str]) -> dict[str, list[float]]:
    got: dict[str, list[float]] = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        marks = ",".join("?" * len(part))
        for k, blob in db.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", part):
            got[k] = np.frombuffer(blob, dtype=np.float32).tolist()
    return got


def shipped(keys: list[str]) -> dict[str, list[float]]:
    """The shipped vectors of these keys (those it has); nothing if it cannot be read."""
    if not keys or not SHIPPED.is_file():
        return {}
    try:
        db = sqlite3.connect(f"{SHIPPED.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return {}
    try:
        return _lookup(db, keys)
    except sqlite3.Error:
        return {}
    finally:
        db.close()
